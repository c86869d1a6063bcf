// Position information: rotary embeddings (RoPE, Su et al. 2021), ALiBi attention biases
// (Press et al. 2022) and fixed sinusoidal tables (Vaswani et al. 2017). Learned positions are
// a plain Embedding in the model. None of these has parameters.
#pragma once

#include <torch/torch.h>

namespace engine {

// Rotary embedding in the "rotate half" layout used by GPT-NeoX and Hugging Face Llama, so
// their q/k projection weights map without permutation.
class RotaryEmbedding {
 public:
  RotaryEmbedding() = default;
  RotaryEmbedding(int64_t head_dim, int64_t max_positions, double theta, const torch::TensorOptions& opts);
  // x: (B, H, T, hs) holding positions [offset, offset + T). Returns the rotated tensor.
  torch::Tensor Apply(const torch::Tensor& x, int64_t offset) const;

 private:
  torch::Tensor cos_, sin_;  // (max_positions, hs), float32 tables cast on use
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
