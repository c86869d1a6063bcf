// The Hugo blog post (templates/hugo-blog-post.mustache + render/blog_view.cc): byte-for-byte
// golden file for specs/tiny.yaml + the results fixture, every front-matter key of the seed
// exactly once, equations as ```math blocks, and the YAML string escaper.
// MODELCARD_UPDATE_GOLDEN=1 rewrites tests/golden/tiny.post.md instead of comparing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "generator/publish/atomic_write.h"
#include "generator/publish/outputs.h"
#include "engine/count.h"
#include "generator/render/blog_view.h"
#include "generator/render/decoder_features.h"
#include "generator/render/format.h"
#include "generator/text/strings.h"
#include "generator/render/markdown_check.h"
#include "generator/render/renderer.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"
#include "tests/unit/render_fixtures.h"
#include "tests/test_files.h"

namespace {

using testing_files::Slurp;

using namespace test_fixtures;

std::string RenderPost(const render::RenderInput& in) {
  std::string out;
  engine::Status s = render::RenderDocument(in, "hugo-blog-post", &out);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The YAML front matter between the first two "---" lines.
std::string FrontMatter(const std::string& post) {
  REQUIRE(post.rfind("---\n", 0) == 0);
  const size_t end = post.find("\n---\n", 4);
  REQUIRE(end != std::string::npos);
  return "\n" + post.substr(4, end - 4 + 1);  // "\n" first: every key follows a newline
}

// How many lines of `yaml` start with `key:` at exactly `indent` spaces.
int KeyCount(const std::string& yaml, const std::string& key, int indent) {
  std::istringstream lines(yaml);
  std::string line;
  int n = 0;
  const std::string prefix = std::string(indent, ' ') + key + ":";
  while (std::getline(lines, line))
    if (line.rfind(prefix, 0) == 0) ++n;
  return n;
}

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("the tiny post matches the golden file byte for byte and renders the same twice") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const render::RenderInput in = Input(&spec, &report);
  const std::string post = RenderPost(in);
  CHECK(RenderPost(in) == post);
  const std::string path = kTests + "/golden/tiny.post.md";
  const char* update = std::getenv("MODELCARD_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    REQUIRE(publish::WriteFileAtomic(path, post).ok());
    MESSAGE("rewrote " << path);
    return;
  }
  const std::string golden = Slurp(path);
  std::istringstream want(golden), got(post);
  std::string want_line, got_line;
  int line = 0;
  while (std::getline(want, want_line)) {
    ++line;
    if (!std::getline(got, got_line)) got_line = "<end of file>";
    if (want_line != got_line) break;
  }
  CHECK_MESSAGE(post == golden, path << " differs from the rendered post at line " << line
                                     << ":\n  golden:   " << want_line << "\n  rendered: " << got_line
                                     << "\nIf intended: MODELCARD_UPDATE_GOLDEN=1 unit_tests");
}

TEST_CASE("the post's front matter has every key of the seed exactly once") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const std::string yaml = FrontMatter(RenderPost(Input(&spec, &report)));
  for (const char* key : {"title",
                          "date",
                          "draft",
                          "tags",
                          "categories",
                          "author",
                          "showToc",
                          "TocOpen",
                          "hidemeta",
                          "comments",
                          "description",
                          "canonicalURL",
                          "disableHLJS",
                          "disableShare",
                          "hideSummary",
                          "searchHidden",
                          "ShowReadingTime",
                          "ShowBreadCrumbs",
                          "ShowPostNavLinks",
                          "ShowWordCount",
                          "ShowRssButtonInSectionTermList",
                          "UseHugoToc",
                          "cover",
                          "editPost"})
    CHECK_MESSAGE(KeyCount(yaml, key, 0) == 1, key);
  for (const char* key : {"image", "alt", "caption", "relative", "hidden"})
    CHECK_MESSAGE(KeyCount(yaml, key, 4) == 1, "cover.", key);
  for (const char* key : {"URL", "Text", "appendFilePath"})
    CHECK_MESSAGE(KeyCount(yaml, key, 4) == 1, "editPost.", key);
  // Values from the spec's blog: section; no value of the seed's author.
  CHECK(Contains(yaml, "\ntitle: \"Tiny GPT\"\n"));
  CHECK(Contains(yaml, "\ndate: 2024-01-01\n"));
  CHECK(Contains(yaml, "\ndraft: true\n"));
  CHECK(Contains(yaml, "\ntags: [\"text-generation\", \"transformer\", \"test-fixture\"]\n"));
  CHECK(Contains(yaml, "\ncategories: [\"testing\"]\n"));
  CHECK(Contains(yaml, "\nauthor: \"modelcard\"\n"));
  CHECK(Contains(yaml, "\n    image: \"cover.png\"\n"));
  CHECK(Contains(yaml, "\n    relative: true\n"));
  // No site configuration: no canonical URL (the theme uses the permalink), no edit link.
  CHECK(Contains(yaml, "\ncanonicalURL: \"\"\n"));
  CHECK(Contains(yaml, "\n    URL: \"\"\n"));
  CHECK(Contains(yaml, "\n    Text: \"Suggest Changes\"\n"));
  CHECK_FALSE(Contains(yaml, "ArionDas"));
  CHECK_FALSE(Contains(yaml, "ariondas"));
}

TEST_CASE("the post has the seed's sections, clean Markdown and generated math") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const std::string post = RenderPost(Input(&spec, &report));
  CHECK(render::CheckMarkdown(post).empty());
  CHECK_FALSE(Contains(post, "$$"));
  CHECK_FALSE(Contains(post, "{{"));
  CHECK(Contains(post, "\n# Tiny GPT: A two-layer GPT-style decoder for fast end-to-end tests\n"));
  for (const char* heading : {"## Table of Contents",
                              "## Introduction",
                              "## Background and Motivation",
                              "### Prior Work",
                              "### Key Innovations",
                              "## Architecture Overview",
                              "### Model Structure",
                              "### Input and Output",
                              "## Key Components",
                              "## Mathematical Foundations",
                              "### Loss Function",
                              "### Complexity Analysis",
                              "## Implementation",
                              "## Training Details",
                              "### Hyperparameters",
                              "### Training Procedure",
                              "## Applications",
                              "### Benchmark Results",
                              "## Comparison with Other Models",
                              "### When to Use This Model",
                              "## Limitations and Future Work",
                              "### Current Limitations",
                              "### Future Directions",
                              "## Interactive Elements",
                              "## Conclusion",
                              "## References",
                              "## Further Reading"})
    CHECK_MESSAGE(Contains(post, "\n" + std::string(heading) + "\n"), heading);
  CHECK(Contains(post,
                 "1. [Introduction](#introduction)\n2. [Background and Motivation]"
                 "(#background-and-motivation)\n"));
  CHECK(Count(post, "\n```math\n") >= 5);
  // Attention with the real head dimension, the FFN with the real dims, LayerNorm, the loss.
  CHECK(Contains(post,
                 "\\mathrm{softmax}\\left(\\frac{Q K^\\top}{ \\sqrt{d_k} } + M\\right) V, "
                 "\\qquad d_k = 16\n"));
  CHECK(Contains(post, "\\mathrm{Concat}\\left(\\mathrm{head}_1, \\dots, \\mathrm{head}_{4}\\right)"));
  CHECK(Contains(post, "W_1 \\in \\mathbb{R}^{64 \\times 256}"));
  CHECK(Contains(post, "\\mathrm{LayerNorm}(x)"));
  CHECK(Contains(post, "\\log p_\\theta\\left(x_t \\mid x_{<t}\\right)"));
  // Complexity in the model's own dimensions: L = 2, T = 64, C = 64, H = 256.
  CHECK(Contains(post,
                 "O\\left(2 \\cdot 64^2 \\cdot 64 + 2 \\cdot 64 \\cdot 64 \\cdot 256\\right)"
                 " = O\\left(524{,}288 + 2{,}097{,}152\\right)"));
  CHECK(Contains(post, "- **Parameters**: 120,576 (120.6K) parameters"));
  // Inline math in GitHub's $`...`$ syntax; epsilon as a power of ten.
  CHECK(Contains(post, "- $`X`$ is the $`T \\times 64`$ input of the layer, $`T \\le 64`$ tokens\n"));
  CHECK(Contains(post, "\\epsilon = 10^{-5}\n"));
  CHECK_FALSE(Contains(post, "\\epsilon = 1e-05"));
  // The PyTorch listing of this architecture, with the card's count of every size.
  CHECK(Contains(post, "### PyTorch Implementation\n"));
  CHECK(Contains(post, "PARAMETERS = {\"tiny\": 120576}"));
  CHECK(Contains(post, "self.norm1 = nn.LayerNorm(c.embedding_dim, eps=1e-05)\n"));
  CHECK(Contains(post, "return self.proj(F.gelu(self.fc(x)))\n"));
  CHECK(Contains(post, "x = x + self.pos_emb(torch.arange(T, device=ids.device))\n"));
  CHECK(Contains(post, "F.linear(self.norm_f(x), self.tok_emb.weight)"));
  // The charts beside the post, with alt text and a title.
  for (const char* chart : {"throughput.svg", "latency.svg", "memory.svg", "components.svg"})
    CHECK_MESSAGE(Contains(post, std::string("](") + chart + " \""), chart);
  CHECK(Contains(post, "The site's interactive elements"));
  CHECK_FALSE(Contains(post, "lyket"));
}

TEST_CASE("a GQA model with RoPE, RMSNorm and SwiGLU gets its own equations") {
  spec::Spec spec = TinySpec();
  engine::ModelConfig& c = spec.architecture.sizes[0].config;
  c.num_kv_heads = 2;
  c.position = engine::Position::kRoPE;
  c.norm = engine::Norm::kRMSNorm;
  c.activation = engine::Activation::kSwiGLU;
  c.bias = c.qkv_bias = false;
  const std::string post = RenderPost(Input(&spec, nullptr));
  CHECK(render::CheckMarkdown(post).empty());
  CHECK(Contains(post, "X W^K_{\\lfloor i / 2 \\rfloor}"));
  CHECK(Contains(post, "\\mathrm{RMSNorm}(x)"));
  CHECK(Contains(post, "\\mathrm{SiLU}(x W_g) \\odot (x W_u)"));
  CHECK(Contains(post, "\\theta_i = 10000^{-2i/16}"));
  CHECK(Contains(post, "self.norm1 = nn.RMSNorm(c.embedding_dim, eps=1e-05)\n"));
  CHECK(Contains(post, "q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)\n"));
  CHECK(Contains(post, "F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)"));
  CHECK(Contains(post, "return self.proj(F.silu(gate) * up)\n"));
  CHECK(Contains(post, "bias=False"));
  CHECK_FALSE(Contains(post, "pos_emb"));
  CHECK_FALSE(Contains(post, "### Benchmark Results\n\nMeasured"));  // no report, no runs
}

TEST_CASE("the listing runs the profiled size, however large the size the prose describes") {
  spec::Spec spec = TinySpec();
  spec::Size big = spec.architecture.sizes[0];
  big.name = "huge";
  big.config.num_layers = 80;
  big.config.embedding_dim = 8192;
  spec.architecture.sizes.insert(spec.architecture.sizes.begin(), big);
  spec.blog.size = "huge";        // the prose describes the 80-layer size ...
  spec.profile.sizes = {"tiny"};  // ... the engine measured the tiny one
  const std::string post = RenderPost(Input(&spec, nullptr));
  CHECK(Contains(post, "    \"huge\": Config("));      // counted on the meta device
  CHECK(Contains(post, "    c = SIZES[\"tiny\"]\n"));  // built and run for real
  CHECK_FALSE(Contains(post, "SIZES[\"huge\"]"));
}

TEST_CASE("the site configuration sets the author default, the canonical URL and the edit link") {
  spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  render::RenderInput in = Input(&spec, &report);
  in.site.author = "Site Author";
  in.site.base_url = "https://models.example.com/";
  in.site.repository_url = "https://github.com/acme/cards";
  in.site.edit_text = "Edit this model's spec";
  std::string yaml = FrontMatter(RenderPost(in));
  CHECK(Contains(yaml, "\nauthor: \"modelcard\"\n"));  // the spec's blog.author wins
  CHECK(Contains(yaml, "\ncanonicalURL: \"https://models.example.com/posts/tiny/\"\n"));
  CHECK(Contains(yaml, "\n    URL: \"https://github.com/acme/cards/edit/main/specs/tiny.yaml\"\n"));
  CHECK(Contains(yaml, "\n    Text: \"Edit this model's spec\"\n"));
  spec.blog.author.clear();
  yaml = FrontMatter(RenderPost(in));
  CHECK(Contains(yaml, "\nauthor: \"Site Author\"\n"));
}

TEST_CASE("sections the spec lacks are left out; the date never comes from the clock") {
  spec::Spec spec = TinySpec();
  spec.blog = spec::Blog();
  spec.has_blog = false;
  engine::Report report = TinyReport();
  render::RenderInput in = Input(&spec, &report);
  std::string post = RenderPost(in);
  CHECK(render::CheckMarkdown(post).empty());
  CHECK(Contains(post, "\ndate: 2024-01-01\n"));  // report.environment.date
  CHECK_FALSE(Contains(post, "## Background and Motivation"));
  CHECK_FALSE(Contains(post, "## Limitations and Future Work"));
  CHECK_FALSE(Contains(post, "## Further Reading"));
  CHECK_FALSE(Contains(post, "(#background-and-motivation)"));
  CHECK(Contains(post, "\n## Introduction\n\nA two-layer, 64-wide decoder-only transformer"));
  CHECK(Contains(post, "\n## Conclusion\n\nTiny GPT (`tiny`) is a 2-layer, 64-wide MHA"));
}

TEST_CASE("the post compares the other bundled models, measured or not") {
  const spec::Spec tiny = TinySpec();
  spec::Spec other = tiny;
  other.name = "Wide GPT";
  other.slug = "wide";
  other.architecture.sizes[0].config.num_kv_heads = 1;
  const engine::Report report = TinyReport();
  render::RenderInput in = Input(&tiny, &report);
  in.all_specs = {&tiny, &other};
  in.all_reports = {&report, nullptr};
  const std::string post = RenderPost(in);
  CHECK(render::CheckMarkdown(post).empty());
  CHECK(Contains(post, "\n### vs. Wide GPT\n"));
  CHECK(Contains(post, "| Wide GPT | tiny | "));
  CHECK(Contains(post, " | not measured | not measured |\n"));
  CHECK(Contains(post, "| **Tiny GPT** | tiny | 120,576 (120.6K) | "));
}

TEST_CASE("the post is published as a Hugo page bundle") {
  CHECK(publish::BlogPostPath("gpt2") == "site/content/posts/gpt2/index.md");
  const auto docs = publish::DocumentOutputs("gpt2");
  REQUIRE(docs.size() == 5);
  CHECK(docs[2].template_name == "hugo-blog-post");
  CHECK(docs[2].relative_path == "site/content/posts/gpt2/index.md");
}

TEST_CASE("YAML double-quoted strings escape quotes, backslashes and control characters") {
  CHECK(render::YamlQuoted("") == "\"\"");
  CHECK(render::YamlQuoted("GPT-2: \"small\"") == "\"GPT-2: \\\"small\\\"\"");
  CHECK(render::YamlQuoted("C:\\path") == "\"C:\\\\path\"");
  CHECK(render::YamlQuoted("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
  CHECK(render::YamlQuoted(std::string("x\x01y\x7f", 4)) == "\"x\\x01y\\x7F\"");
  CHECK(render::YamlQuoted("# not a comment: [x], {y}") == "\"# not a comment: [x], {y}\"");
  CHECK(render::YamlQuoted("θ = 10⁴") == "\"θ = 10⁴\"");  // UTF-8 passes through
}

TEST_CASE("heading ids follow Hugo's github style") {
  CHECK(text::HeadingAnchor("Background and Motivation") == "background-and-motivation");
  CHECK(text::HeadingAnchor("Comparison with Other Models") == "comparison-with-other-models");
  CHECK(text::HeadingAnchor("vs. GPT-2") == "vs-gpt-2");
}

// ---- the decoder features of issue 16 (render/decoder_features.cc) ---------------------------

namespace {

std::string RenderDoc(const render::RenderInput& in, const std::string& name) {
  std::string out;
  engine::Status s = render::RenderDocument(in, name, &out);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

// A tiny Gemma-2-like size: local/global layers, soft-caps, sandwich norms, embedding scale,
// query_pre_attn_scalar, GeGLU-tanh.
spec::Spec GemmaLikeSpec() {
  spec::Spec spec = TinySpec();
  engine::ModelConfig& c = spec.architecture.sizes[0].config;
  c.num_layers = 4;
  c.num_kv_heads = 2;
  c.position = engine::Position::kRoPE;
  c.norm = engine::Norm::kRMSNorm;
  c.activation = engine::Activation::kGeGLUTanh;
  c.bias = c.qkv_bias = false;
  c.sliding_window = 16;
  c.sliding_window_pattern = 2;
  c.attn_logit_softcap = 50;
  c.final_logit_softcap = 30;
  c.sandwich_norm = true;
  c.embedding_scale = true;
  c.query_pre_attn_scalar = 64;
  return spec;
}

}  // namespace

TEST_CASE("a model without the new features prints none of them") {
  const spec::Spec spec = TinySpec();
  const engine::ModelConfig& c = spec.architecture.sizes[0].config;
  CHECK_FALSE(render::UsesDecoderFeatures(c));
  CHECK(render::FeatureFlopNotes(c).empty());
  CHECK(render::DecoderFeatureComponents(c).empty());
  CHECK(render::FeatureAttentionScoreMath(c).empty());
  CHECK(render::KvCacheValues(c, 64) == 2 * 2 * 4 * 16 * 64);  // 2 layers x K,V x 4 heads x 16 dims x 64 tokens
}

TEST_CASE("sliding windows: the mask, the per-layer pattern, the rolling cache and the FLOP convention") {
  const spec::Spec spec = GemmaLikeSpec();
  const engine::ModelConfig& c = spec.architecture.sizes[0].config;
  CHECK(render::LocalLayerCount(c) == 2);  // layers 0 and 2 local, 1 and 3 global
  // Cache of 64 tokens: 2 local layers x 16 + 2 global x 64 positions, 2 x 2 x 16 values each.
  CHECK(render::KvCacheValues(c, 64) == (2 * 16 + 2 * 64) * 64);
  CHECK(render::KvCacheValues(c, 8) == 4 * 8 * 64);  // shorter than the window: every position
  const std::string post = RenderPost(Input(&spec, nullptr));
  CHECK(render::CheckMarkdown(post).empty());
  CHECK(Contains(post, "M^{\\mathrm{local}}_{ij} = \\begin{cases} 0 & i - 16 < j \\le i"));
  CHECK(Contains(post, "2 of 4 layers; layer $`\\ell`$, counted from 0, is global when $`(\\ell + 1) \\bmod 2 = 0`$"));
  CHECK(Contains(post, "rolling buffer of at most 16 positions"));
  // The scores: query_pre_attn_scalar 64 -> lambda = 1/8, capped at 50, the per-layer mask.
  CHECK(Contains(post,
                 "\\mathrm{softmax}\\left(50 \\tanh\\left(\\frac{\\lambda\\, Q K^\\top}{50}\\right) + M_\\ell"
                 "\\right) V, \\qquad \\lambda = 0.125"));
  CHECK(Contains(post, "z_t \\leftarrow 30 \\tanh\\left(\\frac{z_t}{30}\\right)"));
  CHECK(Contains(post, "h^{(0)}_t = \\sqrt{64}\\, E[x_t] = 8\\, E[x_t]"));
  CHECK(Contains(post, "\\mathrm{RMSNorm}_{\\mathrm{post}}\\left(\\mathrm{Attn}"));
  CHECK(Contains(post, "\\mathrm{GELU}(z) \\approx \\frac{z}{2}\\left(1 + \\tanh"));
  // The FLOP convention beside the full-attention figure, in the post and in every document
  // that states the convention.
  engine::ModelConfig full = c;
  full.sliding_window = 0;
  const std::string full_flops = render::FormatThousands(engine::AnalyticForwardFlops(full, 1, 64).forward);
  const std::string note = "is counted against min(p, 16) keys";
  CHECK(Contains(post, note));
  CHECK(Contains(post, full_flops + " FLOPs with attention in full on every layer"));
  for (const char* doc : {"model-specification", "model-documentation", "development-guide", "experiments-readme"}) {
    const std::string text = RenderDoc(Input(&spec, nullptr), doc);
    CHECK_MESSAGE(Contains(text, note), doc);
    CHECK_MESSAGE(render::CheckMarkdown(text).empty(), doc);
  }
  // The bfloat16 cache of the full context: (2 x 16 + 2 x 64) x 64 values x 2 bytes = 20 KiB.
  CHECK(Contains(post, "at most 16 positions on each of the 2 local layers; 20.0 KiB in bfloat16"));
  // Time: 2 global layers read all 64 keys, 2 local ones at most 16.
  CHECK(Contains(post,
                 "O\\left(2 \\cdot 64^2 \\cdot 64 + 2 \\cdot 64 \\cdot 16 \\cdot 64 + 4 \\cdot 64 \\cdot 64 \\cdot 256"
                 "\\right) = O\\left(524{,}288 + 131{,}072 + 4{,}194{,}304\\right)"));
  CHECK(Contains(post, "quadratic in the sequence length through the attention of the 2 global layers"));
}

TEST_CASE("RoPE scaling equations carry the model's factor, original context and frequency factors") {
  spec::Spec spec = TinySpec();
  engine::ModelConfig& c = spec.architecture.sizes[0].config;
  c.position = engine::Position::kRoPE;
  c.rope_theta = 500000;
  c.rope_scaling = engine::RopeScaling::kLlama3;
  c.rope_scaling_factor = 8;
  c.rope_original_context = 32;
  c.rope_low_freq_factor = 1;
  c.rope_high_freq_factor = 4;
  std::string post = RenderPost(Input(&spec, nullptr));
  CHECK(render::CheckMarkdown(post).empty());
  CHECK(Contains(post, "RoPE Scaling (Llama 3)"));
  CHECK(Contains(post, "\\theta_i & \\lambda_i < T_0 / 4 \\\\ \\theta_i / s & \\lambda_i > T_0 / 1"));
  CHECK(Contains(post, "$`s = 8`$ the scaling factor and $`T_0 = 32`$"));
  CHECK(Contains(post, "Dubey et al. 2024"));
  c.rope_scaling = engine::RopeScaling::kYarn;
  c.rope_scaling_factor = 4;
  c.rope_theta = 10000;
  post = RenderPost(Input(&spec, nullptr));
  // a = 0.1 ln 4 + 1 = 1.1386; the ramp between the correction dims of 32 and 1 rotations over
  // T_0 = 32 at d = 16: floor(16 ln(32 / (64 pi)) / (2 ln 10000)) = floor(-0.32) -> 0, and
  // ceil(16 ln(32 / (2 pi)) / (2 ln 10000)) = ceil(1.41) = 2.
  CHECK(Contains(post, "\\ \\text{scaled by}\\ a = 1.139"));
  CHECK(Contains(post, "\\gamma_i = 1 - \\mathrm{clamp}\\left(\\frac{i - 0}{2 - 0}"));
  CHECK(Contains(post, "Peng et al. 2023"));
  c.rope_scaling = engine::RopeScaling::kLinear;
  post = RenderPost(Input(&spec, nullptr));
  CHECK(Contains(post, "\\theta'_i = \\frac{\\theta_i}{s} = \\frac{\\theta_i}{4}"));
  c.rope_scaling = engine::RopeScaling::kDynamic;
  post = RenderPost(Input(&spec, nullptr));
  CHECK(Contains(post, "b' = 10000 \\left(\\frac{s\\,T}{T_0} - (s - 1)\\right)^{16/(16 - 2)}"));
  // Partial rotary: the first 8 of 16 dims rotate, and the frequencies use 8.
  c.rope_scaling = engine::RopeScaling::kNone;
  c.rotary_dim = 8;
  c.parallel_residual = true;
  c.qk_norm = true;
  post = RenderPost(Input(&spec, nullptr));
  CHECK(Contains(post, "\\theta_i = 10000^{-2i/8},\\ 0 \\le i < 4"));
  CHECK(Contains(post, "q = \\left[\\mathrm{RoPE}(q_{1:8});\\ q_{9:16}\\right]"));
  CHECK(Contains(post,
                 "x_{\\ell+1} = x_\\ell + \\mathrm{Attn}\\left(\\mathrm{LN}_1(x_\\ell)\\right) + "
                 "\\mathrm{MLP}\\left(\\mathrm{LN}_2(x_\\ell)\\right)"));
  CHECK(Contains(post, "QK-Norm"));
}

TEST_CASE("MLA and DeepSeek-style MoE: projections, compressed cache, router and FLOP convention") {
  spec::Spec spec = TinySpec();
  spec.architecture.family = engine::Family::kMoe;
  engine::ModelConfig& c = spec.architecture.sizes[0].config;
  c.family = engine::Family::kMoe;
  c.position = engine::Position::kRoPE;
  c.norm = engine::Norm::kRMSNorm;
  c.activation = engine::Activation::kSwiGLU;
  c.bias = c.qkv_bias = false;
  c.tie_embeddings = false;
  c.num_layers = 3;
  c.q_lora_rank = 24;
  c.kv_lora_rank = 32;
  c.qk_nope_head_dim = 16;
  c.qk_rope_head_dim = 8;
  c.v_head_dim = 16;
  c.num_experts = 8;
  c.experts_per_token = 2;
  c.moe_hidden_dim = 32;
  c.num_shared_experts = 1;
  c.first_dense_layers = 1;
  c.router_scoring = engine::RouterScoring::kSigmoid;
  c.router_bias = true;
  c.router_groups = 4;
  c.router_topk_groups = 2;
  c.routed_scaling_factor = 2.5;
  REQUIRE(render::UsesExtendedMoe(c));
  // Cache per token and layer: c_kv 32 + k_rope 8 = 40; standard: 3 x 4 x (24 + 16) = 480.
  CHECK(render::KvValuesPerTokenLayer(c) == 40);
  CHECK(render::StandardKvValuesPerToken(c) == 480);
  const std::string post = RenderPost(Input(&spec, nullptr));
  CHECK(render::CheckMarkdown(post).empty());
  CHECK(Contains(post, "q = \\mathrm{RMSNorm}(x W^{DQ}) W^{UQ}"));
  CHECK(Contains(post, "W^{DKV} \\in \\mathbb{R}^{64 \\times (32 + 8)}"));
  CHECK(Contains(post, "W^{UKV} \\in \\mathbb{R}^{32 \\times 4 \\cdot (16 + 16)}"));
  CHECK(Contains(post, "$`d_{qk} = 16 + 8 = 24`$"));
  CHECK(Contains(post, "would hold $`3 \\cdot 4 \\cdot (24 + 16) = 480`$"));
  CHECK(Contains(post, "s(x) = \\sigma(x W_r)"));
  CHECK(Contains(post, "\\mathrm{TopK}_{2}\\left(s(x) + b\\right)\\ \\text{within the top-}2"));
  CHECK(Contains(post, "g_e = 2.5\\, \\frac{s_e}{\\sum_{e' \\in \\mathcal{K}} s_{e'}}"));
  CHECK(Contains(post, "+ \\mathrm{FFN}_{\\mathrm{shared}}(x)"));
  CHECK(Contains(post, "the first 1 of 3 layers have a dense 256-wide MLP"));
  CHECK(Contains(post, "Multi-head latent attention is counted as computed"));
  CHECK(Contains(post,
                 "the 2 routed experts a token reaches at width 32 and the 1 shared expert as one MLP of width 32"));
  CHECK_FALSE(Contains(post, "slices of the fused `attn.qkv` projection"));  // not MLA's
  const std::string doc = RenderDoc(Input(&spec, nullptr), "model-documentation");
  CHECK(render::CheckMarkdown(doc).empty());
  CHECK(Contains(doc, "Compressed KV cache (MLA)"));
  CHECK(Contains(doc, "KV down: 64 → c_kv 32 + k_rope 8 (the cache)"));
  // The memory table holds MLA's latent cache: 3 layers x 40 values x 2 B = 240 B per token.
  CHECK(Contains(doc, "| 480 B | 240 B | 15.0 KiB (64 tokens) |"));
  CHECK(Contains(doc, "kv_lora_rank + qk_rope_head_dim = 40 values per token and layer."));
  CHECK(Contains(doc, "each pair of the 8 rotary dimensions of every query and key head (MLA's decoupled rope part"));
  CHECK(Contains(doc, "Scores over the 24 q·k dims are scaled by 0.204124"));
  CHECK_FALSE(Contains(doc, "Q, K and V come from one fused projection"));
}
