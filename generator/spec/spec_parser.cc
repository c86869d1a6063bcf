// Spec parser: YAML text (yaml-cpp) -> spec::Spec, with validation, defaults and diagnostics.
// Every check reports and carries on, so one run lists every problem in the file. Nothing
// here throws: yaml-cpp's exceptions become diagnostics at the edge (ParseSpecText).
#include "generator/spec/spec_parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <filesystem>
#include <functional>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/config.h"
#include "engine/count.h"
#include "engine/weights/hf_names.h"
#include "generator/spec/sha256.h"
#include "generator/spec/suggest.h"
#include "generator/spec/yaml_document.h"

namespace spec {
namespace {

using Keys = std::vector<std::string>;

// ---- The format's vocabulary (DESIGN.md "Spec format", v1) -------------------

const Keys kTopKeys = {"schema",     "name",        "slug",    "tagline",      "summary",  "license",
                       "tags",       "inputs",      "outputs", "architecture", "training", "evaluation",
                       "deployment", "maintenance", "profile", "experiments",  "blog"};
const Keys kInputKeys = {"modality", "format", "preprocessing", "dimensions"};
const Keys kOutputKeys = {"modality", "format", "postprocessing", "dimensions"};
const Keys kArchitectureKeys = {"family",     "base",      "key_components", "references", "variants",
                                "advantages", "use_cases", "config",         "sizes"};
const Keys kReferenceKeys = {"title", "authors", "year", "url"};
const Keys kVariantKeys = {"name", "modifications", "use_cases"};
const Keys kAdvantageKeys = {"title", "description"};
const Keys kTrainingKeys = {"datasets", "preprocessing", "hyperparameters", "tokens", "environment"};
const Keys kEnvironmentKeys = {"hardware", "framework", "distributed"};
const Keys kEvaluationKeys = {"primary", "secondary", "measure"};
const Keys kMeasureKeys = {"data", "name", "size", "dtype", "window"};
const Keys kMetricKeys = {"metric", "dataset", "value", "size", "source"};
const Keys kDeploymentKeys = {"techniques", "platforms", "horizontal_scaling", "vertical_scaling"};
const Keys kMaintenanceKeys = {"repository",        "version",   "version_tagging",
                               "scheduled_updates", "bug_fixes", "documentation"};
const Keys kProfileKeys = {"sizes",   "dtypes", "batch_sizes",    "sequence_lengths", "devices",    "generation",
                           "threads", "warmup", "min_iterations", "min_seconds",      "preprocess", "train"};
const Keys kGenerationKeys = {"prompt_tokens", "new_tokens"};
const Keys kTrainKeys = {"batch_sizes"};
const Keys kExperimentsKeys = {"enabled", "batch", "sequence_length", "batch_sizes", "latency_budget_ms", "new_tokens"};
const Keys kBlogKeys = {"date",         "draft",      "author",          "description", "categories",   "cover",
                        "introduction", "background", "prior_work",      "innovations", "applications", "limitations",
                        "future_work",  "conclusion", "further_reading", "size"};
const Keys kCoverKeys = {"image", "alt", "caption", "relative", "hidden"};

// The family names, from the engine's traits table.
const Keys kFamilies = [] {
  Keys names;
  for (const engine::FamilyTraits& t : engine::kFamilyTraits) names.push_back(t.name);
  return names;
}();
// Spellings accepted by engine::NormFromName / ActivationFromName / PositionFromName.
const Keys kNorms = {"layernorm", "rmsnorm"};
const Keys kActivations = {"gelu", "gelu_tanh", "relu", "silu", "swiglu", "geglu", "geglu_tanh"};
const Keys kPositions = {"learned", "sinusoidal", "rope", "alibi", "none"};
const Keys kDtypes = {"float32", "bfloat16", "float16"};
const Keys kDevices = {"cpu", "cuda"};

// Model config keys (architecture.config and every size) and how each value is read.
enum class ConfigKind {
  kCount,
  kCountOrZero,
  kPositiveNumber,
  kNumberOrZero,
  kBool,
  kNorm,
  kActivation,
  kPosition,
  kChoice,
  kCountList
};
const std::vector<std::pair<std::string, ConfigKind>> kConfigKeys = {
    {"vocab_size", ConfigKind::kCount},
    {"context_length", ConfigKind::kCount},
    {"num_layers", ConfigKind::kCount},
    {"embedding_dim", ConfigKind::kCount},
    {"num_heads", ConfigKind::kCount},
    {"num_kv_heads", ConfigKind::kCount},
    {"head_dim", ConfigKind::kCount},
    {"hidden_dim", ConfigKind::kCount},
    {"norm", ConfigKind::kNorm},
    {"norm_eps", ConfigKind::kPositiveNumber},
    {"activation", ConfigKind::kActivation},
    {"position", ConfigKind::kPosition},
    {"rope_theta", ConfigKind::kPositiveNumber},
    {"bias", ConfigKind::kBool},
    {"qkv_bias", ConfigKind::kBool},
    {"tie_embeddings", ConfigKind::kBool},
    // encoder
    {"type_vocab_size", ConfigKind::kCountOrZero},
    {"pooler", ConfigKind::kBool},
    {"norm_position", ConfigKind::kChoice},
    {"head", ConfigKind::kChoice},
    {"num_classes", ConfigKind::kCountOrZero},
    // vit (image_size, channels and num_classes also resnet)
    {"image_size", ConfigKind::kCount},
    {"patch_size", ConfigKind::kCount},
    {"channels", ConfigKind::kCount},
    {"pool", ConfigKind::kChoice},
    // resnet
    {"block", ConfigKind::kChoice},
    {"stages", ConfigKind::kCountList},
    {"base_width", ConfigKind::kCount},
    {"groups", ConfigKind::kCount},
    {"width_per_group", ConfigKind::kCount},
    // audio
    {"sample_rate", ConfigKind::kCount},
    {"n_mels", ConfigKind::kCount},
    {"n_fft", ConfigKind::kCount},
    {"hop_length", ConfigKind::kCount},
    {"chunk_seconds", ConfigKind::kPositiveNumber},
    {"decoder_layers", ConfigKind::kCountOrZero},
    // decoder features (decoder and moe; engine/config.h)
    {"rope_scaling", ConfigKind::kChoice},
    {"rope_scaling_factor", ConfigKind::kPositiveNumber},
    {"rope_original_context", ConfigKind::kCountOrZero},
    {"rope_low_freq_factor", ConfigKind::kPositiveNumber},
    {"rope_high_freq_factor", ConfigKind::kPositiveNumber},
    {"rope_beta_fast", ConfigKind::kPositiveNumber},
    {"rope_beta_slow", ConfigKind::kNumberOrZero},
    {"rope_attention_factor", ConfigKind::kNumberOrZero},
    {"rope_mscale_all_dim", ConfigKind::kNumberOrZero},
    {"rotary_dim", ConfigKind::kCountOrZero},
    {"sliding_window", ConfigKind::kCountOrZero},
    {"sliding_window_pattern", ConfigKind::kCount},
    {"parallel_residual", ConfigKind::kBool},
    {"qk_norm", ConfigKind::kBool},
    {"sandwich_norm", ConfigKind::kBool},
    {"embedding_scale", ConfigKind::kBool},
    {"attn_logit_softcap", ConfigKind::kNumberOrZero},
    {"final_logit_softcap", ConfigKind::kNumberOrZero},
    {"query_pre_attn_scalar", ConfigKind::kNumberOrZero},
    {"q_lora_rank", ConfigKind::kCountOrZero},
    {"kv_lora_rank", ConfigKind::kCountOrZero},
    {"qk_nope_head_dim", ConfigKind::kCountOrZero},
    {"qk_rope_head_dim", ConfigKind::kCountOrZero},
    {"v_head_dim", ConfigKind::kCountOrZero},
    {"checkpoint_layout", ConfigKind::kChoice},
    // moe
    {"num_experts", ConfigKind::kCount},
    {"experts_per_token", ConfigKind::kCount},
    {"moe_hidden_dim", ConfigKind::kCountOrZero},
    {"num_shared_experts", ConfigKind::kCountOrZero},
    {"first_dense_layers", ConfigKind::kCountOrZero},
    {"router_renormalize", ConfigKind::kBool},
    {"router_scoring", ConfigKind::kChoice},
    {"router_bias", ConfigKind::kBool},
    {"router_groups", ConfigKind::kCountOrZero},
    {"router_topk_groups", ConfigKind::kCountOrZero},
    {"routed_scaling_factor", ConfigKind::kPositiveNumber},
    // recurrent
    {"cell", ConfigKind::kChoice}};

// The spellings of an engine enum, from its name function (engine/config.h).
template <typename Enum, typename NameFn>
Keys EnumNames(std::initializer_list<Enum> values, NameFn name) {
  Keys out;
  for (Enum v : values) out.push_back(name(v));
  return out;
}
// The checkpoint layouts a spec may name (engine/weights/hf_names.h HfLayoutFor); omitted: the
// layout the family and features imply.
const Keys kCheckpointLayouts = {"gpt2",
                                 "llama",
                                 "gemma",
                                 "gemma2",
                                 "phi3",
                                 "qwen3",
                                 "mixtral",
                                 "qwen3_moe",
                                 "deepseek_v3",
                                 "gpt_neox",
                                 "bert",
                                 "vit",
                                 "torchvision-resnet"};
// The spellings of each kChoice key.
const std::map<std::string, Keys> kChoices = {
    {"rope_scaling", EnumNames({engine::RopeScaling::kNone, engine::RopeScaling::kLinear, engine::RopeScaling::kDynamic,
                                engine::RopeScaling::kYarn, engine::RopeScaling::kLlama3},
                               engine::RopeScalingName)},
    {"router_scoring",
     EnumNames({engine::RouterScoring::kSoftmax, engine::RouterScoring::kSigmoid}, engine::RouterScoringName)},
    {"checkpoint_layout", kCheckpointLayouts},
    {"norm_position", {"pre", "post"}},
    {"head", {"none", "mlm", "classifier"}},
    {"pool", {"cls", "mean"}},
    {"block", {"basic", "bottleneck"}},
    {"cell", {"lstm", "gru"}}};

// The config keys each family reads (any other key is an error in its spec) and the ones
// every size must have after merging architecture.config.
const Keys kTransformerKeys = {"num_layers", "embedding_dim", "num_heads", "head_dim", "hidden_dim",
                               "norm_eps",   "activation",    "bias",      "qkv_bias"};
Keys Plus(Keys a, const Keys& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
// The decoder features of issue 16 (decoder and moe) and the MoE-only options.
const Keys kDecoderFeatureKeys = {"rope_scaling",          "rope_scaling_factor",
                                  "rope_original_context", "rope_low_freq_factor",
                                  "rope_high_freq_factor", "rope_beta_fast",
                                  "rope_beta_slow",        "rope_attention_factor",
                                  "rope_mscale_all_dim",   "rotary_dim",
                                  "sliding_window",        "sliding_window_pattern",
                                  "parallel_residual",     "qk_norm",
                                  "sandwich_norm",         "embedding_scale",
                                  "attn_logit_softcap",    "final_logit_softcap",
                                  "query_pre_attn_scalar", "q_lora_rank",
                                  "kv_lora_rank",          "qk_nope_head_dim",
                                  "qk_rope_head_dim",      "v_head_dim",
                                  "checkpoint_layout"};
const Keys kMoeOptionKeys = {"moe_hidden_dim",     "num_shared_experts", "first_dense_layers",
                             "router_renormalize", "router_scoring",     "router_bias",
                             "router_groups",      "router_topk_groups", "routed_scaling_factor"};
const std::map<std::string, Keys> kFamilyKeys = {
    {"decoder", Plus(Plus(kTransformerKeys, {"vocab_size", "context_length", "num_kv_heads", "norm", "position",
                                             "rope_theta", "tie_embeddings"}),
                     kDecoderFeatureKeys)},
    {"moe", Plus(Plus(Plus(kTransformerKeys, {"vocab_size", "context_length", "num_kv_heads", "norm", "position",
                                              "rope_theta", "tie_embeddings", "num_experts", "experts_per_token"}),
                      kDecoderFeatureKeys),
                 kMoeOptionKeys)},
    {"encoder", Plus(kTransformerKeys, {"vocab_size", "context_length", "type_vocab_size", "pooler", "norm_position",
                                        "head", "num_classes"})},
    {"vit", Plus(kTransformerKeys, {"image_size", "patch_size", "channels", "pool", "num_classes"})},
    {"resnet", {"block", "stages", "base_width", "groups", "width_per_group", "num_classes", "image_size", "channels"}},
    {"audio", Plus(kTransformerKeys, {"sample_rate", "n_mels", "n_fft", "hop_length", "chunk_seconds", "decoder_layers",
                                      "vocab_size", "context_length"})},
    {"recurrent",
     {"cell", "vocab_size", "num_layers", "embedding_dim", "hidden_dim", "tie_embeddings", "context_length"}}};
// Config keys a family does not read because its engine model fixes them (engine/models/*):
// encoder, vit and audio blocks always use LayerNorm (TransformerBlock, the final and embedding
// norms); encoder and vit add a learned position table; the encoder's masked-LM head and the
// audio text decoder's head always share the token embedding; resnet's nonlinearity is ReLU; an
// LSTM/GRU has no position encoding and always has biases. Writing the fixed value is accepted;
// any other value is an error naming the fixed one.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>> kFamilyFixed = {
    {"encoder", {{"norm", "layernorm"}, {"position", "learned"}, {"tie_embeddings", "true"}}},
    {"vit", {{"norm", "layernorm"}, {"position", "learned"}}},
    {"audio", {{"norm", "layernorm"}, {"tie_embeddings", "true"}}},
    {"resnet", {{"activation", "relu"}}},
    {"recurrent", {{"position", "none"}, {"bias", "true"}}}};
const std::string* FixedValue(const std::string& family, const std::string& key) {
  const auto it = kFamilyFixed.find(family);
  if (it == kFamilyFixed.end()) return nullptr;
  for (const auto& [name, value] : it->second)
    if (name == key) return &value;
  return nullptr;
}
const std::map<std::string, Keys> kFamilyRequired = {
    {"decoder", {"vocab_size", "context_length", "num_layers", "embedding_dim", "num_heads"}},
    {"moe",
     {"vocab_size", "context_length", "num_layers", "embedding_dim", "num_heads", "num_experts", "experts_per_token"}},
    {"encoder", {"vocab_size", "context_length", "num_layers", "embedding_dim", "num_heads"}},
    {"vit", {"num_layers", "embedding_dim", "num_heads"}},
    {"resnet", {"stages"}},
    {"audio", {"num_layers", "embedding_dim", "num_heads"}},
    {"recurrent", {"vocab_size", "num_layers", "embedding_dim", "hidden_dim"}}};

ConfigKind KindOf(const std::string& key) {
  for (const auto& [name, kind] : kConfigKeys)
    if (name == key) return kind;
  return ConfigKind::kCount;
}

// Training hyperparameters and the type of value each takes.
enum class ValueKind { kNumber, kInteger, kString, kNumberOrString };
const std::vector<std::pair<std::string, ValueKind>> kHyperparameterKeys = {
    // A string is allowed where the value differs by size ("3.0e-4 (7B); 1.5e-4 (70B)").
    {"learning_rate", ValueKind::kNumberOrString},
    {"batch_size", ValueKind::kNumberOrString},  // "512" or "4M tokens"
    {"optimizer", ValueKind::kString},
    {"loss", ValueKind::kString},
    {"epochs", ValueKind::kNumber},
    {"weight_decay", ValueKind::kNumber},
    {"lr_schedule", ValueKind::kString},
    {"warmup_steps", ValueKind::kInteger},
    {"dropout", ValueKind::kNumber},
    {"gradient_clipping", ValueKind::kNumber},
    {"sequence_length", ValueKind::kInteger}};

// Upper bound for every count (dimensions, lengths, iterations), so arithmetic on them
// (4 * embedding_dim, prompt + new tokens) cannot overflow.
constexpr int64_t kMaxCount = std::numeric_limits<int32_t>::max();

template <typename Kind>
Keys Names(const std::vector<std::pair<std::string, Kind>>& table) {
  Keys out;
  for (const auto& [name, kind] : table) out.push_back(name);
  return out;
}
bool Contains(const Keys& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// ---- Scalars ------------------------------------------------------------------

bool ParseInteger(std::string text, int64_t* out) {
  if (!text.empty() && text[0] == '+') text.erase(0, 1);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

bool ParseNumber(std::string text, double* out) {
  if (!text.empty() && text[0] == '+') text.erase(0, 1);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

// YAML 1.2 core schema booleans.
bool ParseBool(const std::string& text, bool* out) {
  if (text == "true" || text == "True" || text == "TRUE") {
    *out = true;
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    *out = false;
    return true;
  }
  return false;
}

// Whether a config value written as `text` is the family's fixed `value` of `key` (booleans in
// any YAML spelling).
bool SameFixedValue(const std::string& key, const std::string& text, const std::string& value) {
  bool given = false;
  if (KindOf(key) == ConfigKind::kBool) return ParseBool(text, &given) && given == (value == "true");
  return text == value;
}

bool IsDigits(const std::string& s, size_t from, size_t count) {
  for (size_t i = from; i < from + count; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// YYYY-MM-DD naming a real calendar day.
bool IsIsoDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!IsDigits(s, 0, 4) || !IsDigits(s, 5, 2) || !IsDigits(s, 8, 2)) return false;
  int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

bool IsSizeName(const std::string& s) {
  if (s.empty()) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s[0])) return false;
  for (char c : s)
    if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

// How a value that has the wrong type is shown in a message (long text cut at 40 bytes).
std::string Got(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  if (!node.IsScalar()) return "nothing";
  const std::string& text = node.Scalar();
  return "'" + (text.size() <= 40 ? text : text.substr(0, 37) + "...") + "'";
}

// ---- Mappings -----------------------------------------------------------------

// One `key: value` pair of a mapping.
struct Entry {
  std::string key;
  YAML::Mark key_mark;
  YAML::Node value;
  // yaml-cpp's Node::operator= does not rebind a handle: it re-points the document node the
  // handle refers to, so assigning one Entry over another (vector copy-assignment, erase,
  // remove_if, sort) would rewrite the spec being read. Entries are constructed, copied into
  // new slots and moved as whole vectors, never assigned.
  Entry& operator=(const Entry&) = delete;
};

// The known keys given in one mapping, first occurrences, in file order.
struct Fields {
  std::vector<Entry> entries;
  const Entry* Find(const std::string& key) const {
    for (const auto& e : entries)
      if (e.key == key) return &e;
    return nullptr;
  }
};

YAML::Mark MarkOr(const YAML::Node& node, const YAML::Mark& fallback) {
  YAML::Mark m = node.Mark();
  return m.is_null() ? fallback : m;
}

// Where a value is: an empty value (`key:`) has no position of its own, so use the key's.
YAML::Mark ValueMark(const Entry& e) { return e.value.IsNull() ? e.key_mark : MarkOr(e.value, e.key_mark); }

// One model-config value as read from architecture.config or a size.
struct ConfigValue {
  YAML::Mark mark;
  bool valid = false;  // false: given but wrong (already reported)
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  std::string name;  // enum spelling
  std::vector<int64_t> list;
};
using ConfigLayer = std::map<std::string, ConfigValue>;

// The issue-16 decoder features and MoE options (kDecoderFeatureKeys, kMoeOptionKeys).
void ApplyDecoderFeature(const std::string& key, const ConfigValue& v, engine::ModelConfig* c) {
  const std::map<std::string, int64_t engine::ModelConfig::*> counts = {
      {"rope_original_context", &engine::ModelConfig::rope_original_context},
      {"rotary_dim", &engine::ModelConfig::rotary_dim},
      {"sliding_window", &engine::ModelConfig::sliding_window},
      {"sliding_window_pattern", &engine::ModelConfig::sliding_window_pattern},
      {"q_lora_rank", &engine::ModelConfig::q_lora_rank},
      {"kv_lora_rank", &engine::ModelConfig::kv_lora_rank},
      {"qk_nope_head_dim", &engine::ModelConfig::qk_nope_head_dim},
      {"qk_rope_head_dim", &engine::ModelConfig::qk_rope_head_dim},
      {"v_head_dim", &engine::ModelConfig::v_head_dim},
      {"moe_hidden_dim", &engine::ModelConfig::moe_hidden_dim},
      {"num_shared_experts", &engine::ModelConfig::num_shared_experts},
      {"first_dense_layers", &engine::ModelConfig::first_dense_layers},
      {"router_groups", &engine::ModelConfig::router_groups},
      {"router_topk_groups", &engine::ModelConfig::router_topk_groups}};
  const std::map<std::string, double engine::ModelConfig::*> numbers = {
      {"rope_scaling_factor", &engine::ModelConfig::rope_scaling_factor},
      {"rope_low_freq_factor", &engine::ModelConfig::rope_low_freq_factor},
      {"rope_high_freq_factor", &engine::ModelConfig::rope_high_freq_factor},
      {"rope_beta_fast", &engine::ModelConfig::rope_beta_fast},
      {"rope_beta_slow", &engine::ModelConfig::rope_beta_slow},
      {"rope_attention_factor", &engine::ModelConfig::rope_attention_factor},
      {"rope_mscale_all_dim", &engine::ModelConfig::rope_mscale_all_dim},
      {"attn_logit_softcap", &engine::ModelConfig::attn_logit_softcap},
      {"final_logit_softcap", &engine::ModelConfig::final_logit_softcap},
      {"query_pre_attn_scalar", &engine::ModelConfig::query_pre_attn_scalar},
      {"routed_scaling_factor", &engine::ModelConfig::routed_scaling_factor}};
  const std::map<std::string, bool engine::ModelConfig::*> bools = {
      {"parallel_residual", &engine::ModelConfig::parallel_residual},
      {"qk_norm", &engine::ModelConfig::qk_norm},
      {"sandwich_norm", &engine::ModelConfig::sandwich_norm},
      {"embedding_scale", &engine::ModelConfig::embedding_scale},
      {"router_renormalize", &engine::ModelConfig::router_renormalize},
      {"router_bias", &engine::ModelConfig::router_bias}};
  if (auto it = counts.find(key); it != counts.end())
    c->*(it->second) = v.integer;
  else if (auto n = numbers.find(key); n != numbers.end())
    c->*(n->second) = v.number;
  else if (auto b = bools.find(key); b != bools.end())
    c->*(b->second) = v.boolean;
  else if (key == "rope_scaling")
    engine::RopeScalingFromName(v.name, &c->rope_scaling);
  else if (key == "router_scoring")
    engine::RouterScoringFromName(v.name, &c->router_scoring);
  else if (key == "checkpoint_layout")
    c->checkpoint_layout = v.name;
}

void ApplyConfigValue(const std::string& key, const ConfigValue& v, engine::ModelConfig* c) {
  if (key == "vocab_size")
    c->vocab_size = v.integer;
  else if (key == "context_length")
    c->context_length = v.integer;
  else if (key == "num_layers")
    c->num_layers = v.integer;
  else if (key == "embedding_dim")
    c->embedding_dim = v.integer;
  else if (key == "num_heads")
    c->num_heads = v.integer;
  else if (key == "num_kv_heads")
    c->num_kv_heads = v.integer;
  else if (key == "head_dim")
    c->head_dim = v.integer;
  else if (key == "hidden_dim")
    c->hidden_dim = v.integer;
  else if (key == "norm")
    engine::NormFromName(v.name, &c->norm);
  else if (key == "norm_eps")
    c->norm_eps = v.number;
  else if (key == "activation")
    engine::ActivationFromName(v.name, &c->activation);
  else if (key == "position")
    engine::PositionFromName(v.name, &c->position);
  else if (key == "rope_theta")
    c->rope_theta = v.number;
  else if (key == "bias")
    c->bias = v.boolean;
  else if (key == "qkv_bias")
    c->qkv_bias = v.boolean;
  else if (key == "tie_embeddings")
    c->tie_embeddings = v.boolean;
  else if (key == "type_vocab_size")
    c->type_vocab_size = v.integer;
  else if (key == "pooler")
    c->pooler = v.boolean;
  else if (key == "norm_position")
    c->norm_position = v.name;
  else if (key == "head")
    c->head = v.name;
  else if (key == "num_classes")
    c->num_classes = v.integer;
  else if (key == "image_size")
    c->image_size = v.integer;
  else if (key == "patch_size")
    c->patch_size = v.integer;
  else if (key == "channels")
    c->channels = v.integer;
  else if (key == "pool")
    c->pool = v.name;
  else if (key == "block")
    c->block = v.name;
  else if (key == "stages")
    c->stages = v.list;
  else if (key == "base_width")
    c->base_width = v.integer;
  else if (key == "groups")
    c->groups = v.integer;
  else if (key == "width_per_group")
    c->width_per_group = v.integer;
  else if (key == "sample_rate")
    c->sample_rate = v.integer;
  else if (key == "n_mels")
    c->n_mels = v.integer;
  else if (key == "n_fft")
    c->n_fft = v.integer;
  else if (key == "hop_length")
    c->hop_length = v.integer;
  else if (key == "chunk_seconds")
    c->chunk_seconds = v.number;
  else if (key == "decoder_layers")
    c->decoder_layers = v.integer;
  else if (key == "num_experts")
    c->num_experts = v.integer;
  else if (key == "experts_per_token")
    c->experts_per_token = v.integer;
  else if (key == "cell")
    c->cell = v.name;
  else
    ApplyDecoderFeature(key, v, c);
}

// The key to point at when `check` (a count of `c`) does not fit int64: of the integer keys the
// size was given (its own or architecture.config's), the largest whose value alone, brought down
// to 1, makes the count fit; failing one, the largest. *found false when the size was given no
// integer key (the caller points at the size).
struct OffendingKey {
  bool found = false;
  std::string key;
  ConfigValue value;
};
OffendingKey FindOffendingCountKey(const ConfigLayer& merged, const engine::ModelConfig& c,
                                   const std::function<bool(const engine::ModelConfig&)>& fits) {
  std::vector<std::pair<int64_t, std::string>> candidates;  // (value, key), largest first
  for (const auto& [key, v] : merged) {
    const ConfigKind kind = KindOf(key);
    if (!v.valid) continue;
    if (kind == ConfigKind::kCount || kind == ConfigKind::kCountOrZero)
      candidates.push_back({v.integer, key});
    else if (kind == ConfigKind::kCountList && !v.list.empty())
      candidates.push_back({*std::max_element(v.list.begin(), v.list.end()), key});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  OffendingKey out;
  if (candidates.empty()) return out;
  out.found = true;
  out.key = candidates.front().second;
  for (const auto& [value, key] : candidates) {
    if (value <= 1) break;
    ConfigValue one = merged.at(key);
    one.integer = 1;
    for (int64_t& x : one.list) x = 1;
    engine::ModelConfig reduced = c;
    ApplyConfigValue(key, one, &reduced);
    if (fits(reduced)) {
      out.key = key;
      break;
    }
  }
  out.value = merged.at(out.key);
  return out;
}

// "context_length 2147483647", "stages [3, 4, 6, 3]": a key and its value, for messages.
std::string KeyAndValue(const std::string& key, const ConfigValue& v) {
  if (KindOf(key) != ConfigKind::kCountList) return key + " " + std::to_string(v.integer);
  std::string list;
  for (int64_t x : v.list) list += (list.empty() ? "" : ", ") + std::to_string(x);
  return key + " [" + list + "]";
}

// ---- The reader -----------------------------------------------------------------

class SpecReader {
 public:
  SpecReader(std::string path, std::vector<Diagnostic>* errors) : path_(std::move(path)), errors_(errors) {}

  void ReadSpec(const YAML::Node& root, Spec* spec);

 private:
  void Error(const YAML::Mark& mark, std::string message, std::string hint = "");

  // Pairs of a mapping in file order. Reports non-string and repeated keys (keeping the first).
  std::vector<Entry> MappingEntries(const YAML::Node& map);
  // The pairs whose key is in `allowed`; reports the others with a suggestion.
  Fields ReadFields(const YAML::Node& map, const Keys& allowed);
  // Reports each of `required` missing from `fields`, at `where`.
  void RequireKeys(const Fields& fields, const Keys& required, const YAML::Mark& where, const std::string& section);

  // Typed reads. Each reports what is wrong and returns false, leaving *out untouched.
  bool HasValue(const Entry& e);
  bool IsMapping(const Entry& e);
  bool IsList(const Entry& e);
  bool ReadString(const Entry& e, std::string* out);
  bool ReadInteger(const Entry& e, int64_t* out);
  bool ReadNumber(const Entry& e, double* out);
  bool ReadBool(const Entry& e, bool* out);
  bool ReadNonEmptyString(const Entry& e, std::string* out);
  bool ReadStringList(const Entry& e, std::vector<std::string>* out, std::vector<YAML::Mark>* marks = nullptr);
  // unique: a value may appear once (profile lists); stages may repeat.
  bool ReadCountList(const Entry& e, std::vector<int64_t>* out, std::vector<YAML::Mark>* marks, bool unique = true);
  // An integer in [min, kMaxCount] ("num_layers must be a positive integer, got 0").
  bool ReadCount(const Entry& e, int64_t min, int64_t* out);
  // A number > 0 (or >= 0 when allow_zero).
  bool ReadPositiveNumber(const Entry& e, bool allow_zero, double* out);
  // One of `choices` ("unknown norm 'batchnorm' (expected one of: layernorm, rmsnorm)").
  // `suggest`: false where a near miss is a different thing, not a typo (family "encoder").
  bool ReadChoice(const Entry& e, const std::string& what, const Keys& choices, std::string* out, bool suggest = true);

  // Optional fields: read when present.
  void Optional(const Fields& f, const char* key, std::string* out);
  void Optional(const Fields& f, const char* key, std::vector<std::string>* out);
  void Optional(const Fields& f, const char* key, bool* out);

  // Calls read_item(fields) for each mapping of the list `e` (its keys checked against
  // `keys`, `required` enforced).
  template <typename ReadItem>
  void ForEachMapping(const Entry& e, const Keys& keys, const Keys& required, ReadItem read_item);

  void ReadModalities(const Entry& e, bool inputs, std::vector<Modality>* out);
  void ReadReferences(const Entry& e, std::vector<Reference>* out);
  void ReadArchitecture(const Entry& e, Architecture* out);
  ConfigLayer ReadConfigLayer(const Fields& fields);
  // Reports and drops the config keys that belong to another family (e.g. patch_size in a
  // decoder); keeps everything when the family is unknown (already reported).
  void KeepFamilyKeys(Fields* fields, const std::string& family);
  bool ResolveSize(const std::string& name, const YAML::Mark& name_mark, const std::string& family,
                   const ConfigLayer& shared, const ConfigLayer& own, engine::ModelConfig* out);
  void ReadTraining(const Entry& e, Training* out);
  void ReadMetrics(const Entry& e, std::vector<Metric>* out);
  void ReadMeasure(const Entry& e, const Architecture& arch, std::vector<MeasuredDataset>* out);
  void ReadProfile(const Entry* e, const YAML::Mark& where, const Architecture& arch, Profile* out);
  void ReadBlog(const Entry& e, Blog* out);
  void ReadExperiments(const Entry& e, const Architecture& arch, const Profile& profile, Experiments* out);

  std::string path_;
  std::vector<Diagnostic>* errors_;
  Keys size_names_;     // every size defined with a valid name, in file order
  std::string family_;  // architecture.family as written when it names a family, else ""
};

void SpecReader::Error(const YAML::Mark& mark, std::string message, std::string hint) {
  errors_->push_back(At(path_, mark, std::move(message), std::move(hint)));
}

std::vector<Entry> SpecReader::MappingEntries(const YAML::Node& map) {
  std::vector<Entry> out;
  std::map<std::string, int> first_line;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Mark key_mark = MarkOr(key, MarkOr(map, YAML::Mark::null_mark()));
    if (!key.IsScalar()) {
      Error(key_mark, "keys must be plain strings, got " + Got(key));
      continue;
    }
    auto [pos, inserted] = first_line.emplace(key.Scalar(), key_mark.line + 1);
    if (!inserted) {
      Error(key_mark, "duplicate key '" + key.Scalar() + "' (first given on line " + std::to_string(pos->second) + ")");
      continue;
    }
    out.push_back(Entry{key.Scalar(), key_mark, it->second});
  }
  return out;
}

Fields SpecReader::ReadFields(const YAML::Node& map, const Keys& allowed) {
  Fields fields;
  for (auto& e : MappingEntries(map)) {
    if (Contains(allowed, e.key))
      fields.entries.push_back(std::move(e));
    else
      Error(e.key_mark, "unknown key '" + e.key + "'", SuggestionHint(e.key, allowed));
  }
  return fields;
}

void SpecReader::RequireKeys(const Fields& fields, const Keys& required, const YAML::Mark& where,
                             const std::string& section) {
  for (const auto& key : required) {
    if (fields.Find(key)) continue;
    Error(where, "missing required key '" + key + "'" + (section.empty() ? "" : " in '" + section + "'"));
  }
}

bool SpecReader::HasValue(const Entry& e) {
  if (!e.value.IsNull()) return true;
  Error(e.key_mark, "'" + e.key + "' has no value");
  return false;
}

bool SpecReader::IsMapping(const Entry& e) {
  if (!HasValue(e)) return false;
  if (e.value.IsMap()) return true;
  Error(ValueMark(e), "'" + e.key + "' must be a mapping, got " + Got(e.value));
  return false;
}

bool SpecReader::IsList(const Entry& e) {
  if (!HasValue(e)) return false;
  if (e.value.IsSequence()) return true;
  Error(ValueMark(e), "'" + e.key + "' must be a list, got " + Got(e.value));
  return false;
}

bool SpecReader::ReadString(const Entry& e, std::string* out) {
  if (!HasValue(e)) return false;
  if (!e.value.IsScalar()) {
    Error(ValueMark(e), "'" + e.key + "' must be a string, got " + Got(e.value));
    return false;
  }
  *out = e.value.Scalar();
  return true;
}

bool SpecReader::ReadNonEmptyString(const Entry& e, std::string* out) {
  std::string s;
  if (!ReadString(e, &s)) return false;
  if (s.empty()) {
    Error(ValueMark(e), "'" + e.key + "' must not be empty");
    return false;
  }
  *out = s;
  return true;
}

bool SpecReader::ReadInteger(const Entry& e, int64_t* out) {
  if (!HasValue(e)) return false;
  int64_t v = 0;
  if (!e.value.IsScalar() || !ParseInteger(e.value.Scalar(), &v)) {
    Error(ValueMark(e), "'" + e.key + "' must be an integer, got " + Got(e.value));
    return false;
  }
  *out = v;
  return true;
}

bool SpecReader::ReadNumber(const Entry& e, double* out) {
  if (!HasValue(e)) return false;
  double v = 0;
  if (!e.value.IsScalar() || !ParseNumber(e.value.Scalar(), &v)) {
    Error(ValueMark(e), "'" + e.key + "' must be a number, got " + Got(e.value));
    return false;
  }
  *out = v;
  return true;
}

bool SpecReader::ReadBool(const Entry& e, bool* out) {
  if (!HasValue(e)) return false;
  bool v = false;
  if (!e.value.IsScalar() || !ParseBool(e.value.Scalar(), &v)) {
    Error(ValueMark(e), "'" + e.key + "' must be true or false, got " + Got(e.value));
    return false;
  }
  *out = v;
  return true;
}

bool SpecReader::ReadCount(const Entry& e, int64_t min, int64_t* out) {
  int64_t v = 0;
  if (!ReadInteger(e, &v)) return false;
  if (v < min) {
    Error(ValueMark(e), e.key +
                            (min > 0 ? " must be a positive integer, got " : " must be a non-negative integer, got ") +
                            std::to_string(v));
    return false;
  }
  if (v > kMaxCount) {
    Error(ValueMark(e), e.key + " must be at most " + std::to_string(kMaxCount) + ", got " + std::to_string(v));
    return false;
  }
  *out = v;
  return true;
}

bool SpecReader::ReadPositiveNumber(const Entry& e, bool allow_zero, double* out) {
  double v = 0;
  if (!ReadNumber(e, &v)) return false;
  if (v < 0 || (v == 0 && !allow_zero)) {
    Error(ValueMark(e), e.key +
                            (allow_zero ? " must be a non-negative number, got " : " must be a positive number, got ") +
                            e.value.Scalar());
    return false;
  }
  *out = v;
  return true;
}

bool SpecReader::ReadStringList(const Entry& e, std::vector<std::string>* out, std::vector<YAML::Mark>* marks) {
  if (!HasValue(e)) return false;
  const std::string message = "'" + e.key + "' must be a list of strings";
  if (!e.value.IsSequence()) {
    Error(ValueMark(e), message + ", got " + Got(e.value));
    return false;
  }
  std::vector<std::string> items;
  std::vector<YAML::Mark> item_marks;
  bool ok = true;
  for (const auto& item : e.value) {
    const YAML::Mark mark = MarkOr(item, ValueMark(e));
    if (!item.IsScalar()) {
      Error(mark, message + ", got " + Got(item));
      ok = false;
      continue;
    }
    items.push_back(item.Scalar());
    item_marks.push_back(mark);
  }
  if (!ok) return false;
  *out = std::move(items);
  if (marks) *marks = std::move(item_marks);
  return true;
}

bool SpecReader::ReadCountList(const Entry& e, std::vector<int64_t>* out, std::vector<YAML::Mark>* marks, bool unique) {
  if (!HasValue(e)) return false;
  const std::string message = "'" + e.key + "' must be a list of positive integers";
  if (!e.value.IsSequence()) {
    Error(ValueMark(e), message + ", got " + Got(e.value));
    return false;
  }
  if (e.value.size() == 0) {
    Error(ValueMark(e), "'" + e.key + "' must not be empty");
    return false;
  }
  std::vector<int64_t> items;
  std::vector<YAML::Mark> item_marks;
  bool ok = true;
  for (const auto& item : e.value) {
    const YAML::Mark mark = MarkOr(item, ValueMark(e));
    int64_t v = 0;
    if (!item.IsScalar() || !ParseInteger(item.Scalar(), &v) || v < 1 || v > kMaxCount) {
      Error(mark, message + ", got " + Got(item));
      ok = false;
      continue;
    }
    if (unique && std::find(items.begin(), items.end(), v) != items.end()) {
      Error(mark, "duplicate value " + std::to_string(v) + " in '" + e.key + "'");
      ok = false;
      continue;
    }
    items.push_back(v);
    item_marks.push_back(mark);
  }
  if (!ok) return false;
  *out = std::move(items);
  *marks = std::move(item_marks);
  return true;
}

bool SpecReader::ReadChoice(const Entry& e, const std::string& what, const Keys& choices, std::string* out,
                            bool suggest) {
  std::string s;
  if (!ReadString(e, &s)) return false;
  if (!Contains(choices, s)) {
    Error(ValueMark(e), "unknown " + what + " '" + s + "'",
          suggest ? SuggestionHint(s, choices) : "expected one of: " + JoinNames(choices));
    return false;
  }
  *out = s;
  return true;
}

void SpecReader::Optional(const Fields& f, const char* key, std::string* out) {
  if (const Entry* e = f.Find(key)) ReadString(*e, out);
}
void SpecReader::Optional(const Fields& f, const char* key, std::vector<std::string>* out) {
  if (const Entry* e = f.Find(key)) ReadStringList(*e, out);
}
void SpecReader::Optional(const Fields& f, const char* key, bool* out) {
  if (const Entry* e = f.Find(key)) ReadBool(*e, out);
}

template <typename ReadItem>
void SpecReader::ForEachMapping(const Entry& e, const Keys& keys, const Keys& required, ReadItem read_item) {
  if (!IsList(e)) return;
  for (const auto& item : e.value) {
    const YAML::Mark mark = MarkOr(item, ValueMark(e));
    if (!item.IsMap()) {
      Error(mark, "each entry of '" + e.key + "' must be a mapping, got " + Got(item));
      continue;
    }
    Fields fields = ReadFields(item, keys);
    RequireKeys(fields, required, mark, e.key);
    read_item(fields);
  }
}

// ---- Sections ---------------------------------------------------------------------

void SpecReader::ReadSpec(const YAML::Node& root, Spec* spec) {
  const YAML::Mark root_mark = MarkOr(root, YAML::Mark());  // 1:1 when unknown
  if (!root.IsDefined() || root.IsNull()) {
    Error(YAML::Mark(), "the spec is empty",
          "a spec is a mapping with at least 'schema: 1', 'name' and 'architecture'");
    return;
  }
  if (!root.IsMap()) {
    Error(root_mark, "the spec must be a mapping of keys, got " + Got(root));
    return;
  }
  Fields top = ReadFields(root, kTopKeys);
  RequireKeys(top, {"schema", "name", "architecture"}, root_mark, "");

  if (const Entry* e = top.Find("schema")) {
    int64_t schema = 0;
    if (ReadInteger(*e, &schema)) {
      if (schema != 1)
        Error(ValueMark(*e), "unsupported schema " + std::to_string(schema) + " (expected 1)");
      else
        spec->schema = 1;
    }
  }
  const Entry* name = top.Find("name");
  if (name) ReadNonEmptyString(*name, &spec->name);
  if (const Entry* e = top.Find("slug")) {
    std::string slug;
    if (ReadString(*e, &slug)) {
      if (IsValidSlug(slug)) {
        spec->slug = slug;
      } else {
        std::string fixed = SlugFromName(slug);
        Error(ValueMark(*e), "invalid slug '" + slug + "'",
              "use lowercase letters and digits separated by single '-'" +
                  (fixed.empty() ? std::string() : ", e.g. '" + fixed + "'"));
      }
    }
  } else if (!spec->name.empty()) {
    spec->slug = SlugFromName(spec->name);
    if (spec->slug.empty())
      Error(ValueMark(*name), "cannot derive a slug from name '" + spec->name + "'", "add a 'slug' key");
  }
  // The slug names files (cards/<slug>.md, results/<slug>@<machine>.json and their temporary
  // files): it must leave room for those suffixes within the file system's NAME_MAX.
  if (spec->slug.size() > kMaxSlugBytes) {
    const Entry* where = top.Find("slug") ? top.Find("slug") : name;
    Error(ValueMark(*where),
          "slug '" + spec->slug.substr(0, 40) + "...' " + (top.Find("slug") ? "is " : "(derived from 'name') is ") +
              std::to_string(spec->slug.size()) + " bytes long; it names files such as cards/<slug>.md and their " +
              "temporary files, which must fit the file system's 255-byte limit, so a slug holds at most " +
              std::to_string(kMaxSlugBytes) + " bytes",
          top.Find("slug") ? "shorten 'slug'" : "add a shorter 'slug' key");
    spec->slug.clear();
  }
  Optional(top, "tagline", &spec->tagline);
  Optional(top, "summary", &spec->summary);
  Optional(top, "license", &spec->license);
  if (const Entry* e = top.Find("tags")) {
    // Each tag becomes a page of the site (/tags/<tag>/): a slug, never a path.
    std::vector<YAML::Mark> marks;
    if (ReadStringList(*e, &spec->tags, &marks)) {
      for (size_t i = 0; i < spec->tags.size(); ++i) {
        const std::string& tag = spec->tags[i];
        if (IsValidSlug(tag) && tag.size() <= kMaxSlugBytes) continue;
        const std::string fixed = SlugFromName(tag);
        Error(marks[i], "tag '" + tag.substr(0, 80) + "' is not a slug (each tag becomes the site page /tags/<tag>/)",
              "use lowercase letters and digits separated by single '-', at most " + std::to_string(kMaxSlugBytes) +
                  " bytes" +
                  (fixed.empty() || fixed.size() > kMaxSlugBytes ? std::string() : ", e.g. '" + fixed + "'"));
      }
    }
  }
  if (const Entry* e = top.Find("inputs")) ReadModalities(*e, /*inputs=*/true, &spec->inputs);
  if (const Entry* e = top.Find("outputs")) ReadModalities(*e, /*inputs=*/false, &spec->outputs);
  if (const Entry* e = top.Find("architecture")) ReadArchitecture(*e, &spec->architecture);

  if (const Entry* e = top.Find("training"); e && IsMapping(*e)) {
    spec->has_training = true;
    ReadTraining(*e, &spec->training);
  }
  if (const Entry* e = top.Find("evaluation"); e && IsMapping(*e)) {
    spec->has_evaluation = true;
    Fields f = ReadFields(e->value, kEvaluationKeys);
    if (const Entry* m = f.Find("primary")) ReadMetrics(*m, &spec->evaluation.primary);
    if (const Entry* m = f.Find("secondary")) ReadMetrics(*m, &spec->evaluation.secondary);
    if (const Entry* m = f.Find("measure")) ReadMeasure(*m, spec->architecture, &spec->evaluation.measure);
  }
  if (const Entry* e = top.Find("deployment"); e && IsMapping(*e)) {
    spec->has_deployment = true;
    Fields f = ReadFields(e->value, kDeploymentKeys);
    Deployment& d = spec->deployment;
    Optional(f, "techniques", &d.techniques);
    Optional(f, "platforms", &d.platforms);
    Optional(f, "horizontal_scaling", &d.horizontal_scaling);
    Optional(f, "vertical_scaling", &d.vertical_scaling);
  }
  if (const Entry* e = top.Find("maintenance"); e && IsMapping(*e)) {
    spec->has_maintenance = true;
    Fields f = ReadFields(e->value, kMaintenanceKeys);
    Maintenance& m = spec->maintenance;
    Optional(f, "repository", &m.repository);
    Optional(f, "version", &m.version);
    Optional(f, "version_tagging", &m.version_tagging);
    Optional(f, "scheduled_updates", &m.scheduled_updates);
    Optional(f, "bug_fixes", &m.bug_fixes);
    Optional(f, "documentation", &m.documentation);
  }
  const Entry* profile = top.Find("profile");
  ReadProfile(profile, profile ? profile->key_mark : root_mark, spec->architecture, &spec->profile);
  if (const Entry* e = top.Find("experiments")) {
    ReadExperiments(*e, spec->architecture, spec->profile, &spec->experiments);
  } else if (!spec->profile.sequence_lengths.empty()) {
    spec->experiments.sequence_length = spec->profile.sequence_lengths.front();
  }
  if (const Entry* e = top.Find("blog"); e && IsMapping(*e)) {
    spec->has_blog = true;
    ReadBlog(*e, &spec->blog);
  }
  if (spec->blog.size.empty() && !size_names_.empty()) spec->blog.size = size_names_.front();
}

void SpecReader::ReadModalities(const Entry& e, bool inputs, std::vector<Modality>* out) {
  const char* processing_key = inputs ? "preprocessing" : "postprocessing";
  ForEachMapping(e, inputs ? kInputKeys : kOutputKeys, {"modality"}, [&](const Fields& f) {
    Modality m;
    Optional(f, "modality", &m.modality);
    Optional(f, "format", &m.format);
    Optional(f, processing_key, &m.processing);
    Optional(f, "dimensions", &m.dimensions);
    out->push_back(std::move(m));
  });
}

void SpecReader::ReadReferences(const Entry& e, std::vector<Reference>* out) {
  ForEachMapping(e, kReferenceKeys, {"title"}, [&](const Fields& f) {
    Reference r;
    Optional(f, "title", &r.title);
    Optional(f, "authors", &r.authors);
    if (const Entry* year = f.Find("year")) {
      int64_t y = 0;
      if (ReadCount(*year, 1, &y)) r.year = static_cast<int>(y);
    }
    Optional(f, "url", &r.url);
    out->push_back(std::move(r));
  });
}

void SpecReader::ReadArchitecture(const Entry& e, Architecture* a) {
  if (!IsMapping(e)) return;
  Fields f = ReadFields(e.value, kArchitectureKeys);
  RequireKeys(f, {"family", "sizes"}, e.key_mark, "architecture");
  if (const Entry* family = f.Find("family"))
    if (ReadChoice(*family, "family", kFamilies, &family_, /*suggest=*/false))
      engine::FamilyFromName(family_, &a->family);
  Optional(f, "base", &a->base);
  Optional(f, "key_components", &a->key_components);
  if (const Entry* refs = f.Find("references")) ReadReferences(*refs, &a->references);
  if (const Entry* variants = f.Find("variants")) {
    ForEachMapping(*variants, kVariantKeys, {"name"}, [&](const Fields& vf) {
      Variant v;
      Optional(vf, "name", &v.name);
      Optional(vf, "modifications", &v.modifications);
      Optional(vf, "use_cases", &v.use_cases);
      a->variants.push_back(std::move(v));
    });
  }
  if (const Entry* advantages = f.Find("advantages")) {
    ForEachMapping(*advantages, kAdvantageKeys, {"title"}, [&](const Fields& bf) {
      Benefit b;
      Optional(bf, "title", &b.title);
      Optional(bf, "description", &b.description);
      a->advantages.push_back(std::move(b));
    });
  }
  Optional(f, "use_cases", &a->use_cases);

  const Keys config_keys = Names(kConfigKeys);
  ConfigLayer shared;
  if (const Entry* config = f.Find("config"); config && IsMapping(*config)) {
    Fields cf = ReadFields(config->value, config_keys);
    KeepFamilyKeys(&cf, family_);
    for (const auto& ce : cf.entries) a->config_keys.push_back(ce.key);
    shared = ReadConfigLayer(cf);
  }

  const Entry* sizes = f.Find("sizes");
  if (!sizes || !IsMapping(*sizes)) return;
  std::vector<Entry> size_entries = MappingEntries(sizes->value);
  if (size_entries.empty()) Error(ValueMark(*sizes), "'sizes' must define at least one size");
  Keys size_keys = config_keys;
  size_keys.push_back("hf_repo");
  size_keys.push_back("weights");
  for (const Entry& se : size_entries) {
    bool named = IsSizeName(se.key);
    if (!named)
      Error(se.key_mark, "invalid size name '" + se.key + "'",
            "size names use lowercase letters, digits, '_', '.' and '-'");
    else
      size_names_.push_back(se.key);
    if (!IsMapping(se)) continue;
    Fields sf = ReadFields(se.value, size_keys);
    KeepFamilyKeys(&sf, family_);
    Size size;
    size.name = se.key;
    if (const Entry* repo = sf.Find("hf_repo")) ReadNonEmptyString(*repo, &size.hf_repo);
    if (const Entry* w = sf.Find("weights"); w && ReadNonEmptyString(*w, &size.weights)) {
      // Relative to the spec file's directory, like every path a spec names.
      namespace fs = std::filesystem;
      fs::path p(size.weights);
      if (p.is_relative()) p = fs::path(path_).parent_path() / p;
      size.weights_path = p.lexically_normal().string();
      // A path that exists must hold what the loader reads (engine/weights/safetensors.h); one
      // that does not exist here is left to `build` (the checkpoint may live on another machine).
      std::error_code ec;
      const fs::path dir(size.weights_path);
      if (fs::is_directory(dir, ec) && !fs::is_regular_file(dir / "model.safetensors", ec) &&
          !fs::is_regular_file(dir / "model.safetensors.index.json", ec))
        Error(ValueMark(*w),
              "size '" + se.key + "' weights: '" + size.weights +
                  "' holds no model.safetensors (or model.safetensors.index.json)",
              "point weights: at a directory with safetensors weights, or remove it (build then measures random "
              "weights)");
      else if (fs::is_regular_file(dir, ec) && dir.extension() != ".safetensors")
        Error(ValueMark(*w), "size '" + se.key + "' weights: '" + size.weights + "' is not a .safetensors file",
              "point weights: at a .safetensors file or a directory holding model.safetensors");
    }
    ConfigLayer own = ReadConfigLayer(sf);
    if (ResolveSize(se.key, se.key_mark, family_, shared, own, &size.config) && named) {
      // Every count the documents state for the size (parameters, training-state bytes, forward,
      // training and decode FLOPs, KV cache over the context) must fit int64
      // (engine::CheckSizeCounts), or the size is an error here, at the key that makes it too
      // large, rather than a wrong number later.
      if (engine::Status counted = engine::CheckSizeCounts(size.config); !counted.ok()) {
        ConfigLayer merged = shared;
        for (const auto& [key, value] : own) merged[key] = value;
        const OffendingKey culprit = FindOffendingCountKey(
            merged, size.config, [](const engine::ModelConfig& c) { return engine::CheckSizeCounts(c).ok(); });
        if (culprit.found)
          Error(culprit.value.mark,
                "size '" + se.key + "': " + KeyAndValue(culprit.key, culprit.value) + ": " + counted.message(),
                "every count modelcard states (parameters, FLOPs, bytes) must fit int64; lower " + culprit.key);
        else
          Error(se.key_mark, "size '" + se.key + "': " + counted.message());
        continue;
      }
      // Only a config with a checkpoint layout (engine/weights/hf_names.h) can load weights.
      if (const Entry* w = sf.Find("weights"); w && !size.weights_path.empty()) {
        if (std::string problem = engine::HfLayoutProblem(size.config); !problem.empty())
          Error(w->key_mark, "size '" + se.key + "' cannot load weights: " + problem,
                "remove 'weights:' (GPT-2, Llama, Mistral, Qwen2, Mixtral, BERT, ViT and torchvision ResNet "
                "checkpoints load)");
      }
      a->sizes.push_back(std::move(size));
    }
  }
}

void SpecReader::KeepFamilyKeys(Fields* fields, const std::string& family) {
  const auto allowed = kFamilyKeys.find(family);
  if (allowed == kFamilyKeys.end()) return;
  const Keys config_keys = Names(kConfigKeys);
  std::vector<Entry> kept;
  for (auto& entry : fields->entries) {
    const bool config_key = std::find(config_keys.begin(), config_keys.end(), entry.key) != config_keys.end();
    const bool family_key =
        std::find(allowed->second.begin(), allowed->second.end(), entry.key) != allowed->second.end();
    if (config_key && !family_key) {
      if (const std::string* fixed = FixedValue(family, entry.key)) {
        // Stating the value the family's model always uses is true, and changes nothing.
        if (entry.value.IsScalar() && SameFixedValue(entry.key, entry.value.Scalar(), *fixed)) continue;
        Error(ValueMark(entry),
              "'" + entry.key + "' is fixed to '" + *fixed + "' in family '" + family + "', got " + Got(entry.value),
              "remove it, or write '" + entry.key + ": " + *fixed + "'");
        continue;
      }
      Error(entry.key_mark, "'" + entry.key + "' does not apply to family '" + family + "'",
            "the keys of " + family + " are: " + JoinNames(allowed->second));
      continue;
    }
    kept.push_back(entry);
  }
  fields->entries = std::move(kept);  // never element-wise assignment (see Entry)
}

ConfigLayer SpecReader::ReadConfigLayer(const Fields& fields) {
  ConfigLayer layer;
  for (const auto& [key, kind] : kConfigKeys) {
    const Entry* e = fields.Find(key);
    if (!e) continue;
    ConfigValue v;
    v.mark = ValueMark(*e);
    switch (kind) {
      case ConfigKind::kCount: v.valid = ReadCount(*e, 1, &v.integer); break;
      case ConfigKind::kCountOrZero: v.valid = ReadCount(*e, 0, &v.integer); break;
      case ConfigKind::kChoice: v.valid = ReadChoice(*e, key, kChoices.at(key), &v.name); break;
      case ConfigKind::kCountList: {
        std::vector<YAML::Mark> marks;
        v.valid = ReadCountList(*e, &v.list, &marks, /*unique=*/false);
        break;
      }
      case ConfigKind::kPositiveNumber: v.valid = ReadPositiveNumber(*e, false, &v.number); break;
      case ConfigKind::kNumberOrZero: v.valid = ReadPositiveNumber(*e, true, &v.number); break;
      case ConfigKind::kBool: v.valid = ReadBool(*e, &v.boolean); break;
      case ConfigKind::kNorm: v.valid = ReadChoice(*e, "norm", kNorms, &v.name); break;
      case ConfigKind::kActivation: v.valid = ReadChoice(*e, "activation", kActivations, &v.name); break;
      case ConfigKind::kPosition: v.valid = ReadChoice(*e, "position", kPositions, &v.name); break;
    }
    layer[key] = v;
  }
  return layer;
}

// Shared config, then the size's own keys, then the defaults; then the structural checks.
bool SpecReader::ResolveSize(const std::string& name, const YAML::Mark& name_mark, const std::string& family,
                             const ConfigLayer& shared, const ConfigLayer& own, engine::ModelConfig* out) {
  ConfigLayer merged = shared;
  for (const auto& [key, value] : own) merged[key] = value;
  bool complete = true;
  const auto required = kFamilyRequired.find(family);
  if (required == kFamilyRequired.end()) return false;  // unknown family: reported where it was read
  for (const auto& key : required->second) {
    if (merged.count(key)) continue;
    Error(name_mark, "size '" + name + "' is missing '" + key + "'");
    complete = false;
  }
  // A wrong value was reported where it was read. A wrong count stops the checks below
  // (they would only repeat it); any other wrong value leaves its default in place.
  bool all_valid = true;
  for (const auto& [key, value] : merged) {
    if (value.valid) continue;
    all_valid = false;
    if (KindOf(key) == ConfigKind::kCount || KindOf(key) == ConfigKind::kCountList) complete = false;
  }
  if (!complete) return false;

  engine::ModelConfig c;
  engine::FamilyFromName(family, &c.family);
  for (const auto& [key, value] : merged)
    if (value.valid) ApplyConfigValue(key, value, &c);
  auto given = [&](const char* key) {
    auto it = merged.find(key);
    return it != merged.end() && it->second.valid;
  };
  const bool transformer = family != "resnet" && family != "recurrent";
  if (!given("num_kv_heads")) c.num_kv_heads = c.num_heads;
  // A recurrent model has no length limit; context_length is the length its FLOPs are stated at.
  if (family == "recurrent" && !given("context_length")) c.context_length = 128;
  // torchvision's BasicBlock has no grouped or widened form: point at the key that asks for one.
  if (family == "resnet" && c.block == "basic") {
    for (const std::string key : {"groups", "width_per_group"}) {
      const int64_t value = key == "groups" ? c.groups : c.width_per_group;
      if (!given(key.c_str()) || value == (key == "groups" ? 1 : 64)) continue;
      Error(merged[key].mark,
            "size '" + name + "': " + key + " " + std::to_string(value) +
                " needs bottleneck blocks (torchvision's BasicBlock supports only groups 1 and width_per_group 64)",
            "use block: bottleneck (ResNeXt, Wide ResNet), or remove '" + key + "'");
      return false;
    }
  }
  if (!transformer) {
    std::string problem = engine::ValidateConfig(c);
    if (!problem.empty()) {
      Error(name_mark, "size '" + name + "': " + problem);
      return false;
    }
    *out = c;
    return all_valid;
  }
  if (!given("head_dim")) {
    if (c.embedding_dim % c.num_heads != 0) {
      Error(merged["num_heads"].mark, "embedding_dim (" + std::to_string(c.embedding_dim) +
                                          ") must be divisible by num_heads (" + std::to_string(c.num_heads) + ")");
      return false;
    }
    c.head_dim = c.embedding_dim / c.num_heads;
  }
  if (!given("hidden_dim")) c.hidden_dim = 4 * c.embedding_dim;
  if (!given("qkv_bias")) c.qkv_bias = c.bias;
  if (c.num_heads % c.num_kv_heads != 0) {
    Error(given("num_kv_heads") ? merged["num_kv_heads"].mark : name_mark, "num_heads (" + std::to_string(c.num_heads) +
                                                                               ") must be divisible by num_kv_heads (" +
                                                                               std::to_string(c.num_kv_heads) + ")");
    return false;
  }
  std::string problem = engine::ValidateConfig(c);
  if (!problem.empty()) {
    // A problem with a decoder feature points at the key it names first (where given).
    YAML::Mark mark = name_mark;
    std::string hint;
    size_t first = std::string::npos;
    for (const Keys* keys : {&kDecoderFeatureKeys, &kMoeOptionKeys})
      for (const std::string& key : *keys) {
        const auto it = merged.find(key);
        const size_t at = problem.find(key);
        if (it == merged.end() || at == std::string::npos || at >= first) continue;
        const size_t end = at + key.size();
        if ((at > 0 && (std::isalnum(static_cast<unsigned char>(problem[at - 1])) || problem[at - 1] == '_')) ||
            (end < problem.size() && (std::isalnum(static_cast<unsigned char>(problem[end])) || problem[end] == '_')))
          continue;
        first = at;
        mark = it->second.mark;
        hint = "change '" + key + "' (README.md's spec key table and engine/config.h state its rule)";
      }
    Error(mark, "size '" + name + "': " + problem, hint);
    return false;
  }
  *out = c;
  return all_valid;
}

void SpecReader::ReadTraining(const Entry& e, Training* t) {
  Fields f = ReadFields(e.value, kTrainingKeys);
  Optional(f, "datasets", &t->datasets);
  Optional(f, "preprocessing", &t->preprocessing);
  if (const Entry* h = f.Find("hyperparameters"); h && IsMapping(*h)) {
    Fields hf = ReadFields(h->value, Names(kHyperparameterKeys));
    for (const Entry& he : hf.entries) {
      ValueKind kind = ValueKind::kString;
      for (const auto& [key, k] : kHyperparameterKeys)
        if (key == he.key) kind = k;
      bool ok = false;
      double number = 0;
      int64_t integer = 0;
      std::string text;
      switch (kind) {
        case ValueKind::kNumber: ok = ReadNumber(he, &number); break;
        case ValueKind::kInteger: ok = ReadInteger(he, &integer); break;
        case ValueKind::kString: ok = ReadString(he, &text); break;
        case ValueKind::kNumberOrString:
          ok = HasValue(he) && he.value.IsScalar();
          if (!ok && !he.value.IsNull())
            Error(ValueMark(he), "'" + he.key + "' must be a number or a string, got " + Got(he.value));
          break;
      }
      if (ok) t->hyperparameters.push_back({he.key, he.value.Scalar()});
    }
  }
  if (const Entry* tokens = f.Find("tokens")) ReadPositiveNumber(*tokens, false, &t->tokens);
  if (const Entry* env = f.Find("environment"); env && IsMapping(*env)) {
    Fields ef = ReadFields(env->value, kEnvironmentKeys);
    Optional(ef, "hardware", &t->hardware);
    Optional(ef, "framework", &t->framework);
    Optional(ef, "distributed", &t->distributed);
  }
}

void SpecReader::ReadMetrics(const Entry& e, std::vector<Metric>* out) {
  ForEachMapping(e, kMetricKeys, {"metric"}, [&](const Fields& f) {
    Metric m;
    Optional(f, "metric", &m.metric);
    Optional(f, "dataset", &m.dataset);
    if (const Entry* value = f.Find("value"); value && HasValue(*value)) {
      if (value->value.IsScalar())
        m.value = value->value.Scalar();
      else
        Error(ValueMark(*value), "'value' must be a number or a string, got " + Got(value->value));
    }
    if (const Entry* size = f.Find("size")) {
      std::string name;
      if (ReadString(*size, &name)) {
        if (Contains(size_names_, name))
          m.size = name;
        else
          Error(ValueMark(*size), "unknown size '" + name + "' in evaluation", SuggestionHint(name, size_names_));
      }
    }
    Optional(f, "source", &m.source);
    out->push_back(std::move(m));
  });
}

void SpecReader::ReadMeasure(const Entry& e, const Architecture& arch, std::vector<MeasuredDataset>* out) {
  bool any_weights = false;
  for (const Size& size : arch.sizes) any_weights = any_weights || !size.weights_path.empty();
  ForEachMapping(e, kMeasureKeys, {"data"}, [&](const Fields& f) {
    MeasuredDataset m;
    if (const Entry* data = f.Find("data"); data && ReadNonEmptyString(*data, &m.data)) {
      namespace fs = std::filesystem;
      fs::path p(m.data);
      if (p.is_relative()) p = fs::path(path_).parent_path() / p;
      m.data_path = p.lexically_normal().string();
      if (!any_weights)
        Error(data->key_mark, "evaluation.measure needs a size with 'weights:' (random weights measure nothing)",
              "add 'weights: <checkpoint>' to a size, or remove 'measure'");
    }
    Optional(f, "name", &m.name);
    if (const Entry* size = f.Find("size")) {
      std::string name;
      if (ReadString(*size, &name)) {
        const Size* found = nullptr;
        for (const Size& candidate : arch.sizes)
          if (candidate.name == name) found = &candidate;
        if (found == nullptr)
          Error(ValueMark(*size), "unknown size '" + name + "' in evaluation.measure",
                SuggestionHint(name, size_names_));
        else if (found->weights_path.empty())
          Error(ValueMark(*size), "size '" + name + "' names no weights to evaluate",
                "add 'weights: <checkpoint>' to it");
        else
          m.size = name;
      }
    }
    if (const Entry* dtype = f.Find("dtype")) {
      std::string name;
      if (ReadString(*dtype, &name)) {
        if (name == "float32" || name == "bfloat16")
          m.dtype = name;
        else
          Error(ValueMark(*dtype), "unsupported evaluation dtype '" + name + "'", "use float32 or bfloat16");
      }
    }
    if (const Entry* window = f.Find("window")) {
      int64_t w = 0;
      if (ReadInteger(*window, &w)) {
        if (w > 0)
          m.window = w;
        else
          Error(ValueMark(*window), "'window' must be positive, got " + std::to_string(w));
      }
    }
    out->push_back(std::move(m));
  });
}

void SpecReader::ReadProfile(const Entry* e, const YAML::Mark& where, const Architecture& arch, Profile* p) {
  Fields f;
  if (e && IsMapping(*e)) f = ReadFields(e->value, kProfileKeys);

  // Sizes: each must be defined; default: the first size.
  if (const Entry* sizes = f.Find("sizes")) {
    std::vector<std::string> names;
    std::vector<YAML::Mark> marks;
    if (ReadStringList(*sizes, &names, &marks)) {
      if (names.empty()) Error(ValueMark(*sizes), "'sizes' must not be empty");
      p->sizes.clear();
      for (size_t i = 0; i < names.size(); ++i) {
        if (!Contains(size_names_, names[i]))
          Error(marks[i], "unknown size '" + names[i] + "' in profile.sizes", SuggestionHint(names[i], size_names_));
        else if (Contains(p->sizes, names[i]))
          Error(marks[i], "duplicate value '" + names[i] + "' in 'sizes'");
        else
          p->sizes.push_back(names[i]);
      }
    }
  } else if (!size_names_.empty()) {
    p->sizes = {size_names_.front()};
  }

  // The smallest context length among the profiled sizes bounds every length below.
  int64_t min_context = kMaxCount;
  std::string min_context_size;
  for (const auto& name : p->sizes) {
    const Size* size = nullptr;
    for (const auto& s : arch.sizes)
      if (s.name == name) size = &s;
    if (size && family_ != "recurrent" && size->config.context_length > 0 &&
        size->config.context_length < min_context) {
      min_context = size->config.context_length;
      min_context_size = name;
    }
  }
  auto context_problem = [&](int64_t length) -> std::string {
    if (min_context_size.empty() || length <= min_context) return "";
    return " exceeds context_length (" + std::to_string(min_context) + ") of size '" + min_context_size + "'";
  };

  // dtypes and devices: lists of names from a fixed vocabulary.
  auto read_names = [&](const char* key, const char* what, const Keys& choices, std::vector<std::string>* out) {
    const Entry* list = f.Find(key);
    std::vector<std::string> names;
    std::vector<YAML::Mark> marks;
    if (!list || !ReadStringList(*list, &names, &marks)) return;
    if (names.empty()) Error(ValueMark(*list), "'" + list->key + "' must not be empty");
    std::vector<std::string> accepted;
    for (size_t i = 0; i < names.size(); ++i) {
      if (!Contains(choices, names[i]))
        Error(marks[i], std::string("unknown ") + what + " '" + names[i] + "' in profile." + key,
              SuggestionHint(names[i], choices));
      else if (Contains(accepted, names[i]))
        Error(marks[i], "duplicate value '" + names[i] + "' in '" + key + "'");
      else
        accepted.push_back(names[i]);
    }
    *out = accepted;
  };
  read_names("dtypes", "dtype", kDtypes, &p->dtypes);
  read_names("devices", "device", kDevices, &p->devices);

  std::vector<YAML::Mark> marks;
  if (const Entry* b = f.Find("batch_sizes")) ReadCountList(*b, &p->batch_sizes, &marks);
  if (const Entry* s = f.Find("sequence_lengths"); s && (family_ == "vit" || family_ == "resnet")) {
    // An image model's input fixes its length: a list here would be silently ignored.
    Error(s->key_mark,
          "'sequence_lengths' does not apply to family '" + family_ + "': its input is an image of image_size pixels",
          "remove 'sequence_lengths' (the image size is architecture.config.image_size)");
  } else if (s) {
    if (ReadCountList(*s, &p->sequence_lengths, &marks)) {
      for (size_t i = 0; i < marks.size(); ++i) {
        std::string problem = context_problem(p->sequence_lengths[i]);
        if (!problem.empty()) Error(marks[i], "sequence length " + std::to_string(p->sequence_lengths[i]) + problem);
      }
    }
  } else {
    p->sequence_lengths = {std::min<int64_t>(128, min_context)};
  }

  // Generation: a mapping, or true/false. A missing length defaults to
  // min(32, context/2) so that the defaults always fit the profiled sizes.
  const int64_t default_tokens = std::min<int64_t>(32, std::max<int64_t>(1, min_context / 2));
  p->generation.prompt_tokens = default_tokens;
  p->generation.new_tokens = default_tokens;
  const Entry* gen = f.Find("generation");
  bool generation_ok = true;
  if (gen && HasValue(*gen)) {
    if (gen->value.IsMap()) {
      Fields gf = ReadFields(gen->value, kGenerationKeys);
      if (const Entry* pt = gf.Find("prompt_tokens")) generation_ok &= ReadCount(*pt, 1, &p->generation.prompt_tokens);
      if (const Entry* nt = gf.Find("new_tokens")) generation_ok &= ReadCount(*nt, 1, &p->generation.new_tokens);
    } else if (!gen->value.IsScalar() || !ParseBool(gen->value.Scalar(), &p->generation_enabled)) {
      Error(ValueMark(*gen), "'generation' must be a mapping or false, got " + Got(gen->value));
    }
  }
  // The decoder families (KV cache), the recurrent one (carried state) and the audio family's text
  // decoder generate token by token.
  const bool generates = !family_.empty() && FamilyGenerates(arch);
  if (!generates && p->generation_enabled) {
    if (gen && HasValue(*gen) && !(gen->value.IsScalar() && gen->value.Scalar() == "false"))
      Error(gen->key_mark, "family '" + family_ + "' does not generate token by token",
            "remove profile.generation (or set it to false)");
    p->generation_enabled = false;
  }
  if (p->generation_enabled && generation_ok) {
    int64_t total = p->generation.prompt_tokens + p->generation.new_tokens;
    std::string problem = context_problem(total);
    if (!problem.empty())
      Error(gen ? ValueMark(*gen) : where, "prompt_tokens + new_tokens (" + std::to_string(total) + ")" + problem);
  }

  if (const Entry* t = f.Find("threads")) ReadCount(*t, 0, &p->threads);
  if (const Entry* pre = f.Find("preprocess")) {
    if (ReadBool(*pre, &p->preprocess) && p->preprocess && family_ != "vit" && family_ != "resnet" &&
        family_ != "audio")
      Error(pre->key_mark, "family '" + family_ + "' has no preprocessing to measure",
            "profile.preprocess applies to vit, resnet and audio");
  }
  // Training step: true / false, or {batch_sizes: [...]}; default: on, at the first batch size.
  p->train_batch_sizes = {p->batch_sizes.empty() ? 1 : p->batch_sizes.front()};
  if (const Entry* t = f.Find("train"); t && HasValue(*t)) {
    if (t->value.IsMap()) {
      Fields tf = ReadFields(t->value, kTrainKeys);
      std::vector<YAML::Mark> train_marks;
      if (const Entry* b = tf.Find("batch_sizes")) ReadCountList(*b, &p->train_batch_sizes, &train_marks);
    } else if (!t->value.IsScalar() || !ParseBool(t->value.Scalar(), &p->train_enabled)) {
      Error(ValueMark(*t), "'train' must be a mapping or true/false, got " + Got(t->value));
    }
  }
  if (const Entry* w = f.Find("warmup")) ReadCount(*w, 0, &p->warmup);
  if (const Entry* m = f.Find("min_iterations")) ReadCount(*m, 1, &p->min_iterations);
  if (const Entry* s = f.Find("min_seconds")) ReadPositiveNumber(*s, true, &p->min_seconds);

  // Every count a measured scenario states must fit int64 (engine/count.h): forward FLOPs at each
  // batch size and sequence length, a training step at each training batch size, a generation at
  // each batch size. The error points at the value to lower: the batch size when batch 1 fits,
  // else the sequence length or the generation.
  // The mark of `value` in the list node `list` (its first occurrence), else `fallback`.
  auto item_mark = [&](const YAML::Node& list, const std::vector<int64_t>& values, int64_t value,
                       const YAML::Mark& fallback) {
    const size_t i = std::find(values.begin(), values.end(), value) - values.begin();
    if (list.IsDefined() && list.IsSequence() && i < list.size()) return list[i].Mark();
    return fallback;
  };
  const Entry* batch_entry = f.Find("batch_sizes");
  const Entry* seq_entry = f.Find("sequence_lengths");
  const YAML::Node batch_list = batch_entry != nullptr ? batch_entry->value : YAML::Node();
  const YAML::Node seq_list = seq_entry != nullptr ? seq_entry->value : YAML::Node();
  const YAML::Mark batch_fallback = batch_entry != nullptr ? ValueMark(*batch_entry) : where;
  const YAML::Mark seq_fallback = seq_entry != nullptr ? ValueMark(*seq_entry) : where;
  YAML::Node train_list;
  YAML::Mark train_fallback = batch_fallback;
  if (const Entry* t = f.Find("train"); t && HasValue(*t) && t->value.IsMap() && t->value["batch_sizes"]) {
    train_list = t->value["batch_sizes"];
    train_fallback = ValueMark(*t);
  } else {
    train_list = batch_list;
  }
  for (const auto& name : p->sizes) {
    const Size* size = nullptr;
    for (const auto& candidate : arch.sizes)
      if (candidate.name == name) size = &candidate;
    if (size == nullptr) continue;
    const engine::ModelConfig& c = size->config;
    auto report = [&](const engine::Status& st, bool batch_one_fits, const YAML::Mark& batch_mark, int64_t batch,
                      const YAML::Mark& other_mark, const std::string& other) {
      Error(batch_one_fits ? batch_mark : other_mark,
            "size '" + name + "': " + (batch_one_fits ? "batch size " + std::to_string(batch) : other) + ": " +
                st.message(),
            "every count modelcard states (FLOPs, bytes) must fit int64; lower " +
                (batch_one_fits ? std::string("the batch size") : other));
    };
    bool reported = false;
    for (int64_t batch : p->batch_sizes) {
      for (int64_t seq : p->sequence_lengths) {
        engine::FlopCount flops;
        if (engine::Status st = engine::CountForwardFlops(c, batch, seq, &flops); !st.ok() && !reported) {
          reported = true;
          report(st, engine::CountForwardFlops(c, 1, seq, &flops).ok(),
                 item_mark(batch_list, p->batch_sizes, batch, batch_fallback), batch,
                 item_mark(seq_list, p->sequence_lengths, seq, seq_fallback), "sequence length " + std::to_string(seq));
        }
      }
      if (p->generation_enabled && !reported) {
        const int64_t P = p->generation.prompt_tokens, N = p->generation.new_tokens;
        if (engine::Status st = engine::CheckGenerationCounts(c, batch, P, N); !st.ok()) {
          reported = true;
          const Entry* gen = f.Find("generation");
          report(st, engine::CheckGenerationCounts(c, 1, P, N).ok(),
                 item_mark(batch_list, p->batch_sizes, batch, batch_fallback), batch,
                 gen != nullptr ? ValueMark(*gen) : where,
                 "generation of " + std::to_string(P) + " + " + std::to_string(N) + " tokens");
        }
      }
    }
    if (p->train_enabled && !reported) {
      for (int64_t batch : p->train_batch_sizes) {
        for (int64_t seq : p->sequence_lengths) {
          int64_t flops = 0;
          if (engine::Status st = engine::CountTrainingFlops(c, batch, seq, &flops); !st.ok() && !reported) {
            reported = true;
            report(st, engine::CountTrainingFlops(c, 1, seq, &flops).ok(),
                   item_mark(train_list, p->train_batch_sizes, batch, train_fallback), batch,
                   item_mark(seq_list, p->sequence_lengths, seq, seq_fallback),
                   "sequence length " + std::to_string(seq));
          }
        }
      }
    }
  }
}

void SpecReader::ReadExperiments(const Entry& e, const Architecture& arch, const Profile& profile, Experiments* x) {
  x->sequence_length = profile.sequence_lengths.empty() ? 0 : profile.sequence_lengths.front();
  if (HasValue(e) && e.value.IsScalar()) {  // experiments: false
    if (!ParseBool(e.value.Scalar(), &x->enabled))
      Error(ValueMark(e), "'experiments' must be a mapping or true/false, got " + Got(e.value));
    return;
  }
  if (!IsMapping(e)) return;
  Fields f = ReadFields(e.value, kExperimentsKeys);
  if (const Entry* en = f.Find("enabled")) ReadBool(*en, &x->enabled);
  if (const Entry* b = f.Find("batch")) ReadCount(*b, 1, &x->batch);
  if (const Entry* s = f.Find("sequence_length")) {
    if (ReadCount(*s, 1, &x->sequence_length) && family_ != "recurrent") {
      for (const auto& name : profile.sizes) {
        const Size* size = nullptr;
        for (const auto& candidate : arch.sizes)
          if (candidate.name == name) size = &candidate;
        if (size && size->config.context_length > 0 && x->sequence_length > size->config.context_length) {
          Error(ValueMark(*s), "sequence length " + std::to_string(x->sequence_length) + " exceeds context_length (" +
                                   std::to_string(size->config.context_length) + ") of size '" + name + "'");
          break;
        }
      }
    }
  }
  std::vector<YAML::Mark> marks;
  if (const Entry* b = f.Find("batch_sizes")) ReadCountList(*b, &x->batch_sizes, &marks);
  if (const Entry* l = f.Find("latency_budget_ms")) ReadPositiveNumber(*l, false, &x->latency_budget_ms);
  if (const Entry* n = f.Find("new_tokens")) ReadCount(*n, 1, &x->new_tokens);

  // The experiments' counts must fit int64 too (engine/count.h): forward and training FLOPs at
  // each batch over sequence_length, and the kv_cache arms' generation; the error points at the
  // batch, or at sequence_length / new_tokens when batch 1 does not fit either.
  const int64_t seq = x->sequence_length > 0 ? x->sequence_length : 128;
  std::vector<std::pair<int64_t, YAML::Mark>> batches;
  const Entry* batch_entry = f.Find("batch");
  batches.push_back({x->batch, batch_entry != nullptr ? ValueMark(*batch_entry) : e.key_mark});
  const Entry* sweep = f.Find("batch_sizes");
  for (size_t i = 0; i < x->batch_sizes.size(); ++i)
    batches.push_back({x->batch_sizes[i], sweep != nullptr && sweep->value.IsSequence() && i < sweep->value.size()
                                              ? sweep->value[i].Mark()
                                              : e.key_mark});
  const Entry* seq_entry = f.Find("sequence_length");
  const Entry* tokens_entry = f.Find("new_tokens");
  for (const auto& name : profile.sizes) {
    const Size* size = nullptr;
    for (const auto& candidate : arch.sizes)
      if (candidate.name == name) size = &candidate;
    if (size == nullptr) continue;
    for (const auto& [batch, mark] : batches) {
      int64_t flops = 0;
      engine::Status st = engine::CountTrainingFlops(size->config, batch, seq, &flops);  // and the forward
      bool one_fits = st.ok() || engine::CountTrainingFlops(size->config, 1, seq, &flops).ok();
      YAML::Mark other = seq_entry != nullptr ? ValueMark(*seq_entry) : e.key_mark;
      std::string other_name = "sequence_length " + std::to_string(seq);
      if (st.ok()) {
        st = engine::CheckGenerationCounts(size->config, batch, profile.generation.prompt_tokens, x->new_tokens);
        one_fits = st.ok() ||
                   engine::CheckGenerationCounts(size->config, 1, profile.generation.prompt_tokens, x->new_tokens).ok();
        other = tokens_entry != nullptr ? ValueMark(*tokens_entry) : e.key_mark;
        other_name = "new_tokens " + std::to_string(x->new_tokens);
      }
      if (st.ok()) continue;
      Error(one_fits ? mark : other,
            "size '" + name + "': experiments " + (one_fits ? "batch " + std::to_string(batch) : other_name) + ": " +
                st.message(),
            "every count modelcard states (FLOPs, bytes) must fit int64; lower " +
                (one_fits ? std::string("the batch") : other_name.substr(0, other_name.find(' '))));
      return;
    }
  }
}

void SpecReader::ReadBlog(const Entry& e, Blog* b) {
  Fields f = ReadFields(e.value, kBlogKeys);
  if (const Entry* date = f.Find("date")) {
    std::string text;
    if (ReadString(*date, &text)) {
      if (IsIsoDate(text))
        b->date = text;
      else
        Error(ValueMark(*date), "'date' must be a date written YYYY-MM-DD, got '" + text + "'");
    }
  }
  Optional(f, "draft", &b->draft);
  Optional(f, "author", &b->author);
  Optional(f, "description", &b->description);
  if (const Entry* e = f.Find("categories")) {
    // Each category becomes a page of the site (/categories/<urlized name>/): words, never a path.
    std::vector<YAML::Mark> marks;
    if (ReadStringList(*e, &b->categories, &marks)) {
      for (size_t i = 0; i < b->categories.size(); ++i) {
        const std::string& c = b->categories[i];
        // ASCII letters, digits, spaces and '-', or any non-ASCII character (UTF-8 letters), with
        // at least one that is not a space or '-'.
        bool words = c.size() <= kMaxSlugBytes && c.find_first_not_of(" -") != std::string::npos;
        for (unsigned char ch : c)
          if (ch < 0x80 && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') &&
              ch != ' ' && ch != '-')
            words = false;
        if (words) continue;
        Error(marks[i],
              "category '" + c.substr(0, 80) +
                  "' is not a plain name (each category becomes the site page "
                  "/categories/<name>/)",
              "use letters, digits, spaces and '-' (like 'Language Models'), at most " + std::to_string(kMaxSlugBytes) +
                  " bytes");
      }
    }
  }
  if (const Entry* cover = f.Find("cover"); cover && IsMapping(*cover)) {
    b->has_cover = true;
    Fields cf = ReadFields(cover->value, kCoverKeys);
    Optional(cf, "image", &b->cover.image);
    Optional(cf, "alt", &b->cover.alt);
    Optional(cf, "caption", &b->cover.caption);
    Optional(cf, "relative", &b->cover.relative);
    Optional(cf, "hidden", &b->cover.hidden);
  }
  Optional(f, "introduction", &b->introduction);
  Optional(f, "background", &b->background);
  Optional(f, "prior_work", &b->prior_work);
  Optional(f, "innovations", &b->innovations);
  Optional(f, "applications", &b->applications);
  Optional(f, "limitations", &b->limitations);
  Optional(f, "future_work", &b->future_work);
  Optional(f, "conclusion", &b->conclusion);
  if (const Entry* size = f.Find("size")) {
    std::string name;
    if (ReadString(*size, &name)) {
      if (Contains(size_names_, name))
        b->size = name;
      else
        Error(ValueMark(*size), "unknown size '" + name + "' in blog.size (the size the prose describes)",
              SuggestionHint(name, size_names_));
    }
  }
  if (const Entry* reading = f.Find("further_reading")) ReadReferences(*reading, &b->further_reading);
}

bool PositionBefore(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

}  // namespace

std::string SlugFromName(const std::string& name) {
  std::string slug;
  bool pending_dash = false;
  for (char ch : name) {
    char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (pending_dash && !slug.empty()) slug += '-';
      pending_dash = false;
      slug += c;
    } else {
      pending_dash = true;
    }
  }
  return slug;
}

bool FamilyGenerates(const Architecture& arch) {
  if (engine::TraitsOf(arch.family).causal_lm) return true;
  for (const auto& size : arch.sizes)
    if (engine::IsCausalLM(size.config)) return true;
  return false;
}

bool IsValidSlug(const std::string& slug) { return !slug.empty() && SlugFromName(slug) == slug; }

ParseResult ParseSpecText(const std::string& text, const std::string& path) {
  ParseResult result;
  result.spec.path = path;
  result.spec.sha256 = Sha256Hex(text);
  SpecReader reader(path, &result.errors);
  try {
    YAML::Node root;
    if (LoadYamlDocument(text, path, "a spec file", &root, &result.errors)) reader.ReadSpec(root, &result.spec);
  } catch (const YAML::Exception& e) {
    result.errors.push_back(At(path, e.mark, "YAML syntax error: " + YamlMessage(e.msg)));
  } catch (const std::exception& e) {
    result.errors.push_back({path, 0, 0, std::string("internal error: ") + e.what(), ""});
  }
  std::stable_sort(result.errors.begin(), result.errors.end(), PositionBefore);
  result.errors.erase(std::unique(result.errors.begin(), result.errors.end()), result.errors.end());
  return result;
}

ParseResult ParseSpecFile(const std::string& path) {
  std::string text;
  if (const engine::Status read = ReadWholeFile(path, &text); !read.ok()) {
    ParseResult result;
    result.spec.path = path;
    result.errors.push_back({path, 0, 0, "cannot read file: " + read.message(), ""});
    return result;
  }
  return ParseSpecText(text, path);
}

}  // namespace spec
