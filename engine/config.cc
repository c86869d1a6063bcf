// Spellings of the ModelConfig enums and the structural validity check.
#include "engine/config.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>

#include "engine/checked.h"

namespace engine {
namespace {

template <typename E, size_t N>
bool Lookup(const std::pair<const char*, E> (&table)[N], const std::string& name, E* out) {
  for (const auto& [n, e] : table) {
    if (name == n) {
      *out = e;
      return true;
    }
  }
  return false;
}

template <typename E, size_t N>
const char* NameOf(const std::pair<const char*, E> (&table)[N], E value) {
  for (const auto& [n, e] : table)
    if (e == value) return n;
  return "?";
}

const std::pair<const char*, Norm> kNorms[] = {{"layernorm", Norm::kLayerNorm}, {"rmsnorm", Norm::kRMSNorm}};
const std::pair<const char*, Activation> kActivations[] = {
    {"gelu", Activation::kGELU}, {"gelu_tanh", Activation::kGELUTanh}, {"relu", Activation::kReLU},
    {"silu", Activation::kSiLU}, {"swiglu", Activation::kSwiGLU},      {"geglu", Activation::kGeGLU},
    {"geglu_tanh", Activation::kGeGLUTanh}};
const std::pair<const char*, RopeScaling> kRopeScalings[] = {{"none", RopeScaling::kNone},
                                                             {"linear", RopeScaling::kLinear},
                                                             {"dynamic", RopeScaling::kDynamic},
                                                             {"yarn", RopeScaling::kYarn},
                                                             {"llama3", RopeScaling::kLlama3}};
const std::pair<const char*, RouterScoring> kRouterScorings[] = {{"softmax", RouterScoring::kSoftmax},
                                                                 {"sigmoid", RouterScoring::kSigmoid}};
const std::pair<const char*, Position> kPositions[] = {{"learned", Position::kLearned},
                                                       {"sinusoidal", Position::kSinusoidal},
                                                       {"rope", Position::kRoPE},
                                                       {"alibi", Position::kALiBi},
                                                       {"none", Position::kNone}};

}  // namespace

const char* NormName(Norm n) { return NameOf(kNorms, n); }
const char* ActivationName(Activation a) { return NameOf(kActivations, a); }
const char* PositionName(Position p) { return NameOf(kPositions, p); }
bool NormFromName(const std::string& name, Norm* out) { return Lookup(kNorms, name, out); }
bool ActivationFromName(const std::string& name, Activation* out) { return Lookup(kActivations, name, out); }
bool PositionFromName(const std::string& name, Position* out) { return Lookup(kPositions, name, out); }
const char* RopeScalingName(RopeScaling r) { return NameOf(kRopeScalings, r); }
bool RopeScalingFromName(const std::string& name, RopeScaling* out) { return Lookup(kRopeScalings, name, out); }
const char* RouterScoringName(RouterScoring r) { return NameOf(kRouterScorings, r); }
bool RouterScoringFromName(const std::string& name, RouterScoring* out) { return Lookup(kRouterScorings, name, out); }

double AttentionScale(const ModelConfig& c) {
  const double width = c.query_pre_attn_scalar > 0 ? c.query_pre_attn_scalar : static_cast<double>(QkHeadDim(c));
  double scale = 1.0 / std::sqrt(width);
  if (c.rope_scaling == RopeScaling::kYarn && c.rope_mscale_all_dim > 0 && c.rope_scaling_factor > 1) {
    const double m = 0.1 * c.rope_mscale_all_dim * std::log(c.rope_scaling_factor) + 1.0;  // yarn_get_mscale
    scale *= m * m;
  }
  return scale;
}

// The family table. Columns as FamilyTraits: name, display name, base, model and count sources, then
// causal_lm, kv_cache, attention, token_input, image_input, audio_input, experts,
// positions_bounded, unit of work.
const FamilyTraits kFamilyTraits[7] = {
    {Family::kDecoder, "decoder", "Decoder-only", "Transformer", "engine/models/decoder.cc", "engine/count.cc", true,
     true, true, true, false, false, false, true, "tokens_per_s"},
    {Family::kEncoder, "encoder", "Encoder-only", "Transformer", "engine/models/encoder.cc", "engine/count_encoder.cc",
     false, false, true, true, false, false, false, true, "tokens_per_s"},
    {Family::kVit, "vit", "Vision", "Transformer", "engine/models/vit.cc", "engine/count_vit.cc", false, false, true,
     false, true, false, false, true, "images_per_s"},
    {Family::kResNet, "resnet", "ResNet", "CNN", "engine/models/resnet.cc", "engine/count_resnet.cc", false, false,
     false, false, true, false, false, true, "images_per_s"},
    {Family::kAudio, "audio", "Audio", "Transformer", "engine/models/audio.cc", "engine/count_audio.cc", false, false,
     true, false, false, true, false, true, "audio_seconds_per_s"},
    {Family::kMoe, "moe", "Mixture-of-experts", "Transformer", "engine/models/decoder.cc", "engine/count.cc", true,
     true, true, true, false, false, true, true, "tokens_per_s"},
    {Family::kRecurrent, "recurrent", "Recurrent language-model", "RNN", "engine/models/recurrent.cc",
     "engine/count_recurrent.cc", true, false, false, true, false, false, false, false, "tokens_per_s"},
};

const FamilyTraits& TraitsOf(Family f) {
  for (const FamilyTraits& t : kFamilyTraits)
    if (t.family == f) return t;
  return kFamilyTraits[0];  // unreachable: every enumerator has a row (config_test checks)
}

const char* FamilyName(Family f) { return TraitsOf(f).name; }

bool FamilyFromName(const std::string& name, Family* out) {
  for (const FamilyTraits& t : kFamilyTraits) {
    if (name == t.name) {
      *out = t.family;
      return true;
    }
  }
  return false;
}

namespace {

std::string Positive(const char* key, int64_t v) {
  if (v > 0) return "";
  return std::string(key) + " must be a positive integer, got " + std::to_string(v);
}

// The first non-empty problem.
std::string FirstProblem(std::initializer_list<std::string> problems) {
  for (const auto& p : problems)
    if (!p.empty()) return p;
  return "";
}

std::string OneOf(const char* key, const std::string& value, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return "";
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return std::string(key) + " must be one of " + list + ", got '" + value + "'";
}

// The transformer block dimensions shared by decoder, moe, encoder, vit and audio.
std::string ValidateTransformer(const ModelConfig& c) {
  for (auto [key, v] : {std::pair<const char*, int64_t>{"num_layers", c.num_layers},
                        {"embedding_dim", c.embedding_dim},
                        {"num_heads", c.num_heads},
                        {"num_kv_heads", c.num_kv_heads},
                        {"head_dim", c.head_dim},
                        {"hidden_dim", c.hidden_dim}}) {
    std::string err = Positive(key, v);
    if (!err.empty()) return err;
  }
  if (c.num_heads % c.num_kv_heads != 0)
    return "num_heads (" + std::to_string(c.num_heads) + ") must be divisible by num_kv_heads (" +
           std::to_string(c.num_kv_heads) + ")";
  if ((c.position == Position::kRoPE) && c.head_dim % 2 != 0)
    return "head_dim (" + std::to_string(c.head_dim) + ") must be even for rope positions";
  if (!(c.norm_eps > 0)) return "norm_eps must be positive";
  if (c.position == Position::kRoPE && !(c.rope_theta > 0)) return "rope_theta must be positive";
  return "";
}

std::string NonNegative(const char* key, int64_t v) {
  if (v >= 0) return "";
  return std::string(key) + " must not be negative, got " + std::to_string(v);
}

// The decoder features (rope scaling, windows, MLA, norms, caps); every default passes.
std::string ValidateDecoderFeatures(const ModelConfig& c) {
  const bool rope = c.position == Position::kRoPE;
  std::string rope_problem;
  if (c.rope_scaling != RopeScaling::kNone && !rope)
    rope_problem = std::string("rope_scaling ") + RopeScalingName(c.rope_scaling) + " needs position: rope";
  else if (c.rope_scaling != RopeScaling::kNone && !(c.rope_scaling_factor >= 1.0))
    rope_problem = "rope_scaling_factor must be at least 1";
  else if (c.rope_scaling == RopeScaling::kLlama3 && !(c.rope_high_freq_factor > c.rope_low_freq_factor))
    rope_problem = "rope_high_freq_factor must be greater than rope_low_freq_factor";
  else if (c.rope_scaling == RopeScaling::kYarn && !(c.rope_beta_fast > c.rope_beta_slow))
    rope_problem = "rope_beta_fast must be greater than rope_beta_slow";
  const int64_t rope_part = UsesMla(c) ? c.qk_rope_head_dim : c.head_dim;
  std::string rotary_problem;
  if (c.rotary_dim < 0 || c.rotary_dim > rope_part || c.rotary_dim % 2 != 0)
    rotary_problem = "rotary_dim (" + std::to_string(c.rotary_dim) + ") must be even and at most " +
                     (UsesMla(c) ? std::string("qk_rope_head_dim (") : std::string("head_dim (")) +
                     std::to_string(rope_part) + ")";
  std::string mla_problem;
  if (UsesMla(c)) {
    mla_problem = FirstProblem({NonNegative("q_lora_rank", c.q_lora_rank), Positive("qk_nope_head_dim", c.qk_nope_head_dim),
                                Positive("qk_rope_head_dim", c.qk_rope_head_dim), Positive("v_head_dim", c.v_head_dim),
                                rope ? "" : "multi-head latent attention (kv_lora_rank > 0) needs position: rope",
                                c.qk_rope_head_dim % 2 == 0 ? "" : "qk_rope_head_dim must be even",
                                c.num_kv_heads == c.num_heads
                                    ? ""
                                    : "multi-head latent attention has one key and value per query head: num_kv_heads "
                                      "must equal num_heads",
                                c.sliding_window == 0 ? ""
                                                      : "sliding_window is not supported with multi-head latent "
                                                        "attention (kv_lora_rank > 0)",
                                c.rotary_dim == 0 || c.rotary_dim == c.qk_rope_head_dim
                                    ? ""
                                    : "with multi-head latent attention the whole qk_rope_head_dim rotates: leave "
                                      "rotary_dim unset (or equal to qk_rope_head_dim)"});
  } else if (c.kv_lora_rank < 0) {
    mla_problem = NonNegative("kv_lora_rank", c.kv_lora_rank);
  } else if (c.q_lora_rank != 0 || c.qk_nope_head_dim != 0 || c.qk_rope_head_dim != 0 || c.v_head_dim != 0) {
    mla_problem = "q_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim need kv_lora_rank > 0 (multi-head "
                  "latent attention)";
  }
  return FirstProblem(
      {rope_problem, rotary_problem, mla_problem, NonNegative("rope_original_context", c.rope_original_context),
       NonNegative("sliding_window", c.sliding_window), Positive("sliding_window_pattern", c.sliding_window_pattern),
       c.attn_logit_softcap >= 0 ? "" : "attn_logit_softcap must not be negative",
       c.final_logit_softcap >= 0 ? "" : "final_logit_softcap must not be negative",
       c.query_pre_attn_scalar >= 0 ? "" : "query_pre_attn_scalar must not be negative",
       c.position == Position::kALiBi && c.sliding_window > 0 ? "sliding_window is not supported with alibi positions"
                                                              : ""});
}

std::string ValidateDecoder(const ModelConfig& c) {
  return FirstProblem({Positive("vocab_size", c.vocab_size), Positive("context_length", c.context_length),
                       ValidateTransformer(c), ValidateDecoderFeatures(c)});
}

// The Qwen3-MoE / DeepSeek-V3 options of the moe family.
std::string ValidateMoeFeatures(const ModelConfig& c) {
  std::string groups;
  if (c.router_groups < 0 || c.router_topk_groups < 0) {
    groups = "router_groups and router_topk_groups must not be negative";
  } else if (c.router_groups > 0) {
    if (c.num_experts % c.router_groups != 0)
      groups = "num_experts (" + std::to_string(c.num_experts) + ") must be divisible by router_groups (" +
               std::to_string(c.router_groups) + ")";
    else if (c.router_topk_groups < 1 || c.router_topk_groups > c.router_groups)
      groups = "router_topk_groups must be between 1 and router_groups (" + std::to_string(c.router_groups) + ")";
    else if (c.experts_per_token > c.router_topk_groups * (c.num_experts / c.router_groups))
      groups = "experts_per_token must fit in the kept groups: at most router_topk_groups x num_experts / router_groups";
  } else if (c.router_topk_groups != 0) {
    groups = "router_topk_groups needs router_groups";
  }
  return FirstProblem({NonNegative("moe_hidden_dim", c.moe_hidden_dim),
                       NonNegative("num_shared_experts", c.num_shared_experts),
                       c.first_dense_layers >= 0 && c.first_dense_layers <= c.num_layers
                           ? ""
                           : "first_dense_layers must be between 0 and num_layers (" + std::to_string(c.num_layers) + ")",
                       groups, c.routed_scaling_factor > 0 ? "" : "routed_scaling_factor must be positive"});
}

}  // namespace

namespace {

// Samples of one chunk, rounded; int64 max when chunk_seconds x sample_rate is past it (which
// ValidateConfig reports), never an out-of-range conversion.
int64_t ChunkSamples(const ModelConfig& c) {
  const double samples = c.chunk_seconds * static_cast<double>(c.sample_rate) + 0.5;
  if (!(samples < 9223372036854775808.0)) return std::numeric_limits<int64_t>::max();  // 2^63; NaN too
  return samples < 0 ? 0 : static_cast<int64_t>(samples);
}

}  // namespace

int64_t AudioFrames(const ModelConfig& c) {
  if (c.hop_length <= 0) return 0;
  return ChunkSamples(c) / c.hop_length;
}

namespace {

// The widths of stage s, overflow-checked: planes = base_width x 2^s, the block output planes x 4
// (bottleneck) and the inner width; "" when all fit int64 (then ResNetPlanes and
// ResNetInnerWidth are exact), else the problem.
std::string ResNetWidthProblem(const ModelConfig& c) {
  if (c.base_width < 1 || c.stages.empty()) return "";
  const size_t last = c.stages.size() - 1;
  const Checked planes =
      last >= 63 ? Checked(std::numeric_limits<int64_t>::max()) + 1 : Checked(c.base_width) * (int64_t{1} << last);
  const Checked out = planes * (c.block == "bottleneck" ? 4 : 1);
  const Checked inner = planes * std::max<int64_t>(c.width_per_group, 1) * std::max<int64_t>(c.groups, 1);
  if (!planes.overflow() && !out.overflow() && !inner.overflow()) return "";
  return std::to_string(c.stages.size()) + " stages double base_width (" + std::to_string(c.base_width) +
         ") to base_width x 2^" + std::to_string(last) + " channels in the last stage, past " + Int64LimitText();
}

}  // namespace

// Exact for a config that ValidateConfig accepts (ResNetWidthProblem); saturated at int64 max
// otherwise, never shifted past 63 bits.
int64_t ResNetPlanes(const ModelConfig& c, size_t stage) {
  const Checked planes =
      stage >= 63 ? Checked(std::numeric_limits<int64_t>::max()) + 1 : Checked(c.base_width) * (int64_t{1} << stage);
  return planes.overflow() ? std::numeric_limits<int64_t>::max() : planes.value();
}

int64_t ResNetInnerWidth(const ModelConfig& c, size_t stage) {
  const int64_t planes = ResNetPlanes(c, stage);
  if (c.block != "bottleneck") return planes;
  // int(planes * (width_per_group / 64.)) * groups
  const Checked inner = Checked(planes) * c.width_per_group / 64 * c.groups;
  return inner.overflow() ? std::numeric_limits<int64_t>::max() : inner.value();
}

std::string ValidateConfig(const ModelConfig& c) {
  const Family f = c.family;
  if (f == Family::kDecoder) return ValidateDecoder(c);
  if (f == Family::kMoe) {
    if (std::string err = ValidateDecoder(c); !err.empty()) return err;
    if (c.num_experts < 1) return "num_experts must be a positive integer, got " + std::to_string(c.num_experts);
    if (c.experts_per_token < 1 || c.experts_per_token > c.num_experts)
      return "experts_per_token must be between 1 and num_experts (" + std::to_string(c.num_experts) + "), got " +
             std::to_string(c.experts_per_token);
    return ValidateMoeFeatures(c);
  }
  if (f == Family::kEncoder) {
    return FirstProblem({ValidateDecoder(c), OneOf("norm_position", c.norm_position, {"pre", "post"}),
                         OneOf("head", c.head, {"none", "mlm", "classifier"}),
                         c.type_vocab_size < 0 ? "type_vocab_size must not be negative" : "",
                         c.num_kv_heads != c.num_heads ? "an encoder uses multi-head attention: num_kv_heads must "
                                                         "equal num_heads"
                                                       : "",
                         c.head == "classifier" ? Positive("num_classes", c.num_classes) : ""});
  }
  if (f == Family::kVit) {
    return FirstProblem({Positive("image_size", c.image_size), Positive("patch_size", c.patch_size),
                         Positive("channels", c.channels), ValidateTransformer(c),
                         c.patch_size > 0 && c.image_size % c.patch_size != 0
                             ? "image_size (" + std::to_string(c.image_size) + ") must be divisible by patch_size (" +
                                   std::to_string(c.patch_size) + ")"
                             : "",
                         OneOf("pool", c.pool, {"cls", "mean"}),
                         c.num_classes < 0 ? "num_classes must not be negative" : ""});
  }
  if (f == Family::kResNet) {
    std::string stages = c.stages.empty() ? "stages must list at least one stage, e.g. [3, 4, 6, 3]" : "";
    for (int64_t n : c.stages)
      if (n < 1 && stages.empty()) stages = "every stage must have at least one block, got " + std::to_string(n);
    std::string grouping;
    if (c.block == "basic" && (c.groups != 1 || c.width_per_group != 64))
      grouping = "basic blocks support only groups 1 and width_per_group 64 (torchvision's BasicBlock), got groups " +
                 std::to_string(c.groups) + " and width_per_group " + std::to_string(c.width_per_group);
    else if (c.block == "bottleneck" && c.groups > 0 && c.width_per_group > 0 && c.base_width > 0 &&
             ResNetInnerWidth(c, 0) < 1)
      grouping = "width_per_group " + std::to_string(c.width_per_group) +
                 " leaves no channels in a group: base_width (" + std::to_string(c.base_width) +
                 ") x width_per_group / 64 must be at least 1";
    return FirstProblem({OneOf("block", c.block, {"basic", "bottleneck"}), stages, Positive("base_width", c.base_width),
                         ResNetWidthProblem(c), Positive("channels", c.channels), Positive("groups", c.groups),
                         Positive("width_per_group", c.width_per_group), grouping,
                         c.image_size < 32 ? "image_size must be at least 32, got " + std::to_string(c.image_size) : "",
                         c.num_classes < 0 ? "num_classes must not be negative" : ""});
  }
  if (f == Family::kAudio) {
    return FirstProblem(
        {Positive("sample_rate", c.sample_rate), Positive("n_mels", c.n_mels), Positive("n_fft", c.n_fft),
         Positive("hop_length", c.hop_length), c.chunk_seconds > 0 ? "" : "chunk_seconds must be positive",
         ChunkSamples(c) < std::numeric_limits<int64_t>::max()
             ? ""
             : "chunk_seconds x sample_rate (" + std::to_string(c.sample_rate) + ") is past " + Int64LimitText() +
                   " samples",
         AudioFrames(c) >= 2 ? "" : "chunk_seconds is too short for one pair of mel frames", ValidateTransformer(c),
         c.embedding_dim % 2 != 0 || c.embedding_dim < 4
             ? "embedding_dim (" + std::to_string(c.embedding_dim) +
                   ") must be even and at least 4 for the sinusoidal positions"
             : "",
         c.decoder_layers < 0 ? "decoder_layers must not be negative" : "",
         c.decoder_layers > 0 ? Positive("vocab_size", c.vocab_size) : "",
         c.decoder_layers > 0 ? Positive("context_length", c.context_length) : ""});
  }
  if (f == Family::kRecurrent) {
    return FirstProblem({Positive("vocab_size", c.vocab_size), Positive("embedding_dim", c.embedding_dim),
                         Positive("hidden_dim", c.hidden_dim), Positive("num_layers", c.num_layers),
                         OneOf("cell", c.cell, {"lstm", "gru"})});
  }
  return "unknown family";
}

}  // namespace engine
