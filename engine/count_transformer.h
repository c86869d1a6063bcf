// Shared analytic pieces of the transformer families (encoder, vit, audio): one block's
// parameters and the matmul FLOPs of a stack of bidirectional blocks. Plain C++ (engine core).
#pragma once

#include <cstdint>

#include "engine/config.h"
#include "engine/report.h"

namespace engine {

// Fused q|k|v (with qkv_bias) + output projection (with bias).
inline int64_t SelfAttentionParams(const ModelConfig& c) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim;
  return C * 3 * A + (c.qkv_bias ? 3 * A : 0) + A * C + (c.bias ? C : 0);
}
// fc (gate|up when gated) + proj, with biases when c.bias.
inline int64_t MlpParams(const ModelConfig& c) {
  const int64_t C = c.embedding_dim, F = (IsGated(c.activation) ? 2 : 1) * c.hidden_dim;
  return C * F + (c.bias ? F : 0) + c.hidden_dim * C + (c.bias ? C : 0);
}
inline int64_t LayerNormParams(const ModelConfig& c) { return 2 * c.embedding_dim; }

// Matmul FLOPs of `layers` bidirectional blocks over batch x T tokens: attention projections,
// attention scores (QK^T and AV in full) and the MLP.
inline NamedCounts TransformerStackFlops(const ModelConfig& c, int64_t batch, int64_t T, int64_t layers) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim, N = batch * T;
  const int64_t F = (IsGated(c.activation) ? 2 : 1) * c.hidden_dim;
  return {{"attention_projections", layers * (2 * N * C * 3 * A + 2 * N * A * C)},
          {"attention_scores", layers * 2 * (2 * batch * c.num_heads * T * T * c.head_dim)},
          {"mlp", layers * (2 * N * C * F + 2 * N * c.hidden_dim * C)}};
}

// Elementwise estimates (as engine/count.cc): LayerNorm ~5/element, softmax ~5/score,
// GELU ~8/hidden element, residual adds 1/element.
inline NamedCounts TransformerElementwise(const ModelConfig& c, int64_t batch, int64_t T, int64_t layers,
                                          int64_t norms) {
  const int64_t N = batch * T, C = c.embedding_dim;
  return {{"norm", 5 * N * C * norms},
          {"softmax", 5 * batch * c.num_heads * T * T * layers},
          {"activation", 8 * N * c.hidden_dim * layers},
          {"residual", 2 * N * C * layers}};
}

}  // namespace engine
