// The development guide's view-model keys (see guide_view.h): every guide_* value, for THIS
// model. Counts and FLOPs come from engine/count.h (or the Report when it has them), memory,
// time and device arithmetic from guide_math.h, device figures from accelerators.h, and the
// measured values from the Report's train runs and experiments. Each text says whether it is
// MEASURED (where, when) or an ESTIMATE (which formula).
#include "generator/render/guide_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/count.h"
#include "generator/publish/outputs.h"
#include "generator/render/accelerators.h"
#include "generator/render/decoder_features.h"
#include "generator/render/diagrams.h"
#include "generator/render/format.h"
#include "generator/render/guide_math.h"

namespace render {
namespace {

using engine::ModelConfig;
using internal::Code;
using internal::Join;
using internal::N;
using internal::Plural;
using internal::PositionTag;
using internal::View;

constexpr double kAssumedMfu = 0.40;  // the MFU assumed for the accelerator table (stated)

bool IsTextFamily(engine::Family f) { return engine::TraitsOf(f).token_input; }
bool HasAttention(engine::Family f) { return engine::TraitsOf(f).attention; }
bool HasKvCache(engine::Family f) { return engine::TraitsOf(f).kv_cache; }
// Families whose layers are transformer blocks the Korthikanti et al. formula describes (the
// attention families with token or patch input; not audio's conv front end + two stacks).
bool HasLayerActivationFormula(engine::Family f) {
  return engine::TraitsOf(f).attention && !engine::TraitsOf(f).audio_input;
}

// The unit one training example is counted in, singular and plural.
std::string UnitOne(const ModelConfig& c) {
  if (IsTextFamily(c.family)) return "token";
  if (c.family == engine::Family::kAudio) return FormatShortestDouble(c.chunk_seconds) + " s audio chunk";
  return "image";
}
std::string UnitMany(const ModelConfig& c) {
  if (IsTextFamily(c.family)) return "tokens";
  if (c.family == engine::Family::kAudio) return FormatShortestDouble(c.chunk_seconds) + " s audio chunks";
  return "images";
}

// Sequence length of one training example for the activation formula: the context for text,
// patches (+ [CLS]) for ViT.
int64_t ActivationSequence(const ModelConfig& c) {
  if (c.family == engine::Family::kVit) {
    const int64_t side = c.patch_size > 0 ? c.image_size / c.patch_size : 0;
    return side * side + (c.pool == "cls" ? 1 : 0);
  }
  return c.context_length;
}

// Forward matmul FLOPs of one unit (token, image, audio chunk), from engine/count.h.
double ForwardFlopsPerUnit(const ModelConfig& c) {
  if (IsTextFamily(c.family)) {
    const int64_t T = std::max<int64_t>(1, c.context_length);
    return double(engine::AnalyticForwardFlops(c, 1, T).forward) / double(T);
  }
  return double(engine::AnalyticForwardFlops(c, 1, c.context_length).forward);
}

// "3.5 hours", "12.3 days", "4.1 years"; seconds and minutes below two hours.
std::string Duration(double s) {
  if (s <= 0) return "n/a";
  if (s < 120) return FormatSeconds(s);
  if (s < 2 * 3600) return FormatFixed(s / 60, 1) + " minutes";
  if (s < 2 * 86400) return FormatFixed(s / 3600, 1) + " hours";
  if (s < 2 * 365.25 * 86400) return FormatFixed(s / 86400, 1) + " days";
  return FormatFixed(s / (365.25 * 86400), 1) + " years";
}

std::string Bytes(int64_t b) { return FormatBytes(b); }

// FormatFlops up to EFLOPs; beyond, "9.22 × 10²² FLOPs" (E-prefixed thousands read badly).
std::string BigFlops(double flops) {
  if (flops < 1e21) return FormatFlops(flops);
  static const char* kSuperscript[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  int exponent = int(std::floor(std::log10(flops)));
  double mantissa = flops / std::pow(10.0, exponent);
  if (std::stod(FormatFixed(mantissa, 2)) >= 10) {
    mantissa /= 10;
    ++exponent;
  }
  std::string sup;
  for (char ch : std::to_string(exponent)) sup += kSuperscript[ch - '0'];
  return FormatFixed(mantissa, 2) + " × 10" + sup + " FLOPs";
}

struct SizeMemory {
  std::string name;
  ModelConfig config;
  engine::ParameterCount params;
  guide::TrainingStateBytes f32, mixed;
  bool has_activations = false;                      // the formula applies to this family
  int64_t act_f32 = 0, act_mixed = 0, act_ckpt = 0;  // one sequence (micro-batch 1)
  int64_t layer_weight_bytes = 0;                    // one layer, 16-bit
  int64_t kv_per_token = 0;                          // bfloat16 bytes per token per sequence
  int64_t kv_context = 0;                            // at the full context, batch 1
  int64_t inference_bytes = 0;                       // bfloat16 weights + kv_context
};

SizeMemory MemoryOf(const spec::Size& size, const engine::Report& r) {
  SizeMemory m;
  m.name = size.name;
  m.config = size.config;
  const ModelConfig& c = size.config;
  m.params = internal::ParametersOf(size, r);
  m.f32 = guide::Float32AdamWState(m.params.total);
  m.mixed = guide::MixedPrecisionAdamWState(m.params.total);
  m.has_activations = HasLayerActivationFormula(c.family);
  if (m.has_activations) {
    const int64_t s = ActivationSequence(c), h = c.embedding_dim, a = c.num_heads, L = c.num_layers;
    m.act_f32 = L * guide::TransformerLayerActivationBytes(s, 1, h, a, 4);
    m.act_mixed = L * guide::TransformerLayerActivationBytes(s, 1, h, a, 2);
    m.act_ckpt = guide::CheckpointedActivationBytes(s, 1, h, a, L, 2);
  }
  const int64_t layers = c.family == engine::Family::kAudio ? c.num_layers + c.decoder_layers : c.num_layers;
  m.layer_weight_bytes = layers > 0 ? 2 * m.params.non_embedding / layers : 2 * m.params.non_embedding;
  if (HasKvCache(c.family)) {
    m.kv_per_token = engine::KVCacheBytesPerToken(c, 2);
    m.kv_context = m.kv_per_token * c.context_length;
    if (UsesDecoderFeatures(c)) {  // MLA's latent cache; rolling windows on local layers
      m.kv_per_token = 2 * c.num_layers * KvValuesPerTokenLayer(c);
      m.kv_context = 2 * KvCacheValues(c, c.context_length);
    }
  }
  m.inference_bytes = 2 * m.params.total + m.kv_context;
  return m;
}

guide::ParallelismPlan PlanFor(const SizeMemory& m, const Accelerator& a) {
  return guide::PlanTraining(m.mixed.total(), m.act_mixed, m.has_activations ? m.act_ckpt : 0, m.layer_weight_bytes,
                             a.memory_bytes);
}

const engine::Experiment* FindExperiment(const engine::Report& r, const std::string& id) {
  for (const auto& size : r.sizes)
    for (const auto& e : size.experiments)
      if (e.id == id && e.applicable && e.variants.size() >= 2) return &e;
  return nullptr;
}

const engine::ExperimentVariant& Baseline(const engine::Experiment& e) {
  for (const auto& v : e.variants)
    if (v.baseline) return v;
  return e.variants.front();
}
const engine::ExperimentVariant& FirstOther(const engine::Experiment& e) {
  const engine::ExperimentVariant* base = &Baseline(e);
  for (const auto& v : e.variants)
    if (&v != base) return v;
  return e.variants.back();
}

std::string HyperValue(const spec::Spec& s, const std::string& key) {
  for (const auto& h : s.training.hyperparameters)
    if (h.key == key) return h.value;
  return "";
}
std::string Given(const spec::Spec& s, const std::string& key) {
  const std::string v = HyperValue(s, key);
  return v.empty() ? "not given in the spec" : v + " (the spec's `training.hyperparameters." + key + "`)";
}

std::string Signed(double fraction) { return (fraction >= 0 ? "+" : "−") + FormatPercent(std::fabs(fraction)); }

// Per-size value list: "12 (small), 24 (medium)"; one value when all sizes agree.
template <typename Fn>
std::string EachSize(const spec::Spec& s, Fn fn) {
  std::vector<std::string> values, parts;
  for (const auto& z : s.architecture.sizes) values.push_back(fn(z));
  bool same = std::all_of(values.begin(), values.end(), [&](const std::string& x) { return x == values[0]; });
  if (same && !values.empty()) return values[0];
  for (size_t i = 0; i < values.size(); ++i) parts.push_back(values[i] + " (" + s.architecture.sizes[i].name + ")");
  return Join(parts, ", ");
}

int64_t Component(const engine::ParameterCount& p, const std::string& key) {
  for (const auto& [k, n] : p.by_component)
    if (k == key) return n;
  return 0;
}

std::string Share(int64_t part, int64_t whole) {
  return whole > 0 ? FormatPercent(double(part) / double(whole)) : "n/a";
}

// ---- section 1: architecture -------------------------------------------------------------

// The five texts of Architecture Components: blocks, attention, feed-forward, embeddings, heads.
struct ComponentTexts {
  std::string blocks, attention, ffn, embed, head;
};

ComponentTexts ResNetComponents(const spec::Size& primary, const engine::ParameterCount& p) {
  const ModelConfig& c = primary.config;
  std::string stages;
  for (size_t i = 0; i < c.stages.size(); ++i) stages += (i ? ", " : "") + N(c.stages[i]);
  ComponentTexts t;
  t.blocks = "none: ResNet is convolutional; `" + primary.name + "` has " + c.block +
             " residual blocks in stages of [" + stages + "], base width " + N(c.base_width);
  t.attention = "none (convolutions only)";
  t.ffn = "none as such; each " + c.block + " block's convolutions play that part";
  t.embed = "the stem (7×7 convolution + batch norm + max pool): " + FormatCountWithShort(Component(p, "stem")) +
            " parameters in `" + primary.name + "`";
  t.head = "global average pool + a linear classifier over " + N(c.num_classes) + " classes";
  return t;
}

ComponentTexts RecurrentComponents(const spec::Spec& s, const spec::Size& primary, const engine::ParameterCount& p) {
  const ModelConfig& c = primary.config;
  ComponentTexts t;
  t.blocks = std::string("none: ") + (c.cell == "gru" ? "GRU" : "LSTM") + " layers instead — " +
             EachSize(s, [](const spec::Size& z) { return N(z.config.num_layers); }) + " layers, hidden state " +
             EachSize(s, [](const spec::Size& z) { return N(z.config.hidden_dim); });
  t.attention = "none (the recurrent state carries the context)";
  t.ffn = "none (the " + std::string(c.cell == "gru" ? "GRU" : "LSTM") + " gates are the per-step transform)";
  t.embed = "token embedding " + N(c.vocab_size) + " × " + N(c.embedding_dim) + " = " +
            FormatCountWithShort(p.embedding) + " parameters in `" + primary.name + "`";
  t.head = std::string("LM head over ") + N(c.vocab_size) + " tokens" +
           (c.tie_embeddings ? ", tied to the token embedding" : "");
  return t;
}

// Blocks, attention and feed-forward of a transformer (decoder, MoE, encoder, ViT, audio).
void TransformerBlocks(const spec::Spec& s, const spec::Size& primary, const engine::ParameterCount& p,
                       ComponentTexts* t) {
  const ModelConfig& c = primary.config;
  const engine::Family f = c.family;
  const std::string kind =
      f == engine::Family::kEncoder ? (c.norm_position == "pre" ? "pre-norm bidirectional encoder blocks"
                                                                : "post-norm bidirectional encoder blocks")
      : f == engine::Family::kVit   ? "pre-norm encoder blocks over patch tokens"
      : f == engine::Family::kAudio ? "pre-norm encoder blocks over log-mel frames"
      : f == engine::Family::kMoe   ? "pre-norm decoder blocks with mixture-of-experts feed-forward layers"
      : c.parallel_residual
          ? "pre-norm decoder blocks with a parallel residual (x + attention(norm₁ x) + feed-forward(norm₂ x))"
      : c.sandwich_norm ? "decoder blocks with sandwich norms (norm → causal self-attention → norm → residual, "
                          "norm → feed-forward → norm → residual)"
                        : "pre-norm decoder blocks (norm → causal self-attention → residual, "
                          "norm → feed-forward → residual)";
  t->blocks = EachSize(s, [](const spec::Size& z) { return N(z.config.num_layers); }) + " " + kind;
  if (f == engine::Family::kAudio)
    t->blocks += ", then " + EachSize(s, [](const spec::Size& z) { return N(z.config.decoder_layers); }) +
                 " text-decoder blocks with cross-attention";
  t->attention =
      AttentionLabel(c) + ", head dimension " +
      (engine::UsesMla(c) ? N(engine::QkHeadDim(c)) + " for q·k and " + N(engine::VHeadDim(c)) + " for values"
                          : N(c.head_dim)) +
      " (`" + primary.name + "`: " + FormatCountWithShort(Component(p, "attention")) + " parameters)";
  for (const auto& feature : FeatureSummary(c))  // window, scaling, QK-norm, soft-caps (none for most models)
    if (feature.find("experts") == std::string::npos && feature.rfind("MLA", 0) != 0) t->attention += "; " + feature;
  t->ffn = FeedForwardLabel(c) + " (`" + primary.name + "`: " + FormatCountWithShort(Component(p, "mlp")) +
           " parameters, " + Share(Component(p, "mlp"), p.total) + " of the model)";
  if (f == engine::Family::kMoe)
    t->ffn += "; " + N(c.num_experts) + " experts per layer, top-" + N(c.experts_per_token) + " routing, so " +
              FormatCountWithShort(p.active) + " of " + FormatCountWithShort(p.total) +
              " parameters are active per token";
}

// Embeddings and heads of a transformer (decoder, MoE, encoder, ViT, audio).
void TransformerEnds(const spec::Size& primary, const engine::ParameterCount& p, ComponentTexts* t) {
  const ModelConfig& c = primary.config;
  const engine::Family f = c.family;
  if (f == engine::Family::kVit)
    t->embed = "patch projection (" + N(c.patch_size) + " × " + N(c.patch_size) +
               " patches), [CLS] token and "
               "learned positions: " +
               FormatCountWithShort(p.embedding) + " parameters in `" + primary.name + "`";
  else if (f == engine::Family::kAudio)
    t->embed = "conv front end over " + N(c.n_mels) + " mel bins (" + FormatCountWithShort(Component(p, "frontend")) +
               " parameters) and the decoder's token + position embeddings (" + FormatCountWithShort(p.embedding) + ")";
  else
    t->embed = "token embedding " + N(c.vocab_size) + " × " + N(c.embedding_dim) +
               (c.position == engine::Position::kLearned
                    ? " + learned positions " + N(c.context_length) + " × " + N(c.embedding_dim)
                    : " (" + PositionTag(c.position) + ", no position table)") +
               " = " + FormatCountWithShort(p.embedding) + " parameters in `" + primary.name + "`";
  if (f == engine::Family::kEncoder)
    t->head = c.head == "mlm" ? "masked-language-model head over " + N(c.vocab_size) + " tokens"
              : c.head == "classifier"
                  ? "classifier over " + N(c.num_classes) + " classes"
                  : "no task head: hidden states" + std::string(c.pooler ? " and the pooled [CLS] vector" : "");
  else if (f == engine::Family::kVit)
    t->head = "linear classifier over " + N(c.num_classes) + " classes on the " +
              (c.pool == "cls" ? "[CLS] token" : "mean of the patch tokens");
  else
    t->head = "LM head over " + N(c.vocab_size) + " tokens" +
              (c.tie_embeddings ? ", tied to the token embedding (0 extra parameters)"
                                : " (" + FormatCountWithShort(Component(p, "lm_head")) + " parameters, untied)");
}

// Architecture Components: blocks, attention, feed-forward, embeddings and heads of this family.
void AddComponents(const spec::Spec& s, const engine::Report& r, const spec::Size& primary, View* v) {
  const engine::ParameterCount p = internal::ParametersOf(primary, r);
  ComponentTexts t;
  if (primary.config.family == engine::Family::kResNet) {
    t = ResNetComponents(primary, p);
  } else if (primary.config.family == engine::Family::kRecurrent) {
    t = RecurrentComponents(s, primary, p);
  } else {
    TransformerBlocks(s, primary, p, &t);
    TransformerEnds(primary, p, &t);
  }
  v->Text("guide_blocks", t.blocks)
      .Text("guide_attention", t.attention)
      .Text("guide_ffn", t.ffn)
      .Text("guide_embeddings", t.embed)
      .Text("guide_heads", t.head);
}

void AddDecisions(const spec::Spec& s, const engine::Report& r, const spec::Size& primary, View* v) {
  const ModelConfig& c = primary.config;
  std::vector<View> rows;
  for (const auto& z : s.architecture.sizes) {
    const ModelConfig& k = z.config;
    const bool attn = HasAttention(k.family);
    rows.push_back(
        View()
            .Text("size", z.name)
            .Text("params", FormatCountWithShort(internal::ParametersOf(z, r).total))
            .Text("layers", k.family == engine::Family::kResNet
                                ? [&] { int64_t n = 0; for (auto b : k.stages) n += b; return N(n) + " blocks"; }()
                                : N(k.num_layers) + (k.family == engine::Family::kAudio ? " + " + N(k.decoder_layers) : ""))
            .Text("width", N(k.family == engine::Family::kResNet ? k.base_width : k.embedding_dim))
            .Text("heads", attn ? N(k.num_heads) + " / " + N(k.num_kv_heads) + " (" + AttentionKind(k) + ")" : "—")
            .Text("ffn", k.family == engine::Family::kResNet ? "—" : N(k.hidden_dim))
            .Text("input", IsTextFamily(k.family) ? N(k.context_length) + " tokens"
                           : k.family == engine::Family::kAudio ? FormatShortestDouble(k.chunk_seconds) + " s audio, " +
                                                       N(k.context_length) + " text tokens"
                                                 : N(k.image_size) + " × " + N(k.image_size) + " px"));
  }
  std::vector<std::string> io;
  for (const auto& m : s.inputs) io.push_back("input " + m.modality + ": " + m.format);
  for (const auto& m : s.outputs) io.push_back("output " + m.modality + ": " + m.format);
  std::string layer_config;
  if (c.family == engine::Family::kResNet)
    layer_config = c.block + " blocks with batch norm and ReLU; the first block of each stage downsamples";
  else if (c.family == engine::Family::kRecurrent)
    layer_config =
        N(c.num_layers) + " stacked " + (c.cell == "gru" ? "GRU" : "LSTM") + " layers in `" + primary.name + "`";
  else
    layer_config = NormLabel(c.norm) + " (ε = " + FormatShortestDouble(c.norm_eps) + "), " +
                   (c.family == engine::Family::kEncoder ? c.norm_position + "-norm" : "pre-norm") + ", " +
                   PositionTag(c.position) + ", " +
                   (c.bias ? "biases in the linear layers" : "no biases in the linear layers") +
                   (c.tie_embeddings && IsTextFamily(c.family) ? ", tied input/output embeddings" : "");
  std::string attention_types;
  if (HasAttention(c.family)) {
    attention_types = EachSize(s, [](const spec::Size& z) { return AttentionKind(z.config); });
    if (engine::UsesMla(c))
      attention_types += ": keys and values decompressed from a " + N(c.kv_lora_rank) + "-wide latent; `" +
                         primary.name + "` caches " + N(KvValuesPerTokenLayer(c)) + " values per token and layer, " +
                         "where a standard cache of its heads would hold " +
                         N(StandardKvValuesPerToken(c) / std::max<int64_t>(c.num_layers, 1));
    else if (c.num_kv_heads != c.num_heads && c.num_kv_heads > 0)
      attention_types += ": " + N(c.num_kv_heads) + " K/V heads for " + N(c.num_heads) + " query heads in `" +
                         primary.name + "` cut the KV cache " +
                         FormatFixed(double(c.num_heads) / double(c.num_kv_heads), 0) + "× against MHA";
    else
      attention_types += ": every query head has its own K and V head";
  } else {
    attention_types = "none (no attention in this family)";
  }
  v->Items("guide_size_rows", rows)
      .Text("guide_size_selection", Plural(int64_t(s.architecture.sizes.size()), "size", "sizes") + " in the spec; `" +
                                        primary.name +
                                        "` is the one profiled (`profile.sizes`), so measured numbers below are for it")
      .Text("guide_layer_config", layer_config)
      .Text("guide_attention_types", attention_types)
      .Text("guide_activation",
            c.family == engine::Family::kResNet ? "ReLU (fixed by the ResNet blocks)"
            : c.family == engine::Family::kRecurrent
                ? "sigmoid and tanh gates of the cell"
                : ActivationLabel(c.activation) + (IsGated(c.activation) ? " (gated: three FFN matrices)" : ""))
      .Text("guide_io_formats", io.empty() ? "not given in the spec" : Join(io, "; "));
}

// ---- section 1: scaling considerations -------------------------------------------------------

// "for ..." of the activation-memory estimate: the shape the per-layer formula is applied to,
// and how far it is from this model's attention and MLP.
std::string ActivationNote(const ModelConfig& c) {
  if (!HasLayerActivationFormula(c.family))
    return "the per-layer formula is for transformer layers, so activations of this " +
           std::string(engine::FamilyName(c.family)) +
           " model are not estimated here; the measured train runs below report them";
  std::string note = "micro-batch 1 × " + N(ActivationSequence(c)) +
                     (c.family == engine::Family::kVit ? " patch tokens" : " tokens (the full context)") +
                     ", all layers; logits and the embedding output are not included";
  const bool exact = !IsGated(c.activation) && c.hidden_dim == 4 * c.embedding_dim && c.num_kv_heads == c.num_heads &&
                     c.family != engine::Family::kMoe;
  if (!exact)
    note += ". The formula assumes MHA and a 4h MLP; this model has " + AttentionKind(c) + " and " +
            FeedForwardLabel(c) + (c.family == engine::Family::kMoe ? " experts" : "") +
            ", so treat it as an approximation";
  return note;
}

// Scaling Considerations > Memory requirements: parameters, training and inference memory per
// size (ESTIMATE).
void AddScalingMemory(const spec::Size& primary, const std::vector<SizeMemory>& mem, View* v) {
  std::vector<View> param_rows, train_rows, infer_rows;
  for (const auto& m : mem) {
    param_rows.push_back(
        View()
            .Text("size", m.name)
            .Text("total", FormatCountWithShort(m.params.total))
            .Text("non_embedding", FormatCountWithShort(m.params.non_embedding))
            .Text("active", FormatCountWithShort(m.params.active > 0 ? m.params.active : m.params.total))
            .Text("f32", Bytes(4 * m.params.total))
            .Text("bf16", Bytes(2 * m.params.total))
            .Text("int8", Bytes(m.params.total)));
    train_rows.push_back(View()
                             .Text("size", m.name)
                             .Text("weights_f32", Bytes(m.f32.weights))
                             .Text("grads_f32", Bytes(m.f32.gradients))
                             .Text("adam_f32", Bytes(m.f32.optimizer))
                             .Text("state_mixed", Bytes(m.mixed.total()))
                             .Text("act_f32", m.has_activations ? Bytes(m.act_f32) : "not estimated")
                             .Text("act_mixed", m.has_activations ? Bytes(m.act_mixed) : "not estimated")
                             .Text("act_ckpt", m.has_activations ? Bytes(m.act_ckpt) : "not estimated")
                             .Text("total_f32", Bytes(m.f32.total() + m.act_f32))
                             .Text("total_mixed", Bytes(m.mixed.total() + m.act_mixed)));
    const bool kv = HasKvCache(m.config.family);
    infer_rows.push_back(View()
                             .Text("size", m.name)
                             .Text("f32", Bytes(4 * m.params.total))
                             .Text("bf16", Bytes(2 * m.params.total))
                             .Text("int8", Bytes(m.params.total))
                             .Text("kv_token", kv ? internal::BytesExact(m.kv_per_token) : "no KV cache")
                             .Text("kv_context", kv ? Bytes(m.kv_context) : "—"));
  }
  v->Items("guide_param_rows", param_rows)
      .Items("guide_train_memory_rows", train_rows)
      .Items("guide_infer_memory_rows", infer_rows)
      .Text("guide_activation_note", ActivationNote(primary.config))
      .Flag("guide_has_kv_cache", HasKvCache(primary.config.family));
}

// Scaling Considerations > the measured train runs (MEASURED), one row per run.
void AddMeasuredTrainRuns(const engine::Report& r, View* v) {
  std::vector<View> train_runs;
  for (const auto& size : r.sizes)
    for (const auto& run : size.runs) {
      if (run.scenario != "train") continue;
      train_runs.push_back(View()
                               .Text("size", size.name)
                               .Text("dtype", run.dtype == "bfloat16" ? "bfloat16 mixed precision" : run.dtype)
                               .Text("device", run.device)
                               .Text("shape", internal::RunShape(run))
                               .Text("weights", Bytes(run.weights_bytes))
                               .Text("grads", Bytes(run.gradients_bytes))
                               .Text("optimizer", Bytes(run.optimizer_bytes))
                               .Text("activations", Bytes(run.activations_bytes))
                               .Text("peak", Bytes(run.peak_bytes))
                               .Text("latency", FormatSeconds(run.latency_s.mean))
                               .Text("mfu", internal::Mfu(run)));
    }
  v->Items("guide_train_runs", train_runs);
}

// "Attention: ..." of Computational complexity: how the attention term grows with the
// sequence length, or why it does not.
std::string AttentionTerm(const spec::Size& primary) {
  const ModelConfig& c = primary.config;
  if (IsTextFamily(c.family) && engine::TraitsOf(c).attention && UsesDecoderFeatures(c)) {
    const int64_t per_key = 2 * c.num_heads * (engine::QkHeadDim(c) + engine::VHeadDim(c));  // QKᵀ and AV
    const int64_t local = LocalLayerCount(c);
    std::string text = "QKᵀ and AV add 2 × heads × (q·k width + value width) FLOPs per key and layer (" + N(per_key) +
                       " for `" + primary.name + "`)";
    if (local > 0)
      return text + "; the " + N(c.num_layers - local) + " global layers read all T keys, so their share grows " +
             "linearly with T, while the " + N(local) + " local layers read at most " + N(c.sliding_window) +
             " keys per query";
    return text + " × T keys per token, so their share grows linearly with the sequence length T";
  }
  if (IsTextFamily(c.family) && engine::TraitsOf(c).attention)
    return "QKᵀ and AV add 4 × layers × heads × head_dim × T FLOPs per token (" +
           N(4 * c.num_layers * c.num_heads * c.head_dim) + " × T for `" + primary.name +
           "`), so their share grows linearly with the sequence length T";
  if (c.family == engine::Family::kRecurrent) return "none: the cost per token does not depend on the sequence length";
  const std::string input = c.family == engine::Family::kAudio ? FormatShortestDouble(c.chunk_seconds) + " s of audio"
                                                               : N(c.image_size) + " × " + N(c.image_size) + " pixels";
  return "the input size is fixed (" + input + "), so the FLOPs per " + UnitOne(c) + " are a constant";
}

// Scaling Considerations > Computational complexity (ESTIMATE): FLOPs per unit, and the
// attention term against the sequence length.
void AddComputationalComplexity(const engine::Report& r, const spec::Size& primary, View* v) {
  const ModelConfig& c = primary.config;
  const double fwd = ForwardFlopsPerUnit(c);
  const engine::ParameterCount p = internal::ParametersOf(primary, r);
  v->Text("guide_unit", UnitOne(c))
      .Text("guide_units", UnitMany(c))
      .Text("guide_forward_per_unit", FormatFlops(fwd))
      .Text("guide_forward_per_unit_exact", N(std::llround(fwd)))
      .Text("guide_train_per_unit", FormatFlops(3 * fwd))
      .Text("guide_six_n", IsTextFamily(c.family) ? FormatFlops(6.0 * double(p.active > 0 ? p.active : p.total)) : "");
  std::vector<View> seq_rows;
  if (IsTextFamily(c.family) && engine::TraitsOf(c).attention) {
    std::vector<int64_t> lengths;
    for (int64_t T = 128; T < c.context_length; T *= 4) lengths.push_back(T);
    lengths.push_back(c.context_length);
    for (int64_t T : lengths) {
      const engine::FlopCount fc = engine::AnalyticForwardFlops(c, 1, T);
      int64_t scores = 0;
      for (const auto& [k, n] : fc.by_component)
        if (k == "attention_scores") scores = n;
      seq_rows.push_back(View()
                             .Text("seq", N(T))
                             .Text("forward", FormatFlops(double(fc.forward) / T))
                             .Text("attention", FormatFlops(double(scores) / T))
                             .Text("share", Share(scores, fc.forward))
                             .Text("train", FormatFlops(3.0 * fc.forward / T)));
    }
  }
  v->Items("guide_seq_rows", seq_rows).Text("guide_attention_term", AttentionTerm(primary));
}

// Scaling Considerations: memory, the measured train runs and the computational complexity.
void AddScaling(const engine::Report& r, const spec::Size& primary, const std::vector<SizeMemory>& mem, View* v) {
  AddScalingMemory(primary, mem, v);
  AddMeasuredTrainRuns(r, v);
  AddComputationalComplexity(r, primary, v);
}

void AddTrainingTime(const spec::Spec& s, const engine::Report& r, const spec::Size& primary,
                     const std::vector<SizeMemory>& mem, View* v) {
  const ModelConfig& c = primary.config;
  const bool given = s.training.tokens > 0 && IsTextFamily(c.family);
  const double units = given ? s.training.tokens : IsTextFamily(c.family) ? 1e9 : 1e6;
  const std::string amount =
      given ? FormatShortCount(std::llround(units)) + " tokens (the spec's `training.tokens`)"
      : IsTextFamily(c.family)
          ? "10⁹ tokens (a reference amount: the spec gives no `training.tokens`)"
          : "10⁶ " + UnitMany(c) + " (a reference amount: the spec gives no training size in " + UnitMany(c) + ")";
  std::vector<View> rows;
  for (const auto& a : Accelerators()) {
    View row;
    row.Text("name", a.name);
    std::vector<View> cells;
    for (const auto& m : mem) {
      const double flops = guide::TrainingFlops(ForwardFlopsPerUnit(m.config), units);
      cells.push_back(View().Text("value", Duration(guide::SecondsAt(flops, a.bf16_flops_per_s * kAssumedMfu))));
    }
    rows.push_back(row.Items("cells", cells).Text("peak", FormatFlopsPerSecond(a.bf16_flops_per_s)));
  }
  std::vector<View> size_heads, size_flops;
  for (const auto& m : mem) {
    size_heads.push_back(View().Text("size", m.name));
    size_flops.push_back(View().Text("value", BigFlops(guide::TrainingFlops(ForwardFlopsPerUnit(m.config), units))));
  }
  // This machine at its measured training MFU: the fastest train run of the primary size.
  const engine::Run* best = nullptr;
  std::string best_size;
  for (const auto& size : r.sizes)
    for (const auto& run : size.runs)
      if (run.scenario == "train" && run.achieved_flops_per_s > 0 && size.name == primary.name &&
          (!best || run.achieved_flops_per_s > best->achieved_flops_per_s)) {
        best = &run;
        best_size = size.name;
      }
  std::string here;
  if (best) {
    const double flops = guide::TrainingFlops(ForwardFlopsPerUnit(c), units);
    here = "**MEASURED rate, ESTIMATED time:** this machine's fastest training step for `" + primary.name + "` (" +
           best->dtype + ", " + internal::RunShape(*best) + ", " + best->device + ") ran at " +
           FormatFlopsPerSecond(best->achieved_flops_per_s) + " (MFU " + internal::Mfu(*best) + "); at that rate the " +
           BigFlops(flops) + " would take " + Duration(guide::SecondsAt(flops, best->achieved_flops_per_s)) +
           " on one such machine";
  } else {
    here = "This machine: not measured yet — no `train` run in `" + publish::ResultsPath(s.slug) +
           "`; run `modelcard build` to measure a training step and its MFU";
  }
  v->Text("guide_training_amount", amount)
      .Text("guide_assumed_mfu", FormatPercent(kAssumedMfu))
      .Items("guide_size_heads", size_heads)
      .Items("guide_size_train_flops", size_flops)
      .Items("guide_time_rows", rows)
      .Text("guide_time_here", here);
}

void AddHardware(const spec::Spec& s, const spec::Size& primary, const std::vector<SizeMemory>& mem, View* v) {
  std::vector<View> rows;
  std::vector<std::string> tp_cases, pp_cases, dp_cases;
  for (const auto& a : Accelerators()) {
    std::vector<View> cells;
    for (const auto& m : mem) {
      const guide::ParallelismPlan plan = PlanFor(m, a);
      const std::string train = plan.kind == guide::Parallelism::kPipelineParallel ? "> 8" : N(plan.devices());
      cells.push_back(View().Text("value", train + " / " + N(guide::DevicesToHold(m.inference_bytes, a.memory_bytes)) +
                                               " (" + guide::PlanText(plan) + ")"));
      const std::string where = "`" + m.name + "` on " + a.name;
      if (plan.kind == guide::Parallelism::kTensorParallel)
        tp_cases.push_back(where + " (" + guide::PlanText(plan) + ")");
      if (plan.kind == guide::Parallelism::kPipelineParallel) pp_cases.push_back(where);
      if (plan.kind == guide::Parallelism::kDataParallel && m.name == primary.name) dp_cases.push_back(a.name);
    }
    rows.push_back(
        View()
            .Text("name", a.name)
            .Text("memory", a.memory_label)
            .Text("bf16", FormatFlopsPerSecond(a.bf16_flops_per_s) + (a.bf16_note.empty() ? "" : " " + a.bf16_note))
            .Text("fp32", a.fp32_flops_per_s > 0 ? FormatFlopsPerSecond(a.fp32_flops_per_s) : "not published")
            .Text("bandwidth", FormatThousands(std::llround(a.memory_bandwidth_bytes_per_s / 1e9)) + " GB/s")
            .Text("source", TableCell(a.source))
            .Items("cells", cells));
  }
  const SizeMemory* pm = &mem.front();
  for (const auto& m : mem)
    if (m.name == primary.name) pm = &m;
  v->Items("guide_device_rows", rows)
      .Text("guide_tp_cases", tp_cases.empty() ? "not needed by any size on any accelerator in the table"
                                               : "needed for " + Join(tp_cases, "; "))
      .Text("guide_pp_cases", pp_cases.empty() ? "not needed by any size on any accelerator in the table"
                                               : "needed for " + Join(pp_cases, "; "))
      .Text("guide_dp_devices", dp_cases.empty() ? "none of the accelerators in the table" : Join(dp_cases, ", "))
      .Text("guide_primary_train_bytes", Bytes(pm->mixed.total() + pm->act_mixed))
      .Text("guide_primary_infer_bytes", Bytes(pm->inference_bytes))
      .Text("guide_checkpoint_bytes", Bytes(pm->f32.weights + pm->f32.optimizer))
      .Text("guide_bf16_weights", Bytes(2 * pm->params.total))
      .Text("guide_allreduce_bytes", Bytes(2 * 2 * pm->params.total))
      .Text("guide_zero8_bytes", Bytes(pm->mixed.total() / 8))
      .Text("guide_adam_moments", Bytes(pm->f32.optimizer));
  (void)s;
}

// ---- sections 3-4: measured optimizations --------------------------------------------------

// "(setup, " of a MEASURED experiment text: the experiment's setup, or "" without one.
std::string SetupPrefix(const engine::Experiment& e) { return e.setup.empty() ? "" : e.setup + ", "; }

// Gradient checkpointing, MEASURED: the activation_checkpointing experiment's peak and time.
std::string CheckpointingMeasured(const engine::Report& r, const std::string& when) {
  const engine::Experiment* e = FindExperiment(r, "activation_checkpointing");
  if (!e) return "not measured yet — the results hold no `activation_checkpointing` experiment";
  const auto& base = Baseline(*e);
  const auto& other = FirstOther(*e);
  const double saved = base.peak_bytes > 0 ? 1.0 - double(other.peak_bytes) / double(base.peak_bytes) : 0;
  const double added = base.latency_s.mean > 0 ? other.latency_s.mean / base.latency_s.mean - 1.0 : 0;
  return "**MEASURED** (" + SetupPrefix(*e) + "training step" + when + "): " + base.name + " peaks at " +
         Bytes(base.peak_bytes) + " in " + FormatSeconds(base.latency_s.mean) + "; " + other.name + " peaks at " +
         Bytes(other.peak_bytes) + " (" + Signed(-saved) + ") in " + FormatSeconds(other.latency_s.mean) + " (" +
         Signed(added) + " time)";
}

// Gradient checkpointing, ESTIMATE: the primary size's activations with and without it.
std::string CheckpointingEstimate(const spec::Size& primary, const std::vector<SizeMemory>& mem) {
  const SizeMemory* pm = &mem.front();
  for (const auto& m : mem)
    if (m.name == primary.name) pm = &m;
  if (!pm->has_activations) return "not estimated for this family";
  return "(Korthikanti et al. 2022, full recomputation) " + Bytes(pm->act_mixed) + " → " + Bytes(pm->act_ckpt) +
         " of activations per " + N(ActivationSequence(primary.config)) +
         "-token sequence in mixed precision, for one extra forward pass (training FLOPs 3× → 4× the forward)";
}

// Mixed precision, MEASURED: the mixed_precision experiment's speedup and accuracy.
std::string MixedPrecisionMeasured(const engine::Report& r, const std::string& when) {
  const engine::Experiment* e = FindExperiment(r, "mixed_precision");
  if (!e) return "not measured yet — the results hold no `mixed_precision` experiment";
  const auto& base = Baseline(*e);
  const auto& other = FirstOther(*e);
  const double speedup = other.speedup > 0          ? other.speedup
                         : other.latency_s.mean > 0 ? base.latency_s.mean / other.latency_s.mean
                                                    : 0;
  std::string text = "**MEASURED** (" + SetupPrefix(*e) + (e->unit.empty() ? "forward pass" : e->unit) + when +
                     "): " + base.name + " " + FormatSeconds(base.latency_s.mean) + ", " + other.name + " " +
                     FormatSeconds(other.latency_s.mean) + " (speedup " + FormatFixed(speedup, 2) + "×)";
  if (other.has_accuracy)
    text += "; max |Δ| against float32 " + FormatFixed(other.max_abs_error, 4) + ", top-1 agreement " +
            FormatPercent(other.top1_agreement);
  return text;
}

// Mixed precision training, MEASURED: float32 vs bfloat16 train runs of the same shape (the
// first size with a train run; one dtype alone says the other was not measured).
std::string TrainMixedMeasured(const engine::Report& r, const std::string& when) {
  for (const auto& size : r.sizes) {
    const engine::Run* f32 = nullptr;
    const engine::Run* bf16 = nullptr;
    for (const auto& run : size.runs) {
      if (run.scenario != "train") continue;
      if (run.dtype == "float32" && !f32) f32 = &run;
      if (run.dtype == "bfloat16" && !bf16) bf16 = &run;
    }
    if (f32 && bf16 && f32->batch == bf16->batch && f32->sequence_length == bf16->sequence_length)
      return "**MEASURED** (`" + size.name + "`, " + internal::RunShape(*f32) + when + "): training step " +
             FormatSeconds(f32->latency_s.mean) + " in float32, " + FormatSeconds(bf16->latency_s.mean) +
             " in bfloat16 mixed precision (speedup " + FormatFixed(f32->latency_s.mean / bf16->latency_s.mean, 2) +
             "×); peak " + Bytes(f32->peak_bytes) + " → " + Bytes(bf16->peak_bytes);
    if (f32 || bf16) {
      const engine::Run* one = f32 ? f32 : bf16;
      return "**MEASURED** (`" + size.name + "`, " + one->dtype + " only, " + internal::RunShape(*one) + when +
             "): training step " + FormatSeconds(one->latency_s.mean) + "; the other dtype was not measured";
    }
  }
  return "not measured yet — no `train` runs in the results";
}

// Int8 weights, MEASURED: weight bytes, latency and agreement.
std::string Int8Measured(const engine::Report& r, const std::string& when) {
  const engine::Experiment* e = FindExperiment(r, "int8_weights");
  if (!e) return "not measured yet — the results hold no `int8_weights` experiment";
  const auto& base = Baseline(*e);
  const auto& other = FirstOther(*e);
  std::string text = "**MEASURED** (" + SetupPrefix(*e) + "forward pass" + when + "): weights " +
                     Bytes(base.weights_bytes) + " → " + Bytes(other.weights_bytes) + ", latency " +
                     FormatSeconds(base.latency_s.mean) + " → " + FormatSeconds(other.latency_s.mean);
  if (other.has_accuracy) text += ", top-1 agreement " + FormatPercent(other.top1_agreement);
  return text;
}

// Fused attention, MEASURED: latency and peak of explicit and fused attention.
std::string FusedAttentionMeasured(const engine::Report& r, const std::string& when) {
  const engine::Experiment* e = FindExperiment(r, "fused_attention");
  if (!e) return "not measured yet — the results hold no `fused_attention` experiment";
  const auto& base = Baseline(*e);
  const auto& other = FirstOther(*e);
  return "**MEASURED** (" + SetupPrefix(*e) + "forward pass" + when + "): " + base.name + " " +
         FormatSeconds(base.latency_s.mean) + ", peak " + Bytes(base.peak_bytes) + "; " + other.name + " " +
         FormatSeconds(other.latency_s.mean) + ", peak " + Bytes(other.peak_bytes);
}

// Batch scheduling, MEASURED: the largest batch within the latency budget, and each batch's rate.
std::string BatchScalingMeasured(const engine::Report& r, const std::string& when) {
  const engine::Experiment* e = FindExperiment(r, "batch_scaling");
  if (!e) return "not measured yet — the results hold no `batch_scaling` experiment";
  std::string text = "**MEASURED**" + when + ": " +
                     (e->best_batch > 0 ? "batch " + N(e->best_batch) + " is the largest whose mean latency fits " +
                                              FormatSeconds(e->latency_budget_s)
                                        : "no batch fits " + FormatSeconds(e->latency_budget_s));
  std::vector<std::string> parts;
  for (const auto& var : e->variants)
    if (!var.throughput.empty())
      parts.push_back(var.name + ": " +
                      FormatRate(var.throughput.front().second, internal::RateUnit(var.throughput.front().first)));
  if (!parts.empty()) text += " (" + Join(parts, ", ") + ")";
  return text;
}

// Memory-efficient attention, ESTIMATE: the bytes of one layer's attention scores.
std::string AttentionScoresBytes(const ModelConfig& c) {
  if (!HasAttention(c.family)) return "no attention in this family";
  const int64_t T = ActivationSequence(c) > 0 ? ActivationSequence(c) : c.context_length;
  return "**ESTIMATE**: one layer's attention scores at " + N(T) +
         " positions are heads × T² = " + N(c.num_heads * T * T) + " values, " + Bytes(2 * c.num_heads * T * T) +
         " in bfloat16 per sequence; a fused kernel (SDPA / FlashAttention) never stores them";
}

// The MEASURED and ESTIMATE texts of the optimization items (batch scheduling, checkpointing,
// mixed precision, int8, fused attention), each "not measured yet" without its experiment.
void AddMeasuredOptimizations(const spec::Spec& s, const engine::Report& r, const spec::Size& primary,
                              const std::vector<SizeMemory>& mem, View* v) {
  const std::string when =
      r.environment.device.empty()
          ? ""
          : " on " + r.environment.device + (r.environment.date.empty() ? "" : ", " + r.environment.date);
  v->Text("guide_ckpt_measured", CheckpointingMeasured(r, when))
      .Text("guide_ckpt_estimate", CheckpointingEstimate(primary, mem))
      .Text("guide_mixed_measured", MixedPrecisionMeasured(r, when))
      .Text("guide_train_mixed", TrainMixedMeasured(r, when))
      .Text("guide_int8_measured", Int8Measured(r, when))
      .Text("guide_fused_measured", FusedAttentionMeasured(r, when))
      .Text("guide_batch_measured", BatchScalingMeasured(r, when))
      .Text("guide_scores_bytes", AttentionScoresBytes(primary.config))
      .Text("guide_build_command", "modelcard build " + s.path);
}

// ---- sections 2, 5, 6, 7, 8 ------------------------------------------------------------

void AddTrainingProcess(const spec::Spec& s, const spec::Size& primary, const std::vector<SizeMemory>& mem, View* v) {
  const ModelConfig& c = primary.config;
  const engine::Family f = c.family;
  std::string objective =
      engine::TraitsOf(f).causal_lm ? "causal language modeling: predict token t+1 from tokens ≤ t"
      : f == engine::Family::kEncoder
          ? (c.head == "classifier" ? "supervised classification of the sequence"
                                    : "masked language modeling: predict masked tokens from both sides")
      : f == engine::Family::kAudio
          ? "sequence-to-sequence: predict the next transcript token from the audio and the previous tokens"
          : "supervised image classification over " + N(c.num_classes) + " classes";
  const std::string loss = HyperValue(s, "loss");
  std::string ce = engine::TraitsOf(f).image_input || (f == engine::Family::kEncoder && c.head == "classifier")
                       ? "cross-entropy over " + N(c.num_classes) + " classes"
                       : "cross-entropy over the " + N(c.vocab_size) + "-token vocabulary";
  ce += loss.empty() ? " (the family's objective; the spec names no loss)" : "; the spec: " + loss;
  std::vector<View> hyper;
  for (const auto& h : s.training.hyperparameters)
    hyper.push_back(View().Text("key", Code(h.key)).Text("value", TableCell(h.value)));
  std::vector<std::string> repos;
  for (const auto& z : s.architecture.sizes)
    if (!z.hf_repo.empty()) repos.push_back(Code(z.hf_repo) + " (" + z.name + ")");
  // Largest micro-batch next to the whole mixed-precision state on an H100 SXM (80 GB).
  std::string micro = "not estimated for this family";
  const SizeMemory* pm = &mem.front();
  for (const auto& m : mem)
    if (m.name == primary.name) pm = &m;
  if (pm->has_activations && pm->act_mixed > 0) {
    const Accelerator& h100 = Accelerators()[2];
    const int64_t room = h100.memory_bytes - pm->mixed.total();
    const int64_t fit = room > 0 ? room / pm->act_mixed : 0;
    micro = "**ESTIMATE**: each sequence of " + N(ActivationSequence(c)) + " tokens adds " + Bytes(pm->act_mixed) +
            " of activations (mixed precision), so next to `" + primary.name + "`'s " + Bytes(pm->mixed.total()) +
            " of training state an " + h100.name + " (" + h100.memory_label + ") holds " +
            (fit > 0 ? "a micro-batch of at most " + N(fit) : "no full sequence without sharding or checkpointing") +
            "; a larger batch needs gradient accumulation or more data-parallel devices";
  }
  v->Text("guide_objective", objective)
      .Text("guide_loss", ce)
      .Text("guide_lr", Given(s, "learning_rate") +
                            (HyperValue(s, "lr_schedule").empty() ? "" : "; schedule: " + HyperValue(s, "lr_schedule")))
      .Text("guide_batch_size", Given(s, "batch_size"))
      .Text("guide_micro_batch", micro)
      .Text("guide_warmup", !HyperValue(s, "warmup_steps").empty() ? Given(s, "warmup_steps") : Given(s, "warmup"))
      .Text("guide_weight_decay", Given(s, "weight_decay"))
      .Text("guide_optimizer", Given(s, "optimizer"))
      .Text("guide_grad_clip",
            !HyperValue(s, "gradient_clipping").empty() ? Given(s, "gradient_clipping") : Given(s, "grad_clip"))
      .Text("guide_epochs", Given(s, "epochs"))
      .Items("guide_hyperparameters", hyper)
      .Text("guide_datasets", s.training.datasets.empty() ? "not given in the spec" : Join(s.training.datasets, "; "))
      .Text("guide_preprocessing",
            s.training.preprocessing.empty() ? "not given in the spec" : Join(s.training.preprocessing, "; "))
      .Text("guide_pretrained", repos.empty() ? "the spec names no pre-trained checkpoint"
                                              : "pre-trained weights named in the spec: " + Join(repos, ", "))
      .Text("guide_distributed", s.training.distributed.empty() ? "not given in the spec" : s.training.distributed)
      .Text("guide_hardware", s.training.hardware.empty() ? "not given in the spec" : s.training.hardware)
      .Text("guide_reconstruction",
            f == engine::Family::kEncoder && c.head != "classifier"
                ? "masked language modeling reconstructs the masked tokens (a cross-entropy over them)"
                : "not used: the objective is " + objective)
      .Text("guide_initial_loss",
            FormatFixed(std::log(double(engine::TraitsOf(f).image_input ||
                                                (f == engine::Family::kEncoder && c.head == "classifier")
                                            ? std::max<int64_t>(2, c.num_classes)
                                            : std::max<int64_t>(2, c.vocab_size))),
                        2) +
                " nats (ln of the " +
                (engine::TraitsOf(f).image_input ? N(c.num_classes) + " classes"
                                                 : N(c.vocab_size) + "-token vocabulary") +
                "): the cross-entropy of a uniform prediction, what a freshly initialized model should start near");
}

void AddEvaluation(const spec::Spec& s, const engine::Report& r, View* v) {
  auto metric = [](const spec::Metric& m) {
    std::string t = m.metric;
    if (!m.dataset.empty()) t += " on " + m.dataset;
    if (!m.size.empty()) t += " (" + m.size + ")";
    if (!m.value.empty()) t += ": " + m.value;
    if (!m.source.empty()) t += " — source: " + m.source;
    return t;
  };
  std::vector<std::string> primary, secondary, datasets;
  for (const auto& m : s.evaluation.primary) primary.push_back(metric(m));
  for (const auto& m : s.evaluation.secondary) secondary.push_back(metric(m));
  for (const auto* list : {&s.evaluation.primary, &s.evaluation.secondary})
    for (const auto& m : *list)
      if (!m.dataset.empty() && std::find(datasets.begin(), datasets.end(), m.dataset) == datasets.end())
        datasets.push_back(m.dataset);
  std::vector<View> runs;
  for (const auto& size : r.sizes) {
    const spec::Size* spec_size = s.FindSize(size.name);  // the spec's config: what the guard estimated
    const ModelConfig& config = spec_size != nullptr ? spec_size->config : size.config;
    for (const auto& run : size.runs) {
      std::string rate;
      if (run.scenario == "generate")
        rate = internal::Throughput(run, "decode_tokens_per_s") + " decode";
      else if (run.scenario == "train")
        rate = run.latency_s.mean > 0
                   ? FormatRate(double(run.batch * std::max<int64_t>(1, run.sequence_length)) / run.latency_s.mean,
                                run.sequence_length > 0 ? "tokens" : "samples") +
                         " trained"
                   : "n/a";
      else
        rate = internal::ForwardRate(run);
      runs.push_back(View()
                         .Text("size", size.name)
                         .Text("scenario", run.scenario)
                         .Text("device", run.device)
                         .Text("dtype", run.dtype)
                         .Text("shape", TableCell(internal::RunShape(run)))
                         .Text("p50", FormatSeconds(run.latency_s.p50))
                         .Text("rate", rate)
                         .Text("peak", Bytes(run.peak_bytes))
                         .Text("estimate", internal::EstimatedPeakText(config, run))
                         .Text("mfu", run.scenario == "preprocess" ? "—" : internal::Mfu(run)));
    }
  }
  const engine::Environment& e = r.environment;
  std::string measured_on = e.device.empty() ? "" : e.device + (e.cpu_model.empty() ? "" : " (" + e.cpu_model + ")");
  if (e.cores > 0) measured_on += ", " + Plural(e.cores, "core", "cores");
  if (e.threads > 0) measured_on += ", " + Plural(e.threads, "thread", "threads");
  if (!e.libtorch.empty()) measured_on += ", LibTorch " + e.libtorch;
  if (!e.date.empty()) measured_on += ", " + e.date;
  v->Lines("guide_primary_metrics", primary)
      .Lines("guide_secondary_metrics", secondary)
      .Text("guide_eval_datasets", datasets.empty() ? "" : Join(datasets, ", "))
      .Items("guide_runs", runs)
      .Text("guide_measured_on", measured_on);
}

// ---- sources, sizes and links ------------------------------------------------------------

// "device (cpu) on date with LibTorch x" of the MEASURED source line; the template says
// "nothing measured yet" when the results hold no runs (guide_has_runs).
void AddMeasuredSource(const engine::Report& r, View* v) {
  const engine::Environment& e = r.environment;
  bool has_runs = false;
  for (const auto& size : r.sizes) has_runs = has_runs || !size.runs.empty();
  v->Flag("guide_has_runs", has_runs)
      .Text("guide_source_device", (e.device.empty() ? "an unrecorded device" : e.device) +
                                       (e.cpu_model.empty() ? "" : " (" + e.cpu_model + ")") +
                                       (e.date.empty() ? "" : " on " + e.date) +
                                       (e.libtorch.empty() ? "" : " with LibTorch " + e.libtorch));
}

// The sizes compared (largest against smallest: parameters and forward FLOPs), the primary
// size's parameter shares and the Chinchilla token counts.
void AddSizeRemarks(const engine::Report& r, const spec::Size& primary, const std::vector<SizeMemory>& mem, View* v) {
  const SizeMemory* lo = &mem.front();
  const SizeMemory* hi = &mem.front();
  for (const auto& m : mem) {
    if (m.params.total < lo->params.total) lo = &m;
    if (m.params.total > hi->params.total) hi = &m;
  }
  const std::string ratio =
      mem.size() > 1 && lo->params.total > 0
          ? "`" + hi->name + "` has " + FormatFixed(double(hi->params.total) / double(lo->params.total), 1) +
                "× the parameters of `" + lo->name + "` (" + FormatCountWithShort(hi->params.total) + " vs " +
                FormatCountWithShort(lo->params.total) + ") and " +
                FormatFixed(ForwardFlopsPerUnit(hi->config) / ForwardFlopsPerUnit(lo->config), 1) +
                "× its forward FLOPs per " + UnitOne(primary.config)
          : "the spec has one size";
  const engine::ParameterCount p = internal::ParametersOf(primary, r);
  std::vector<std::string> shares;
  for (const auto& [k, n] : p.by_component)
    if (n > 0) shares.push_back(k + " " + Share(n, p.total));
  std::vector<std::string> chinchilla;
  for (const auto& m : mem)
    chinchilla.push_back("`" + m.name + "` " + FormatShortCount(20 * m.params.total) + " tokens");
  v->Text("guide_primary", primary.name)
      .Text("guide_size_ratio", ratio)
      .Text("guide_param_shares", Join(shares, ", "))
      .Text("guide_chinchilla", IsTextFamily(primary.config.family) ? Join(chinchilla, ", ") : "");
}

// The links to the model's other documents, relative to the guide, and the spec's paths.
void AddGuideLinks(const spec::Spec& s, const std::string& spec_path, View* v) {
  const std::string guide = publish::DevelopmentGuidePath(s.slug);
  v->Text("guide_card_link", publish::RelativeTo(guide, publish::SpecificationCardPath(s.slug)))
      .Text("guide_doc_link", publish::RelativeTo(guide, publish::DocumentationPagePath(s.slug)))
      .Text("guide_experiments_link", publish::RelativeTo(guide, publish::ExperimentsReadmePath(s.slug)))
      .Text("guide_post_link", publish::RelativeTo(guide, publish::BlogPostPath(s.slug)))
      .Text("guide_results_link", publish::RelativeTo(guide, publish::ResultsPath(s.slug)))
      .Text("guide_spec_link", publish::RelativeTo(guide, spec_path))
      .Text("guide_spec_path", spec_path)
      .Text("guide_spec_sha", s.sha256.empty() ? "" : s.sha256.substr(0, 12))
      .Text("guide_results_path", publish::ResultsPath(s.slug));
}

}  // namespace

void AddDevelopmentGuide(const RenderInput& in, internal::View* v) {
  const spec::Spec& s = *in.spec;
  const engine::Report empty;
  const engine::Report& r = in.report ? *in.report : empty;
  if (s.architecture.sizes.empty()) return;
  const spec::Size& primary = internal::PrimarySize(s);
  std::vector<SizeMemory> mem;
  for (const auto& z : s.architecture.sizes) mem.push_back(MemoryOf(z, r));

  const std::string spec_path = in.spec_display_path.empty() ? s.path : in.spec_display_path;
  spec::Spec shown = s;
  shown.path = spec_path;
  AddMeasuredSource(r, v);
  AddComponents(s, r, primary, v);
  AddDecisions(s, r, primary, v);
  AddScaling(r, primary, mem, v);
  AddTrainingTime(s, r, primary, mem, v);
  AddHardware(s, primary, mem, v);
  AddMeasuredOptimizations(shown, r, primary, mem, v);
  AddTrainingProcess(s, primary, mem, v);
  AddEvaluation(s, r, v);
  AddSizeRemarks(r, primary, mem, v);
  AddGuideLinks(s, spec_path, v);

  std::vector<std::string> references, variants;
  for (const auto& ref : s.architecture.references) references.push_back(internal::Citation(ref));
  for (const auto& var : s.architecture.variants) variants.push_back(var.name + ": " + var.modifications);
  v->Lines("guide_references", references)
      .Lines("guide_variants", variants)
      .Lines("guide_limitations", s.blog.limitations)
      .Lines("guide_future_work", s.blog.future_work)
      .Text("guide_family", engine::FamilyName(primary.config.family))
      .Text("guide_model_file", engine::TraitsOf(primary.config).model_source);
}

}  // namespace render
