// Position information: rotary embeddings (RoPE, Su et al. 2021) with Hugging Face's frequency
// scalings, ALiBi attention biases (Press et al. 2022) and fixed sinusoidal tables (Vaswani et al.
// 2017). Learned positions are a plain Embedding in the model. None of these has parameters.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"

namespace engine {

// Rotary embedding in the "rotate half" layout used by GPT-NeoX and Hugging Face Llama, so
// their q/k projection weights map without permutation. Only the first `rotary_dim` dims of each
// head rotate; the rest pass through unchanged (partial rotary: GPT-NeoX rotary_pct, Phi
// partial_rotary_factor).
//
// Frequency scaling follows transformers/modeling_rope_utils.py (4.57) exactly, with d = rotary_dim
// and inv_freq_i = theta^(-2i/d):
//   linear   inv_freq_i / factor                                      (_compute_linear_scaling_rope_parameters)
//   dynamic  theta' = theta (factor S / L0 - (factor - 1))^(d/(d-2)) once the sequence S passes the
//            original context L0, recomputed as S grows (dynamic_rope_update)   (_compute_dynamic_ntk_parameters)
//   yarn     per-frequency ramp between inv_freq_i / factor and inv_freq_i, and cos, sin x the
//            attention factor (0.1 ln(factor) + 1 unless given)           (_compute_yarn_parameters)
//   llama3   low frequencies / factor, high ones kept, smooth in between (_compute_llama3_parameters)
class RotaryEmbedding {
 public:
  RotaryEmbedding() = default;
  // Plain RoPE over all head_dim dims (no scaling).
  RotaryEmbedding(int64_t head_dim, int64_t max_positions, double theta, const torch::TensorOptions& opts);
  // c's RoPE: RotaryDim(c) dims, c's rope_theta and rope_scaling, tables for c.context_length positions.
  RotaryEmbedding(const ModelConfig& c, const torch::TensorOptions& opts);
  // x: (B, H, T, hs) holding positions [offset, offset + T). Returns the rotated tensor.
  torch::Tensor Apply(const torch::Tensor& x, int64_t offset) const;

  // The inverse frequencies (rotary_dim / 2) used for a sequence of `seq_len` positions (only
  // dynamic scaling depends on it) and the factor cos and sin are multiplied by (yarn; else 1).
  torch::Tensor InverseFrequencies(int64_t seq_len) const;
  double attention_factor() const { return attention_factor_; }
  int64_t rotary_dim() const { return rotary_dim_; }

 private:
  void BuildTables(int64_t max_positions, const torch::TensorOptions& opts);

  ModelConfig config_;  // theta and the scaling parameters
  int64_t rotary_dim_ = 0;
  int64_t original_context_ = 0;  // dynamic: the context past which theta grows
  double attention_factor_ = 1.0;
  torch::Tensor inv_freq_;   // (rotary_dim / 2) float32, for sequences within the original context
  torch::Tensor cos_, sin_;  // (max_positions, rotary_dim), float32 tables cast on use
};

// ALiBi slopes for `num_heads` heads (the paper's geometric sequence, with the interleaving
// rule of its reference implementation when num_heads is not a power of two).
torch::Tensor AlibiSlopes(int64_t num_heads);  // (H) float32

// Additive attention bias (1, H, Tq, Tk) for queries at positions [offset, offset+Tq) over keys
// [0, Tk): slope * (j - i) where j <= i, -inf where j > i (causal).
torch::Tensor AlibiCausalBias(const torch::Tensor& slopes, int64_t tq, int64_t tk, int64_t offset,
                              const torch::TensorOptions& opts);

// Sinusoidal table rows [offset, offset + T): (T, dim).
torch::Tensor SinusoidalPositions(int64_t offset, int64_t t, int64_t dim, const torch::TensorOptions& opts);

}  // namespace engine
