// ModelConfig: the model family and its hyperparameters, as the engine needs them.
// A plain struct with no LibTorch include, so the generator can fill it from a spec.
#pragma once

#include <cstdint>
#include <string>

namespace engine {

enum class Norm { kLayerNorm, kRMSNorm };
enum class Activation { kGELU, kGELUTanh, kReLU, kSiLU, kSwiGLU, kGeGLU };
enum class Position { kLearned, kSinusoidal, kRoPE, kALiBi, kNone };

// Spec spellings ("layernorm", "swiglu", "rope", ...) <-> enums.
// *FromName return false for an unknown name and leave *out untouched.
const char* NormName(Norm n);
const char* ActivationName(Activation a);
const char* PositionName(Position p);
bool NormFromName(const std::string& name, Norm* out);
bool ActivationFromName(const std::string& name, Activation* out);
bool PositionFromName(const std::string& name, Position* out);

// True for the gated activations (swiglu, geglu): the FFN has three matrices.
inline bool IsGated(Activation a) {
  return a == Activation::kSwiGLU || a == Activation::kGeGLU;
}

// One concrete model size. Every field is resolved (no "defaults to" left):
// the spec layer applies the defaults before handing a config to the engine.
struct ModelConfig {
  std::string family = "decoder";  // only "decoder" today
  int64_t vocab_size = 0;
  int64_t context_length = 0;      // maximum sequence length (learned positions table size)
  int64_t num_layers = 0;
  int64_t embedding_dim = 0;       // C
  int64_t num_heads = 0;           // query heads
  int64_t num_kv_heads = 0;        // == num_heads: MHA; 1: MQA; otherwise GQA
  int64_t head_dim = 0;            // usually embedding_dim / num_heads
  int64_t hidden_dim = 0;          // FFN inner width (per branch for gated activations)
  Norm norm = Norm::kLayerNorm;
  double norm_eps = 1e-5;
  Activation activation = Activation::kGELU;
  Position position = Position::kLearned;
  double rope_theta = 10000.0;
  bool bias = true;                // biases in the linear layers (and LayerNorm bias)
  bool qkv_bias = true;            // biases in the q/k/v projections
  bool tie_embeddings = true;      // LM head shares the token embedding matrix
};

// Empty string when the config is valid, otherwise the first problem found
// (e.g. "embedding_dim (770) must be divisible by num_heads (12)").
std::string ValidateConfig(const ModelConfig& c);

}  // namespace engine
