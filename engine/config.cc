// Spellings of the ModelConfig enums and the structural validity check.
#include "engine/config.h"

#include <string>

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

const std::pair<const char*, Norm> kNorms[] = {{"layernorm", Norm::kLayerNorm},
                                               {"rmsnorm", Norm::kRMSNorm}};
const std::pair<const char*, Activation> kActivations[] = {
    {"gelu", Activation::kGELU},     {"gelu_tanh", Activation::kGELUTanh},
    {"relu", Activation::kReLU},     {"silu", Activation::kSiLU},
    {"swiglu", Activation::kSwiGLU}, {"geglu", Activation::kGeGLU}};
const std::pair<const char*, Position> kPositions[] = {
    {"learned", Position::kLearned}, {"sinusoidal", Position::kSinusoidal},
    {"rope", Position::kRoPE},       {"alibi", Position::kALiBi},
    {"none", Position::kNone}};

}  // namespace

const char* NormName(Norm n) { return NameOf(kNorms, n); }
const char* ActivationName(Activation a) { return NameOf(kActivations, a); }
const char* PositionName(Position p) { return NameOf(kPositions, p); }
bool NormFromName(const std::string& name, Norm* out) { return Lookup(kNorms, name, out); }
bool ActivationFromName(const std::string& name, Activation* out) {
  return Lookup(kActivations, name, out);
}
bool PositionFromName(const std::string& name, Position* out) {
  return Lookup(kPositions, name, out);
}

std::string ValidateConfig(const ModelConfig& c) {
  auto positive = [](const char* key, int64_t v) -> std::string {
    if (v > 0) return "";
    return std::string(key) + " must be a positive integer, got " + std::to_string(v);
  };
  for (auto [key, v] : {std::pair<const char*, int64_t>{"vocab_size", c.vocab_size},
                        {"context_length", c.context_length},
                        {"num_layers", c.num_layers},
                        {"embedding_dim", c.embedding_dim},
                        {"num_heads", c.num_heads},
                        {"num_kv_heads", c.num_kv_heads},
                        {"head_dim", c.head_dim},
                        {"hidden_dim", c.hidden_dim}}) {
    std::string err = positive(key, v);
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

}  // namespace engine
