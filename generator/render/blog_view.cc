// The Hugo post's view-model keys (see blog_view.h). Equations are LaTeX for ```math blocks
// (KaTeX in the theme, GitHub's renderer elsewhere), built from the resolved configuration so
// every dimension in them is this model's. Never "}}" or "{{" in LaTeX: CheckMarkdown rejects both.
#include "generator/render/blog_view.h"
#include "generator/render/prose_escape.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "engine/count.h"
#include "generator/render/blog_families.h"
#include "generator/render/decoder_features.h"
#include "generator/render/diagrams.h"
#include "generator/render/family_facts.h"
#include "generator/render/format.h"
#include "generator/render/listing.h"
#include "generator/text/strings.h"

namespace render {
namespace {

using engine::ModelConfig;
using internal::Code;
using internal::Join;
using internal::N;
using internal::View;

// Items {number, text}, numbered from 1 (Markdown ordered lists that read right as source).
std::vector<View> Numbered(const std::vector<std::string>& lines) {
  std::vector<View> items;
  for (size_t i = 0; i < lines.size(); ++i)
    items.push_back(View().Text("number", std::to_string(i + 1)).Text("text", lines[i]));
  return items;
}

// A count for LaTeX: "1{,}376", since a bare comma in math mode is spaced as punctuation.
std::string M(int64_t n) {
  std::string out;
  for (char ch : N(n)) out += ch == ',' ? std::string("{,}") : std::string(1, ch);
  return out;
}

// Inline math in GitHub's syntax, $`...`$: GitHub typesets it, and so does the theme (KaTeX
// over the $<code>...</code>$ Hugo renders). Unlike $...$, Markdown leaves the TeX untouched.
std::string Im(const std::string& tex) { return "$`" + tex + "`$"; }

// A number in TeX: 1e-05 -> "10^{-5}", 1.5e-06 -> "1.5 \times 10^{-6}", 0.02 -> "0.02".
std::string TexNumber(double v) {
  if (v == 0 || (std::fabs(v) >= 1e-3 && std::fabs(v) < 1e6)) return FormatShortestDouble(v);
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  const double mantissa = v / std::pow(10.0, exponent);
  const std::string power = "10^{" + std::to_string(exponent) + "}";
  const std::string m = FormatShortestDouble(std::round(mantissa * 1e6) / 1e6);
  return m == "1" ? power : m + " \\times " + power;
}

std::string Bool(bool b) { return b ? "true" : "false"; }

// A YAML flow sequence of double-quoted strings: ["a", "b"].
std::string YamlList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& item : items) quoted.push_back(YamlQuoted(item));
  return "[" + Join(quoted, ", ") + "]";
}

// ---- equations ------------------------------------------------------------------------------

std::string AttentionMath(const ModelConfig& c) {
  const std::string feature_score = FeatureAttentionScoreMath(c);  // scale, soft-cap, window mask
  std::string m = !feature_score.empty() ? feature_score + "\n"
                                         : "\\mathrm{Attention}(Q, K, V) = \\mathrm{softmax}\\left(\\frac{Q K^\\top}{ "
                                           "\\sqrt{d_k} } + M\\right) V, \\qquad d_k = " +
                                               M(c.head_dim) + "\n";
  if (engine::UsesMla(c))  // the heads' q, k, v come from the latent projections (MLA component)
    return m + "\\mathrm{MultiHead}(X) = \\mathrm{Concat}\\left(o_1, \\dots, o_{" + M(c.num_heads) + "}\\right) W^O";
  if (c.num_kv_heads != c.num_heads && c.num_kv_heads > 0) {
    const int64_t group = c.num_heads / c.num_kv_heads;
    m += "\\mathrm{head}_i = \\mathrm{Attention}\\left(X W^Q_i,\\ X W^K_{\\lfloor i / " + M(group) +
         " \\rfloor},\\ X W^V_{\\lfloor i / " + M(group) + " \\rfloor}\\right), \\qquad i = 1, \\dots, " +
         M(c.num_heads) + "\n";
  } else {
    m += "\\mathrm{head}_i = \\mathrm{Attention}\\left(X W^Q_i,\\ X W^K_i,\\ X W^V_i\\right), "
         "\\qquad i = 1, \\dots, " +
         M(c.num_heads) + "\n";
  }
  m += "\\mathrm{MultiHead}(X) = \\mathrm{Concat}\\left(\\mathrm{head}_1, \\dots, \\mathrm{head}_{" + M(c.num_heads) +
       "}\\right) W^O";
  return m;
}

std::vector<std::string> AttentionWhere(const ModelConfig& c) {
  std::vector<std::string> w = {
      Im("X") + " is the " + Im("T \\times " + M(c.embedding_dim)) + " input of the layer, " +
          Im("T \\le " + M(c.context_length)) + " tokens",
      engine::UsesMla(c)
          ? Im("o_h") + " are the heads of the latent attention below; " + Im("W^O") + " (" +
                Im(M(c.num_heads * engine::VHeadDim(c)) + " \\times " + M(c.embedding_dim)) + ") is `attn.proj`"
          : Im("W^Q_i, W^K_i, W^V_i") + " are " + Im(M(c.embedding_dim) + " \\times " + M(c.head_dim)) +
                " slices of the fused `attn.qkv` projection; " + Im("W^O") + " (" +
                Im(M(c.num_heads * c.head_dim) + " \\times " + M(c.embedding_dim)) + ") is `attn.proj`",
      Im("M") + " is the causal mask: " + Im("M_{ij} = 0") + " where key " + Im("j \\le i") + " (the query), " +
          Im("-\\infty") + " elsewhere" +
          std::string(c.position == engine::Position::kALiBi ? ", plus the ALiBi bias below" : ""),
  };
  for (const auto& extra : FeatureAttentionWhere(c)) w.push_back(extra);
  if (c.num_kv_heads != c.num_heads && c.num_kv_heads > 0 && !engine::UsesMla(c))
    w.push_back(N(c.num_heads) + " query heads share " + N(c.num_kv_heads) + " K/V heads (" + AttentionKind(c) +
                "): each group of " + N(c.num_heads / c.num_kv_heads) + " query heads reads one K/V head, so " +
                Im("W^K_i, W^V_i") + " are those of head " +
                Im("\\lfloor i / " + M(c.num_heads / c.num_kv_heads) + " \\rfloor"));
  return w;
}

std::string FeedForwardMath(const ModelConfig& c) {
  const std::string dims = "W_1 \\in \\mathbb{R}^{" + M(c.embedding_dim) + " \\times " + M(c.hidden_dim) +
                           "},\\ W_2 \\in \\mathbb{R}^{" + M(c.hidden_dim) + " \\times " + M(c.embedding_dim) + "}";
  const std::string b1 = c.bias ? " + b_1" : "", b2 = c.bias ? " + b_2" : "";
  switch (c.activation) {
    case engine::Activation::kSwiGLU:
    case engine::Activation::kGeGLU:
    case engine::Activation::kGeGLUTanh: {
      const bool swi = c.activation == engine::Activation::kSwiGLU;
      const bool tanh = c.activation == engine::Activation::kGeGLUTanh;
      return "\\mathrm{FFN}(x) = \\left(\\mathrm{" + std::string(swi ? "SiLU" : "GELU") + "}(x W_g" +
             (c.bias ? " + b_g" : "") + ") \\odot (x W_u" + (c.bias ? " + b_u" : "") + ")\\right) W_2" + b2 +
             ", \\qquad W_g, W_u \\in \\mathbb{R}^{" + M(c.embedding_dim) + " \\times " + M(c.hidden_dim) +
             "},\\ W_2 \\in \\mathbb{R}^{" + M(c.hidden_dim) + " \\times " + M(c.embedding_dim) + "}\n" +
             (swi    ? "\\mathrm{SiLU}(z) = z\\,\\sigma(z) = \\frac{z}{1 + e^{-z} }"
              : tanh ? "\\mathrm{GELU}(z) \\approx \\frac{z}{2}\\left(1 + \\tanh\\left(\\sqrt{2/\\pi}\\,(z + "
                       "0.044715\\, z^3)\\right)\\right)"
                     : "\\mathrm{GELU}(z) = z\\,\\Phi(z)");
    }
    case engine::Activation::kGELU:
      return "\\mathrm{FFN}(x) = \\mathrm{GELU}(x W_1" + b1 + ") W_2" + b2 + ", \\qquad " + dims +
             "\n\\mathrm{GELU}(z) = z\\,\\Phi(z) = \\frac{z}{2}\\left(1 + "
             "\\mathrm{erf}\\left(\\frac{z}{ \\sqrt{2} }\\right)\\right)";
    case engine::Activation::kGELUTanh:
      return "\\mathrm{FFN}(x) = \\mathrm{GELU}(x W_1" + b1 + ") W_2" + b2 + ", \\qquad " + dims +
             "\n\\mathrm{GELU}(z) \\approx \\frac{z}{2}\\left(1 + \\tanh\\left(\\sqrt{2/\\pi}\\,"
             "(z + 0.044715\\, z^3)\\right)\\right)";
    case engine::Activation::kReLU:
      return "\\mathrm{FFN}(x) = \\max(0,\\ x W_1" + b1 + ") W_2" + b2 + ", \\qquad " + dims;
    case engine::Activation::kSiLU:
      return "\\mathrm{FFN}(x) = \\mathrm{SiLU}(x W_1" + b1 + ") W_2" + b2 + ", \\qquad " + dims +
             "\n\\mathrm{SiLU}(z) = \\frac{z}{1 + e^{-z} }";
  }
  return "";
}

std::string NormMath(const ModelConfig& c) {
  const std::string eps = TexNumber(c.norm_eps);
  if (c.norm == engine::Norm::kRMSNorm)
    return "\\mathrm{RMSNorm}(x) = \\gamma \\odot \\frac{x}{ \\sqrt{\\frac{1}{" + M(c.embedding_dim) +
           "} \\sum_{i=1}^{" + M(c.embedding_dim) + "} x_i^2 + \\epsilon} }, \\qquad \\epsilon = " + eps;
  return "\\mathrm{LayerNorm}(x) = \\gamma \\odot \\frac{x - \\mu}{ \\sqrt{\\sigma^2 + \\epsilon} } "
         "+ \\beta, \\qquad \\epsilon = " +
         eps + "\n\\mu = \\frac{1}{" + M(c.embedding_dim) + "} \\sum_{i=1}^{" + M(c.embedding_dim) +
         "} x_i, \\qquad \\sigma^2 = \\frac{1}{" + M(c.embedding_dim) + "} \\sum_{i=1}^{" + M(c.embedding_dim) +
         "} (x_i - \\mu)^2";
}

// Empty for no position encoding (nothing to write down).
std::string PositionMath(const ModelConfig& c) {
  switch (c.position) {
    case engine::Position::kLearned:
      return "h_t^{(0)} = E[x_t] + P[t], \\qquad E \\in \\mathbb{R}^{" + M(c.vocab_size) + " \\times " +
             M(c.embedding_dim) + "},\\ P \\in \\mathbb{R}^{" + M(c.context_length) + " \\times " + M(c.embedding_dim) +
             "},\\ 0 \\le t < " + M(c.context_length);
    case engine::Position::kSinusoidal:
      return "PE(t, 2i) = \\sin\\left(t / 10000^{2i/" + M(c.embedding_dim) +
             "}\\right), \\qquad PE(t, 2i+1) = \\cos\\left(t / 10000^{2i/" + M(c.embedding_dim) + "}\\right)";
    case engine::Position::kRoPE:
      return "\\begin{pmatrix} q'_{2i} \\\\ q'_{2i+1} \\end{pmatrix} = \\begin{pmatrix} "
             "\\cos t\\theta_i & -\\sin t\\theta_i \\\\ \\sin t\\theta_i & \\cos t\\theta_i "
             "\\end{pmatrix} \\begin{pmatrix} q_{2i} \\\\ q_{2i+1} \\end{pmatrix}, \\qquad "
             "\\theta_i = " +
             FormatShortestDouble(c.rope_theta) + "^{-2i/" + M(engine::RotaryDim(c)) + "},\\ 0 \\le i < " +
             M(engine::RotaryDim(c) / 2);
    case engine::Position::kALiBi:
      return "\\mathrm{score}_h(i, j) = \\frac{q_i \\cdot k_j}{ \\sqrt{d_k} } - m_h\\,(i - j), "
             "\\qquad m_h = 2^{-8h/" +
             M(c.num_heads) + "},\\ h = 1, \\dots, " + M(c.num_heads);
    case engine::Position::kNone: return "";
  }
  return "";
}

// ---- complexity -------------------------------------------------------------------------------

// The time bullet and its equation with a sliding window: L_g global layers read all T keys,
// L_w local ones at most W.
std::string WindowedTime(const ModelConfig& c) {
  const int64_t local = LocalLayerCount(c);
  const std::string ffn =
      ", linear through the projections and the feed-forward network (" + Im("L \\cdot T \\cdot C \\cdot H") + ")";
  if (local == c.num_layers)
    return "linear in the sequence length: every layer's query reads at most " + Im("W = " + M(c.sliding_window)) +
           " keys (" + Im("L \\cdot T \\cdot W \\cdot C") + ")" + ffn;
  return "quadratic in the sequence length through the attention of the " + N(c.num_layers - local) +
         " global layers (" + Im("L_g \\cdot T^2 \\cdot C") + "), linear through the " + N(local) +
         " local layers' windows of " + Im("W = " + M(c.sliding_window)) + " keys (" +
         Im("L_w \\cdot T \\cdot W \\cdot C") + ")" + ffn;
}
std::string WindowedTimeMath(const ModelConfig& c, int64_t T) {
  const int64_t L = c.num_layers, local = LocalLayerCount(c), global = L - local, W = c.sliding_window;
  const int64_t C = c.embedding_dim, H = c.hidden_dim;
  return "O\\left(L_g\\,T^2 C + L_w\\,T\\,W\\,C + L\\,T\\,C\\,H\\right) = O\\left(" + M(global) + " \\cdot " + M(T) +
         "^2 \\cdot " + M(C) + " + " + M(local) + " \\cdot " + M(T) + " \\cdot " + M(W) + " \\cdot " + M(C) + " + " +
         M(L) + " \\cdot " + M(T) + " \\cdot " + M(C) + " \\cdot " + M(H) + "\\right) = O\\left(" +
         M(global * T * T * C) + " + " + M(local * T * W * C) + " + " + M(L * T * C * H) + "\\right)";
}

// The space bullet of a model whose cache is not 2 L T h_kv d_k: rolling windows on local
// layers, MLA's compressed latent.
std::string FeatureSpace(const ModelConfig& c, int64_t T) {
  const int64_t values = KvCacheValues(c, T);
  std::string what = engine::UsesMla(c) ? "MLA's " + Im("c^{KV}") + " and " + Im("k^{R}") + ", " +
                                              N(KvValuesPerTokenLayer(c)) + " values per token and layer"
                                        : N(KvValuesPerTokenLayer(c)) + " K and V values per token and layer";
  if (c.sliding_window > 0)
    what += ", at most " + N(c.sliding_window) + " positions on each of the " + N(LocalLayerCount(c)) + " local layers";
  return "weights " + Im("O(P)") + " plus a KV cache of " + Im(M(values)) + " values for a full context of " + N(T) +
         " tokens (" + what + "; " + FormatBytes(values * 2) + " in bfloat16); attention scores take " +
         Im("O(h \\cdot T^2) = " + M(c.num_heads * T * T)) + " values per layer while they are computed";
}

View Complexity(const spec::Size& size, const engine::Report& r) {
  const ModelConfig& c = size.config;
  const int64_t L = c.num_layers, T = c.context_length, C = c.embedding_dim, H = c.hidden_dim;
  const int64_t attention_term = L * T * T * C, mlp_term = L * T * C * H;
  const engine::FlopCount f = engine::AnalyticForwardFlops(c, 1, T);
  const int64_t kv_elements = 2 * L * T * c.num_kv_heads * c.head_dim;
  const int64_t params = internal::ParametersOf(size, r).total;
  const std::string time_math = "O\\left(L\\,T^2 C + L\\,T\\,C\\,H\\right) = O\\left(" + M(L) + " \\cdot " + M(T) +
                                "^2 \\cdot " + M(C) + " + " + M(L) + " \\cdot " + M(T) + " \\cdot " + M(C) +
                                " \\cdot " + M(H) + "\\right) = O\\left(" + M(attention_term) + " + " + M(mlp_term) +
                                "\\right)";
  return View()
      .Text("time", c.sliding_window > 0
                        ? WindowedTime(c)
                        : "quadratic in the sequence length through attention (" + Im("L \\cdot T^2 \\cdot C") +
                              "), linear through the projections and the feed-forward network (" +
                              Im("L \\cdot T \\cdot C \\cdot H") + ")")
      .Text("time_math", c.sliding_window > 0 ? WindowedTimeMath(c, T) : time_math)
      .Text("time_note",
            "for one sequence of " + Im("T = " + M(T)) + " tokens (the full context), with " + Im("L = " + M(L)) +
                " layers, " + Im("C = " + M(C)) + " channels and " + Im("H = " + M(H)) +
                " hidden units; the exact count (`engine/count.cc`, FLOPs = 2 × MACs, "
                "matmuls only, " +
                (c.sliding_window > 0 ? "a local layer's query over min(p, " + N(c.sliding_window) + ") keys"
                                      : std::string("attention in full")) +
                ") is " + N(f.forward) + " FLOPs, " + N(T > 0 ? f.forward / T : 0) + " per token, LM head included")
      .Text("space",
            UsesDecoderFeatures(c) && (c.sliding_window > 0 || engine::UsesMla(c))
                ? FeatureSpace(c, T)
                : "weights " + Im("O(P)") + " plus a KV cache of " +
                      Im("2 \\cdot L \\cdot T \\cdot h_{kv} \\cdot d_k = 2 \\cdot " + M(L) + " \\cdot " + M(T) +
                         " \\cdot " + M(c.num_kv_heads) + " \\cdot " + M(c.head_dim) + " = " + M(kv_elements)) +
                      " values for a full context (" + FormatBytes(engine::KVCacheBytesPerToken(c, 2) * T) +
                      " in bfloat16); attention scores take " + Im("O(h \\cdot T^2) = " + M(c.num_heads * T * T)) +
                      " values per layer while they are computed")
      .Text("params",
            FormatCountWithShort(params) + " parameters (" + Code(size.name) + ", tied weights counted once)");
}

View FamilyComplexityView(const spec::Size& size, const engine::Report& r) {
  const BlogComplexity k = FamilyComplexity(size.config, internal::FlopsOf(size, r));
  return View()
      .Text("time_note", k.note)
      .Text("time_math", k.math)
      .Text("time", k.time)
      .Text("space", k.space)
      .Text("params",
            FormatCountWithShort(internal::ParametersOf(size, r).total) + " parameters (" + Code(size.name) + ")");
}

// ---- comparison ------------------------------------------------------------------------------

const engine::Run* FirstForwardRun(const engine::Report* r, const std::string& size_name) {
  if (!r) return nullptr;
  const engine::SizeReport* s = internal::FindSizeReport(*r, size_name);
  if (!s) return nullptr;
  for (const auto& run : s->runs)
    if (run.scenario == "forward") return &run;
  return nullptr;
}

std::vector<View> ComparisonRows(const RenderInput& in, const engine::Report& self_report) {
  std::vector<View> rows;
  const engine::Report empty;
  for (size_t i = 0; i < in.all_specs.size(); ++i) {
    const spec::Spec* other = in.all_specs[i];
    if (!other) continue;
    const bool is_self = other->slug == in.spec->slug;
    const engine::Report* report = is_self ? &self_report : (i < in.all_reports.size() ? in.all_reports[i] : nullptr);
    for (const auto& size : other->architecture.sizes) {
      const ModelConfig& c = size.config;
      const int64_t params = internal::ParametersOf(size, report ? *report : empty).total;
      const engine::FlopCount f = engine::AnalyticForwardFlops(c, 1, c.context_length);
      const engine::Run* run = FirstForwardRun(report, size.name);
      std::string throughput = "not measured", memory = "not measured";
      if (run) {
        const std::string where = " (" + run->device + " " + run->dtype + ", " + internal::RunShape(*run) + ")";
        throughput = internal::ForwardRate(*run) + where;
        memory = FormatBytes(run->weights_bytes) + " weights + " + FormatBytes(run->peak_bytes) + " peak activations" +
                 where;
      }
      rows.push_back(
          View()
              .Text("model", TableCell(is_self ? "**" + other->name + "**" : other->name))
              .Text("size_name", TableCell(size.name))
              .Text("params", FormatCountWithShort(params))
              .Text("flops_per_token", FactsOf(c).sequence && c.context_length > 0
                                           ? N(f.forward / c.context_length) + " (T = " + N(c.context_length) + ")"
                                           : "—")
              .Text("throughput", TableCell(throughput))
              .Text("memory", TableCell(memory)));
    }
  }
  return rows;
}

std::string FamilyLine(const ModelConfig& c) { return ArchitectureSummary(c); }

std::vector<View> VersusSections(const RenderInput& in, const engine::Report& r) {
  std::vector<View> out;
  const spec::Spec& self = *in.spec;
  const spec::Size& mine = internal::ProseSize(self);
  const int64_t my_params = internal::ParametersOf(mine, r).total;
  const engine::Report empty;
  for (const spec::Spec* other : in.all_specs) {
    if (!other || other->slug == self.slug || other->architecture.sizes.empty()) continue;
    // A draft post is not published: no link to it.
    const spec::Size& theirs = internal::ProseSize(*other);
    const int64_t their_params = internal::ParametersOf(theirs, empty).total;
    std::string text = Code(mine.name) + " of " + self.name + " has " + FormatCountWithShort(my_params) +
                       " parameters, " + Code(theirs.name) + " of " + other->name + " " +
                       FormatCountWithShort(their_params) + ". " + self.name + ": " + FamilyLine(mine.config) + "; " +
                       other->name + ": " + FamilyLine(theirs.config) + ".";
    out.push_back(View()
                      .Text("name", other->name)
                      .Text("text", text)
                      .Text("link", other->blog.draft ? "" : "../" + other->slug + "/"));
  }
  return out;
}

// ---- text sections ----------------------------------------------------------------------------

std::vector<std::string> TrainingProcedure(const spec::Spec& s) {
  std::vector<std::string> steps;
  const spec::Training& t = s.training;
  if (!t.datasets.empty() || !t.preprocessing.empty()) {
    std::string step = "Data";
    if (!t.datasets.empty()) step += ": " + Join(t.datasets, ", ");
    if (!t.preprocessing.empty()) step += "; preprocessing: " + Join(t.preprocessing, ", ");
    steps.push_back(step);
  }
  if (t.tokens > 0) steps.push_back("Training on " + FormatShortCount(int64_t(t.tokens)) + " tokens");
  std::vector<std::string> env;
  if (!t.hardware.empty()) env.push_back("hardware: " + t.hardware);
  if (!t.framework.empty()) env.push_back("framework: " + t.framework);
  if (!t.distributed.empty()) env.push_back("distribution: " + t.distributed);
  if (!env.empty()) steps.push_back("Environment — " + Join(env, "; "));
  if (s.has_evaluation && !s.evaluation.primary.empty()) {
    std::vector<std::string> metrics;
    for (const auto& m : s.evaluation.primary) {  // one entry per metric and dataset
      const std::string what = m.metric + (m.dataset.empty() ? "" : " on " + m.dataset);
      if (std::find(metrics.begin(), metrics.end(), what) == metrics.end()) metrics.push_back(what);
    }
    steps.push_back("Evaluation: " + Join(metrics, ", "));
  }
  return steps;
}

std::vector<View> BenchmarkRows(const spec::Spec& s) {
  std::vector<View> rows;
  std::vector<spec::Metric> all = s.evaluation.primary;
  all.insert(all.end(), s.evaluation.secondary.begin(), s.evaluation.secondary.end());
  for (const auto& m : all) {
    if (m.value.empty()) continue;  // a metric without a score is not a benchmark result
    rows.push_back(View()
                       .Text("dataset", TableCell(m.dataset.empty() ? "—" : m.dataset))
                       .Text("metric", TableCell(m.metric))
                       .Text("score", TableCell(m.value + (m.size.empty() ? "" : " (" + m.size + ")")))
                       .Text("source", TableCell(m.source.empty() ? "—" : m.source)));
  }
  return rows;
}

std::vector<View> MeasuredRows(const spec::Spec& s, const engine::Report& r) {
  std::vector<View> rows;
  for (const auto& size : r.sizes) {
    const spec::Size* spec_size = s.FindSize(size.name);  // the spec's config: what the guard estimated
    const ModelConfig& config = spec_size != nullptr ? spec_size->config : size.config;
    for (const auto& run : size.runs) {
      const bool gen = run.scenario == "generate";
      rows.push_back(
          View()
              .Text("size_name", TableCell(size.name))
              .Text("scenario", gen ? "generate (decode step)" : run.scenario)
              .Text("setup", TableCell(run.device + " " + run.dtype + ", " + internal::RunShape(run)))
              .Text("p50", FormatSeconds(run.latency_s.p50))
              .Text("throughput", gen ? internal::Throughput(run, "decode_tokens_per_s") : internal::ForwardRate(run))
              .Text("peak", FormatBytes(run.peak_bytes))
              .Text("estimate", internal::EstimatedPeakText(config, run))
              .Text("mfu", TableCell(internal::Mfu(run))));
    }
  }
  return rows;
}

// The listing counts every size on the meta device and runs the profiled size (PrimarySize): the
// size the prose describes (blog.size) may be far too large to run on the reader's CPU.
// `raw_name` is the model's name as written: it opens the listing's docstring, so it is one line
// of code text (CodeText) with no '"' or unescaped backslash that could end the string.
std::string UsageListing(const spec::Spec& s, const std::string& raw_name, const engine::Report& r,
                         const std::string& spec_path, const std::string& templates_dir) {
  std::string name;
  for (char ch : CodeText(raw_name))
    name += ch == '"' ? std::string("'") : ch == '\\' ? std::string("\\\\") : std::string(1, ch);
  std::vector<ListingSize> sizes;
  for (const auto& size : s.architecture.sizes)
    sizes.push_back({size.name, size.config, internal::ParametersOf(size, r).total});
  const int64_t seq = s.profile.sequence_lengths.empty() ? 128 : s.profile.sequence_lengths.front();
  return PyTorchListing(templates_dir, name, spec_path, sizes, internal::PrimarySize(s).name, seq);
}

std::string GeneratedConclusion(const spec::Spec& s, const spec::Size& size, const engine::Report& r) {
  const ModelConfig& c = size.config;
  const FamilyFacts x = FactsOf(c);
  const std::string base = s.architecture.base.empty() ? "model" : s.architecture.base;
  const std::string params = FormatCountWithShort(internal::ParametersOf(size, r).total) + " parameters";
  std::string text = s.name + " (" + Code(size.name) + ") is a ";
  if (x.conv_stages)
    text += c.block + "-block " + base + " with stages " + StageList(c) + " and " + params + ", for " +
            N(c.image_size) + " × " + N(c.image_size) + " images.";
  else if (x.recurrent)
    text += N(c.num_layers) + "-layer, " + N(c.hidden_dim) + "-wide " + (c.cell == "gru" ? "GRU " : "LSTM ") + base +
            " with " + params + " and a vocabulary of " + N(c.vocab_size) + " tokens.";
  else
    text += N(c.num_layers) + "-layer, " + N(c.embedding_dim) + "-wide " + AttentionKind(c) + " " + base + " with " +
            params + (x.text_context ? " and a context of " + N(c.context_length) + " tokens." : ".");
  for (const auto& measured : r.sizes) {  // the first measured forward run, naming its size
    const engine::Run* run = FirstForwardRun(&r, measured.name);
    if (!run) continue;
    const spec::Size* z = s.FindSize(measured.name);
    text += " On " + (r.environment.cpu_model.empty() ? r.environment.device : r.environment.cpu_model) + ", " +
            (measured.name == size.name
                 ? std::string("it")
                 : "size " + Code(measured.name) + (z ? " (" + internal::SizeShape(z->config) + ")" : "")) +
            " ran a forward pass at " + internal::ForwardRate(*run) + " (" + run->dtype + ", " +
            internal::RunShape(*run) + ").";
    break;
  }
  return text;
}

struct TocEntry {
  std::string title;
  bool present;
};

}  // namespace

std::string YamlQuoted(const std::string& text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(text[i]);
    // "{{" / "}}" written as "\x7B{" / "\x7D}": the same string to YAML, never a template tag.
    if ((ch == '{' || ch == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
      out += ch == '{' ? "\\x7B" : "\\x7D";
      continue;
    }
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (ch < 0x20 || ch == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", ch);
          out += buf;
        } else {
          out += char(ch);
        }
    }
  }
  return out + "\"";
}

namespace {

// What every section of the post reads: the escaped spec, the raw one (front matter), the
// report (empty when none) and the size the prose describes.
struct BlogContext {
  const RenderInput& in;
  const spec::Spec& s;
  const spec::Spec& raw;
  const spec::Blog& b;
  const engine::Report& r;
  const spec::Size& primary;
  const ModelConfig& c;
};

// Which optional sections the spec fills, and the rows that decide it.
struct BlogSections {
  bool background = false;
  std::vector<View> benchmark_rows, measured_rows;
  bool benchmarks = false;
  bool applications = false;
  std::vector<View> versus;
  bool comparison = false;
  bool limitations = false;
  std::string introduction;  // blog.introduction, else the summary
};

BlogSections SectionsOf(const BlogContext& x) {
  BlogSections p;
  p.background = !x.b.background.empty() || !x.b.prior_work.empty() || !x.b.innovations.empty();
  p.benchmark_rows = BenchmarkRows(x.s);
  p.measured_rows = MeasuredRows(x.s, x.r);
  p.benchmarks = !p.benchmark_rows.empty() || !p.measured_rows.empty();
  p.applications = !x.b.applications.empty() || p.benchmarks;
  p.versus = VersusSections(x.in, x.r);
  p.comparison = !p.versus.empty() || !x.s.architecture.use_cases.empty();
  p.limitations = !x.b.limitations.empty() || !x.b.future_work.empty();
  p.introduction = !x.b.introduction.empty() ? x.b.introduction : x.s.summary;
  return p;
}

// Front matter: YAML-quoted values of the raw spec (Hugo's templates HTML-escape them); the
// cover caption is Markdown there (the theme markdownifies it), so it is escaped prose.
void AddBlogFrontMatter(const BlogContext& x, View* v) {
  const spec::Blog& b = x.b;
  const std::string date = !b.date.empty() ? b.date : x.r.environment.date;
  v->Text("post_title", YamlQuoted(x.raw.name))
      .Text("post_date", date.empty() ? "\"\"" : date)
      .Text("post_draft", Bool(b.draft))
      .Text("post_tags", YamlList(x.s.tags))
      .Text("post_categories", YamlList(b.categories))
      .Text("post_author", YamlQuoted(!x.raw.blog.author.empty() ? x.raw.blog.author : x.in.site.author))
      .Text("post_description", YamlQuoted(!x.raw.blog.description.empty() ? x.raw.blog.description : x.raw.summary))
      .Text("post_canonical_url", YamlQuoted(project::CanonicalUrl(x.in.site, x.s.slug)))
      .Text("post_cover_image", YamlQuoted(b.has_cover ? b.cover.image : ""))
      .Text("post_cover_alt", YamlQuoted(b.has_cover ? b.cover.alt : ""))
      .Text("post_cover_caption", YamlQuoted(b.has_cover ? EscapeProse(b.cover.caption) : ""))
      .Text("post_cover_relative", Bool(b.has_cover && b.cover.relative))
      .Text("post_cover_hidden", Bool(!b.has_cover || b.cover.hidden))
      .Text("post_edit_url", YamlQuoted(project::EditUrl(x.in.site, x.in.spec_display_path)))
      .Text("post_edit_text", YamlQuoted(x.in.site.edit_text));
}

// Table of Contents: the sections the spec fills, in the seed's order.
void AddBlogTableOfContents(const BlogContext& x, const BlogSections& p, View* v) {
  const std::vector<TocEntry> toc_entries = {
      {"Introduction", !p.introduction.empty()},
      {"Background and Motivation", p.background},
      {"Architecture Overview", true},
      {"Key Components", true},
      {"Mathematical Foundations", true},
      {"Implementation", true},
      {"Training Details", x.s.has_training},
      {"Applications", p.applications},
      {"Comparison with Other Models", p.comparison},
      {"Limitations and Future Work", p.limitations},
      {"Conclusion", true},
  };
  std::vector<View> toc;
  for (const auto& e : toc_entries) {
    if (!e.present) continue;
    toc.push_back(View()
                      .Text("number", std::to_string(toc.size() + 1))
                      .Text("title", e.title)
                      .Text("anchor", text::HeadingAnchor(e.title)));
  }
  v->Items("post_toc", toc);
}

// The lead, Introduction and Background and Motivation.
void AddBlogIntroduction(const BlogContext& x, const BlogSections& p, View* v) {
  v->Text("post_lead", x.b.introduction.empty() ? "" : x.s.summary)
      .Text("post_introduction", p.introduction)
      .Flag("has_post_background_section", p.background)
      .Text("post_background", x.b.background)
      .Text("post_prior_work", x.b.prior_work)
      .Lines("post_innovations", x.b.innovations);
}

// Architecture Overview > Input and Output.
void AddBlogArchitectureOverview(const BlogContext& x, View* v) {
  const std::string input_format = x.s.inputs.empty() ? "token ids" : x.s.inputs.front().format;
  const std::string output_format = x.s.outputs.empty() ? "next-token logits" : x.s.outputs.front().format;
  v->Text("post_input", FamilyInput(x.c, input_format)).Text("post_output", FamilyOutput(x.c, output_format));
}

// Key Components, numbered in the order they are present: a decoder's attention, FFN, (MoE
// router), position encoding and norm; another family's own components.
void AddBlogKeyComponents(const BlogContext& x, View* v) {
  const ModelConfig& c = x.c;
  std::vector<View> components;
  auto component = [&](const std::string& name, const std::string& text, const std::string& math,
                       const std::vector<std::string>& where) {
    View item;
    item.Text("number", std::to_string(components.size() + 1))
        .Text("name", name)
        .Text("text", text)
        .Flag("pre_norm_placement", false)
        .Text("norm_blocks", "")
        .Lines("equations", text::SplitLines(math))  // one ```math block each
        .Lines("where", where);
    components.push_back(item);
  };
  if (engine::TraitsOf(c).kv_cache) {
    component(AttentionLabel(c), "", AttentionMath(c), AttentionWhere(c));
    if (UsesExtendedMoe(c)) {  // an expert's FFN; the dense first layers' width beside it
      ModelConfig expert = c;
      expert.hidden_dim = engine::ExpertHiddenDim(c);
      std::vector<std::string> where = {Im("x") + " is one token's " + N(c.embedding_dim) +
                                        "-dimensional vector; an expert's hidden layer has " + N(expert.hidden_dim) +
                                        " units"};
      if (c.first_dense_layers > 0)
        where.push_back("the dense feed-forward network of the first " + N(c.first_dense_layers) +
                        (c.first_dense_layers == 1 ? " layer" : " layers") + " has the same form with " +
                        N(c.hidden_dim) + " hidden units");
      component("Feed-Forward Network (" + FeedForwardLabel(c) + ")", "", FeedForwardMath(expert), where);
    } else {
      component("Feed-Forward Network (" + FeedForwardLabel(c) + ")", "", FeedForwardMath(c),
                {Im("x") + " is one token's " + N(c.embedding_dim) + "-dimensional vector; the hidden layer has " +
                 N(c.hidden_dim) + " units"});
    }
    if (UsesExtendedMoe(c)) {  // the router, after the experts' FFN
      const BlogComponent router = ExtendedRouterComponent(c);
      component(router.name, router.text, router.math, router.where);
    } else if (c.family == engine::Family::kMoe) {
      for (const auto& extra : FamilyComponents(c)) component(extra.name, extra.text, extra.math, extra.where);
    }
    component("Position Encoding (" + internal::PositionTag(c.position) + ")", "", PositionMath(c), {});
    component(
        NormLabel(c.norm), "", NormMath(c),
        {Im("\\gamma") + std::string(c.norm == engine::Norm::kLayerNorm ? " and " + Im("\\beta") + " are" : " is") +
         " learned per channel (" + N(c.embedding_dim) +
         (c.norm == engine::Norm::kLayerNorm ? " values each)" : " values)")});
    components.back().Flag("pre_norm_placement", true).Text("norm_blocks", N(c.num_layers));  // the template's sentence
    for (const auto& f : DecoderFeatureComponents(c)) component(f.name, f.text, f.math, f.where);
  } else {
    for (const auto& part : FamilyComponents(c)) component(part.name, part.text, part.math, part.where);
  }
  v->Items("post_components", components);
}

// Mathematical Foundations: the loss, the optimizer settings and the complexity analysis.
void AddBlogMathematicalFoundations(const BlogContext& x, View* v) {
  std::vector<std::string> optimization;
  for (const auto& h : x.s.training.hyperparameters) {
    if (h.key == "loss" || h.key == "batch_size" || h.key == "epochs") continue;
    optimization.push_back(internal::HyperparameterLabel(h.key) + ": " + h.value);
  }
  const View complexity =
      engine::TraitsOf(x.c).kv_cache ? Complexity(x.primary, x.r) : FamilyComplexityView(x.primary, x.r);
  v->Text("post_loss_text", FamilyLossText(x.c))
      .Text("post_loss_math", FamilyLossMath(x.c))
      .Lines("post_optimization", optimization)
      .Items("post_complexity", {complexity});
}

// Implementation: the documentation page's file list, less the weight mapping the post does
// not show, and the PyTorch listing.
void AddBlogImplementation(const BlogContext& x, View* v) {
  std::vector<View> implementation_files;
  for (const auto& [path, what] : internal::ImplementationFiles(x.s, x.c))
    if (path != "engine/weights/hf_names.cc")
      implementation_files.push_back(View().Text("path", path).Text("what", what));
  v->Text("post_usage_listing", UsageListing(x.s, x.raw.name, x.r, x.in.spec_display_path, x.in.templates_dir))
      .Text("post_listing_file", x.s.slug + ".py")
      .Items("post_implementation_files", implementation_files);
}

// Training Details: the hyperparameter table and the procedure.
void AddBlogTrainingDetails(const BlogContext& x, View* v) {
  std::vector<View> hyperparameters;
  for (const auto& h : x.s.training.hyperparameters)
    hyperparameters.push_back(View()
                                  .Text("label", TableCell(internal::HyperparameterLabel(h.key)))
                                  .Text("value", TableCell(h.value))
                                  .Text("key", Code("training.hyperparameters." + h.key)));
  v->Items("post_hyperparameters", hyperparameters).Items("post_training_procedure", Numbered(TrainingProcedure(x.s)));
}

// Applications (with the benchmark results), Comparison with Other Models, and Limitations
// and Future Work.
void AddBlogApplicationsToLimitations(const BlogContext& x, const BlogSections& p, View* v) {
  v->Flag("has_post_applications_section", p.applications)
      .Lines("post_applications", x.b.applications)
      .Flag("has_post_benchmarks", p.benchmarks)
      .Items("post_benchmark_rows", p.benchmark_rows)
      .Items("post_measured_rows", p.measured_rows)
      .Flag("has_post_comparison_section", p.comparison)
      .Items("post_comparison_rows", x.in.all_specs.size() > 1 ? ComparisonRows(x.in, x.r) : std::vector<View>{})
      .Items("post_versus", p.versus)
      .Flag("has_post_limitations_section", p.limitations)
      .Lines("post_limitations", x.b.limitations)
      .Lines("post_future_work", x.b.future_work);
}

// Conclusion, References and Further Reading.
void AddBlogConclusion(const BlogContext& x, View* v) {
  std::vector<View> references, further;
  for (size_t i = 0; i < x.s.architecture.references.size(); ++i)
    references.push_back(View()
                             .Text("number", std::to_string(i + 1))
                             .Text("citation", internal::Citation(x.s.architecture.references[i])));
  for (const auto& ref : x.b.further_reading) further.push_back(View().Text("citation", internal::Citation(ref)));
  v->Text("post_conclusion", !x.b.conclusion.empty() ? x.b.conclusion : GeneratedConclusion(x.s, x.primary, x.r))
      .Items("post_references", references)
      .Items("post_further_reading", further);
}

}  // namespace

void AddBlogPost(const RenderInput& in, internal::View* v) {
  const spec::Spec& s = *in.spec;
  const engine::Report empty_report;
  const spec::Size& primary = internal::ProseSize(s);  // the size the post's prose describes
  const BlogContext x{in, s, RawSpec(in), s.blog, in.report ? *in.report : empty_report, primary, primary.config};
  const BlogSections sections = SectionsOf(x);
  AddBlogFrontMatter(x, v);
  AddBlogTableOfContents(x, sections, v);
  AddBlogIntroduction(x, sections, v);
  AddBlogArchitectureOverview(x, v);
  AddBlogKeyComponents(x, v);
  AddBlogMathematicalFoundations(x, v);
  AddBlogImplementation(x, v);
  AddBlogTrainingDetails(x, v);
  AddBlogApplicationsToLimitations(x, sections, v);
  AddBlogConclusion(x, v);
}

}  // namespace render
