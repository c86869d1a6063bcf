// BuildViewModel: every value the templates print, computed and formatted here.
// Counts come from the Report when it has the size (measured on the instantiated model)
// and otherwise from engine/count.h (the same formulas the engine is checked against).
#include "generator/render/view_model.h"
#include "generator/render/prose_escape.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/count.h"
#include "engine/count_memory.h"
#include "engine/weights/hf_names.h"
#include "generator/publish/outputs.h"
#include "generator/render/charts.h"
#include "generator/render/decoder_features.h"
#include "generator/render/diagrams.h"
#include "generator/render/family_facts.h"
#include "generator/render/format.h"
#include "generator/render/view_helpers.h"
#include "generator/render/blog_view.h"
#include "generator/render/experiments_view.h"
#include "generator/render/guide_view.h"

namespace render {
namespace internal {

namespace km = kainjow::mustache;
using engine::ModelConfig;

// ---- small text helpers -------------------------------------------------------------------

std::string N(int64_t n) { return FormatThousands(n); }

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = char(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string Code(const std::string& s) { return "`" + s + "`"; }

// "4×" for whole ratios, "2.69×" otherwise.
std::string Ratio(double r) {
  if (std::fabs(r - std::round(r)) < 1e-9) return FormatFixed(r, 0) + "×";
  return FormatFixed(r, 2) + "×";
}

// `part` as a percentage of `whole`; a nonzero share too small to show is "< 0.01%".
std::string Share(int64_t part, int64_t whole) {
  if (whole <= 0) return "n/a";
  const double fraction = double(part) / double(whole);
  if (part != 0 && std::fabs(fraction) < 0.0001) return "< 0.01%";
  return FormatPercent(fraction);
}

std::string Plural(int64_t n, const std::string& one, const std::string& many) {
  return N(n) + " " + (n == 1 ? one : many);
}

// ---- facts about the spec and report ----------------------------------------------------

const engine::SizeReport* FindSizeReport(const engine::Report& r, const std::string& name) {
  for (const auto& s : r.sizes)
    if (s.name == name) return &s;
  return nullptr;
}

engine::ParameterCount ParametersOf(const spec::Size& size, const engine::Report& r) {
  const engine::SizeReport* measured = FindSizeReport(r, size.name);
  if (measured && measured->parameters.total > 0) return measured->parameters;
  return engine::AnalyticParameters(size.config);
}

engine::FlopCount FlopsOf(const spec::Size& size, const engine::Report& r) {
  const engine::SizeReport* measured = FindSizeReport(r, size.name);
  if (measured && measured->flops.forward > 0 && measured->flops.batch > 0 && measured->flops.sequence_length > 0)
    return measured->flops;
  return engine::AnalyticForwardFlops(size.config, 1, size.config.context_length);
}

// The size the diagrams and the configuration block show: the first profiled one.
const spec::Size& PrimarySize(const spec::Spec& s) {
  for (const auto& name : s.profile.sizes)
    if (const spec::Size* size = s.FindSize(name)) return *size;
  return s.architecture.sizes.front();
}

const spec::Size& ProseSize(const spec::Spec& s) {
  if (const spec::Size* size = s.FindSize(s.blog.size)) return *size;
  return s.architecture.sizes.front();
}

std::string SizeShape(const ModelConfig& c) {
  const FamilyFacts x = FactsOf(c);
  if (x.conv_stages) return "stages " + StageList(c) + " of " + c.block + " blocks";
  if (x.recurrent)
    return Plural(c.num_layers, c.cell == "gru" ? "GRU layer" : "LSTM layer",
                  c.cell == "gru" ? "GRU layers" : "LSTM layers") +
           ", " + N(c.hidden_dim) + " wide";
  std::string shape = Plural(c.num_layers, "layer", "layers") + ", " + N(c.embedding_dim) + " wide";
  if (c.family == engine::Family::kMoe) shape += ", " + N(c.num_experts) + " experts";
  return shape;
}

std::string MeasuredSizeNote(const spec::Spec& s, const engine::Report& r) {
  const spec::Size& prose = ProseSize(s);
  std::vector<std::string> measured;
  bool other = false;
  for (const auto& size : r.sizes) {
    if (size.runs.empty()) continue;
    const spec::Size* z = s.FindSize(size.name);
    measured.push_back(Code(size.name) + (z ? " (" + SizeShape(z->config) + ")" : ""));
    other = other || size.name != prose.name;
  }
  if (measured.empty() || !other) return "";
  return "Measured on " + std::string(measured.size() == 1 ? "size " : "sizes ") + Join(measured, ", ") +
         "; the description above is of size " + Code(prose.name) + " (" + SizeShape(prose.config) + ").";
}

// One value when every size agrees, else each distinct value with its sizes, in first-seen
// order: "4,096 (7b, 13b), 1,024 (mini)".
template <typename Fn>
std::string PerSize(const spec::Spec& s, Fn value_of) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // value -> sizes
  for (const auto& size : s.architecture.sizes) {
    const std::string value = value_of(size);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == value; });
    if (it == groups.end()) it = groups.insert(groups.end(), {value, {}});
    it->second.push_back(size.name);
  }
  if (groups.size() == 1) return groups[0].first;
  std::vector<std::string> parts;
  for (const auto& [value, sizes] : groups) parts.push_back(value + " (" + Join(sizes, ", ") + ")");
  return Join(parts, ", ");
}

std::string PositionShort(const ModelConfig& c) {
  switch (c.position) {
    case engine::Position::kLearned:
      return "Learned absolute position embeddings (" + N(c.context_length) + " × " + N(c.embedding_dim) + ")";
    case engine::Position::kSinusoidal: return "Fixed sinusoidal position encodings";
    case engine::Position::kRoPE:
      return "Rotary position embeddings (RoPE) on queries and keys, θ = " + FormatShortestDouble(c.rope_theta);
    case engine::Position::kALiBi: return "ALiBi linear biases on attention scores";
    case engine::Position::kNone: return "No positional encoding (order only through the causal mask)";
  }
  return "";
}

std::string PositionTag(engine::Position p) {
  switch (p) {
    case engine::Position::kLearned: return "learned positions";
    case engine::Position::kSinusoidal: return "sinusoidal positions";
    case engine::Position::kRoPE: return "RoPE";
    case engine::Position::kALiBi: return "ALiBi";
    case engine::Position::kNone: return "no positions";
  }
  return "";
}

std::string BiasFeature(const ModelConfig& c) {
  if (c.bias && c.qkv_bias) return "Biases in every linear layer";
  if (!c.bias && !c.qkv_bias) return "No biases in the linear layers";
  if (c.qkv_bias) return "Biases only in the Q, K, V projections";
  return "Biases in the linear layers except the Q, K, V projections";
}

std::string ComponentLabel(const std::string& key, const ModelConfig& c) {
  if (key == "embedding") {
    if (c.family == engine::Family::kEncoder) return "Embeddings (token + position + token type, with their LayerNorm)";
    if (c.family == engine::Family::kVit) return "Embeddings (patch projection, [CLS] token, positions)";
    if (c.family == engine::Family::kAudio) return "Decoder embeddings (token + learned positions)";
    return c.position == engine::Position::kLearned && c.family != engine::Family::kRecurrent
               ? "Embeddings (token + learned positions)"
               : "Token embedding";
  }
  if (key == "router") return "MoE router";
  if (key == "pooler") return "Pooler";
  if (key == "head")
    return c.family == engine::Family::kEncoder && c.head == "mlm" ? "MLM head" : "Classification head";
  if (key == "stem") return "Stem (7×7 conv + batch norm)";
  if (key == "stages") return "Residual stages (convolutions, batch norms, downsampling)";
  if (key == "frontend") return "Conv front end";
  if (key == "cross_attention") return "Cross-attention";
  if (key == "recurrent") return (c.cell == "gru" ? "GRU" : "LSTM") + std::string(" layers");
  if (key == "conv") return "Convolutions";
  if (key == "attention") return "Attention (Q, K, V and output projections)";
  if (key == "mlp") return "Feed-forward: " + FeedForwardLabel(c);
  if (key == "norm") return "Norms (" + NormLabel(c.norm) + ")";
  if (key == "lm_head") return "LM head";
  if (key == "attention_projections") return "Attention projections (Q, K, V, output)";
  if (key == "attention_scores")
    return c.sliding_window > 0 ? "Attention scores QKᵀ and mixing AV (in full; min(p, " + N(c.sliding_window) +
                                      ") keys on local layers)"
                                : "Attention scores QKᵀ and mixing AV (in full)";
  if (key == "softmax") return "Softmax";
  if (key == "activation") return "Activation: " + ActivationLabel(c.activation);
  if (key == "residual") return "Residual adds";
  if (key == "rope") return "RoPE rotations";
  return key;
}

std::string HyperparameterLabel(const std::string& key) {
  if (key == "learning_rate") return "Learning rate";
  if (key == "batch_size") return "Batch size";
  if (key == "optimizer") return "Optimizer";
  if (key == "loss") return "Loss function";
  if (key == "epochs") return "Epochs";
  std::string label = key.rfind("lr_", 0) == 0 ? "LR_" + key.substr(3) : key;
  std::replace(label.begin(), label.end(), '_', ' ');
  return Capitalize(label);
}

std::string MetricText(const spec::Metric& m) {
  std::string text = m.metric;
  if (!m.dataset.empty()) text += " on " + m.dataset;
  if (!m.size.empty()) text += " (" + m.size + ")";
  if (!m.value.empty()) text += ": " + m.value;
  if (!m.source.empty()) text += " — source: " + m.source;
  return text;
}

std::string Citation(const spec::Reference& r) {
  std::string text = r.url.empty() ? r.title : "[" + r.title + "](" + r.url + ")";
  std::vector<std::string> by;
  if (!r.authors.empty()) by.push_back(r.authors);
  if (r.year > 0) by.push_back(std::to_string(r.year));
  if (!by.empty()) text += " — " + Join(by, ", ");
  return text;
}

std::string RunShape(const engine::Run& r) {
  if (r.scenario == "generate")
    return "batch " + N(r.batch) + ", " + N(r.prompt_tokens) + "-token prompt + " + N(r.new_tokens) + " new tokens";
  if (r.sequence_length > 0) return "batch " + N(r.batch) + " × " + N(r.sequence_length) + " tokens";
  if (!r.throughput.empty() && r.throughput.front().first == "images_per_s") return "batch " + N(r.batch) + " images";
  if (!r.throughput.empty() && r.throughput.front().first == "audio_seconds_per_s")
    return "batch " + N(r.batch) + " audio chunks";
  return "batch " + N(r.batch);
}

std::string RateUnit(const std::string& key) {
  if (key == "images_per_s") return "images";
  if (key == "audio_seconds_per_s") return "s of audio";
  if (key == "samples_per_s") return "samples";
  return "tokens";  // tokens_per_s, prefill_tokens_per_s, decode_tokens_per_s
}

std::string ForwardRate(const engine::Run& r) {
  if (r.throughput.empty()) return "not recorded";
  return FormatRate(r.throughput.front().second, RateUnit(r.throughput.front().first));
}

std::string Throughput(const engine::Run& r, const std::string& key) {
  for (const auto& [name, value] : r.throughput)
    if (name == key) return FormatRate(value, RateUnit(key));
  return "not recorded";
}

std::string Mfu(const engine::Run& r) { return r.mfu > 0 ? FormatPercent(r.mfu) : "n/a (no peak calibrated)"; }

std::string BytesExact(int64_t bytes) {
  if (bytes < 1024) return N(bytes) + " B";
  return N(bytes) + " B (" + FormatBytes(bytes) + ")";
}

// ---- card: modalities, references, sizes -------------------------------------------------

std::string TextInputDimensions(const spec::Spec& s) {
  return "context length " + PerSize(s, [](const spec::Size& z) { return N(z.config.context_length); }) +
         " tokens, vocabulary " + PerSize(s, [](const spec::Size& z) { return N(z.config.vocab_size); }) +
         " token ids, embedding dimension " + PerSize(s, [](const spec::Size& z) { return N(z.config.embedding_dim); });
}

std::string TextOutputDimensions(const spec::Spec& s) {
  return "logits of shape (batch, tokens, " + PerSize(s, [](const spec::Size& z) { return N(z.config.vocab_size); }) +
         "), one score per vocabulary entry at every position";
}

// What the architecture itself fixes about an input or output of `modality` (empty when it
// fixes nothing the spec's own text does not say).
std::string ArchitectureDimensions(const spec::Spec& s, const std::string& modality, bool inputs) {
  const engine::Family family = s.architecture.family;
  auto per = [&](auto fn) { return PerSize(s, fn); };
  if (modality == "text") {
    if (family == engine::Family::kRecurrent)
      return inputs ? "any length, vocabulary " + per([](const spec::Size& z) { return N(z.config.vocab_size); }) +
                          " token ids, embedding dimension " +
                          per([](const spec::Size& z) { return N(z.config.embedding_dim); })
                    : TextOutputDimensions(s);
    if (family == engine::Family::kEncoder && !inputs)
      return "hidden states of shape (batch, tokens, " +
             per([](const spec::Size& z) { return N(z.config.embedding_dim); }) + ")" +
             (PrimarySize(s).config.pooler ? " and a pooled (batch, embedding) vector" : "");
    if (family == engine::Family::kAudio)
      return inputs ? ""
                    : "logits of shape (batch, text tokens ≤ " +
                          per([](const spec::Size& z) { return N(z.config.context_length); }) + ", " +
                          per([](const spec::Size& z) { return N(z.config.vocab_size); }) + ")";
    return inputs ? TextInputDimensions(s) : TextOutputDimensions(s);
  }
  if (modality == "image" && inputs) {
    return "height × width × channels = " + per([](const spec::Size& z) {
             return N(z.config.image_size) + " × " + N(z.config.image_size) + " × " + N(z.config.channels);
           }) +
           ", resized (shorter side 256) and center-cropped, scaled to [0, 1] and normalized per channel with "
           "mean (0.485, 0.456, 0.406) and standard deviation (0.229, 0.224, 0.225) (engine/preprocess/image.cc)";
  }
  if (modality == "audio" && inputs) {
    const ModelConfig& c = PrimarySize(s).config;
    return "sample rate " + N(c.sample_rate) + " Hz; frame (window) " + N(c.n_fft) +
           " samples = " + FormatShortestDouble(1000.0 * c.n_fft / c.sample_rate) + " ms, hop " + N(c.hop_length) +
           " samples = " + FormatShortestDouble(1000.0 * c.hop_length / c.sample_rate) + " ms; " + N(c.n_mels) +
           " mel bins; " + FormatShortestDouble(c.chunk_seconds) + " s chunks = " + N(engine::AudioFrames(c)) +
           " frames (engine/preprocess/audio.cc)";
  }
  if (!inputs && engine::TraitsOf(family).image_input) {
    return "logits of shape (batch, " + per([](const spec::Size& z) { return N(z.config.num_classes); }) +
           "), one per class";
  }
  return "";
}

std::vector<View> Modalities(const spec::Spec& s, const std::vector<spec::Modality>& list, bool inputs) {
  std::vector<View> out;
  for (const auto& m : list) {
    std::string dims = m.dimensions;
    const std::string arch = ArchitectureDimensions(s, m.modality, inputs);
    if (!arch.empty()) dims = dims.empty() ? Capitalize(arch) : dims + "; architecture: " + arch;
    out.push_back(View()
                      .Text("label", Capitalize(m.modality))  // "text" -> "Text"
                      .Text("format", m.format)
                      .Text("processing", Join(m.processing, ", "))
                      .Text("dimensions", dims));
  }
  return out;
}

std::string SizeSummary(const spec::Size& size, const engine::Report& r) {
  const ModelConfig& c = size.config;
  const std::string params = FormatCountWithShort(ParametersOf(size, r).total) + " parameters";
  if (c.family == engine::Family::kResNet) {
    std::string stages;
    for (size_t i = 0; i < c.stages.size(); ++i) stages += (i ? ", " : "") + N(c.stages[i]);
    return c.block + " blocks in stages of [" + stages + "], base width " + N(c.base_width) + ", " + N(c.image_size) +
           " × " + N(c.image_size) + " input, " + N(c.num_classes) + " classes; " + params;
  }
  if (c.family == engine::Family::kRecurrent)
    return Plural(c.num_layers, c.cell == "gru" ? "GRU layer" : "LSTM layer",
                  c.cell == "gru" ? "GRU layers" : "LSTM layers") +
           ", hidden dimension " + N(c.hidden_dim) + ", embedding dimension " + N(c.embedding_dim) + ", vocabulary " +
           N(c.vocab_size) + "; " + params;
  std::string extra;
  if (c.family == engine::Family::kAudio)
    extra = ", " + N(c.decoder_layers) + " decoder layers, " + N(c.n_mels) + " mel bins";
  if (c.family == engine::Family::kVit)
    extra = ", patch " + N(c.patch_size) + " at " + N(c.image_size) + " × " + N(c.image_size);
  if (c.family == engine::Family::kMoe)
    extra = ", " + N(c.num_experts) + " experts (top-" + N(c.experts_per_token) + ")" +
            (UsesExtendedMoe(c) ? " of width " + N(engine::ExpertHiddenDim(c)) +
                                      (c.num_shared_experts > 0 ? " + " + N(c.num_shared_experts) + " shared" : "")
                                : "");
  const std::string heads = c.num_kv_heads == c.num_heads ? Plural(c.num_heads, "attention head", "attention heads")
                                                          : Plural(c.num_heads, "query head", "query heads") + " / " +
                                                                Plural(c.num_kv_heads, "KV head", "KV heads");
  return Plural(c.num_layers, "layer", "layers") + ", embedding dimension " + N(c.embedding_dim) + ", " + heads + " (" +
         AttentionKind(c) + "), FFN hidden dimension " + N(c.hidden_dim) + extra + "; " + params;
}

// One row per parameter component: label, exact count with its short form, share of the total.
std::vector<View> ComponentRows(const spec::Size& size, const engine::Report& r) {
  const ModelConfig& c = size.config;
  const engine::ParameterCount p = ParametersOf(size, r);
  std::vector<View> components;
  for (const auto& [key, n] : p.by_component) {
    std::string count = FormatCountWithShort(n);
    if (key == "lm_head" && n == 0 && c.tie_embeddings) count = "0 (tied to the token embedding)";
    components.push_back(
        View().Text("label", TableCell(ComponentLabel(key, c))).Text("count", count).Text("share", Share(n, p.total)));
  }
  return components;
}

View SizeTables(const spec::Size& size, const engine::Report& r) {
  const ModelConfig& c = size.config;
  const engine::ParameterCount p = ParametersOf(size, r);
  auto share = [&](int64_t n) { return Share(n, p.total); };
  auto row = [&](const std::string& label, int64_t n) {
    return View().Text("label", label).Text("count", FormatCountWithShort(n)).Text("share", share(n));
  };
  std::vector<View> totals = {row("Total", p.total), row("Trainable", p.trainable)};
  if (!FactsOf(c).conv_stages) {  // a CNN has no embedding: every parameter is non-embedding
    totals.push_back(row(ComponentLabel("embedding", c), p.embedding));
    totals.push_back(row("Non-embedding", p.non_embedding));
  }
  const std::vector<View> components = ComponentRows(size, r);

  const engine::FlopCount f = FlopsOf(size, r);
  std::vector<View> flops;
  for (const auto& [key, n] : f.by_component) {
    flops.push_back(View()
                        .Text("label", TableCell(ComponentLabel(key, c)))
                        .Text("flops", N(n))
                        .Text("macs", N(n / 2))
                        .Text("share", Share(n, f.forward)));
  }
  std::vector<View> elementwise;
  for (const auto& [key, n] : f.elementwise)
    elementwise.push_back(View().Text("label", TableCell(ComponentLabel(key, c))).Text("flops", N(n)));
  const int64_t tokens = f.batch * f.sequence_length;
  return View()
      .Text("size_name", size.name)
      .Items("parameter_totals", totals)
      .Items("parameter_components", components)
      .Items("flop_components", flops)
      .Items("elementwise_flops", elementwise)
      .Text("flops_total", FormatCountWithShort(f.forward))
      .Text("macs_total", FormatCountWithShort(f.forward_macs))
      .Text("flops_shape",
            !FactsOf(c).sequence
                ? "batch " + N(f.batch) + " × " + N(c.image_size) + " × " + N(c.image_size) + " images"
                : "batch " + N(f.batch) + " × " + N(f.sequence_length) + " tokens" +
                      (FactsOf(c).text_context && f.sequence_length == c.context_length ? " (the full context)" : ""))
      .Text("flops_per_token", FactsOf(c).sequence && tokens > 0 ? N(f.forward / tokens) : "");
}

// ---- card: evaluation, training, deployment, maintenance ---------------------------------

std::vector<std::string> MeasuredMetrics(const spec::Spec& s, const engine::Report& r,
                                         const std::string& build_command) {
  std::vector<std::string> lines;
  for (const auto& size : s.architecture.sizes) {
    const engine::FlopCount f = FlopsOf(size, r);
    const int64_t params = ParametersOf(size, r).total;
    lines.push_back("Parameters (" + size.name + "): " + FormatCountWithShort(params) + ", tied weights counted once");
    if (f.batch * f.sequence_length > 0) {
      const int64_t per_token = f.forward / (f.batch * f.sequence_length);
      lines.push_back("Forward FLOPs per token (" + size.name + ", " + N(f.sequence_length) + "-token sequence): " +
                      N(per_token) + " (" + FormatFlops(double(per_token)) + "), FLOPs = 2 × MACs, matmuls only");
    }
    lines.push_back("Weights size (" + size.name + "): " + FormatBytes(params * engine::DtypeBytes("float32")) +
                    " in float32, " + FormatBytes(params * engine::DtypeBytes("bfloat16")) + " in bfloat16");
  }
  bool any_run = false;
  for (const auto& size : r.sizes) {
    for (const auto& run : size.runs) {
      any_run = true;
      const std::string where = size.name + ", " + run.device + ", " + run.dtype + ", " + RunShape(run);
      if (run.scenario == "generate") {
        lines.push_back("Decode latency p50 per token / decode throughput (" + where +
                        "): " + FormatSeconds(run.latency_s.p50) + " / " + Throughput(run, "decode_tokens_per_s"));
      } else if (run.scenario == "train") {
        lines.push_back("Training step p50 / training throughput (" + where + ", forward + backward + AdamW): " +
                        FormatSeconds(run.latency_s.p50) + " / " + ForwardRate(run));
      } else {
        lines.push_back("Forward latency p50 / throughput (" + where + "): " + FormatSeconds(run.latency_s.p50) +
                        " / " + ForwardRate(run));
      }
    }
  }
  if (!any_run) lines.push_back("Latency and throughput: not measured yet — run " + Code(build_command));
  return lines;
}

void AddTraining(const spec::Training& t, View* v) {
  std::vector<View> hyper;
  for (const auto& h : t.hyperparameters)
    hyper.push_back(View().Text("label", HyperparameterLabel(h.key)).Text("value", h.value));
  if (t.tokens > 0)
    hyper.push_back(View().Text("label", "Training tokens").Text("value", FormatShortCount(std::llround(t.tokens))));
  const bool has_data = !t.datasets.empty() || !t.preprocessing.empty();
  const bool has_env = !t.hardware.empty() || !t.framework.empty() || !t.distributed.empty();
  v->Flag("has_data_requirements", has_data)
      .Text("datasets", Join(t.datasets, ", "))
      .Text("data_preprocessing", Join(t.preprocessing, ", "))
      .Items("hyperparameters", hyper)
      .Flag("has_training_environment", has_env)
      .Text("hardware", t.hardware)
      .Text("framework", t.framework)
      .Text("distributed", t.distributed);
}

// ---- documentation page ------------------------------------------------------------------

namespace {

// "Sizes, with parameter counts: `small` (124M), ...": the last key feature of every family.
std::string SizesFeature(const spec::Spec& s, const engine::Report& r) {
  std::vector<std::string> sizes;
  for (const auto& size : s.architecture.sizes)
    sizes.push_back(Code(size.name) + " (" + FormatShortCount(ParametersOf(size, r).total) + ")");
  return "Sizes, with parameter counts: " + Join(sizes, ", ");
}

std::string FamilyBase(const spec::Spec& s) {
  return engine::TraitsOf(s.architecture.family).display_name + std::string(" ") +
         (s.architecture.base.empty() ? "transformer" : s.architecture.base);
}

// Key features of a CNN (ResNet): blocks, widths, input, head.
std::vector<std::string> ConvKeyFeatures(const spec::Spec& s, const ModelConfig& c, const engine::Report& r) {
  const bool classifier = FactsOf(c).classifier;
  const bool bottleneck = c.block == "bottleneck";
  return {
      FamilyBase(s) + ": " + (bottleneck ? "bottleneck" : "basic") + " residual blocks in " +
          Plural(static_cast<int64_t>(c.stages.size()), "stage", "stages") + " of " + StageList(c) + " blocks",
      "Widths: a " + N(c.base_width) + "-channel stem, stage outputs of " + StageWidths(c) +
          " channels; each stage after the first halves the resolution",
      "Input " + N(c.image_size) + " × " + N(c.image_size) + " × " + N(c.channels) +
          " images; batch normalization after every convolution, ReLU",
      "Global average pooling, then " +
          (classifier ? "a fully connected layer over " + N(c.num_classes) + " classes" : std::string("no classifier")),
      "Convolutions only: no attention and no position encoding",
      SizesFeature(s, r),
  };
}

// Key features of an RNN language model: layers, order, head.
std::vector<std::string> RecurrentKeyFeatures(const spec::Spec& s, const ModelConfig& c, const engine::Report& r) {
  const std::string cell = c.cell == "gru" ? "GRU" : "LSTM";
  return {
      FamilyBase(s) + ": " + Plural(c.num_layers, cell + " layer", cell + " layers") + ", hidden dimension " +
          N(c.hidden_dim) + ", embedding dimension " + N(c.embedding_dim) + ", vocabulary of " + N(c.vocab_size) +
          " tokens",
      "Order is carried by the recurrent state: no attention and no position encoding",
      c.tie_embeddings && c.embedding_dim == c.hidden_dim
          ? "LM head tied to the token embedding"
          : "Separate (untied) LM head " + N(c.hidden_dim) + " → " + N(c.vocab_size),
      SizesFeature(s, r),
  };
}

// A transformer's first key feature: layers, width and what its tokens are.
std::string TransformerShape(const spec::Spec& s, const ModelConfig& c) {
  const FamilyFacts x = FactsOf(c);
  std::string shape =
      FamilyBase(s) + ": " + Plural(c.num_layers, "layer", "layers") + ", embedding dimension " + N(c.embedding_dim);
  if (x.patches)
    shape += ", " + N(SequenceLength(c)) + " tokens from " + N(c.patch_size) + " × " + N(c.patch_size) +
             " patches of " + N(c.image_size) + " × " + N(c.image_size) + " images";
  if (x.audio)
    shape += ", " + N(c.n_mels) + " mel bins" +
             (c.decoder_layers > 0 ? ", " + Plural(c.decoder_layers, "text decoder layer", "text decoder layers")
                                   : std::string(", encoder only"));
  if (x.vocabulary) shape += ", vocabulary of " + N(c.vocab_size) + " tokens";
  if (x.text_context) shape += ", context of " + N(c.context_length) + " tokens";
  return shape;
}

// A transformer's position-encoding key feature.
std::string PositionFeature(const ModelConfig& c) {
  if (c.family == engine::Family::kVit)
    return "Learned absolute position embeddings (" + N(SequenceLength(c)) + " × " + N(c.embedding_dim) + ")";
  if (c.family == engine::Family::kAudio)
    return "Fixed sinusoidal positions on the audio frames" +
           std::string(c.decoder_layers > 0 ? "; learned positions (" + N(c.context_length) + " × " +
                                                  N(c.embedding_dim) + ") in the text decoder"
                                            : "");
  if (c.family == engine::Family::kEncoder)
    return "Learned absolute position embeddings (" + N(c.context_length) + " × " + N(c.embedding_dim) + ")";
  return PositionShort(c);
}

// A transformer's output key feature (LM head, classifier or hidden states); "" for none.
std::string OutputFeature(const ModelConfig& c) {
  const FamilyFacts x = FactsOf(c);
  if (x.lm_head)
    return c.family == engine::Family::kEncoder ? "MLM head tied to the token embedding"
           : c.tie_embeddings                   ? "LM head tied to the token embedding"
                                                : "Separate (untied) LM head";
  if (c.family == engine::Family::kEncoder)
    return x.classifier ? "Classifier over " + N(c.num_classes) + " classes on the pooled output"
           : c.pooler   ? "Outputs hidden states and a pooled vector; no LM head"
                        : "Outputs hidden states; no LM head";
  if (c.family == engine::Family::kVit || c.family == engine::Family::kAudio)
    return x.classifier ? "Classification head over " + N(c.num_classes) + " classes on the " +
                              std::string(c.pool == "cls" ? "[CLS] token" : "mean patch token")
                        : std::string("Outputs features; no LM head");
  return "";
}

}  // namespace

std::vector<std::string> KeyFeatures(const spec::Spec& s, const ModelConfig& c, const engine::Report& r) {
  if (FactsOf(c).conv_stages) return ConvKeyFeatures(s, c, r);
  if (FactsOf(c).recurrent) return RecurrentKeyFeatures(s, c, r);
  std::string ffn = "Feed-forward: " + FeedForwardLabel(c);
  if (c.hidden_dim > 0 && c.embedding_dim > 0)
    ffn += " (hidden dimension " + Ratio(double(c.hidden_dim) / c.embedding_dim) + " the embedding dimension)";
  const bool post_norm = c.family == engine::Family::kEncoder && c.norm_position == "post";
  std::vector<std::string> out = {
      TransformerShape(s, c),
      AttentionLabel(c) + ", head dimension " +
          (engine::UsesMla(c) ? N(engine::QkHeadDim(c)) + " (q·k) and " + N(engine::VHeadDim(c)) + " (values)"
                              : N(c.head_dim)),
      post_norm ? NormLabel(c.norm) + " after each residual add (post-norm), ε = " + FormatShortestDouble(c.norm_eps) +
                      ", and one on the summed embeddings"
                : NormLabel(c.norm) + " before attention and before the feed-forward network (pre-norm" +
                      (c.sandwich_norm ? ", and after each as well: sandwich norms" : "") + "), ε = " +
                      FormatShortestDouble(c.norm_eps) + ", and a final " + NormLabel(c.norm) + " after the last block",
      ffn,
      PositionFeature(c),
  };
  if (c.parallel_residual)
    out.push_back(
        "Parallel residual: attention and feed-forward read the same input, x + attn(norm₁ x) + mlp(norm₂ x)");
  const std::vector<std::string> features = FeatureSummary(c);
  if (!features.empty()) out.push_back("Decoder features: " + Join(features, "; "));
  const std::string output = OutputFeature(c);
  if (!output.empty()) out.push_back(output);
  out.push_back(BiasFeature(c));
  out.push_back(SizesFeature(s, r));
  return out;
}

// Doc page text before the attention scores for the features that change q and k: QK-norm, the
// rotary share (empty for a model without them).
std::string FeatureAttentionPrelude(const ModelConfig& c) {
  std::string text;
  if (c.qk_norm) text += "Each head's q and k are RMS-normalized over its " + N(c.head_dim) + " dims (QK-norm). ";
  if (c.position == engine::Position::kRoPE && c.rotary_dim > 0)
    text += "RoPE rotates the first " + N(c.rotary_dim) + " of the " + N(c.head_dim) + " dims of each head. ";
  return text;
}

// Multi-head latent attention (DeepSeek-V2/V3) for the doc page.
std::string MlaAttentionText(const ModelConfig& c) {
  const int64_t qk = engine::QkHeadDim(c), dv = engine::VHeadDim(c);
  return AttentionLabel(c) + ". " +
         (c.q_lora_rank > 0
              ? "Queries go through a low-rank projection: " + Code("attn.q_a") + " (" + N(c.embedding_dim) + " → " +
                    N(c.q_lora_rank) + "), an RMSNorm and " + Code("attn.q_b") + " (" + N(c.q_lora_rank) + " → " +
                    N(c.num_heads) + " × " + N(qk) + "). "
              : Code("attn.q") + " projects " + N(c.embedding_dim) + " → " + N(c.num_heads) + " × " + N(qk) + ". ") +
         Code("attn.kv_a") + " compresses each token to a " + N(c.kv_lora_rank) + "-wide latent c_kv and a " +
         N(c.qk_rope_head_dim) + "-wide rotary key shared by all heads; " + Code("attn.kv_b") +
         " decompresses the normalized latent into each head's " + N(c.qk_nope_head_dim) + "-wide key part and " +
         N(dv) + "-wide value. Scores over the " + N(qk) + " q·k dims are scaled by " +
         FormatShortestDouble(std::round(engine::AttentionScale(c) * 1e6) / 1e6) +
         ", causally masked and normalized with softmax; " + Code("attn.proj") + " projects the " + N(c.num_heads) +
         " × " + N(dv) + " values back to " + N(c.embedding_dim) +
         ". The KV cache holds only c_kv and the rotary key: " + N(KvValuesPerTokenLayer(c)) +
         " values per token and layer, where a standard cache of these heads would hold " + N(c.num_heads * (qk + dv)) +
         ".";
}

std::string AttentionText(const ModelConfig& c) {
  if (engine::UsesMla(c)) return MlaAttentionText(c);
  const int64_t qkv = (c.num_heads + 2 * c.num_kv_heads) * c.head_dim;
  std::string text =
      AttentionLabel(c) + ". Q, K and V come from one fused projection " + Code("attn.qkv") + " of width " + N(qkv) +
      " = (" + N(c.num_heads) + " + 2 × " + N(c.num_kv_heads) + ") × " + N(c.head_dim) +
      (c.qkv_bias ? ", with bias" : ", without bias") + ". " + FeatureAttentionPrelude(c) +
      "Scores QKᵀ are scaled by 1/√" +
      (c.query_pre_attn_scalar > 0 ? FormatShortestDouble(c.query_pre_attn_scalar) + " (query_pre_attn_scalar)"
                                   : N(c.head_dim)) +
      (c.attn_logit_softcap > 0
           ? ", soft-capped at " + FormatShortestDouble(c.attn_logit_softcap) + " (cap · tanh(s / cap))"
           : "") +
      (engine::TraitsOf(c).kv_cache ? ", causally masked (each token attends to itself and earlier tokens" +
                                          std::string(c.sliding_window > 0 ? "; on a local layer only the last " +
                                                                                 N(c.sliding_window) + " positions"
                                                                           : "") +
                                          "), "
                                    : ", not masked (every token attends to every token, before and after it), ") +
      "normalized with softmax and applied to V; the " + N(c.num_heads) + " head outputs are concatenated (" +
      N(c.num_heads * c.head_dim) + " values) and projected back to " + N(c.embedding_dim) + " by " +
      Code("attn.proj") + ".";
  if (c.num_kv_heads != c.num_heads && c.num_kv_heads > 0) {
    text += " Each of the " + Plural(c.num_kv_heads, "K/V head", "K/V heads") + " is shared by " +
            N(c.num_heads / c.num_kv_heads) + " query heads, so the KV cache holds " + N(c.num_kv_heads) +
            " heads per layer instead of " + N(c.num_heads) + ": " + Ratio(double(c.num_heads) / c.num_kv_heads) +
            " smaller.";
  }
  return text;
}

std::string FeedForwardText(const ModelConfig& c) {
  const std::string C = N(c.embedding_dim), H = N(c.hidden_dim);
  if (engine::IsGated(c.activation)) {
    const std::string inner = c.activation == engine::Activation::kSwiGLU ? "SiLU" : "GELU";
    return "A gated feed-forward network (" + ActivationLabel(c.activation) + "): " + Code("mlp.fc") +
           " computes the gate and up projections in one matmul (" + C + " → 2 × " + H +
           "), the hidden activation is " + inner + "(gate) ⊙ up, and " + Code("mlp.proj") + " projects " + H + " → " +
           C + (c.bias ? " (with biases)." : " (no biases).");
  }
  return "A two-layer MLP: " + Code("mlp.fc") + " expands " + C + " → " + H + ", " + ActivationLabel(c.activation) +
         " is applied elementwise, and " + Code("mlp.proj") + " projects " + H + " → " + C +
         (c.bias ? " (with biases)." : " (no biases).");
}

// The RoPE sentence of a model with a rotary share of its own (partial rotary, MLA's rope part) or
// RoPE scaling; the plain sentence stays for the others.
std::string RopeFeatureText(const ModelConfig& c, const std::string& ctx) {
  const int64_t d = engine::RotaryDim(c);
  std::string text = "Rotary position embedding (RoPE, Su et al., 2021): in every attention layer each pair of the " +
                     N(d) + " rotary dimensions of every query and key head" +
                     (engine::UsesMla(c) ? " (MLA's decoupled rope part; the key's is shared by the heads)"
                      : d < c.head_dim   ? " (the first " + N(d) + " of " + N(c.head_dim) + "; the rest do not rotate)"
                                         : "") +
                     " is rotated by the angle t · θ_i with θ_i = " + FormatShortestDouble(c.rope_theta) + "^(−2i/" +
                     N(d) + "), where t is the token's position";
  switch (c.rope_scaling) {
    case engine::RopeScaling::kLinear:
      text += "; linear scaling (position interpolation, Chen et al. 2023) divides every θ_i by " +
              FormatShortestDouble(c.rope_scaling_factor);
      break;
    case engine::RopeScaling::kDynamic:
      text += "; dynamic NTK scaling raises θ once a sequence passes the original " +
              N(c.rope_original_context > 0 ? c.rope_original_context : c.context_length) + " tokens (factor " +
              FormatShortestDouble(c.rope_scaling_factor) + ")";
      break;
    case engine::RopeScaling::kYarn:
      text += "; YaRN scaling (Peng et al. 2023, factor " + FormatShortestDouble(c.rope_scaling_factor) +
              ") interpolates the low frequencies, keeps the high ones and scales cos and sin by an attention factor";
      break;
    case engine::RopeScaling::kLlama3:
      text += "; Llama 3 scaling (factor " + FormatShortestDouble(c.rope_scaling_factor) + ", frequency factors " +
              FormatShortestDouble(c.rope_low_freq_factor) + " and " + FormatShortestDouble(c.rope_high_freq_factor) +
              ") divides the long wavelengths by the factor and keeps the short ones";
      break;
    case engine::RopeScaling::kNone: break;
  }
  return text + ". No parameters; the configured context is " + ctx + " tokens.";
}

std::string PositionText(const ModelConfig& c) {
  const std::string ctx = N(c.context_length);
  switch (c.position) {
    case engine::Position::kLearned:
      return "Learned absolute positions: a trainable table of " + ctx + " × " + N(c.embedding_dim) + " vectors (" +
             Code("pos_emb.weight") + ", " + N(c.context_length * c.embedding_dim) +
             " parameters) is added to the token embeddings before the first block, so a "
             "sequence can hold at most " +
             ctx + " tokens.";
    case engine::Position::kSinusoidal:
      return "Fixed sinusoidal positions (Vaswani et al., 2017): position t adds sin(t / "
             "10000^(2i/" +
             N(c.embedding_dim) +
             ")) to dimension 2i and the matching cosine to dimension 2i+1 of "
             "the token embedding. No parameters; this configuration is used up to " +
             ctx + " tokens.";
    case engine::Position::kRoPE:
      if (engine::RotaryDim(c) != c.head_dim || c.rope_scaling != engine::RopeScaling::kNone)
        return RopeFeatureText(c, ctx);
      return "Rotary position embedding (RoPE, Su et al., 2021): in every attention layer each "
             "pair of dimensions (2i, 2i+1) of every query and key head is rotated by the angle "
             "t · θ^(−2i/" +
             N(c.head_dim) + ") with θ = " + FormatShortestDouble(c.rope_theta) +
             ", where t is the token's position and " + N(c.head_dim) +
             " the head dimension, so QKᵀ depends only on the relative offset of two tokens. No "
             "parameters; the configured context is " +
             ctx + " tokens.";
    case engine::Position::kALiBi:
      return "ALiBi (Press et al., 2021): no position embedding; each head h adds −m_h · (i − j) "
             "to the score of query i and key j, with fixed slopes m_h = 2^(−8h/" +
             N(c.num_heads) + ") for the " + N(c.num_heads) + " heads. No parameters; the configured context is " +
             ctx + " tokens.";
    case engine::Position::kNone:
      return "No positional encoding: token order is visible only through the causal mask. No "
             "parameters; the configured context is " +
             ctx + " tokens.";
  }
  return "";
}

// The resolved configuration of a non-decoder size: the keys its family reads.
std::string FamilyConfigYaml(const spec::Size& size) {
  const ModelConfig& c = size.config;
  std::string y = "# Resolved configuration of size \"" + size.name +
                  "\" (defaults applied)\nfamily: " + engine::FamilyName(c.family) + "\n";
  auto i = [&](const char* k, int64_t v) { y += std::string(k) + ": " + std::to_string(v) + "\n"; };
  auto t = [&](const char* k, const std::string& v) { y += std::string(k) + ": " + v + "\n"; };
  auto b = [&](const char* k, bool v) { y += std::string(k) + ": " + (v ? "true" : "false") + "\n"; };
  if (c.family == engine::Family::kResNet) {
    std::string stages;
    for (size_t k = 0; k < c.stages.size(); ++k) stages += (k ? ", " : "") + std::to_string(c.stages[k]);
    t("block", c.block), t("stages", "[" + stages + "]"), i("base_width", c.base_width), i("image_size", c.image_size),
        i("channels", c.channels), i("num_classes", c.num_classes);
  } else if (c.family == engine::Family::kRecurrent) {
    t("cell", c.cell), i("vocab_size", c.vocab_size), i("num_layers", c.num_layers),
        i("embedding_dim", c.embedding_dim), i("hidden_dim", c.hidden_dim), b("tie_embeddings", c.tie_embeddings);
  } else {
    i("num_layers", c.num_layers), i("embedding_dim", c.embedding_dim), i("num_heads", c.num_heads),
        i("head_dim", c.head_dim), i("hidden_dim", c.hidden_dim);
    t("norm_eps", FormatShortestDouble(c.norm_eps)), t("activation", engine::ActivationName(c.activation)),
        b("bias", c.bias), b("qkv_bias", c.qkv_bias);
    if (c.family == engine::Family::kEncoder) {
      i("vocab_size", c.vocab_size), i("context_length", c.context_length), i("type_vocab_size", c.type_vocab_size),
          b("pooler", c.pooler), t("norm_position", c.norm_position), t("head", c.head),
          i("num_classes", c.num_classes);
    } else if (c.family == engine::Family::kVit) {
      i("image_size", c.image_size), i("patch_size", c.patch_size), i("channels", c.channels), t("pool", c.pool),
          i("num_classes", c.num_classes);
    } else if (c.family == engine::Family::kAudio) {
      i("sample_rate", c.sample_rate), i("n_mels", c.n_mels), i("n_fft", c.n_fft), i("hop_length", c.hop_length),
          t("chunk_seconds", FormatShortestDouble(c.chunk_seconds)), i("decoder_layers", c.decoder_layers);
      if (c.decoder_layers > 0) i("vocab_size", c.vocab_size), i("context_length", c.context_length);
    }
  }
  y.pop_back();
  return y;
}

namespace {

// Appends one numbered Key Components entry to *out.
void AddDocComponent(std::vector<View>* out, const std::string& title, const std::string& diagram,
                     const std::string& text) {
  out->push_back(View()
                     .Text("number", std::to_string(out->size() + 1))
                     .Text("title", title)
                     .Text("diagram", diagram)
                     .Text("text", text));
}

// A ResNet's Key Components: stem, residual block, stages with pooling and classifier.
std::vector<View> ResNetDocComponents(const ModelConfig& c) {
  std::vector<View> out;
  auto add = [&](const std::string& title, const std::string& diagram, const std::string& text) {
    AddDocComponent(&out, title, diagram, text);
  };
  const bool bottleneck = c.block == "bottleneck";
  add("Stem", "",
      "A 7×7 convolution with stride 2 (" + N(c.channels) + " → " + N(c.base_width) +
          " channels, no bias), batch normalization, ReLU and a 3×3 max-pool with stride 2: the " + N(c.image_size) +
          "×" + N(c.image_size) + " input becomes " + N(c.image_size / 4) + "×" + N(c.image_size / 4) +
          " before the first stage.");
  add(bottleneck ? "Bottleneck Residual Block" : "Basic Residual Block", "",
      bottleneck ? "Each block computes ReLU(x + F(x)) with F = 1×1 conv (reduce to the stage width) → BN → ReLU → "
                   "3×3 conv → BN → ReLU → 1×1 conv (expand 4×) → BN. The stride-2 downsampling of a stage sits "
                   "on the 3×3 convolution (ResNet v1.5, as torchvision), and where the shape changes the shortcut "
                   "is a 1×1 convolution with batch normalization instead of the identity."
                 : "Each block computes ReLU(x + F(x)) with F = 3×3 conv → BN → ReLU → 3×3 conv → BN; where the "
                   "shape changes (the first block of stages 2 onwards, stride 2) the shortcut is a 1×1 "
                   "convolution with batch normalization instead of the identity.");
  std::string stages;
  for (size_t i = 0; i < c.stages.size(); ++i) stages += (i ? ", " : "") + N(c.stages[i]);
  add("Stages, Pooling and Classifier", "",
      "Stages of [" + stages +
          "] blocks; each stage after the first halves the resolution and doubles the width "
          "(" +
          N(c.base_width) + " × 2^stage channels" + (bottleneck ? ", × 4 at the block output" : "") +
          "). Global average pooling then gives one vector per image" +
          (c.num_classes > 0 ? ", and a fully connected layer maps it to " + N(c.num_classes) + " class logits."
                             : "; there is no classifier (num_classes = 0)."));
  return out;
}

// An RNN's Key Components: the cell, the stacked layers, embedding and LM head.
std::vector<View> RecurrentDocComponents(const ModelConfig& c) {
  std::vector<View> out;
  auto add = [&](const std::string& title, const std::string& diagram, const std::string& text) {
    AddDocComponent(&out, title, diagram, text);
  };
  const std::string H = N(c.hidden_dim);
  add(c.cell == "gru" ? "GRU Cell" : "LSTM Cell", "",
      c.cell == "gru"
          ? "Per layer and time step: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz), "
            "n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h; the three gates share "
            "one weight_ih (3·" +
                H + " rows) and one weight_hh matrix per layer (PyTorch's layout)."
          : "Per layer and time step: i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh), split "
            "into four " +
                H + "-wide gates; c' = f ⊙ c + i ⊙ g and h' = o ⊙ tanh(c'). weight_ih holds 4·" + H +
                " rows (PyTorch's layout).");
  add("Stacked Layers", "",
      N(c.num_layers) + (c.num_layers == 1 ? " layer" : " layers") + ": the first reads the " + N(c.embedding_dim) +
          "-wide token embedding, each later layer the " + H +
          "-wide hidden state of the layer below. The state "
          "carries from one token to the next, so generation costs the same per token at any length.");
  add("Embedding and LM Head", "",
      "Token embedding " + N(c.vocab_size) + " × " + N(c.embedding_dim) + "; the LM head maps the top layer's " + H +
          "-wide state to " + N(c.vocab_size) + " logits" +
          (c.tie_embeddings && c.embedding_dim == c.hidden_dim ? ", sharing the embedding matrix (tied)." : "."));
  return out;
}

// The input front end of a ViT (patch embedding) or an audio model (log-mel), before attention.
void AddFrontEndComponent(const ModelConfig& c, std::vector<View>* out) {
  auto add = [&](const std::string& title, const std::string& diagram, const std::string& text) {
    AddDocComponent(out, title, diagram, text);
  };
  const std::string C = N(c.embedding_dim);
  if (c.family == engine::Family::kVit) {
    const int64_t side = c.image_size / c.patch_size;
    add("Patch Embedding", "",
        "A " + N(c.patch_size) + "×" + N(c.patch_size) + " convolution with stride " + N(c.patch_size) + " cuts the " +
            N(c.image_size) + "×" + N(c.image_size) + " image into " + N(side * side) + " patches and projects each (" +
            N(c.channels * c.patch_size * c.patch_size) + " values) to " + C + " channels." +
            (c.pool == "cls" ? " A learned [CLS] token is prepended." : ""));
  }
  if (c.family == engine::Family::kAudio) {
    add("Log-Mel Front End", "",
        "The " + N(c.sample_rate) + " Hz waveform is cut into " + FormatShortestDouble(c.chunk_seconds) +
            " s chunks; an STFT with a " + N(c.n_fft) + "-sample Hann window and a " + N(c.hop_length) +
            "-sample hop gives " + N(engine::AudioFrames(c)) + " frames, projected onto " + N(c.n_mels) +
            " mel bins (Slaney scale), log10, clamped to 8 below the maximum and scaled as (x + 4) / 4 "
            "(engine/preprocess/audio.cc). Two 3-wide convolutions with GELU (the second with stride 2) map the " +
            N(c.n_mels) + " bins to " + C + " channels and halve the frames to " + N(engine::AudioFrames(c) / 2) + ".");
  }
}

// A transformer's embeddings and positional encoding, after attention and feed-forward.
void AddPositionComponent(const ModelConfig& c, std::vector<View>* out) {
  auto add = [&](const std::string& title, const std::string& diagram, const std::string& text) {
    AddDocComponent(out, title, diagram, text);
  };
  const std::string C = N(c.embedding_dim);
  if (c.family == engine::Family::kEncoder) {
    add("Embeddings and Positional Encoding", "",
        "Token (" + N(c.vocab_size) + " × " + C + "), learned absolute position (" + N(c.context_length) + " × " + C +
            ")" + (c.type_vocab_size > 0 ? " and token-type (" + N(c.type_vocab_size) + " × " + C + ")" : "") +
            " embeddings are summed and layer-normalized; a sequence holds at most " + N(c.context_length) +
            " tokens. Blocks are " +
            (c.norm_position == "post" ? "post-norm (LayerNorm after each residual add, as BERT)" : "pre-norm") + ".");
  } else if (c.family == engine::Family::kVit) {
    const int64_t side = c.image_size / c.patch_size;
    add("Positional Encoding", "",
        "Learned absolute positions: a trainable table of " + N(side * side + (c.pool == "cls" ? 1 : 0)) + " × " + C +
            " vectors added to the patch tokens, so the model is tied to " + N(c.image_size) + "×" + N(c.image_size) +
            " inputs (other sizes need the table interpolated).");
  } else if (c.family == engine::Family::kAudio) {
    add("Positional Encoding", "",
        "The encoder adds fixed sinusoidal positions (no parameters) to its " + N(engine::AudioFrames(c) / 2) +
            " frames." +
            (c.decoder_layers > 0 ? " The text decoder adds learned positions (" + N(c.context_length) + " × " + C +
                                        ") and attends to the encoder output through "
                                        "cross-attention in each of its " +
                                        N(c.decoder_layers) + " blocks."
                                  : ""));
  } else {
    add("Positional Encoding", "", PositionText(c));
  }
}

}  // namespace

// The doc page's "Key Components", in order: {title, diagram (may be empty), text}.
std::vector<View> DocComponents(const ModelConfig& c) {
  if (c.family == engine::Family::kResNet) return ResNetDocComponents(c);
  if (c.family == engine::Family::kRecurrent) return RecurrentDocComponents(c);
  std::vector<View> out;
  auto add = [&](const std::string& title, const std::string& diagram, const std::string& text) {
    AddDocComponent(&out, title, diagram, text);
  };
  const std::string C = N(c.embedding_dim);
  AddFrontEndComponent(c, &out);
  add("Attention Mechanism", AttentionDiagram(c), AttentionText(c));
  add(c.family == engine::Family::kMoe ? "Mixture-of-Experts Feed Forward" : "Feed Forward Network",
      FeedForwardDiagram(c),
      FeedForwardText(c) + (c.family == engine::Family::kMoe
                                ? UsesExtendedMoe(c)
                                      ? " " + ExtendedRouterText(c)
                                      : " A linear router (" + Code("mlp.router") + ", " + C + " → " +
                                            N(c.num_experts) + ", no bias) scores the " + N(c.num_experts) +
                                            " experts for each token; the top " + N(c.experts_per_token) +
                                            " are kept, their softmax weights renormalized, and only those experts run."
                                : ""));
  AddPositionComponent(c, &out);
  return out;
}

// The "Available Configurations" table, with the columns of the family.
std::string ConfigurationTable(const spec::Spec& s, const engine::Report& r) {
  const engine::Family family = s.architecture.family;
  std::vector<std::string> header;
  std::string align = "| --- | ---: |";
  if (family == engine::Family::kResNet)
    header = {"Block", "Stages", "Base width", "Image (px)", "Classes"};
  else if (family == engine::Family::kRecurrent)
    header = {"Cell", "Layers", "Embedding Dim", "Hidden Dim", "Vocabulary"};
  else if (family == engine::Family::kVit)
    header = {"Embedding Dim", "Layers", "Heads", "Hidden Dim", "Image (px)", "Patch (px)", "Tokens", "Classes"};
  else if (family == engine::Family::kAudio)
    header = {"Width", "Encoder layers", "Decoder layers", "Heads", "Mel bins", "Frames per chunk", "Vocabulary"};
  else if (family == engine::Family::kEncoder)
    header = {"Embedding Dim", "Layers", "Heads", "Hidden Dim", "Context Length (tokens)", "Token types"};
  else if (family == engine::Family::kMoe)
    header = {"Embedding Dim",          "Layers", "Heads", "KV Heads", "Expert Hidden Dim", "Experts (active)",
              "Context Length (tokens)"};
  else
    header = {"Embedding Dim", "Layers", "Heads", "KV Heads", "Hidden Dim", "Context Length (tokens)"};
  std::string out = "| Model | Parameters |";
  for (const auto& h : header) {
    out += " " + h + " |";
    align += (h == "Block" || h == "Stages" || h == "Cell") ? " --- |" : " ---: |";
  }
  out += "\n" + align;
  for (const auto& size : s.architecture.sizes) {
    const ModelConfig& z = size.config;
    const engine::ParameterCount p = ParametersOf(size, r);
    std::vector<std::string> cells;
    if (family == engine::Family::kResNet) {
      std::string stages;
      for (size_t i = 0; i < z.stages.size(); ++i) stages += (i ? ", " : "") + N(z.stages[i]);
      cells = {z.block, "[" + stages + "]", N(z.base_width), N(z.image_size), N(z.num_classes)};
    } else if (family == engine::Family::kRecurrent) {
      cells = {z.cell == "gru" ? "GRU" : "LSTM", N(z.num_layers), N(z.embedding_dim), N(z.hidden_dim), N(z.vocab_size)};
    } else if (family == engine::Family::kVit) {
      const int64_t side = z.image_size / z.patch_size;
      cells = {N(z.embedding_dim),
               N(z.num_layers),
               N(z.num_heads),
               N(z.hidden_dim),
               N(z.image_size),
               N(z.patch_size),
               N(side * side + (z.pool == "cls" ? 1 : 0)),
               N(z.num_classes)};
    } else if (family == engine::Family::kAudio) {
      cells = {N(z.embedding_dim),
               N(z.num_layers),
               N(z.decoder_layers),
               N(z.num_heads),
               N(z.n_mels),
               N(engine::AudioFrames(z)),
               z.decoder_layers > 0 ? N(z.vocab_size) : "—"};
    } else if (family == engine::Family::kEncoder) {
      cells = {N(z.embedding_dim), N(z.num_layers),     N(z.num_heads),
               N(z.hidden_dim),    N(z.context_length), N(z.type_vocab_size)};
    } else if (family == engine::Family::kMoe) {
      cells = {N(z.embedding_dim),
               N(z.num_layers),
               N(z.num_heads),
               N(z.num_kv_heads),
               N(engine::ExpertHiddenDim(z)),
               N(z.num_experts) + " (" + N(z.experts_per_token) + ")",
               N(z.context_length)};
    } else {
      cells = {N(z.embedding_dim), N(z.num_layers), N(z.num_heads),
               N(z.num_kv_heads),  N(z.hidden_dim), N(z.context_length)};
    }
    std::string params = FormatCountWithShort(p.total);
    if (family == engine::Family::kMoe) params += ", " + FormatShortCount(p.active) + " active";
    out += "\n| " + TableCell(size.name) + " | " + params + " |";
    for (const auto& cell : cells) out += " " + TableCell(cell) + " |";
  }
  return out;
}

std::string ConfigYaml(const spec::Size& size) {
  const ModelConfig& c = size.config;
  if (!engine::TraitsOf(c).kv_cache) return FamilyConfigYaml(size);
  std::string y = "# Resolved configuration of size \"" + size.name + "\" (defaults applied)\n";
  y += "vocab_size: " + std::to_string(c.vocab_size) + "\n";
  y += "context_length: " + std::to_string(c.context_length) + "\n";
  y += "embedding_dim: " + std::to_string(c.embedding_dim) + "\n";
  y += "num_heads: " + std::to_string(c.num_heads) + "\n";
  y += "num_kv_heads: " + std::to_string(c.num_kv_heads) + "\n";
  y += "head_dim: " + std::to_string(c.head_dim) + "\n";
  y += "num_layers: " + std::to_string(c.num_layers) + "\n";
  y += "hidden_dim: " + std::to_string(c.hidden_dim) + "\n";
  y += "\n# Model-specific features\n";
  y += "family: " + std::string(engine::FamilyName(c.family)) + "\n";
  y += std::string("norm: ") + engine::NormName(c.norm) + "\n";
  y += "norm_eps: " + FormatShortestDouble(c.norm_eps) + "\n";
  y += std::string("activation: ") + engine::ActivationName(c.activation) + "\n";
  y += std::string("position: ") + engine::PositionName(c.position) + "\n";
  if (c.position == engine::Position::kRoPE) y += "rope_theta: " + FormatShortestDouble(c.rope_theta) + "\n";
  y += std::string("bias: ") + (c.bias ? "true" : "false") + "\n";
  y += std::string("qkv_bias: ") + (c.qkv_bias ? "true" : "false") + "\n";
  y += std::string("tie_embeddings: ") + (c.tie_embeddings ? "true" : "false");
  return y;
}

// Our parameter names with shapes, aligned in columns.
std::string ParameterNames(const ModelConfig& c) {
  const auto rows = engine::HfWeightNames(c);
  size_t name_width = 0, shape_width = 0;
  for (const auto& row : rows) {
    name_width = std::max(name_width, row.ours.size());
    shape_width = std::max(shape_width, row.shape.size());
  }
  std::string out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    std::string line = row.ours + std::string(name_width - row.ours.size() + 2, ' ') + row.shape;
    if (row.ours.find("{i}") != std::string::npos)
      line += std::string(shape_width - row.shape.size() + 2, ' ') + "i = 0.." + std::to_string(c.num_layers - 1);
    out += (i ? "\n" : "") + line;
  }
  return out;
}

// `text` as the inside of a Markdown code span: no backticks, no line breaks, no table pipes.
static std::string CodeSpanText(std::string text) {
  for (char& c : text)
    if (c == '`' || c == '\n' || c == '\r' || c == '|') c = c == '|' ? '/' : ' ';
  return text;
}

std::string EnvironmentText(const engine::Environment& e) {
  std::vector<std::string> parts;
  std::string machine = e.cpu_model.empty() ? e.device : e.cpu_model;
  std::vector<std::string> detail;
  if (e.cores > 0) detail.push_back(Plural(e.cores, "logical CPU", "logical CPUs"));
  if (e.threads > 0) detail.push_back(Plural(e.threads, "intra-op thread", "intra-op threads"));
  if (e.memory_bytes > 0) detail.push_back(FormatBytes(e.memory_bytes) + " RAM");
  if (!detail.empty()) machine += " (" + Join(detail, ", ") + ")";
  if (!machine.empty()) parts.push_back(machine);
  if (!e.gpu.empty()) parts.push_back("GPU " + e.gpu);
  if (!e.os.empty()) parts.push_back(e.os);
  if (!e.compiler.empty()) parts.push_back(e.compiler);
  if (!e.libtorch.empty()) parts.push_back("LibTorch " + e.libtorch + (e.cuda.empty() ? "" : " (CUDA " + e.cuda + ")"));
  if (!e.blas.empty()) parts.push_back("BLAS: " + e.blas);
  if (!e.cpu_features.empty()) parts.push_back("CPU features: " + e.cpu_features);
  std::vector<std::string> peaks;
  for (const auto& [dtype, x] : e.peak_flops_per_s) peaks.push_back(FormatFlopsPerSecond(x) + " " + dtype);
  if (!peaks.empty()) parts.push_back("measured peak GEMM " + Join(peaks, ", "));
  if (e.memory_bandwidth_bytes_per_s > 0)
    parts.push_back("measured memory bandwidth " + FormatBytes(std::llround(e.memory_bandwidth_bytes_per_s)) + "/s");
  if (!e.date.empty()) parts.push_back("date " + e.date);
  if (!e.tool_version.empty()) parts.push_back("modelcard " + e.tool_version);
  return Join(parts, "; ");
}

// The analytic estimate of what `run` allocates above its start (engine/count_memory.h), comparable
// with Run::peak_bytes, and the measured peak as a share of it: "25.4 MiB (104%)".
std::string EstimatedPeakText(const engine::ModelConfig& c, const engine::Run& run) {
  engine::MemoryEstimate e;
  if (!engine::EstimateMemory(c, engine::MemoryShapeOf(run), &e).ok() || e.scenario_peak <= 0) return "—";
  return FormatBytes(e.scenario_peak) + " (" +
         FormatPercent(static_cast<double>(run.peak_bytes) / static_cast<double>(e.scenario_peak)) + ")";
}

namespace {

// One row of the run table of `run`'s scenario (generate, train, preprocess or forward).
View RunRow(const std::string& size_name, const engine::Run& run) {
  View row;
  row.Text("size_name", size_name)
      .Text("device", run.device)
      .Text("dtype", run.dtype)
      .Text("batch", N(run.batch))
      .Text("peak", FormatBytes(run.peak_bytes))
      .Text("mfu", Mfu(run));
  if (run.scenario == "generate") {
    row.Text("prompt", N(run.prompt_tokens))
        .Text("new_tokens", N(run.new_tokens))
        .Text("prefill_p50", FormatSeconds(run.prefill_s.p50))
        .Text("prefill_rate", Throughput(run, "prefill_tokens_per_s"))
        .Text("decode_p50", FormatSeconds(run.latency_s.p50))
        .Text("decode_rate", Throughput(run, "decode_tokens_per_s"))
        .Text("bytes_moved", FormatBytes(run.bytes_moved))
        .Text("bandwidth", run.achieved_bytes_per_s > 0
                               ? FormatBytes(static_cast<int64_t>(run.achieved_bytes_per_s)) + "/s"
                               : "not recorded")
        .Text("bandwidth_utilization",
              run.bandwidth_utilization > 0 ? FormatPercent(run.bandwidth_utilization) : "n/a (no bandwidth measured)");
  } else if (run.scenario == "train") {
    row.Text("seq", run.sequence_length > 0 ? N(run.sequence_length) : "—")
        .Text("precision", run.dtype == "float32" ? "float32" : run.dtype + " autocast (float32 master weights)")
        .Text("p50", FormatSeconds(run.latency_s.p50))
        .Text("rate", ForwardRate(run))
        .Text("weights", FormatBytes(run.weights_bytes))
        .Text("gradients", FormatBytes(run.gradients_bytes))
        .Text("optimizer", FormatBytes(run.optimizer_bytes))
        .Text("activations", FormatBytes(run.activations_bytes))
        .Text("achieved", FormatFlopsPerSecond(run.achieved_flops_per_s));
  } else if (run.scenario == "preprocess") {
    row.Text("p50", FormatSeconds(run.latency_s.p50)).Text("rate", ForwardRate(run));
  } else {
    row.Text("seq", run.sequence_length > 0 ? N(run.sequence_length) : "—")
        .Text("p50", FormatSeconds(run.latency_s.p50))
        .Text("rate", ForwardRate(run))
        .Text("achieved", FormatFlopsPerSecond(run.achieved_flops_per_s));
  }
  return row;
}

// The latency-statistics rows of `run`: prefill and decode step for generation, else one.
void AddLatencyRows(const std::string& size_name, const engine::Run& run, std::vector<View>* latency) {
  auto stats_row = [&](const std::string& what, const engine::LatencyStats& l) {
    latency->push_back(View()
                           .Text("size_name", size_name)
                           .Text("what", what)
                           .Text("mean", FormatSeconds(l.mean))
                           .Text("p50", FormatSeconds(l.p50))
                           .Text("p90", FormatSeconds(l.p90))
                           .Text("p99", FormatSeconds(l.p99))
                           .Text("stdev", FormatSeconds(l.stdev))
                           .Text("cv", FormatPercent(l.cv))
                           .Text("count", N(l.count)));
  };
  const std::string label = run.device + " " + run.dtype + ", " + RunShape(run);
  if (run.scenario == "generate") {
    stats_row("prefill, " + label, run.prefill_s);
    stats_row("decode step, " + label, run.latency_s);
  } else {
    stats_row(run.scenario + ", " + label, run.latency_s);
  }
}

// The weight-loading rows: one per size whose measurements used a checkpoint.
std::vector<View> WeightLoads(const engine::Report& r) {
  std::vector<View> loads;
  for (const auto& size : r.sizes) {
    const engine::WeightsLoad& w = size.weights_load;
    if (w.weights.empty()) continue;
    loads.push_back(
        View()
            .Text("size_name", size.name)
            .Text("weights", Code(w.weights))
            .Text("layout", w.layout)
            .Text("tensors", N(w.tensors))
            .Text("bytes", FormatBytes(w.bytes_read))
            .Text("load_time", FormatSeconds(w.load_s))
            .Text("load_rate", w.load_s > 0 ? FormatBytes(static_cast<int64_t>(w.bytes_read / w.load_s)) + "/s" : "—"));
  }
  return loads;
}

}  // namespace

void AddBenchmarks(const spec::Spec& s, const engine::Report& r, View* v) {
  std::vector<View> forward, generate, preprocess, train, latency, peaks;
  for (const auto& size : r.sizes) {
    // The spec's config of the size (the stored one may predate fields the estimate reads).
    const spec::Size* spec_size = s.FindSize(size.name);
    const engine::ModelConfig& config = spec_size != nullptr ? spec_size->config : size.config;
    for (const auto& run : size.runs) {
      (run.scenario == "generate"     ? generate
       : run.scenario == "train"      ? train
       : run.scenario == "preprocess" ? preprocess
                                      : forward)
          .push_back(RunRow(size.name, run));
      AddLatencyRows(size.name, run, &latency);
      peaks.push_back(View()
                          .Text("size_name", size.name)
                          .Text("what", run.scenario + ", " + run.device + " " + run.dtype + ", " + RunShape(run))
                          .Text("peak", BytesExact(run.peak_bytes))
                          .Text("estimate", EstimatedPeakText(config, run))
                          .Text("weights", BytesExact(run.weights_bytes))
                          .Text("sum", FormatBytes(run.peak_bytes + run.weights_bytes)));
    }
  }
  v->Items("weight_loads", WeightLoads(r));
  v->Flag("has_runs", !forward.empty() || !generate.empty())
      .Items("forward_runs", forward)
      .Items("generate_runs", generate)
      .Items("preprocess_runs", preprocess)
      .Items("train_runs", train)
      .Items("latency_rows", latency)
      .Items("peak_rows", peaks);
}

// KV-cache bytes per token and of a full context (engine/count.h: MLA's latent, the local
// layers' rolling windows).
int64_t KvBytesPerToken(const ModelConfig& c, int64_t dtype_bytes) { return engine::KVCacheBytesPerToken(c, dtype_bytes); }
int64_t KvContextBytes(const ModelConfig& c, int64_t dtype_bytes) {
  return engine::KVCacheBytes(c, c.context_length, dtype_bytes);
}

std::vector<View> MemoryRows(const spec::Spec& s, const engine::Report& r) {
  std::vector<View> rows;
  for (const auto& size : s.architecture.sizes) {
    const ModelConfig& c = size.config;
    const int64_t params = ParametersOf(size, r).total;
    rows.push_back(View()
                       .Text("size_name", size.name)
                       .Text("params", N(params))
                       .Text("float32", BytesExact(params * engine::DtypeBytes("float32")))
                       .Text("bfloat16", BytesExact(params * engine::DtypeBytes("bfloat16")))
                       .Text("kv_float32", BytesExact(KvBytesPerToken(c, 4)))
                       .Text("kv_bfloat16", BytesExact(KvBytesPerToken(c, 2)))
                       .Text("kv_context", N(c.context_length))
                       .Text("kv_full", FormatBytes(KvContextBytes(c, 2))));
  }
  return rows;
}

std::string SizeComparison(const spec::Spec& s, const engine::Report& r) {
  if (s.architecture.sizes.size() < 2) return "";
  const spec::Size *smallest = &s.architecture.sizes.front(), *largest = smallest;
  for (const auto& size : s.architecture.sizes) {
    if (ParametersOf(size, r).total < ParametersOf(*smallest, r).total) smallest = &size;
    if (ParametersOf(size, r).total > ParametersOf(*largest, r).total) largest = &size;
  }
  const double ratio = double(ParametersOf(*largest, r).total) / ParametersOf(*smallest, r).total;
  const std::string times = ratio >= 100 ? FormatThousands(std::llround(ratio)) : FormatFixed(ratio, 1);
  const std::string weights = "Weight memory grows with the parameter count: " + Code(largest->name) + " needs " +
                              times + "× the weight memory of " + Code(smallest->name) + " in any dtype.";
  if (!FactsOf(largest->config).kv_cache) return weights;
  return weights + " Per token of context, the bfloat16 KV cache takes " +
         FormatBytes(engine::KVCacheBytesPerToken(largest->config, 2)) + " in " + Code(largest->name) + " and " +
         FormatBytes(engine::KVCacheBytesPerToken(smallest->config, 2)) + " in " + Code(smallest->name) + ".";
}

std::vector<View> ModelComparison(const spec::Spec& self, const std::vector<const spec::Spec*>& all,
                                  const engine::Report& r) {
  std::vector<View> rows;
  if (all.size() < 2) return rows;
  const engine::Report empty;
  for (const spec::Spec* other : all) {
    if (!other) continue;
    const bool is_self = other->slug == self.slug;
    for (const auto& size : other->architecture.sizes) {
      const ModelConfig& c = size.config;
      const int64_t params = ParametersOf(size, is_self ? r : empty).total;
      rows.push_back(
          View()
              .Text("model", TableCell(is_self ? "**" + other->name + "**" : other->name))
              .Text("size_name", size.name)
              .Text("params", FormatShortCount(params))
              .Text("weights", FormatBytes(params * 2))
              .Text("kv", engine::TraitsOf(c).kv_cache ? FormatBytes(engine::KVCacheBytesPerToken(c, 2)) : "—")
              .Text("attention", AttentionSummary(c))
              .Text("position", PositionSummary(c)));
    }
  }
  return rows;
}

// The first size (primary first, then file order) for which `has` holds; nullptr if none.
template <typename Pred>
const spec::Size* FirstSizeWith(const spec::Spec& s, const spec::Size& primary, Pred has) {
  if (has(primary.config)) return &primary;
  for (const auto& size : s.architecture.sizes)
    if (has(size.config)) return &size;
  return nullptr;
}

// Key Benefits: the spec's own advantages, then facts computed from the configuration, each
// for the first size that has the feature.
std::vector<View> Benefits(const spec::Spec& s, const engine::Report& r, const spec::Size& primary) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& b : s.architecture.advantages) items.emplace_back(b.title, b.description);
  if (const spec::Size* size = FirstSizeWith(s, primary, [](const ModelConfig& c) {
        return c.tie_embeddings && FactsOf(c).lm_head && c.family != engine::Family::kEncoder &&
               (c.family != engine::Family::kRecurrent || c.embedding_dim == c.hidden_dim);
      })) {
    const ModelConfig& c = size->config;
    const int64_t total = ParametersOf(*size, r).total;
    const int64_t saved = c.vocab_size * c.embedding_dim;
    items.emplace_back("Tied embeddings", "the LM head reuses the " + N(c.vocab_size) + " × " + N(c.embedding_dim) +
                                              " token embedding matrix, saving " + N(saved) + " parameters (" +
                                              FormatPercent(double(saved) / total) + " of the " + N(total) +
                                              " total of " + Code(size->name) + ").");
  }
  if (const spec::Size* size = FirstSizeWith(s, primary, [](const ModelConfig& c) {
        return FactsOf(c).attention && c.num_kv_heads != c.num_heads && c.num_kv_heads > 0 && !engine::UsesMla(c);
      })) {
    const ModelConfig& c = size->config;
    ModelConfig mha = c;
    mha.num_kv_heads = c.num_heads;
    items.emplace_back(AttentionKind(c) == "MQA" ? "Multi-query attention" : "Grouped-query attention",
                       "in " + Code(size->name) + ", " + N(c.num_kv_heads) + " K/V heads for " + N(c.num_heads) +
                           " query heads cut the KV cache " + Ratio(double(c.num_heads) / c.num_kv_heads) + ": " +
                           BytesExact(engine::KVCacheBytesPerToken(c, 2)) + " per token in bfloat16 instead of " +
                           BytesExact(engine::KVCacheBytesPerToken(mha, 2)) + " with one K/V head per query head.");
  }
  if (const spec::Size* size = FirstSizeWith(s, primary, [](const ModelConfig& c) { return engine::UsesMla(c); })) {
    const ModelConfig& c = size->config;
    const int64_t latent = c.num_layers * KvValuesPerTokenLayer(c), standard = StandardKvValuesPerToken(c);
    items.emplace_back(
        "Compressed KV cache (MLA)",
        "in " + Code(size->name) + ", a token's cache is the " + N(c.kv_lora_rank) + "-wide latent and " +
            N(c.qk_rope_head_dim) + " rotary key dims per layer: " + BytesExact(latent * 2) + " in bfloat16, where " +
            N(c.num_heads) + " heads of keys (" + N(engine::QkHeadDim(c)) + ") and values (" + N(engine::VHeadDim(c)) +
            ") would take " + BytesExact(standard * 2) + " (" + Ratio(double(standard) / latent) + " more).");
  }
  if (const spec::Size* size = FirstSizeWith(s, primary, [](const ModelConfig& c) {
        return engine::TraitsOf(c).kv_cache && c.sliding_window > 0 && c.sliding_window < c.context_length;
      })) {
    const ModelConfig& c = size->config;
    const int64_t T = c.context_length;
    items.emplace_back("Rolling KV cache", "in " + Code(size->name) + ", " + N(LocalLayerCount(c)) + " of " +
                                               N(c.num_layers) + " layers keep only the last " + N(c.sliding_window) +
                                               " positions: a full context of " + N(T) + " tokens caches " +
                                               BytesExact(KvCacheValues(c, T) * 2) + " in bfloat16 instead of " +
                                               BytesExact(T * c.num_layers * KvValuesPerTokenLayer(c) * 2) + ".");
  }
  if (const spec::Size* size = FirstSizeWith(
          s, primary, [](const ModelConfig& c) { return FactsOf(c).transformer && (!c.bias || !c.qkv_bias); })) {
    ModelConfig biased = size->config;
    biased.bias = biased.qkv_bias = true;
    const int64_t saved = engine::AnalyticParameters(biased).total - engine::AnalyticParameters(size->config).total;
    if (saved > 0)
      items.emplace_back("Fewer biases",
                         "leaving out biases saves " + N(saved) + " parameters in " + Code(size->name) + ".");
  }
  if (const spec::Size* size = FirstSizeWith(s, primary, [](const ModelConfig& c) {
        return engine::TraitsOf(c).kv_cache && c.position != engine::Position::kLearned;
      })) {
    const ModelConfig& c = size->config;
    items.emplace_back("No position parameters", PositionTag(c.position) + " needs no learned position table (in " +
                                                     Code(size->name) + ", a learned table for " + N(c.context_length) +
                                                     " tokens would add " + N(c.context_length * c.embedding_dim) +
                                                     " parameters).");
  }
  std::vector<View> out;
  for (size_t i = 0; i < items.size(); ++i) {
    out.push_back(View()
                      .Text("number", std::to_string(i + 1))
                      .Text("title", items[i].first)
                      .Text("description", items[i].second));
  }
  return out;
}

// A few words on what the family's model file holds.
std::string FamilyDiagramTitle(const ModelConfig& c) {
  if (c.family == engine::Family::kEncoder)
    return "embeddings, " + Plural(c.num_layers, "bidirectional block", "bidirectional blocks") +
           (c.pooler ? ", pooler" : "");
  if (c.family == engine::Family::kVit) return "patch embedding, " + Plural(c.num_layers, "block", "blocks") + ", head";
  if (c.family == engine::Family::kResNet)
    return "stem, " + Plural(static_cast<int64_t>(c.stages.size()), "stage", "stages") + " of " + c.block +
           " blocks, head";
  if (c.family == engine::Family::kAudio)
    return "conv front end, " + Plural(c.num_layers, "encoder block", "encoder blocks") +
           (c.decoder_layers > 0 ? ", text decoder" : "");
  if (c.family == engine::Family::kRecurrent)
    return "embedding, " +
           Plural(c.num_layers, c.cell == "gru" ? "GRU layer" : "LSTM layer",
                  c.cell == "gru" ? "GRU layers" : "LSTM layers") +
           ", LM head";
  return engine::FamilyName(c.family);
}

std::vector<std::pair<std::string, std::string>> ImplementationFiles(const spec::Spec& s, const ModelConfig& c) {
  const engine::Family family = s.architecture.family;
  if (engine::TraitsOf(family).kv_cache) {
    std::vector<std::pair<std::string, std::string>> files = {
        {"engine/models/decoder.cc",
         "the model: token embedding" +
             std::string(c.position == engine::Position::kLearned ? " + learned positions" : "") + ", " +
             Plural(c.num_layers, "block", "blocks") +
             " (pre-norm attention + feed-forward with residuals), final norm, LM head"},
        {"engine/layers/attention.cc",
         engine::UsesMla(c) ? "multi-head latent attention: low-rank q and kv projections, the decoupled RoPE part and "
                              "the compressed KV cache"
                            : "causal self-attention with the fused " + Code("qkv") + " projection, " +
                                  AttentionKind(c) + " head layout and KV cache"},
        {"engine/layers/mlp.cc", "the feed-forward network (" + FeedForwardLabel(c) + ")"}};
    if (family == engine::Family::kMoe)
      files.push_back({"engine/layers/moe.cc",
                       "the router and the top-" + N(c.experts_per_token) + " dispatch of tokens to their experts"});
    files.insert(files.end(), {{"engine/layers/norms.cc", NormLabel(c.norm)},
                               {"engine/layers/positions.cc", "position encodings (" + PositionTag(c.position) + ")"},
                               {"engine/count.cc", "the analytic parameter and FLOP formulas behind these tables"}});
    if (!engine::HfLayoutFor(c).empty())
      files.push_back({"engine/weights/hf_names.cc", "checkpoint tensor names -> ours (the Weight Mapping table)"});
    return files;
  }
  std::vector<std::pair<std::string, std::string>> files = {
      {engine::TraitsOf(family).model_source,
       "the model, built from the spec's configuration (" + FamilyDiagramTitle(c) + ")"}};
  if (engine::TraitsOf(family).audio_input)
    files.push_back(
        {"engine/preprocess/audio.cc", "the log-mel spectrogram (STFT, Slaney mel filterbank, Whisper's scaling)"});
  if (engine::TraitsOf(family).image_input)
    files.push_back({"engine/preprocess/image.cc", "image resize, center crop and per-channel normalization"});
  files.push_back(
      {engine::TraitsOf(family).count_source, "the analytic parameter and FLOP formulas behind these tables"});
  if (!engine::HfLayoutFor(c).empty())
    files.push_back({"engine/weights/hf_names.cc", "checkpoint tensor names -> ours (the Weight Mapping table)"});
  return files;
}

// "Hugging Face GPT-2 (`GPT2LMHeadModel`)": whose checkpoints the mapping reads.
std::string HfLayoutTitle(const ModelConfig& c) {
  const std::string layout = engine::HfLayoutFor(c);
  const std::map<std::string, std::string> titles = {
      {"gpt2", "Hugging Face GPT-2"},      {"llama", "Hugging Face Llama / Mistral / Qwen2"},
      {"mixtral", "Hugging Face Mixtral"}, {"bert", "Hugging Face BERT"},
      {"vit", "Hugging Face ViT"},         {"torchvision-resnet", "torchvision ResNet"},
      {"gemma", "Hugging Face Gemma"},     {"gemma2", "Hugging Face Gemma 2"},
      {"phi3", "Hugging Face Phi-3"},      {"qwen3", "Hugging Face Qwen3"},
      {"gpt_neox", "Hugging Face GPT-NeoX"}, {"qwen3_moe", "Hugging Face Qwen3-MoE"},
      {"deepseek_v3", "Hugging Face DeepSeek-V3"}};
  auto it = titles.find(layout);
  if (it == titles.end()) return "";
  return it->second + " (" + Code(engine::HfReferenceClass(c)) + ")";
}

// "`{i}` is the block index (0..11), ..." for the placeholders the mapping's rows use.
std::string PlaceholderNote(const ModelConfig& c, const std::vector<engine::WeightNameMapping>& rows) {
  auto uses = [&](const std::string& placeholder) {
    for (const auto& row : rows)
      if (row.ours.find(placeholder) != std::string::npos) return true;
    return false;
  };
  std::vector<std::string> parts;
  if (uses("{i}")) parts.push_back(Code("{i}") + " is the block index (0.." + N(c.num_layers - 1) + ")");
  if (uses("{e}")) parts.push_back(Code("{e}") + " is the expert (0.." + N(c.num_experts - 1) + ")");
  if (uses("{s}")) {
    std::vector<std::string> blocks;
    for (int64_t n : c.stages) blocks.push_back(N(n));
    parts.push_back(Code("{s}") + " is the stage (0.." + N(static_cast<int64_t>(c.stages.size()) - 1) + ") and " +
                    Code("{b}") + " the block in it (" + Join(blocks, ", ") + " blocks)");
  }
  bool groups = false;
  for (const auto& row : rows) groups = groups || !row.part_rows.empty();
  if (groups) parts.push_back("a " + Code("{a,b}") + " group lists the tensors concatenated by rows into ours");
  return Join(parts, "; ");
}

std::vector<View> RelatedDocs(const spec::Spec& self, const std::vector<const spec::Spec*>& all) {
  std::vector<View> out;
  const engine::Report empty;
  for (const spec::Spec* other : all) {
    if (!other || other->slug == self.slug || other->architecture.sizes.empty()) continue;
    int64_t lo = INT64_MAX, hi = 0;
    for (const auto& size : other->architecture.sizes) {
      const int64_t p = engine::AnalyticParameters(size.config).total;
      lo = std::min(lo, p);
      hi = std::max(hi, p);
    }
    const ModelConfig& c = ProseSize(*other).config;  // the size its own page describes
    const std::string params = lo == hi ? FormatShortCount(lo) : FormatShortCount(lo) + " to " + FormatShortCount(hi);
    const std::string link = publish::DocumentationPagePath(other->slug).substr(5);  // "docs/"
    out.push_back(View()
                      .Text("title", other->name)
                      .Text("link", link)
                      .Text("note", "comparison: " + params + " parameters in " +
                                        Plural(int64_t(other->architecture.sizes.size()), "size", "sizes") + "; " +
                                        ArchitectureSummary(c)));
  }
  return out;
}

}  // namespace internal

using namespace internal;

std::string TableCell(const std::string& text) {
  std::string out;
  int backslashes = 0;
  for (char ch : text) {
    if (ch == '\n' || ch == '\r') {
      out += ' ';
      backslashes = 0;
      continue;
    }
    if (ch == '|' && backslashes % 2 == 0) out += '\\';
    backslashes = ch == '\\' ? backslashes + 1 : 0;
    out += ch;
  }
  return out;
}

namespace {
kainjow::mustache::data BuildEscapedViewModel(const RenderInput& in, Document doc);
}  // namespace

// Spec prose is data (prose_escape.h): the view is built from escaped copies of every spec;
// front matter, SVG charts, code and diagrams read the raw spec through RawSpec(in).
Document DocumentOfTemplate(const std::string& template_name) {
  if (template_name == "model-specification") return Document::kCard;
  if (template_name == "model-documentation") return Document::kDocumentation;
  if (template_name == "hugo-blog-post") return Document::kBlogPost;
  if (template_name == "experiments-readme") return Document::kExperimentsReadme;
  if (template_name == "development-guide") return Document::kDevelopmentGuide;
  if (template_name.rfind("inject/", 0) == 0) return Document::kInjectSection;
  return Document::kAny;
}

kainjow::mustache::data BuildViewModel(const RenderInput& raw, Document doc) {
  const spec::Spec self = EscapedSpec(*raw.spec);
  std::vector<spec::Spec> others;
  others.reserve(raw.all_specs.size());
  for (const spec::Spec* other : raw.all_specs) others.push_back(other ? EscapedSpec(*other) : spec::Spec{});
  RenderInput in = raw;
  in.spec = &self;
  in.raw_spec = raw.raw_spec ? raw.raw_spec : raw.spec;
  for (size_t i = 0; i < raw.all_specs.size(); ++i) in.all_specs[i] = raw.all_specs[i] ? &others[i] : nullptr;
  return BuildEscapedViewModel(in, doc);
}

const spec::Spec& RawSpec(const RenderInput& in) { return in.raw_spec ? *in.raw_spec : *in.spec; }

namespace {

// What every section of the shared view reads: the escaped spec, its report (empty when none),
// the size of the commands and measured tables (primary) and the size the prose describes.
struct ViewContext {
  const RenderInput& in;
  const spec::Spec& s;
  const engine::Report& r;
  const spec::Size& primary;
  const spec::Size& prose;
  const ModelConfig& c;  // prose.config
  const std::string spec_path;
  const std::string build_command;
};

// Keys every document uses: names, paths, links, the build command.
void AddCommonKeys(const ViewContext& x, View* v) {
  const spec::Spec& s = x.s;
  v->Text("model_name", s.name)
      .Text("slug", s.slug)
      .Text("tagline", s.tagline)
      .Text("summary", s.summary)
      .Text("license", s.license)
      .Text("tags", Join(s.tags, ", "))
      .Text("spec_path", x.spec_path)
      .Text("build_command", x.build_command)
      .Text("tool_version", x.r.environment.tool_version)
      .Text("date", x.r.environment.date)
      .Text("card_link", "../" + publish::SpecificationCardPath(s.slug))
      .Text("doc_link", "../" + publish::DocumentationPagePath(s.slug))
      .Text("results_path", publish::ResultsPath(s.slug))
      .Text("source_file", engine::TraitsOf(s.architecture.family).model_source);
}

// Specification card > Architecture: modalities, type, references, variants and sizes.
void AddCardArchitecture(const ViewContext& x, View* v) {
  const spec::Spec& s = x.s;
  std::vector<View> sizes, size_tables;
  for (const auto& size : s.architecture.sizes) {
    sizes.push_back(View().Text("size_name", size.name).Text("size_summary", SizeSummary(size, x.r)));
    size_tables.push_back(SizeTables(size, x.r));
  }
  std::vector<View> references, variants;
  for (const auto& ref : s.architecture.references) references.push_back(View().Text("citation", Citation(ref)));
  for (const auto& var : s.architecture.variants) {
    variants.push_back(View()
                           .Text("variant_name", var.name)
                           .Text("modifications", var.modifications)
                           .Text("variant_use_cases", var.use_cases));
  }
  v->Items("inputs", Modalities(s, s.inputs, true))
      .Items("outputs", Modalities(s, s.outputs, false))
      .Text("model_type", s.architecture.base + " (" + engine::FamilyName(s.architecture.family) + " family)")
      .Text("key_components", Join(s.architecture.key_components, ", "))
      .Items("references", references)
      .Items("variants", variants)
      .Items("sizes", sizes)
      .Items("size_tables", size_tables);
}

// Specification card > Evaluation: the spec's metrics, the measured ones, and the evaluations
// `modelcard eval` recorded, with flags for the conventions the template states.
void AddCardEvaluation(const ViewContext& x, View* v) {
  std::vector<View> measured_evaluations;
  bool measured_perplexity = false, measured_accuracy = false;
  for (const auto& size : x.r.sizes) {
    for (const auto& e : size.evaluations) {
      const bool accuracy = e.metric.find("accuracy") != std::string::npos;
      measured_accuracy = measured_accuracy || accuracy;
      measured_perplexity = measured_perplexity || !accuracy;
      const std::string unit = size.config.family == engine::Family::kEncoder ? "sequences" : "images";
      std::string data = accuracy ? N(e.samples) + " " + unit : N(e.tokens) + " tokens predicted";
      if (!e.tokenizer.empty()) data += " (text, " + e.tokenizer + ")";
      measured_evaluations.push_back(View()
                                         .Text("size_name", size.name)
                                         .Text("metric", e.metric)
                                         .Text("dataset", TableCell(e.dataset))
                                         .Text("data", data)
                                         .Text("value", accuracy
                                                            ? FormatPercent(e.value)
                                                            : FormatShortestDouble(std::round(e.value * 1000) / 1000))
                                         .Text("dtype", e.dtype)
                                         .Text("weights", Code(e.weights))
                                         .Text("date", e.date));
    }
  }
  std::vector<std::string> primary_metrics, secondary_metrics;
  for (const auto& m : x.s.evaluation.primary) primary_metrics.push_back(MetricText(m));
  for (const auto& m : x.s.evaluation.secondary) secondary_metrics.push_back(MetricText(m));
  for (auto& line : MeasuredMetrics(x.s, x.r, x.build_command)) secondary_metrics.push_back(line);
  v->Items("measured_evaluations", measured_evaluations)
      .Flag("measured_perplexity", measured_perplexity)
      .Flag("measured_accuracy", measured_accuracy)
      .Lines("primary_metrics", primary_metrics)
      .Lines("secondary_metrics", secondary_metrics);
}

// Specification card > Training, Deployment and Maintenance: the spec's sections as given.
void AddCardTrainingToMaintenance(const ViewContext& x, View* v) {
  const spec::Spec& s = x.s;
  v->Flag("has_training", s.has_training)
      .Flag("has_deployment", s.has_deployment)
      .Text("techniques", Join(s.deployment.techniques, ", "))
      .Text("platforms", Join(s.deployment.platforms, ", "))
      .Text("horizontal_scaling", s.deployment.horizontal_scaling)
      .Text("vertical_scaling", s.deployment.vertical_scaling)
      .Flag("has_inference_optimization", !s.deployment.techniques.empty() || !s.deployment.platforms.empty())
      .Flag("has_scalability", !s.deployment.horizontal_scaling.empty() || !s.deployment.vertical_scaling.empty())
      .Flag("has_maintenance", s.has_maintenance)
      .Text("repository", s.maintenance.repository)
      .Text("version", s.maintenance.version)
      .Text("version_tagging", s.maintenance.version_tagging)
      .Text("scheduled_updates", s.maintenance.scheduled_updates)
      .Text("bug_fixes", s.maintenance.bug_fixes)
      .Text("documentation", s.maintenance.documentation)
      .Flag("has_version_control", !s.maintenance.repository.empty() || !s.maintenance.version.empty() ||
                                       !s.maintenance.version_tagging.empty())
      .Flag("has_maintenance_plan", !s.maintenance.scheduled_updates.empty() || !s.maintenance.bug_fixes.empty() ||
                                        !s.maintenance.documentation.empty());
  AddTraining(s.training, v);
}

// Documentation page > Overview and Architecture: features, use cases, sizes, the diagram,
// the components and the configuration.
void AddDocumentationArchitecture(const ViewContext& x, View* v) {
  const spec::Spec& s = x.s;
  std::vector<std::string> size_names;
  for (const auto& size : s.architecture.sizes) size_names.push_back(size.name);
  v->Lines("key_features", KeyFeatures(s, x.c, x.r))
      .Text("use_cases_sentence", Join(s.architecture.use_cases, "; "))
      .Lines("use_cases", s.architecture.use_cases)
      .Flag("has_multiple_sizes", s.architecture.sizes.size() > 1)
      .Text("primary_size", x.primary.name)
      .Text("prose_size", x.prose.name)
      .Text("measured_size_note", MeasuredSizeNote(s, x.r))
      .Text("architecture_diagram", FamilyDiagram(x.c, CodeText(RawSpec(x.in).name)))
      .Items("doc_components", DocComponents(x.c))
      .Text("configuration_table", ConfigurationTable(s, x.r))
      .Text("config_yaml", ConfigYaml(x.prose))
      .Text("size_names", Join(size_names, ", "));
}

// What kind of input the family takes, as flags and units for the template's wording of
// shapes, throughput, the embedding convention and generation.
void AddFamilyFacts(const ViewContext& x, View* v) {
  const ModelConfig& c = x.c;
  const int64_t seq = x.s.profile.sequence_lengths.empty() ? 128 : x.s.profile.sequence_lengths.front();
  v->Text("profile_seq", std::to_string(seq))
      .Text("profile_seq_arg", FactsOf(c).sequence ? " --seq " + std::to_string(seq) : "")
      .Flag("sequence_model", FactsOf(c).sequence)
      .Text("sequence_unit", FactsOf(c).sequence ? SequenceUnit(c) : "")
      .Flag("has_attention", FactsOf(c).attention)
      .Lines("flop_feature_notes", FeatureFlopNotes(c))
      .Lines("kv_feature_notes", KvFeatureNotes(c))  // sliding window, MLA, MoE (none for most models)
      .Text("throughput_unit", FactsOf(c).images                    ? "images"
                               : c.family == engine::Family::kAudio ? "seconds of audio"
                                                                    : "tokens")
      .Text("throughput_item", FactsOf(c).images ? "image" : "token")
      .Flag("cnn_model", FactsOf(c).conv_stages)
      .Flag("patch_model", FactsOf(c).patches)
      .Text("family", engine::FamilyName(c.family))
      .Flag("has_kv_cache", engine::TraitsOf(c).kv_cache)
      .Flag("recurrent_model", c.family == engine::Family::kRecurrent)
      .Flag("audio_model", c.family == engine::Family::kAudio);
}

// Documentation page > Implementation and weights: the files, parameter names and counts, and
// the Hugging Face weight mapping.
void AddDocumentationImplementation(const ViewContext& x, View* v) {
  const ModelConfig& c = x.c;
  const bool dense_decoder = c.family == engine::Family::kDecoder;  // parameter names listed as text (GPT-2, Llama)
  const std::vector<engine::WeightNameMapping> mapping = engine::HfWeightNames(c);
  std::vector<View> weight_map;
  for (const auto& row : mapping) {
    weight_map.push_back(View()
                             .Text("ours", Code(row.ours))
                             .Text("hf", Code(row.hf))
                             .Text("shape", row.shape)
                             .Text("note", TableCell(row.note)));
  }
  std::vector<View> hf_repos;
  for (const auto& size : x.s.architecture.sizes)
    if (!size.hf_repo.empty()) hf_repos.push_back(View().Text("size_name", size.name).Text("repo", size.hf_repo));
  std::vector<View> implementation_files;
  for (const auto& [path, what] : ImplementationFiles(x.s, c))
    implementation_files.push_back(View().Text("path", path).Text("what", what));
  v->Items("implementation_files", implementation_files)
      .Text("parameter_names", dense_decoder ? ParameterNames(c) : "")
      .Items("component_counts", ComponentRows(x.primary, x.r))
      .Text("hf_layout", HfLayoutTitle(c))
      .Text("weight_map_placeholders", PlaceholderNote(c, mapping))
      .Text("weight_map_problem", engine::HfLayoutProblem(c))
      .Items("weight_map", weight_map)
      .Items("hf_repos", hf_repos);
}

// Documentation page > Comparisons and Advantages: memory, sizes, the other models, benefits.
void AddDocumentationComparison(const ViewContext& x, View* v) {
  const std::vector<View> benefits = Benefits(x.s, x.r, x.prose);
  v->Items("memory_rows", MemoryRows(x.s, x.r))
      .Text("size_comparison", SizeComparison(x.s, x.r))
      .Items("model_comparison", ModelComparison(x.s, x.in.all_specs, x.r))
      .Items("benefits", benefits)
      .Flag("has_advantages", !benefits.empty() || !x.s.architecture.use_cases.empty())
      .Items("related_docs", RelatedDocs(x.s, x.in.all_specs));
}

// Measurements: the benchmark tables (has_runs), the runs that failed, the environment and
// the profile settings.
void AddMeasurementKeys(const ViewContext& x, View* v) {
  const engine::Report& r = x.r;
  AddBenchmarks(x.s, r, v);         // sets has_runs
  std::vector<std::string> failed;  // scenarios that could not run on the measuring machine
  for (const auto& size : r.sizes)
    for (const auto& f : size.failures)
      failed.push_back("size `" + size.name + "` " + f.dtype + " " + f.scenario +
                       (f.batch > 0 ? " batch " + std::to_string(f.batch) : "") + " on " + f.device + " (`" +
                       CodeSpanText(f.reason) + "`)");
  v->Flag("has_run_failures", !failed.empty()).Text("run_failures", Join(failed, "; "));
  v->Text("environment", EnvironmentText(r.environment))
      .Text("warmup", Plural(x.s.profile.warmup, "warm-up iteration", "warm-up iterations"))
      .Text("min_iterations", Plural(x.s.profile.min_iterations, "timed iteration", "timed iterations"))
      .Text("min_seconds", FormatShortestDouble(x.s.profile.min_seconds));
}

// SVG charts: files of the post's page bundle; the documentation page links them there.
void AddCharts(const ViewContext& x, View* v) {
  std::vector<View> perf_charts, component_charts;
  for (const auto& chart : BuildCharts(RawSpec(x.in), x.r)) {
    (chart.file == "components.svg" ? component_charts : perf_charts)
        .push_back(View()
                       .Text("file", chart.file)
                       .Text("title", LinkTitle(chart.title))
                       .Text("alt", EscapeProse(chart.alt))
                       .Text("doc_src", publish::RelativeTo(publish::DocumentationPagePath(x.s.slug),
                                                            publish::BlogBundleFilePath(x.s.slug, chart.file))));
  }
  v->Items("perf_charts", perf_charts).Items("component_charts", component_charts);
}

kainjow::mustache::data BuildEscapedViewModel(const RenderInput& in, Document doc) {
  const spec::Spec& s = *in.spec;
  const engine::Report empty_report;
  const std::string spec_path = in.spec_display_path.empty() ? s.path : in.spec_display_path;
  const spec::Size& prose = ProseSize(s);
  const ViewContext x{in,           s,         in.report ? *in.report : empty_report, PrimarySize(s), prose,
                      prose.config, spec_path, "modelcard build " + spec_path};
  // The shared sections (the card's, the documentation page's, the measurements: a template may
  // read any of them), then the document's own builder, run only for it.
  View v;
  AddCommonKeys(x, &v);
  AddCardArchitecture(x, &v);
  AddCardEvaluation(x, &v);
  AddCardTrainingToMaintenance(x, &v);
  AddDocumentationArchitecture(x, &v);
  AddFamilyFacts(x, &v);
  AddDocumentationImplementation(x, &v);
  AddDocumentationComparison(x, &v);
  AddMeasurementKeys(x, &v);
  const bool any = doc == Document::kAny;
  if (any || doc == Document::kBlogPost) AddBlogPost(in, &v);                    // post_* keys of the Hugo post
  if (any || doc == Document::kExperimentsReadme) AddExperimentsReadme(in, &v);  // exp_* keys
  if (any || doc == Document::kDevelopmentGuide) AddDevelopmentGuide(in, &v);    // guide_* keys
  AddCharts(x, &v);
  return v.data();
}

}  // namespace

}  // namespace render
