// Hugging Face config.json -> model spec text (see hf_import.h). One function per architecture
// maps the config's keys to ours; the spec is then written in a fixed key order and parsed back,
// so a config that imports always gives a spec that parses.
#include "generator/importer/hf_import.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>
#include <vector>

#include "engine/weights/safetensors.h"
#include "generator/spec/spec_parser.h"
#include "generator/spec/yaml_document.h"

namespace importer {

const char* const kImportableArchitectures[] = {"GPT2LMHeadModel",
                                                "LlamaForCausalLM",
                                                "MistralForCausalLM",
                                                "Qwen2ForCausalLM",
                                                "MixtralForCausalLM",
                                                "GemmaForCausalLM",
                                                "Gemma2ForCausalLM",
                                                "Phi3ForCausalLM",
                                                "Qwen3ForCausalLM",
                                                "Qwen3MoeForCausalLM",
                                                "DeepseekV3ForCausalLM",
                                                "GPTNeoXForCausalLM",
                                                "BertModel",
                                                "BertForMaskedLM",
                                                "BertForSequenceClassification",
                                                "ViTForImageClassification"};
const size_t kImportableArchitectureCount = std::size(kImportableArchitectures);

namespace {

using engine::Status;
using Json = nlohmann::json;

// model_type -> the architecture a config without `architectures` is read as.
const std::pair<const char*, const char*> kModelTypes[] = {{"bert", "BertModel"},
                                                           {"deepseek_v3", "DeepseekV3ForCausalLM"},
                                                           {"gemma", "GemmaForCausalLM"},
                                                           {"gemma2", "Gemma2ForCausalLM"},
                                                           {"gpt2", "GPT2LMHeadModel"},
                                                           {"gpt_neox", "GPTNeoXForCausalLM"},
                                                           {"llama", "LlamaForCausalLM"},
                                                           {"mistral", "MistralForCausalLM"},
                                                           {"mixtral", "MixtralForCausalLM"},
                                                           {"phi3", "Phi3ForCausalLM"},
                                                           {"qwen2", "Qwen2ForCausalLM"},
                                                           {"qwen3", "Qwen3ForCausalLM"},
                                                           {"qwen3_moe", "Qwen3MoeForCausalLM"},
                                                           {"vit", "ViTForImageClassification"}};

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// ---- Reading config.json ----------------------------------------------------

// Typed access to one JSON object of the config; every error names the file and the key
// ("ckpt/config.json: 'hidden_size' must be a positive integer, got 64.5").
// A key whose value is null counts as absent (transformers writes null for "use the default").
class ConfigReader {
 public:
  ConfigReader(const Json& object, const std::string& path, std::string prefix = "")
      : j_(object), path_(path), prefix_(std::move(prefix)) {}

  bool Present(const std::string& key) const { return j_.contains(key); }
  bool Has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  const Json& Get(const std::string& key) const { return j_.at(key); }
  std::string Name(const std::string& key) const { return prefix_ + key; }
  const std::string& path() const { return path_; }

  Status Error(const std::string& message) const { return Status::InvalidArgument(path_ + ": " + message); }
  Status Missing(const std::string& key) const { return Error("missing '" + Name(key) + "'"); }
  // "<path>: 'key' = <value> is not supported<detail>".
  Status Unsupported(const std::string& key, const std::string& detail) const {
    return Error("'" + Name(key) + "' = " + Shown(Get(key)) + " is not supported" + detail);
  }

  // A required positive integer (an integral float such as 4096.0 is accepted).
  Status Count(const std::string& key, int64_t* out) const {
    if (!Has(key)) return Missing(key);
    return ReadCount(key, out);
  }
  // A positive integer, or `fallback` when absent or null.
  Status CountOr(const std::string& key, int64_t fallback, int64_t* out) const {
    if (!Has(key)) {
      *out = fallback;
      return Status::OK();
    }
    return ReadCount(key, out);
  }
  // A non-negative integer, or `fallback` when absent or null.
  Status CountOrZero(const std::string& key, int64_t fallback, int64_t* out) const {
    if (Has(key) && Get(key).is_number() && Get(key).get<double>() == 0) {
      *out = 0;
      return Status::OK();
    }
    return CountOr(key, fallback, out);
  }
  // A positive finite number, or `fallback` when absent or null.
  Status PositiveOr(const std::string& key, double fallback, double* out) const {
    if (!Has(key)) {
      *out = fallback;
      return Status::OK();
    }
    const Json& v = Get(key);
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
      return Error("'" + Name(key) + "' must be a positive number, got " + Shown(v));
    *out = v.get<double>();
    return Status::OK();
  }
  Status BoolOr(const std::string& key, bool fallback, bool* out) const {
    if (!Has(key)) {
      *out = fallback;
      return Status::OK();
    }
    if (!Get(key).is_boolean()) return Error("'" + Name(key) + "' must be true or false, got " + Shown(Get(key)));
    *out = Get(key).get<bool>();
    return Status::OK();
  }
  Status StringOr(const std::string& key, const std::string& fallback, std::string* out) const {
    if (!Has(key)) {
      *out = fallback;
      return Status::OK();
    }
    if (!Get(key).is_string()) return Error("'" + Name(key) + "' must be a string, got " + Shown(Get(key)));
    *out = Get(key).get<std::string>();
    return Status::OK();
  }

  // A value as it appears in a message: compact JSON, long values cut.
  static std::string Shown(const Json& v) {
    std::string s = v.dump(-1, ' ', true, Json::error_handler_t::replace);
    return s.size() <= 80 ? s : s.substr(0, 77) + "...";
  }

 private:
  Status ReadCount(const std::string& key, int64_t* out) const {
    const Json& v = Get(key);
    int64_t n = 0;
    if (v.is_number_integer()) {
      n = v.get<int64_t>();
    } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
               v.get<double>() == std::floor(v.get<double>()) && std::fabs(v.get<double>()) < 9.0e15) {
      n = static_cast<int64_t>(v.get<double>());
    } else {
      return Error("'" + Name(key) + "' must be a positive integer, got " + Shown(v));
    }
    if (n <= 0) return Error("'" + Name(key) + "' must be a positive integer, got " + Shown(v));
    *out = n;
    return Status::OK();
  }

  const Json& j_;
  const std::string& path_;
  std::string prefix_;
};

// ---- What the spec will say -----------------------------------------------------

using KeyValues = std::vector<std::pair<std::string, std::string>>;  // key -> YAML scalar, in order

struct Mapped {
  engine::Family family = engine::Family::kDecoder;
  KeyValues shared;                // architecture.config
  KeyValues size;                  // the size's own keys (the dimensions that differ between sizes)
  int64_t context_length = 0;      // 0: the family takes no sequence (vit)
  std::vector<std::string> notes;  // comment lines for the spec's header
};

std::string Int(int64_t v) { return std::to_string(v); }
std::string Bool(bool v) { return v ? "true" : "false"; }
// The shortest text that reads back as the same double ("1e-05", "10000", "0.1").
std::string Number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// The transformer dimensions every family has, as size keys.
struct Dims {
  int64_t layers = 0, width = 0, heads = 0, kv_heads = 0, head_dim = 0, hidden = 0;
};
void AddDims(const Dims& d, bool kv_heads, Mapped* m) {
  m->size.push_back({"num_layers", Int(d.layers)});
  m->size.push_back({"embedding_dim", Int(d.width)});
  m->size.push_back({"num_heads", Int(d.heads)});
  if (kv_heads) m->size.push_back({"num_kv_heads", Int(d.kv_heads)});
  // Only when it is not the default embedding_dim / num_heads.
  if (d.head_dim > 0 && !(d.width % d.heads == 0 && d.head_dim == d.width / d.heads))
    m->size.push_back({"head_dim", Int(d.head_dim)});
  m->size.push_back({"hidden_dim", Int(d.hidden)});
}

// hidden_act / activation_function of a plain (two-matrix) MLP -> our activation name.
Status PlainActivation(const ConfigReader& r, const std::string& key, const std::string& fallback, std::string* out) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"gelu", "gelu"}, {"gelu_new", "gelu_tanh"}, {"gelu_pytorch_tanh", "gelu_tanh"},
      {"relu", "relu"}, {"silu", "silu"},          {"swish", "silu"}};
  std::string act;
  RETURN_IF_ERROR(r.StringOr(key, fallback, &act));
  for (const auto& [hf, ours] : kNames)
    if (act == hf) {
      *out = ours;
      return Status::OK();
    }
  return r.Unsupported(key, " (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu, swish)");
}

// The number of classes of a classification head: id2label's entries, else num_labels,
// else transformers' default of 2.
Status NumLabels(const ConfigReader& r, int64_t* out) {
  if (r.Has("id2label")) {
    const Json& labels = r.Get("id2label");
    if (!labels.is_object() || labels.empty())
      return r.Error("'id2label' must be a non-empty mapping, got " + ConfigReader::Shown(labels));
    *out = static_cast<int64_t>(labels.size());
    return Status::OK();
  }
  return r.CountOr("num_labels", 2, out);
}

// GPT2LMHeadModel: pre-LayerNorm decoder with learned positions, biases and a tied LM head.
Status MapGpt2(const ConfigReader& r, Mapped* m) {
  bool flag = false;
  RETURN_IF_ERROR(r.BoolOr("add_cross_attention", false, &flag));
  if (flag) return r.Unsupported("add_cross_attention", ": the decoder family has no cross-attention");
  RETURN_IF_ERROR(r.BoolOr("scale_attn_weights", true, &flag));
  if (!flag) return r.Unsupported("scale_attn_weights", ": the engine always scales attention by 1/sqrt(head_dim)");
  RETURN_IF_ERROR(r.BoolOr("scale_attn_by_inverse_layer_idx", false, &flag));
  if (flag)
    return r.Unsupported("scale_attn_by_inverse_layer_idx", ": the engine does not scale attention by the layer index");

  int64_t vocab = 0, context = 0;
  Dims d;
  double eps = 0;
  std::string act;
  bool tie = true;
  RETURN_IF_ERROR(r.Count("vocab_size", &vocab));
  RETURN_IF_ERROR(r.Count("n_positions", &context));
  RETURN_IF_ERROR(r.Count("n_layer", &d.layers));
  RETURN_IF_ERROR(r.Count("n_embd", &d.width));
  RETURN_IF_ERROR(r.Count("n_head", &d.heads));
  RETURN_IF_ERROR(r.CountOr("n_inner", 4 * d.width, &d.hidden));  // null: 4 x n_embd
  RETURN_IF_ERROR(r.PositiveOr("layer_norm_epsilon", 1e-5, &eps));
  RETURN_IF_ERROR(PlainActivation(r, "activation_function", "gelu_new", &act));
  RETURN_IF_ERROR(r.BoolOr("tie_word_embeddings", true, &tie));
  d.kv_heads = d.heads;

  m->family = engine::Family::kDecoder;
  m->context_length = context;
  m->shared = {{"vocab_size", Int(vocab)}, {"context_length", Int(context)},
               {"norm", "layernorm"},      {"norm_eps", Number(eps)},
               {"activation", act},        {"position", "learned"},
               {"bias", "true"},           {"tie_embeddings", Bool(tie)}};
  AddDims(d, /*kv_heads=*/false, m);
  return Status::OK();
}

// rope_theta and the rope scaling of a RoPE model, as spec keys appended to *keys: transformers 4
// writes rope_scaling (rope_type, or the older "type") beside rope_theta; transformers 5 keeps both
// in rope_parameters. linear, dynamic, yarn and llama3 map to rope_scaling (engine/config.h);
// "default" is none; any other type (longrope, ...) is an error naming the key. `allow_scaling`
// false: only null (Phi-3's longrope is not implemented). partial_rotary_factor f gives rotary_dim
// int(head_dim x f), as transformers' rope init computes the rotated width.
// *reach: the context the spec allows, context itself except for dynamic NTK scaling, which exists
// to run past max_position_embeddings (transformers grows theta from there): its spec keeps that
// as rope_original_context and allows factor x it, the length the scaling is designed for.
Status ReadRope(const ConfigReader& r, double fallback, int64_t head_dim, int64_t context, bool allow_scaling,
                KeyValues* keys, int64_t* reach, bool mscale_scales_softmax = false) {
  *reach = context;
  double theta = fallback;
  const char* scaling_key = r.Has("rope_scaling") ? "rope_scaling" : "rope_parameters";
  if (r.Has("rope_parameters")) {
    const Json& rp = r.Get("rope_parameters");
    if (!rp.is_object()) return r.Error("'rope_parameters' must be a mapping, got " + ConfigReader::Shown(rp));
    ConfigReader sub(rp, r.path(), "rope_parameters.");
    if (sub.Has("rope_theta")) RETURN_IF_ERROR(sub.PositiveOr("rope_theta", fallback, &theta));
  }
  if (!r.Has("rope_parameters") || !ConfigReader(r.Get("rope_parameters"), r.path()).Has("rope_theta"))
    RETURN_IF_ERROR(r.PositiveOr("rope_theta", fallback, &theta));
  keys->push_back({"rope_theta", Number(theta)});

  double partial = 1;
  RETURN_IF_ERROR(r.PositiveOr("partial_rotary_factor", 1, &partial));
  if (partial > 1) return r.Unsupported("partial_rotary_factor", ": a fraction of the head's width must be at most 1");
  if (partial != 1) {
    const int64_t rotary = static_cast<int64_t>(static_cast<double>(head_dim) * partial);
    if (rotary <= 0 || rotary % 2 != 0)
      return r.Unsupported("partial_rotary_factor", ": the rotated width int(head_dim x factor) = " + Int(rotary) +
                                                        " must be even and positive");
    keys->push_back({"rotary_dim", Int(rotary)});
  }

  if (!r.Has(scaling_key)) return Status::OK();
  const Json& rs = r.Get(scaling_key);
  if (!rs.is_object())
    return r.Error("'" + std::string(scaling_key) + "' must be a mapping, got " + ConfigReader::Shown(rs));
  ConfigReader sub(rs, r.path(), std::string(scaling_key) + ".");
  std::string type;
  if (sub.Has("rope_type"))
    RETURN_IF_ERROR(sub.StringOr("rope_type", "default", &type));
  else
    RETURN_IF_ERROR(sub.StringOr("type", "default", &type));
  if (type == "default") return Status::OK();
  if (!allow_scaling)
    return r.Unsupported(scaling_key, ": only null (no scaling) is supported for this model type (rope type '" + type +
                                          "' is not implemented)");
  if (type != "linear" && type != "dynamic" && type != "yarn" && type != "llama3")
    return r.Unsupported(scaling_key, " (rope type '" + type + "'; supported: default, linear, dynamic, yarn, llama3)");
  double factor = 1;
  RETURN_IF_ERROR(sub.PositiveOr("factor", 1, &factor));
  if (factor < 1) return r.Unsupported(scaling_key, ": the scaling factor must be at least 1");
  keys->push_back({"rope_scaling", type});
  keys->push_back({"rope_scaling_factor", Number(factor)});
  int64_t original = 0;
  RETURN_IF_ERROR(sub.CountOr("original_max_position_embeddings", 0, &original));
  if (type == "llama3" && original == 0) return sub.Missing("original_max_position_embeddings");
  // transformers 4.57 reads it for yarn and llama3 only; dynamic NTK grows theta past
  // max_position_embeddings whatever rope_scaling says (_compute_dynamic_ntk_parameters).
  if (type != "dynamic" && type != "linear" && original > 0 && original != context)
    keys->push_back({"rope_original_context", Int(original)});
  if (type == "dynamic") {
    keys->push_back({"rope_original_context", Int(context)});
    *reach = static_cast<int64_t>(std::floor(static_cast<double>(context) * factor));
  }
  if (type == "llama3") {
    double low = 1, high = 4;
    RETURN_IF_ERROR(sub.PositiveOr("low_freq_factor", 1, &low));
    RETURN_IF_ERROR(sub.PositiveOr("high_freq_factor", 4, &high));
    if (low != 1) keys->push_back({"rope_low_freq_factor", Number(low)});
    if (high != 4) keys->push_back({"rope_high_freq_factor", Number(high)});
  } else if (type == "yarn") {
    double fast = 32, slow = 1, attention = 0, mscale = 0, mscale_all_dim = 0;
    RETURN_IF_ERROR(sub.PositiveOr("beta_fast", 32, &fast));
    RETURN_IF_ERROR(sub.PositiveOr("beta_slow", 1, &slow));
    RETURN_IF_ERROR(sub.PositiveOr("attention_factor", 0, &attention));
    RETURN_IF_ERROR(sub.PositiveOr("mscale", 0, &mscale));
    RETURN_IF_ERROR(sub.PositiveOr("mscale_all_dim", 0, &mscale_all_dim));
    bool truncate = true;
    RETURN_IF_ERROR(sub.BoolOr("truncate", true, &truncate));
    if (!truncate) return r.Unsupported(scaling_key, ": yarn without truncation (truncate: false) is not implemented");
    // transformers' _compute_yarn_parameters: attention_factor, else mscale(factor, mscale) /
    // mscale(factor, mscale_all_dim) when both are set, else mscale(factor) = 0.1 ln(factor) + 1
    // (the engine's default for 0); get_mscale(s, m) = 0.1 m ln(s) + 1 (1 for s <= 1).
    auto get_mscale = [](double scale, double m) { return scale <= 1 ? 1.0 : 0.1 * m * std::log(scale) + 1.0; };
    if (attention == 0 && mscale > 0 && mscale_all_dim > 0)
      attention = get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim);
    if (fast != 32) keys->push_back({"rope_beta_fast", Number(fast)});
    if (slow != 1) keys->push_back({"rope_beta_slow", Number(slow)});
    if (attention > 0) keys->push_back({"rope_attention_factor", Number(attention)});
    // DeepSeek-V3's attention (and only its: transformers' DeepseekV3Attention) multiplies its softmax
    // scale by mscale(factor, mscale_all_dim)^2; elsewhere mscale_all_dim only enters attention_factor.
    if (mscale_scales_softmax && mscale_all_dim > 0) keys->push_back({"rope_mscale_all_dim", Number(mscale_all_dim)});
  }
  return Status::OK();
}

// transformers' layer_types (written by 4.5x configs): every entry must be what our
// sliding_window / sliding_window_pattern make of that layer (LayerIsLocal).
Status CheckLayerTypes(const ConfigReader& r, int64_t layers, int64_t window, int64_t pattern) {
  if (!r.Has("layer_types")) return Status::OK();
  const Json& types = r.Get("layer_types");
  if (!types.is_array()) return r.Error("'layer_types' must be a list, got " + ConfigReader::Shown(types));
  engine::ModelConfig c;
  c.sliding_window = window;
  c.sliding_window_pattern = pattern;
  if (static_cast<int64_t>(types.size()) != layers)
    return r.Unsupported("layer_types", ": one entry per layer (" + Int(layers) + ") expected");
  for (int64_t l = 0; l < layers; ++l) {
    const char* expected = engine::LayerIsLocal(c, l) ? "sliding_attention" : "full_attention";
    if (types[l] != expected)
      return r.Unsupported("layer_types", ": layer " + Int(l) + " would be \"" + expected +
                                              "\" (only one window for every layer, or local and global layers "
                                              "alternating with a period, are supported)");
  }
  return Status::OK();
}

// sliding_window of a config: 0 when null or absent (absent_default when the model type's config
// class has a default), or when at least as long as the context (then it changes nothing).
Status ReadWindow(const ConfigReader& r, int64_t context, int64_t absent_default, int64_t* window) {
  *window = 0;
  if (r.Has("sliding_window"))
    RETURN_IF_ERROR(r.Count("sliding_window", window));
  else if (!r.Present("sliding_window"))
    *window = absent_default;
  if (*window >= context) *window = 0;
  return Status::OK();
}

// LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, MixtralForCausalLM: pre-RMSNorm
// decoder with a gated MLP and RoPE; Mixtral's MLP is a top-k mixture of experts.
Status MapLlamaLike(const ConfigReader& r, const std::string& arch, Mapped* m) {
  const bool qwen2 = arch == "Qwen2ForCausalLM", mixtral = arch == "MixtralForCausalLM";
  const bool mistral = arch == "MistralForCausalLM";
  int64_t vocab = 0, context = 0;
  Dims d;
  RETURN_IF_ERROR(r.Count("vocab_size", &vocab));
  RETURN_IF_ERROR(r.Count("max_position_embeddings", &context));
  RETURN_IF_ERROR(r.Count("num_hidden_layers", &d.layers));
  RETURN_IF_ERROR(r.Count("hidden_size", &d.width));
  RETURN_IF_ERROR(r.Count("num_attention_heads", &d.heads));
  RETURN_IF_ERROR(r.CountOr("num_key_value_heads", d.heads, &d.kv_heads));
  RETURN_IF_ERROR(r.Count("intermediate_size", &d.hidden));
  RETURN_IF_ERROR(r.CountOr("head_dim", 0, &d.head_dim));

  double eps = 0;
  RETURN_IF_ERROR(r.PositiveOr("rms_norm_eps", mixtral ? 1e-5 : 1e-6, &eps));
  KeyValues rope;
  const int64_t head_dim = d.head_dim > 0 ? d.head_dim : d.width / d.heads;
  int64_t reach = context;
  RETURN_IF_ERROR(ReadRope(r, mixtral ? 1e6 : 1e4, head_dim, context, /*allow_scaling=*/true, &rope, &reach));

  std::string act;
  RETURN_IF_ERROR(r.StringOr("hidden_act", "silu", &act));
  if (act == "silu" || act == "swish")
    act = "swiglu";
  else if (act == "gelu")
    act = "geglu";
  else
    return r.Unsupported("hidden_act", " (supported for gated MLPs: silu, swish, gelu)");

  // One sliding window for every layer (Mistral, Mixtral); a window at least as long as the
  // context changes nothing. Qwen2's windows on the layers past max_window_layers are not supported.
  int64_t window = 0;
  if (qwen2) {
    bool sliding = false;
    RETURN_IF_ERROR(r.BoolOr("use_sliding_window", false, &sliding));
    if (sliding)
      return r.Unsupported("use_sliding_window",
                           ": Qwen2's windows on the layers past max_window_layers are not "
                           "supported");
  } else if (mistral || mixtral) {
    // null: no window. Absent: MistralConfig's default window of 4096; Mixtral's default is none.
    RETURN_IF_ERROR(ReadWindow(r, context, mistral ? 4096 : 0, &window));
  }
  RETURN_IF_ERROR(CheckLayerTypes(r, d.layers, window, 1));

  // Biases: Llama's attention_bias covers q, k, v and o, mlp_bias the MLP; ours are all or
  // nothing, plus q/k/v alone (Qwen2).
  bool bias = false, qkv_bias = qwen2;
  if (arch == "LlamaForCausalLM") {
    bool attention_bias = false, mlp_bias = false;
    RETURN_IF_ERROR(r.BoolOr("attention_bias", false, &attention_bias));
    RETURN_IF_ERROR(r.BoolOr("mlp_bias", false, &mlp_bias));
    if (attention_bias != mlp_bias)
      return r.Unsupported(attention_bias ? "attention_bias" : "mlp_bias",
                           " without '" + std::string(attention_bias ? "mlp_bias" : "attention_bias") +
                               "': the engine has biases in every linear layer or in none (besides q/k/v)");
    bias = qkv_bias = attention_bias;
  }

  bool tie = false;
  RETURN_IF_ERROR(r.BoolOr("tie_word_embeddings", false, &tie));

  m->family = mixtral ? engine::Family::kMoe : engine::Family::kDecoder;
  context = reach;  // dynamic NTK: factor x max_position_embeddings (ReadRope)
  m->context_length = context;
  m->shared = {{"vocab_size", Int(vocab)}, {"context_length", Int(context)},
               {"norm", "rmsnorm"},        {"norm_eps", Number(eps)},
               {"activation", act},        {"position", "rope"}};
  m->shared.insert(m->shared.end(), rope.begin(), rope.end());
  m->shared.push_back({"bias", Bool(bias)});
  if (window > 0) m->shared.push_back({"sliding_window", Int(window)});
  if (qkv_bias != bias) m->shared.push_back({"qkv_bias", Bool(qkv_bias)});
  m->shared.push_back({"tie_embeddings", Bool(tie)});
  if (mixtral) {
    int64_t experts = 0, k = 0;
    RETURN_IF_ERROR(r.Count("num_local_experts", &experts));
    RETURN_IF_ERROR(r.Count("num_experts_per_tok", &k));
    m->shared.push_back({"num_experts", Int(experts)});
    m->shared.push_back({"experts_per_token", Int(k)});
  }
  AddDims(d, /*kv_heads=*/true, m);
  return Status::OK();
}

// The decoders of issue 16 whose checkpoints need their own layout (engine/weights/hf_names.h):
//   GemmaForCausalLM       RMSNorm (stored w - 1), GeGLU (hidden_act gelu: exact; gelu_pytorch_tanh:
//                          tanh), embeddings x sqrt(width), tied
//   Gemma2ForCausalLM      Gemma plus sandwich norms, local/global layers alternating (window
//                          sliding_window), soft-capped attention and final logits, query_pre_attn_scalar
//   Phi3ForCausalLM        Llama with fused q|k|v and gate|up, one window, partial rotary; rope_scaling
//                          null only (longrope is not implemented)
//   Qwen3ForCausalLM       Llama with QK-norm and an explicit head_dim
//   Qwen3MoeForCausalLM    Qwen3 with a top-k mixture of moe_intermediate_size experts in every layer
//   DeepseekV3ForCausalLM  MLA, yarn, sigmoid routing with a correction bias, groups, shared experts,
//                          the first k layers dense (without the multi-token-prediction layer, as
//                          transformers builds it)
Status MapModernDecoder(const ConfigReader& r, const std::string& arch, Mapped* m) {
  const bool gemma = arch == "GemmaForCausalLM", gemma2 = arch == "Gemma2ForCausalLM";
  const bool phi3 = arch == "Phi3ForCausalLM", qwen3 = arch == "Qwen3ForCausalLM";
  const bool qwen3_moe = arch == "Qwen3MoeForCausalLM", deepseek = arch == "DeepseekV3ForCausalLM";
  int64_t vocab = 0, context = 0;
  Dims d;
  RETURN_IF_ERROR(r.Count("vocab_size", &vocab));
  RETURN_IF_ERROR(r.Count("max_position_embeddings", &context));
  RETURN_IF_ERROR(r.Count("num_hidden_layers", &d.layers));
  RETURN_IF_ERROR(r.Count("hidden_size", &d.width));
  RETURN_IF_ERROR(r.Count("num_attention_heads", &d.heads));
  RETURN_IF_ERROR(r.CountOr("num_key_value_heads", d.heads, &d.kv_heads));
  RETURN_IF_ERROR(r.Count("intermediate_size", &d.hidden));
  RETURN_IF_ERROR(r.CountOr("head_dim", gemma || gemma2 ? 256 : (qwen3 || qwen3_moe ? 128 : 0), &d.head_dim));
  if (d.width % d.heads != 0 && d.head_dim == 0)
    return r.Error("'hidden_size' (" + Int(d.width) + ") must be divisible by 'num_attention_heads' (" + Int(d.heads) +
                   ") when 'head_dim' is absent");
  const int64_t head_dim = d.head_dim > 0 ? d.head_dim : d.width / d.heads;

  double eps = 0;
  RETURN_IF_ERROR(r.PositiveOr("rms_norm_eps", 1e-6, &eps));
  std::string act;
  const std::string act_key = gemma2 ? "hidden_activation" : "hidden_act";
  RETURN_IF_ERROR(r.StringOr(act_key, gemma || gemma2 ? "gelu_pytorch_tanh" : "silu", &act));
  if (act == "silu" || act == "swish")
    act = "swiglu";
  else if (act == "gelu")
    act = "geglu";
  else if (act == "gelu_pytorch_tanh" || act == "gelu_new")
    act = "geglu_tanh";
  else
    return r.Unsupported(act_key, " (supported for gated MLPs: silu, swish, gelu, gelu_pytorch_tanh, gelu_new)");

  bool attention_bias = false, tie = gemma || gemma2;
  RETURN_IF_ERROR(r.BoolOr("attention_bias", false, &attention_bias));
  if (attention_bias)
    return r.Unsupported("attention_bias", ": " + arch + " checkpoints with attention biases are not mapped");
  if (r.Has("mlp_bias")) {
    bool mlp_bias = false;
    RETURN_IF_ERROR(r.BoolOr("mlp_bias", false, &mlp_bias));
    if (mlp_bias) return r.Unsupported("mlp_bias", ": " + arch + " checkpoints with MLP biases are not mapped");
  }
  RETURN_IF_ERROR(r.BoolOr("tie_word_embeddings", tie, &tie));

  // Attention: windows, QK-norm, soft-caps, scale.
  int64_t window = 0, pattern = 1;
  if (gemma2) {
    RETURN_IF_ERROR(ReadWindow(r, context, 4096, &window));
    pattern = 2;  // transformers' Gemma2Config: layer i is sliding when (i + 1) % 2
  } else if (phi3) {
    RETURN_IF_ERROR(ReadWindow(r, context, 0, &window));
  } else if (qwen3 || qwen3_moe) {
    bool sliding = false;
    RETURN_IF_ERROR(r.BoolOr("use_sliding_window", false, &sliding));
    if (sliding)
      return r.Unsupported("use_sliding_window",
                           ": Qwen3's windows on the layers past max_window_layers are not "
                           "supported");
  }
  RETURN_IF_ERROR(CheckLayerTypes(r, d.layers, window, window > 0 ? pattern : 1));

  KeyValues rope;
  int64_t reach = context;
  RETURN_IF_ERROR(
      ReadRope(r, 10000, head_dim, context, /*allow_scaling=*/!phi3, &rope, &reach, /*mscale_scales_softmax=*/deepseek));
  if (deepseek) {
    for (const auto& [key, value] : rope)
      if (key == "rotary_dim") return r.Unsupported("partial_rotary_factor", ": DeepSeek-V3 rotates qk_rope_head_dim");
    // rope_interleave (DeepSeek-V3: true, transformers' default): the checkpoint's rope columns
    // are interleaved pairs, which the deepseek_v3 layout expects; false has no spec key.
    bool interleave = true;
    RETURN_IF_ERROR(r.BoolOr("rope_interleave", true, &interleave));
    if (!interleave)
      return r.Unsupported("rope_interleave", ": the deepseek_v3 layout reads DeepSeek-V3's interleaved rope columns");
  }

  m->family = (qwen3_moe || deepseek) ? engine::Family::kMoe : engine::Family::kDecoder;
  context = reach;  // dynamic NTK: factor x max_position_embeddings (ReadRope)
  m->context_length = context;
  m->shared = {{"vocab_size", Int(vocab)}, {"context_length", Int(context)},
               {"norm", "rmsnorm"},        {"norm_eps", Number(eps)},
               {"activation", act},        {"position", "rope"}};
  m->shared.insert(m->shared.end(), rope.begin(), rope.end());
  m->shared.push_back({"bias", "false"});
  m->shared.push_back({"tie_embeddings", Bool(tie)});
  if (window > 0) {
    m->shared.push_back({"sliding_window", Int(window)});
    if (pattern != 1) m->shared.push_back({"sliding_window_pattern", Int(pattern)});
  }
  if (qwen3 || qwen3_moe) m->shared.push_back({"qk_norm", "true"});
  if (gemma || gemma2) m->shared.push_back({"embedding_scale", "true"});
  if (gemma2) {
    double attn_cap = 0, final_cap = 0, scalar = 0;
    m->shared.push_back({"sandwich_norm", "true"});
    // Absent: Gemma2Config's 50 and 30; null: no capping.
    RETURN_IF_ERROR(r.PositiveOr("attn_logit_softcapping", r.Present("attn_logit_softcapping") ? 0 : 50, &attn_cap));
    RETURN_IF_ERROR(r.PositiveOr("final_logit_softcapping", r.Present("final_logit_softcapping") ? 0 : 30, &final_cap));
    RETURN_IF_ERROR(r.PositiveOr("query_pre_attn_scalar", 256, &scalar));
    if (attn_cap > 0) m->shared.push_back({"attn_logit_softcap", Number(attn_cap)});
    if (final_cap > 0) m->shared.push_back({"final_logit_softcap", Number(final_cap)});
    m->shared.push_back({"query_pre_attn_scalar", Number(scalar)});
  }

  if (qwen3_moe) {
    int64_t experts = 0, k = 0, expert_width = 0, step = 1;
    bool renormalize = false;
    RETURN_IF_ERROR(r.Count("num_experts", &experts));
    RETURN_IF_ERROR(r.Count("num_experts_per_tok", &k));
    RETURN_IF_ERROR(r.Count("moe_intermediate_size", &expert_width));
    RETURN_IF_ERROR(r.BoolOr("norm_topk_prob", false, &renormalize));
    RETURN_IF_ERROR(r.CountOr("decoder_sparse_step", 1, &step));
    if (step != 1)
      return r.Unsupported("decoder_sparse_step", ": every layer must be a mixture of experts (decoder_sparse_step 1)");
    if (r.Has("mlp_only_layers")) {
      const Json& dense = r.Get("mlp_only_layers");
      if (!dense.is_array() || !dense.empty())
        return r.Unsupported("mlp_only_layers", ": only an empty list (every layer a mixture of experts)");
    }
    m->shared.push_back({"num_experts", Int(experts)});
    m->shared.push_back({"experts_per_token", Int(k)});
    m->shared.push_back({"moe_hidden_dim", Int(expert_width)});
    if (!renormalize) m->shared.push_back({"router_renormalize", "false"});
    m->shared.push_back({"checkpoint_layout", "qwen3_moe"});
    AddDims(d, /*kv_heads=*/true, m);
    return Status::OK();
  }
  if (deepseek) {
    int64_t experts = 0, k = 0, expert_width = 0, shared = 0, dense = 0, groups = 0, topk_groups = 0, freq = 1;
    int64_t q_lora = 0, kv_lora = 0, nope = 0, rope_dim = 0, v = 0;
    double scale = 1;
    bool renormalize = true;
    std::string scoring, method;
    // Absent keys take DeepseekV3Config's defaults (transformers 4.57), which are DeepSeek-V3's.
    RETURN_IF_ERROR(r.CountOr("n_routed_experts", 256, &experts));
    RETURN_IF_ERROR(r.CountOr("num_experts_per_tok", 8, &k));
    RETURN_IF_ERROR(r.CountOr("moe_intermediate_size", 2048, &expert_width));
    RETURN_IF_ERROR(r.CountOrZero("n_shared_experts", 1, &shared));
    RETURN_IF_ERROR(r.CountOrZero("first_k_dense_replace", 3, &dense));
    RETURN_IF_ERROR(r.CountOr("moe_layer_freq", 1, &freq));
    if (freq != 1) return r.Unsupported("moe_layer_freq", ": every layer past first_k_dense_replace must be a mixture");
    RETURN_IF_ERROR(r.CountOrZero("n_group", 8, &groups));
    RETURN_IF_ERROR(r.CountOrZero("topk_group", 4, &topk_groups));
    RETURN_IF_ERROR(r.PositiveOr("routed_scaling_factor", 2.5, &scale));
    RETURN_IF_ERROR(r.BoolOr("norm_topk_prob", true, &renormalize));
    // transformers' DeepseekV3TopkRouter always scores with a sigmoid and chooses with the
    // correction bias (noaux_tc); a config asking for anything else is not what it builds.
    RETURN_IF_ERROR(r.StringOr("scoring_func", "sigmoid", &scoring));
    if (scoring != "sigmoid")
      return r.Unsupported("scoring_func", " (supported: sigmoid, what transformers' DeepseekV3TopkRouter computes)");
    RETURN_IF_ERROR(r.StringOr("topk_method", "noaux_tc", &method));
    if (method != "noaux_tc")
      return r.Unsupported("topk_method", " (supported: noaux_tc, the group-limited choice with a correction bias)");
    // q_lora_rank null: a full q projection (DeepSeek-V2-Lite style); absent: 1536.
    if (r.Present("q_lora_rank") && !r.Has("q_lora_rank"))
      q_lora = 0;
    else
      RETURN_IF_ERROR(r.CountOrZero("q_lora_rank", 1536, &q_lora));
    RETURN_IF_ERROR(r.CountOr("kv_lora_rank", 512, &kv_lora));
    RETURN_IF_ERROR(r.CountOr("qk_nope_head_dim", 128, &nope));
    RETURN_IF_ERROR(r.CountOr("qk_rope_head_dim", 64, &rope_dim));
    RETURN_IF_ERROR(r.CountOr("v_head_dim", 128, &v));
    // Groups of 1 are no groups (transformers' noaux_tc with n_group 1 keeps every expert).
    if (groups <= 1) groups = topk_groups = 0;
    if (q_lora > 0) m->shared.push_back({"q_lora_rank", Int(q_lora)});
    m->shared.push_back({"kv_lora_rank", Int(kv_lora)});
    m->shared.push_back({"qk_nope_head_dim", Int(nope)});
    m->shared.push_back({"qk_rope_head_dim", Int(rope_dim)});
    m->shared.push_back({"v_head_dim", Int(v)});
    m->shared.push_back({"num_experts", Int(experts)});
    m->shared.push_back({"experts_per_token", Int(k)});
    m->shared.push_back({"moe_hidden_dim", Int(expert_width)});
    if (shared > 0) m->shared.push_back({"num_shared_experts", Int(shared)});
    if (dense > 0) m->shared.push_back({"first_dense_layers", Int(dense)});
    if (!renormalize) m->shared.push_back({"router_renormalize", "false"});
    m->shared.push_back({"router_scoring", "sigmoid"});
    m->shared.push_back({"router_bias", "true"});  // noaux_tc: e_score_correction_bias
    if (groups > 0) {
      m->shared.push_back({"router_groups", Int(groups)});
      m->shared.push_back({"router_topk_groups", Int(topk_groups)});
    }
    if (scale != 1) m->shared.push_back({"routed_scaling_factor", Number(scale)});
    m->shared.push_back({"checkpoint_layout", "deepseek_v3"});
    // head_dim is not used by MLA (QkHeadDim, VHeadDim): the spec's default stays.
    d.head_dim = 0;
    AddDims(d, /*kv_heads=*/true, m);  // hidden_dim: intermediate_size, the dense layers' width
    m->notes.push_back(
        "DeepSeek-V3 without the multi-token-prediction layer (num_nextn_predict_layers), as "
        "transformers builds it.");
    return Status::OK();
  }
  m->shared.push_back({"checkpoint_layout", gemma ? "gemma" : gemma2 ? "gemma2" : phi3 ? "phi3" : "qwen3"});
  AddDims(d, /*kv_heads=*/true, m);
  return Status::OK();
}

// GPTNeoXForCausalLM (Pythia): LayerNorm with biases, RoPE on rotary_pct of each head (base
// rotary_emb_base), biases everywhere, exact GELU, parallel attention and MLP residual
// (use_parallel_residual), an untied head.
Status MapGptNeox(const ConfigReader& r, Mapped* m) {
  int64_t vocab = 0, context = 0;
  Dims d;
  double eps = 0, pct = 0.25, base = 10000;
  std::string act;
  bool parallel = true, tie = false, attention_bias = true;
  RETURN_IF_ERROR(r.Count("vocab_size", &vocab));
  RETURN_IF_ERROR(r.Count("max_position_embeddings", &context));
  RETURN_IF_ERROR(r.Count("num_hidden_layers", &d.layers));
  RETURN_IF_ERROR(r.Count("hidden_size", &d.width));
  RETURN_IF_ERROR(r.Count("num_attention_heads", &d.heads));
  RETURN_IF_ERROR(r.Count("intermediate_size", &d.hidden));
  RETURN_IF_ERROR(r.PositiveOr("layer_norm_eps", 1e-5, &eps));
  RETURN_IF_ERROR(PlainActivation(r, "hidden_act", "gelu", &act));
  RETURN_IF_ERROR(r.BoolOr("use_parallel_residual", true, &parallel));
  RETURN_IF_ERROR(r.BoolOr("tie_word_embeddings", false, &tie));
  RETURN_IF_ERROR(r.BoolOr("attention_bias", true, &attention_bias));
  if (!attention_bias)
    return r.Unsupported("attention_bias", ": GPT-NeoX checkpoints without attention biases are not mapped");
  if (r.Has("rope_scaling")) return r.Unsupported("rope_scaling", ": GPT-NeoX imports with unscaled RoPE only");
  RETURN_IF_ERROR(r.PositiveOr("rotary_pct", 0.25, &pct));
  RETURN_IF_ERROR(r.PositiveOr("rotary_emb_base", 10000, &base));
  if (d.width % d.heads != 0)
    return r.Error("'hidden_size' (" + Int(d.width) + ") must be divisible by 'num_attention_heads' (" + Int(d.heads) +
                   ")");
  const int64_t head_dim = d.width / d.heads;
  const int64_t rotary = static_cast<int64_t>(static_cast<double>(head_dim) * pct);  // int(head_dim x rotary_pct)
  if (pct > 1 || rotary <= 0 || rotary % 2 != 0)
    return r.Unsupported("rotary_pct", ": the rotated width int(head_dim x rotary_pct) = " + Int(rotary) +
                                           " must be even, positive and at most head_dim");
  d.kv_heads = d.heads;

  m->family = engine::Family::kDecoder;
  m->context_length = context;
  m->shared = {{"vocab_size", Int(vocab)},  {"context_length", Int(context)},
               {"norm", "layernorm"},       {"norm_eps", Number(eps)},
               {"activation", act},         {"position", "rope"},
               {"rope_theta", Number(base)}};
  if (rotary != head_dim) m->shared.push_back({"rotary_dim", Int(rotary)});
  m->shared.push_back({"bias", "true"});
  m->shared.push_back({"tie_embeddings", Bool(tie)});
  if (parallel) m->shared.push_back({"parallel_residual", "true"});
  m->shared.push_back({"checkpoint_layout", "gpt_neox"});
  AddDims(d, /*kv_heads=*/false, m);
  return Status::OK();
}

// BertModel (pooler), BertForMaskedLM (MLM head, no pooler), BertForSequenceClassification
// (pooler + classifier): post-LayerNorm bidirectional encoder.
Status MapBert(const ConfigReader& r, const std::string& arch, Mapped* m) {
  bool flag = false;
  RETURN_IF_ERROR(r.BoolOr("is_decoder", false, &flag));
  if (flag) return r.Unsupported("is_decoder", ": the encoder family is bidirectional");
  RETURN_IF_ERROR(r.BoolOr("add_cross_attention", false, &flag));
  if (flag) return r.Unsupported("add_cross_attention", ": the encoder family has no cross-attention");
  std::string positions;
  RETURN_IF_ERROR(r.StringOr("position_embedding_type", "absolute", &positions));
  if (positions != "absolute")
    return r.Unsupported("position_embedding_type", ": the encoder family has absolute position embeddings only");

  int64_t vocab = 0, context = 0, types = 0;
  Dims d;
  double eps = 0;
  std::string act;
  RETURN_IF_ERROR(r.Count("vocab_size", &vocab));
  RETURN_IF_ERROR(r.Count("max_position_embeddings", &context));
  RETURN_IF_ERROR(r.Count("num_hidden_layers", &d.layers));
  RETURN_IF_ERROR(r.Count("hidden_size", &d.width));
  RETURN_IF_ERROR(r.Count("num_attention_heads", &d.heads));
  RETURN_IF_ERROR(r.Count("intermediate_size", &d.hidden));
  if (r.Has("type_vocab_size") && r.Get("type_vocab_size") == 0)
    types = 0;
  else
    RETURN_IF_ERROR(r.CountOr("type_vocab_size", 2, &types));
  RETURN_IF_ERROR(r.PositiveOr("layer_norm_eps", 1e-12, &eps));
  RETURN_IF_ERROR(PlainActivation(r, "hidden_act", "gelu", &act));

  bool pooler = true;
  std::string head = "none";
  int64_t classes = 0;
  if (arch == "BertForMaskedLM") {
    bool tie = true;
    RETURN_IF_ERROR(r.BoolOr("tie_word_embeddings", true, &tie));
    if (!tie)
      return r.Unsupported("tie_word_embeddings", ": the encoder's MLM decoder shares the token embedding matrix");
    pooler = false;
    head = "mlm";
  } else if (arch == "BertForSequenceClassification") {
    head = "classifier";
    RETURN_IF_ERROR(NumLabels(r, &classes));
  }

  m->family = engine::Family::kEncoder;
  m->context_length = context;
  m->shared = {{"vocab_size", Int(vocab)},
               {"context_length", Int(context)},
               {"type_vocab_size", Int(types)},
               {"norm_eps", Number(eps)},
               {"activation", act},
               {"norm_position", "post"},
               {"pooler", Bool(pooler)},
               {"head", head}};
  if (head == "classifier") m->shared.push_back({"num_classes", Int(classes)});
  AddDims(d, /*kv_heads=*/false, m);
  return Status::OK();
}

// ViTForImageClassification: pre-LayerNorm encoder over patches, [CLS] token, linear classifier.
Status MapVit(const ConfigReader& r, Mapped* m) {
  Dims d;
  int64_t image = 0, patch = 0, channels = 0, classes = 0;
  double eps = 0;
  std::string act;
  bool qkv_bias = true;
  RETURN_IF_ERROR(r.Count("num_hidden_layers", &d.layers));
  RETURN_IF_ERROR(r.Count("hidden_size", &d.width));
  RETURN_IF_ERROR(r.Count("num_attention_heads", &d.heads));
  RETURN_IF_ERROR(r.Count("intermediate_size", &d.hidden));
  RETURN_IF_ERROR(r.CountOr("image_size", 224, &image));
  RETURN_IF_ERROR(r.CountOr("patch_size", 16, &patch));
  RETURN_IF_ERROR(r.CountOr("num_channels", 3, &channels));
  RETURN_IF_ERROR(r.PositiveOr("layer_norm_eps", 1e-12, &eps));
  RETURN_IF_ERROR(PlainActivation(r, "hidden_act", "gelu", &act));
  RETURN_IF_ERROR(r.BoolOr("qkv_bias", true, &qkv_bias));
  RETURN_IF_ERROR(NumLabels(r, &classes));

  m->family = engine::Family::kVit;
  m->context_length = 0;
  m->shared = {{"image_size", Int(image)},
               {"patch_size", Int(patch)},
               {"channels", Int(channels)},
               {"num_classes", Int(classes)},
               {"pool", "cls"},
               {"norm_eps", Number(eps)},
               {"activation", act}};
  if (!qkv_bias) m->shared.push_back({"qkv_bias", "false"});
  AddDims(d, /*kv_heads=*/false, m);
  return Status::OK();
}

// The architecture the config describes: architectures[0], else by model_type.
Status ResolveArchitecture(const ConfigReader& r, std::string* arch) {
  if (r.Has("architectures")) {
    const Json& list = r.Get("architectures");
    if (!list.is_array() || list.empty() || !list[0].is_string())
      return r.Error("'architectures' must be a non-empty list of names, got " + ConfigReader::Shown(list));
    *arch = list[0].get<std::string>();
    return Status::OK();
  }
  if (!r.Has("model_type")) return r.Error("neither 'architectures' nor 'model_type' names the architecture");
  std::string type;
  RETURN_IF_ERROR(r.StringOr("model_type", "", &type));
  std::vector<std::string> known;
  for (const auto& [model_type, architecture] : kModelTypes) {
    known.push_back(model_type);
    if (type == model_type) {
      *arch = architecture;
      return Status::OK();
    }
  }
  return r.Error("model_type '" + type + "' is not supported (supported: " + Joined(known) + ")");
}

Status MapArchitecture(const ConfigReader& r, const std::string& arch, Mapped* m) {
  if (arch == "GPT2LMHeadModel") return MapGpt2(r, m);
  if (arch == "LlamaForCausalLM" || arch == "MistralForCausalLM" || arch == "Qwen2ForCausalLM" ||
      arch == "MixtralForCausalLM")
    return MapLlamaLike(r, arch, m);
  if (arch == "GemmaForCausalLM" || arch == "Gemma2ForCausalLM" || arch == "Phi3ForCausalLM" ||
      arch == "Qwen3ForCausalLM" || arch == "Qwen3MoeForCausalLM" || arch == "DeepseekV3ForCausalLM")
    return MapModernDecoder(r, arch, m);
  if (arch == "GPTNeoXForCausalLM") return MapGptNeox(r, m);
  if (arch == "BertModel" || arch == "BertForMaskedLM" || arch == "BertForSequenceClassification")
    return MapBert(r, arch, m);
  if (arch == "ViTForImageClassification") return MapVit(r, m);
  std::vector<std::string> supported(kImportableArchitectures, kImportableArchitectures + kImportableArchitectureCount);
  std::string why;
  if (arch == "ViTModel") why = ": its pooler (dense + tanh over the [CLS] token) is not part of the vit family";
  return r.Error("architecture '" + arch + "' is not supported" + why + " (supported: " + Joined(supported) + ")");
}

// ---- Writing YAML --------------------------------------------------------------

// True when `s` can be written as a plain YAML scalar and reads back as the same string.
bool IsPlainSafe(const std::string& s) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  // Starts with a letter, digit, '.', '/' or '_'; ends with no space; no indicator characters.
  if (s.empty() || !(alnum(s.front()) || s.front() == '.' || s.front() == '/' || s.front() == '_') || s.back() == ' ')
    return false;
  for (char c : s)
    if (!alnum(c) && std::string(" _./()-+").find(c) == std::string::npos) return false;
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  if (lower.rfind(".inf", 0) == 0 || lower.rfind(".nan", 0) == 0) return false;
  for (const char* word : {"true", "false", "yes", "no", "on", "off", "null", "y", "n"})
    if (lower == word) return false;
  if (lower.rfind("0x", 0) == 0 || lower.rfind("0o", 0) == 0) return false;
  double number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  return !(ec == std::errc() && end == s.data() + s.size());  // "1.5" would read as a number
}

// A string as a YAML scalar: plain when safe, else double-quoted (JSON escapes are valid YAML).
std::string Quote(const std::string& s) {
  if (IsPlainSafe(s)) return s;
  return Json(s).dump(-1, ' ', true, Json::error_handler_t::replace);
}

// The last component of a path or hub id ("meta-llama/Llama-2-7b-hf" -> "Llama-2-7b-hf").
std::string LastComponent(std::string s) {
  while (!s.empty() && (s.back() == '/' || s.back() == '\\')) s.pop_back();
  const size_t slash = s.find_last_of("/\\");
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

// `weights` empty: the checkpoint has no safetensors, so the size names none (a comment says so).
std::string SpecText(const std::string& name, const std::string& slug, const std::string& license,
                     const std::string& arch, const std::string& model_type, const std::string& config_path,
                     const std::string& size_name, const std::string& weights, const Mapped& m,
                     const std::string& source = "a Hugging Face config.json") {
  std::string y;
  y += "# Written by `modelcard import` from " + source + ": the architecture only.\n";
  y += "# Add the card's other sections (training, evaluation, ...) by hand; see DESIGN.md \"Spec format\".\n";
  for (const std::string& note : m.notes) y += "# " + note + "\n";
  y += "schema: 1\n";
  y += "name: " + Quote(name) + "\n";
  y += "slug: " + slug + "\n";
  y += "tagline: " + Quote("Imported from " + source + " (" + arch + ")") + "\n";
  y += "summary: " +
       Quote("The " + arch + (model_type.empty() ? "" : " (model_type " + model_type + ")") +
             " architecture read from " + config_path + " by modelcard import.") +
       "\n";
  if (!license.empty()) y += "license: " + Quote(license) + "\n";
  y += "architecture:\n";
  y += "  family: " + std::string(engine::FamilyName(m.family)) + "\n";
  y += "  base: " + std::string(engine::TraitsOf(m.family).base) + "\n";
  y += "  config:\n";
  for (const auto& [key, value] : m.shared) y += "    " + key + ": " + value + "\n";
  y += "  sizes:\n";
  y += "    " + Quote(size_name) + ":\n";
  for (const auto& [key, value] : m.size) y += "      " + key + ": " + value + "\n";
  // Every importable architecture has a checkpoint layout (engine/weights/hf_names.cc).
  if (!weights.empty())
    y += "      weights: " + Quote(weights) + "\n";
  else
    y += "      # no weights: the checkpoint directory holds no model.safetensors (or model.safetensors.index.json);\n"
         "      # build measures random weights. Add `weights: DIR` once it holds safetensors.\n";
  y += "profile:\n";
  y += "  sizes: [" + Quote(size_name) + "]\n";
  y += "  dtypes: [float32]\n";
  y += "  batch_sizes: [1]\n";
  if (m.context_length > 0) y += "  sequence_lengths: [" + Int(std::min<int64_t>(128, m.context_length)) + "]\n";
  return y;
}

// Checks that the written spec parses (a config whose values the engine rejects, e.g. a width not
// divisible by the heads, is reported here, in our key names, after `where`) and fills *out.
// `check_text` is the same spec with `weights:` naming the checkpoint as seen from here (the
// parser checks that the path holds safetensors; `text` names it as seen from the spec's directory).
Status FinishImport(const std::string& text, const std::string& check_text, const std::string& where,
                    const std::string& slug, const std::string& size_name, const std::string& arch,
                    engine::Family family, bool has_weights, const std::string& note, ImportResult* out) {
  const spec::ParseResult parsed = spec::ParseSpecText(check_text, slug + ".yaml");
  if (!parsed.ok()) {
    const spec::Diagnostic& d = parsed.errors.front();
    return Status::InvalidArgument(where + d.message + (d.hint.empty() ? "" : " (" + d.hint + ")"));
  }
  out->spec_text = text;
  out->slug = slug;
  out->size_name = size_name;
  out->architecture = arch;
  out->family = family;
  out->has_weights = has_weights;
  out->note = note;
  return Status::OK();
}

// The directory's own name, also for "ckpt/gpt2/" or "." ("gpt2", the working directory's name).
// A Hugging Face cache snapshot, .../models--ORG--REPO/snapshots/HASH, is named REPO.
std::string DirName(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path abs = fs::absolute(fs::path(dir), ec).lexically_normal();
  if (abs.filename().empty()) abs = abs.parent_path();
  const fs::path parent = abs.parent_path();
  const std::string cache = parent.parent_path().filename().string();
  if (parent.filename() == "snapshots" && cache.rfind("models--", 0) == 0 && cache.size() > 8) {
    const size_t last = cache.rfind("--");
    return cache.substr(last + 2);
  }
  return abs.filename().string();
}

// True when `dir` holds weights the engine loads: model.safetensors or a sharded index.
bool HasSafetensors(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "model.safetensors", ec) ||
         fs::is_regular_file(fs::path(dir) / "model.safetensors.index.json", ec);
}

// The spec's name and slug: --name, else `fallback`, else "imported".
Status NameAndSlug(const ImportOptions& options, const std::string& fallback, std::string* name, std::string* slug) {
  if (!options.name.empty()) {
    *slug = spec::SlugFromName(options.name);
    if (slug->empty())
      return Status::InvalidArgument("--name '" + options.name +
                                     "' has no letter or digit to make the spec's slug from");
    *name = options.name;
    return Status::OK();
  }
  *name = fallback.empty() ? "imported" : fallback;
  *slug = spec::SlugFromName(*name);
  if (slug->empty()) *slug = "imported";
  return Status::OK();
}

// ImportHfConfigText, parsing the spec with `weights: <check_weights_dir>` (the checkpoint as
// seen from the working directory) to check it.
Status ImportConfigText(const std::string& json_text, const std::string& config_path, const std::string& dir_name,
                        const std::string& weights_dir, const std::string& check_weights_dir, ImportResult* out,
                        const ImportOptions& options) {
  Json root;
  try {
    root = Json::parse(json_text);
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 14: ...".
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) what = what.substr(bracket + 2);
    return Status::InvalidArgument(config_path + ": invalid JSON: " + what);
  }
  if (!root.is_object()) return Status::InvalidArgument(config_path + ": expected a JSON object at the top level");
  const ConfigReader r(root, config_path);

  std::string arch, model_type, license, name_or_path;
  RETURN_IF_ERROR(ResolveArchitecture(r, &arch));
  Mapped m;
  RETURN_IF_ERROR(MapArchitecture(r, arch, &m));
  RETURN_IF_ERROR(r.StringOr("model_type", "", &model_type));
  RETURN_IF_ERROR(r.StringOr("license", "", &license));
  RETURN_IF_ERROR(r.StringOr("_name_or_path", "", &name_or_path));

  std::string fallback = LastComponent(name_or_path);
  if (fallback.empty()) fallback = dir_name;
  std::string name, slug;
  RETURN_IF_ERROR(NameAndSlug(options, fallback, &name, &slug));
  std::string size_name = spec::SlugFromName(dir_name);
  if (size_name.empty()) size_name = "imported";

  const std::string text = SpecText(name, slug, license, arch, model_type, config_path, size_name, weights_dir, m);
  const std::string check =
      SpecText(name, slug, license, arch, model_type, config_path, size_name, check_weights_dir, m);
  const std::string note = weights_dir.empty()
                               ? config_path +
                                     ": its directory holds no model.safetensors (or "
                                     "model.safetensors.index.json): the spec names no weights, so build "
                                     "measures random weights"
                               : "";
  return FinishImport(text, check, config_path + ": ", slug, size_name, arch, m.family, !weights_dir.empty(), note,
                      out);
}

}  // namespace

std::string YamlScalar(const std::string& s) { return Quote(s); }

Status ImportHfConfigText(const std::string& json_text, const std::string& config_path, const std::string& dir_name,
                          const std::string& weights_dir, ImportResult* out, const ImportOptions& options) {
  return ImportConfigText(json_text, config_path, dir_name, weights_dir, weights_dir, out, options);
}

Status ImportTorchvisionResNet(const std::string& dir, const std::string& display_dir, ImportResult* out,
                               const ImportOptions& options) {
  const std::string shown_dir = display_dir.empty() ? dir : display_dir;
  engine::SafetensorsCheckpoint ckpt;
  RETURN_IF_ERROR(engine::SafetensorsCheckpoint::Open(dir, &ckpt));
  auto shape = [&](const std::string& name) -> std::vector<int64_t> {
    const engine::TensorView* v = ckpt.Find(name);
    return v == nullptr ? std::vector<int64_t>{} : v->shape;
  };
  const std::string where = shown_dir + ": ";
  const std::vector<int64_t> stem = shape("conv1.weight"), fc = shape("fc.weight");
  if (stem.size() != 4 || stem[2] != 7 || stem[3] != 7 || shape("layer1.0.conv1.weight").empty())
    return Status::InvalidArgument(where +
                                   "no config.json, and the checkpoint is not a torchvision ResNet "
                                   "(conv1.weight (W, C, 7, 7) and layer1.0.conv1.weight)");
  if (fc.size() != 2)
    return Status::InvalidArgument(where +
                                   "torchvision ResNet without fc.weight (classes, features): only "
                                   "classification checkpoints are imported");
  const bool bottleneck = !shape("layer1.0.conv3.weight").empty();
  std::vector<std::string> stages;
  for (int s = 1; !shape("layer" + std::to_string(s) + ".0.conv1.weight").empty(); ++s) {
    int64_t blocks = 0;
    while (!shape("layer" + std::to_string(s) + "." + std::to_string(blocks) + ".conv1.weight").empty()) ++blocks;
    stages.push_back(std::to_string(blocks));
  }
  std::string stage_list = "[";
  for (size_t k = 0; k < stages.size(); ++k) stage_list += (k ? ", " : "") + stages[k];
  stage_list += "]";

  // ResNeXt / Wide ResNet: a bottleneck's conv2 is (inner, inner / groups, 3, 3) with
  // inner = int(planes * width_per_group / 64) * groups and planes = stem width * 2^s.
  int64_t groups = 1, width_per_group = 64;
  if (bottleneck) {
    const int64_t planes0 = stem[0];
    const std::vector<int64_t> conv2 = shape("layer1.0.conv2.weight");
    if (conv2.size() != 4 || conv2[1] <= 0 || conv2[0] % conv2[1] != 0)
      return Status::InvalidArgument(where + "layer1.0.conv2.weight " + engine::ShapeString(conv2) +
                                     " is not a torchvision bottleneck's (inner, inner / groups, 3, 3)");
    groups = conv2[0] / conv2[1];
    const int64_t per_group = conv2[1];                          // int(planes0 * width_per_group / 64)
    width_per_group = (per_group * 64 + planes0 - 1) / planes0;  // the smallest that gives per_group
    for (size_t s = 0; s < stages.size(); ++s) {
      const std::string name = "layer" + std::to_string(s + 1) + ".0.conv2.weight";
      const std::vector<int64_t> got = shape(name);
      const int64_t planes = planes0 << s, inner = planes * width_per_group / 64 * groups;
      if (got != std::vector<int64_t>{inner, inner / groups, 3, 3})
        return Status::InvalidArgument(where + name + " " + engine::ShapeString(got) +
                                       " does not follow torchvision's bottleneck widths: " + "with groups " +
                                       std::to_string(groups) + " and width_per_group " +
                                       std::to_string(width_per_group) + " (from layer1.0.conv2.weight) it would be " +
                                       engine::ShapeString({inner, inner / groups, 3, 3}));
    }
  }

  Mapped m;
  m.family = engine::Family::kResNet;
  // torchvision's ImageNet size: a ResNet pools globally, so its weights fix no input size.
  m.shared = {
      {"image_size", "224"}, {"channels", Int(stem[1])}, {"base_width", Int(stem[0])}, {"num_classes", Int(fc[0])}};
  m.size = {{"block", bottleneck ? "bottleneck" : "basic"}, {"stages", stage_list}};
  if (groups != 1 || width_per_group != 64) {
    m.size.push_back({"groups", Int(groups)});
    m.size.push_back({"width_per_group", Int(width_per_group)});
  }
  m.notes = {
      "image_size 224 is torchvision's ImageNet input: the checkpoint does not fix it (global average "
      "pooling); set yours."};
  const std::string dir_name = DirName(dir);
  std::string name, slug;
  RETURN_IF_ERROR(NameAndSlug(options, dir_name, &name, &slug));
  std::string size_name = spec::SlugFromName(dir_name);
  if (size_name.empty()) size_name = slug;
  const std::string arch = "torchvision.models.ResNet";
  const std::string source = "the tensor shapes of a torchvision ResNet checkpoint";
  const std::string text = SpecText(name, slug, "", arch, "", shown_dir, size_name, shown_dir, m, source);
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string here = fs::absolute(fs::path(dir), ec).lexically_normal().string();
  const std::string check = SpecText(name, slug, "", arch, "", shown_dir, size_name, here, m, source);
  return FinishImport(text, check, where, slug, size_name, arch, m.family, true, "", out);
}

Status ImportHfConfig(const std::string& dir, const std::string& display_dir, ImportResult* out,
                      const ImportOptions& options) {
  namespace fs = std::filesystem;
  const std::string shown_dir = display_dir.empty() ? dir : display_dir;
  const std::string config_path =
      shown_dir.empty() ? "config.json" : shown_dir + (shown_dir.back() == '/' ? "" : "/") + "config.json";
  // torchvision checkpoints have no config.json: their shapes say what they are.
  if (!fs::exists(fs::path(dir) / "config.json") && fs::exists(fs::path(dir) / "model.safetensors"))
    return ImportTorchvisionResNet(dir, display_dir, out, options);
  std::string text;
  if (const Status read = spec::ReadWholeFile((fs::path(dir) / "config.json").string(), &text); !read.ok())
    return Status::NotFound(config_path + ": cannot read file: " + read.message());

  // No safetensors (e.g. only pytorch_model.bin): a spec without `weights:`, and a note saying so.
  const bool weights = HasSafetensors(dir);
  std::error_code ec;
  const std::string here = fs::absolute(fs::path(dir), ec).lexically_normal().string();
  return ImportConfigText(text, config_path, DirName(dir), weights ? shown_dir : "", weights ? here : "", out, options);
}

}  // namespace importer
