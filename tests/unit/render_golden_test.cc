// Rendering the documents: byte-for-byte golden files for specs/tiny.yaml + the results
// fixture, the seed headings, sections left out with the spec, and the checks that stop a
// broken document, and the card's evaluation conventions (no committed document shows them).
// MODELCARD_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "generator/publish/atomic_write.h"
#include "generator/render/markdown_check.h"
#include "generator/render/renderer.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"
#include "tests/unit/render_fixtures.h"

namespace fs = std::filesystem;

namespace {

using namespace test_fixtures;

std::string Render(const render::RenderInput& in, const std::string& name) {
  std::string out;
  engine::Status s = render::RenderDocument(in, name, &out);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A templates directory holding one template, removed at the end of the test.
struct TempTemplates {
  fs::path dir = fs::temp_directory_path() / ("modelcard-templates-" + std::to_string(::getpid()));
  explicit TempTemplates(const std::string& source) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "doc.mustache") << source;
  }
  ~TempTemplates() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("tiny documents match the golden files byte for byte") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const render::RenderInput in = Input(&spec, &report);
  CompareWithGolden(Render(in, "model-specification"), "tiny.card.md");
  CompareWithGolden(Render(in, "model-documentation"), "tiny.doc.md");
}

TEST_CASE("rendered documents are clean Markdown and deterministic") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const render::RenderInput in = Input(&spec, &report);
  for (const char* name : {"model-specification", "model-documentation"}) {
    const std::string doc = Render(in, name);
    CHECK(render::CheckMarkdown(doc).empty());
    CHECK_FALSE(Contains(doc, "{{"));
    CHECK_FALSE(Contains(doc, " \n"));
    CHECK_FALSE(Contains(doc, "\n\n\n"));
    CHECK(doc.back() == '\n');
    CHECK(doc.substr(doc.size() - 2) != "\n\n");
    CHECK(Render(in, name) == doc);
  }
}

TEST_CASE("the card has every section of the seed, filled from spec and results") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const std::string card = Render(Input(&spec, &report), "model-specification");
  for (const char* heading :
       {"# Tiny GPT — Model Specification\n", "\n## Tiny GPT\n", "\n## Input Modalities\n", "\n## Output Modalities\n",
        "\n## Architecture References\n", "\n## Training Configuration\n", "\n## Evaluation Metrics\n",
        "\n## Deployment Considerations\n", "\n## Versioning and Maintenance\n", "- **Base Architecture:**",
        "- **Architectural Variants:**", "- **Data Requirements:**", "- **Training Hyperparameters:**",
        "- **Training Environment:**", "- **Secondary Metrics:**", "- **Inference Optimization:**",
        "- **Scalability:**", "- **Version Control:**", "- **Maintenance Plan:**"}) {
    CHECK_MESSAGE(Contains(card, heading), heading);
  }
  // tiny.yaml has no primary metrics: that subsection is left out, not templated.
  CHECK_FALSE(Contains(card, "Primary Metrics"));
  // Dimensions come from the architecture; numbers from the exact counts and the fixture.
  CHECK(Contains(card, "context length 64 tokens, vocabulary 256 token ids, embedding dimension 64"));
  CHECK(Contains(card, "| Total | 120,576 (120.6K) | 100.0% |"));
  CHECK(Contains(card, "| LM head | 0 (tied to the token embedding) | 0.00% |"));
  CHECK(Contains(card,
                 "Forward latency p50 / throughput (tiny, cpu, float32, batch 1 × 16 tokens): "
                 "390.0 µs / 40,000 tokens/s"));
}

TEST_CASE("the documentation page has every section of the seed") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const std::string doc = Render(Input(&spec, &report), "model-documentation");
  for (const char* heading : {"# Tiny GPT Model Documentation\n",
                              "\n## 🎯 Overview\n",
                              "\n## 🏗️ Architecture\n",
                              "\n### High-Level Architecture\n",
                              "\n### Key Components\n",
                              "\n#### 1. Attention Mechanism\n",
                              "\n#### 2. Feed Forward Network\n",
                              "\n#### 3. Positional Encoding\n",
                              "\n## 📊 Model Specifications\n",
                              "\n### Available Configurations\n",
                              "\n### Configuration Parameters\n",
                              "\n## 🚀 Usage Examples\n",
                              "\n### Basic Usage\n",
                              "\n### Advanced Usage\n",
                              "\n### Command Line Usage\n",
                              "\n## 🔧 Technical Details\n",
                              "\n### Implementation\n",
                              "\n### Weight Mapping\n",
                              "\n## 📈 Performance Characteristics\n",
                              "\n### Memory Usage\n",
                              "\n### Speed Benchmarks\n",
                              "\n## 🔍 Architecture Advantages\n",
                              "\n### Key Benefits\n",
                              "\n### Use Cases\n",
                              "\n## 🛠️ Development Notes\n",
                              "\n### Configuration Files\n",
                              "\n### Implementation Files\n",
                              "\n## 📚 Related Documentation\n"}) {
    CHECK_MESSAGE(Contains(doc, heading), heading);
  }
  // tiny.yaml names no Hugging Face repository: no Repository Patterns subsection.
  CHECK_FALSE(Contains(doc, "Repository Patterns"));
  CHECK(Contains(doc, "| tiny | 120,576 (120.6K) | 64 | 2 | 4 | 4 | 256 | 64 |"));
  CHECK(Contains(doc, "modelcard profile specs/tiny.yaml --size tiny --dtype bfloat16 --batch 1 --seq 16\n"));
  CHECK(Contains(doc, "| `blocks.{i}.attn.qkv.weight` | `transformer.h.{i}.attn.c_attn.weight` | (192, 64) |"));
  CHECK(Contains(doc, "[Tiny GPT — Model Specification](../cards/tiny.md)"));
}

TEST_CASE("a spec without training has no Training Configuration section") {
  spec::Spec spec = TinySpec();
  spec.has_training = false;
  const engine::Report report = TinyReport();
  const std::string card = Render(Input(&spec, &report), "model-specification");
  CHECK_FALSE(Contains(card, "Training Configuration"));
  CHECK_FALSE(Contains(card, "Hyperparameters"));
  CHECK(Contains(card, "\n## Evaluation Metrics\n"));
}

TEST_CASE("without measurements the benchmark sections say how to measure") {
  const spec::Spec spec = TinySpec();
  engine::Report count_only = TinyReport();
  for (auto& size : count_only.sizes) size.runs.clear();
  count_only.environment = engine::Environment();
  const std::vector<const engine::Report*> reports = {&count_only, nullptr};
  for (const engine::Report* report : reports) {
    const render::RenderInput in = Input(&spec, report);
    const std::string doc = Render(in, "model-documentation");
    CHECK(Contains(doc, "\n### Speed Benchmarks\n\nNot measured yet — run `modelcard build specs/tiny.yaml`.\n"));
    CHECK_FALSE(Contains(doc, "| Size | Device |"));
    CHECK(Contains(doc, "| tiny | 120,576 (120.6K) |"));  // counts need no measurement
    const std::string card = Render(in, "model-specification");
    CHECK(Contains(card, "  - Latency and throughput: not measured yet — run `modelcard build specs/tiny.yaml`\n"));
  }
}

TEST_CASE("a scenario that could not run on the measuring machine is listed with its reason") {
  const spec::Spec spec = TinySpec();
  engine::Report report = TinyReport();
  engine::RunFailure f;
  f.scenario = "train";
  f.device = "cpu";
  f.dtype = "bfloat16";
  f.batch = 4;
  f.reason = "some `kernel` | failed\nsecond line";
  report.sizes[0].failures = {f};
  const std::string want =
      "- **Not measured on this machine:** size `tiny` bfloat16 train batch 4 on cpu (`some  kernel  / failed second "
      "line`). The other rows were measured as usual.\n";
  CHECK(Contains(Render(Input(&spec, &report), "model-documentation"), want));
  CHECK(Contains(Render(Input(&spec, &report), "model-specification"), want));
  CHECK(Contains(Render(Input(&spec, &report), "hugo-blog-post"), "; not measured on this machine: size `tiny`"));
  report.sizes[0].failures.clear();
  CHECK_FALSE(Contains(Render(Input(&spec, &report), "model-documentation"), "Not measured on this machine"));
}

TEST_CASE("other bundled models are linked and compared") {
  const spec::Spec tiny = TinySpec();
  spec::Spec other = tiny;
  other.name = "Wide GPT";
  other.slug = "wide";
  other.architecture.sizes[0].config.num_kv_heads = 1;
  other.architecture.sizes[0].config.position = engine::Position::kRoPE;
  const engine::Report report = TinyReport();
  render::RenderInput in = Input(&tiny, &report);
  in.all_specs = {&tiny, &other};
  const std::string doc = Render(in, "model-documentation");
  CHECK(Contains(doc, "- [Wide GPT](wide.md) - comparison: "));
  CHECK(Contains(doc, "| Wide GPT | tiny | "));
  CHECK(Contains(doc, "| **Tiny GPT** | tiny | 120.6K | "));
  CHECK(render::CheckMarkdown(doc).empty());
}

TEST_CASE("a document that fails the checks is an error listing every problem") {
  const spec::Spec spec = TinySpec();
  TempTemplates templates("# {{model_name}}\n\n| a | b |\n| --- | --- |\n| {{slug}} |\n\nSize: XB\n");
  render::RenderInput in = Input(&spec, nullptr);
  in.templates_dir = templates.dir.string();
  std::string out = "untouched";
  engine::Status s = render::RenderDocument(in, "doc", &out);
  CHECK(s.message() == (templates.dir / "doc.mustache").string() +
                           ": the rendered document fails the Markdown checks:\n"
                           "  line 5: table row has 1 cell, the header has 2\n"
                           "  line 7: leftover placeholder 'XB'");
  CHECK(out == "untouched");

  s = render::RenderDocument(in, "missing", &out);
  CHECK_FALSE(s.ok());
  CHECK(s.message() == (templates.dir / "missing.mustache").string() + ": no such file");
}

TEST_CASE("a mustache syntax error names the template") {
  const spec::Spec spec = TinySpec();
  TempTemplates templates("# {{#model_name}}\n");
  render::RenderInput in = Input(&spec, nullptr);
  in.templates_dir = templates.dir.string();
  std::string out;
  engine::Status s = render::RenderDocument(in, "doc", &out);
  CHECK(s.message().rfind((templates.dir / "doc.mustache").string() + ": Unclosed section", 0) == 0);
}

TEST_CASE("normalization strips trailing spaces and blank-line runs outside code") {
  CHECK(render::NormalizeMarkdown("\n\n# T  \n\n\n\ntext\t\n\n") == "# T\n\ntext\n");
  CHECK(render::NormalizeMarkdown("a\n```\n\n\nx  \n```\n\n\nb") == "a\n```\n\n\nx\n```\n\nb\n");
  CHECK(render::NormalizeMarkdown("````\n```\n\n\n````\n\n\nc\n") == "````\n```\n\n\n````\n\nc\n");
}

TEST_CASE("table cells escape pipes") {
  CHECK(render::TableCell("a | b") == "a \\| b");
  CHECK(render::TableCell("a \\| b") == "a \\| b");
  CHECK(render::TableCell("two\nlines") == "two lines");
}

TEST_CASE("standalone section and comment lines leave no blank line, whether or not they render") {
  spec::Spec spec = TinySpec();
  TempTemplates templates(
      "# T\n"
      "{{! a comment\n    on two lines }}\n"
      "A\n"
      "  {{#has_tagline}}\n"
      "B\n"
      "  {{/has_tagline}}\n"
      "{{^has_tagline}}\n"
      "C\n"
      "{{/has_tagline}}\n"
      "{{#sizes}}\n"
      "- {{size_name}}\n"
      "{{/sizes}}\n"
      "end\n");
  render::RenderInput in = Input(&spec, nullptr);
  in.templates_dir = templates.dir.string();
  std::string out;
  REQUIRE(render::RenderDocument(in, "doc", &out).ok());
  CHECK(out == "# T\nA\nB\n- tiny\nend\n");
  spec.tagline.clear();
  REQUIRE(render::RenderDocument(in, "doc", &out).ok());
  CHECK(out == "# T\nA\nC\n- tiny\nend\n");
}

TEST_CASE("several sizes: per-size dimensions, size comparison and features of any size") {
  spec::Spec spec = TinySpec();
  spec::Size wide = spec.architecture.sizes[0];
  wide.name = "wide";
  wide.config.embedding_dim = 128;
  wide.config.head_dim = 32;
  wide.config.hidden_dim = 512;
  wide.config.num_kv_heads = 2;
  spec.architecture.sizes.push_back(wide);
  const engine::Report report = TinyReport();  // measures only `tiny`
  const render::RenderInput in = Input(&spec, &report);

  const std::string card = Render(in, "model-specification");
  CHECK(Contains(card,
                 "architecture: context length 64 tokens, vocabulary 256 token ids, "
                 "embedding dimension 64 (tiny), 128 (wide)\n"));
  CHECK(Contains(card,
                 "    - `wide`: 2 layers, embedding dimension 128, 4 query heads / 2 KV heads "
                 "(GQA), FFN hidden dimension 512; 404,736 (404.7K) parameters\n"));
  CHECK(Contains(card, "\n### Size `wide`\n"));

  const std::string doc = Render(in, "model-documentation");
  CHECK(Contains(doc, "Drawn for size `tiny`; the other sizes differ"));
  CHECK(Contains(doc, "| wide | 404,736 (404.7K) | 128 | 2 | 4 | 2 | 512 | 64 |"));
  CHECK(Contains(doc, "`wide` needs 3.4× the weight memory of `tiny` in any dtype."));
  CHECK(Contains(doc,
                 "**Grouped-query attention**: in `wide`, 2 K/V heads for 4 query heads cut "
                 "the KV cache 2×"));
  CHECK(render::CheckMarkdown(doc).empty());
}

// The card's "Measured here" line states the conventions of the metrics the report measured:
// perplexity, top-k accuracy or both, joined by "; " (the template words them; the view sets
// measured_perplexity and measured_accuracy).
namespace {

constexpr const char* kPerplexity =
    "perplexity = exp(mean next-token negative log-likelihood, natural log) over non-overlapping windows of the data";
constexpr const char* kAccuracy = "top-k accuracy = the share of samples whose label is among the k highest logits";

// The card's "Measured here" line with the given evaluations added to the tiny report.
std::string MeasuredHereLine(bool perplexity, bool accuracy) {
  const spec::Spec spec = test_fixtures::TinySpec();
  engine::Report report = test_fixtures::TinyReport();
  REQUIRE(!report.sizes.empty());
  engine::MeasuredEvaluation e;
  e.dataset = "data.bin";
  e.dtype = "float32";
  e.weights = "model.safetensors";
  e.date = "2026-01-01";
  if (perplexity) {
    e.metric = "perplexity";
    e.tokens = 1000;
    e.value = 12.5;
    report.sizes.front().evaluations.push_back(e);
  }
  if (accuracy) {
    e.metric = "top-1 accuracy";
    e.samples = 100;
    e.value = 0.5;
    report.sizes.front().evaluations.push_back(e);
  }
  std::string card;
  const engine::Status s = render::RenderDocument(test_fixtures::Input(&spec, &report), "model-specification", &card);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  const size_t at = card.find("- **Measured here**");
  REQUIRE(at != std::string::npos);
  return card.substr(at, card.find('\n', at) - at);
}

std::string Expected(const std::string& conventions) {
  return "- **Measured here** (`modelcard eval` on the loaded checkpoint: " + conventions + "):";
}

}  // namespace

TEST_CASE("card: the Measured here line states the measured metrics' conventions") {
  CHECK(MeasuredHereLine(true, false) == Expected(kPerplexity));
  CHECK(MeasuredHereLine(false, true) == Expected(kAccuracy));
  CHECK(MeasuredHereLine(true, true) == Expected(std::string(kPerplexity) + "; " + kAccuracy));
}
