// Shared analytic pieces of the transformer families (encoder, vit, audio): one block's
// parameters and the matmul FLOPs of a stack of bidirectional blocks, overflow-checked
// (engine/checked.h). Plain C++ (engine core).
#pragma once

#include <cstdint>

#include "engine/checked.h"
#include "engine/config.h"
#include "engine/report.h"

namespace engine {

// Fused q|k|v (with qkv_bias) + output projection (with bias).
inline Checked SelfAttentionParams(const ModelConfig& c) {
  const Checked C = c.embedding_dim, A = Checked(c.num_heads) * c.head_dim;
  return C * 3 * A + (c.qkv_bias ? A * 3 : Checked(0)) + A * C + (c.bias ? C : Checked(0));
}
// fc (gate|up when gated) + proj, with biases when c.bias.
inline Checked MlpParams(const ModelConfig& c) {
  const Checked C = c.embedding_dim, H = c.hidden_dim, F = Checked(IsGated(c.activation) ? 2 : 1) * H;
  return C * F + (c.bias ? F : Checked(0)) + H * C + (c.bias ? C : Checked(0));
}
inline Checked LayerNormParams(const ModelConfig& c) { return Checked(2) * c.embedding_dim; }

// Matmul FLOPs of `layers` bidirectional blocks over batch x T tokens: attention projections,
// attention scores (QK^T and AV in full) and the MLP.
inline CheckedCounts TransformerStackFlops(const ModelConfig& c, int64_t batch, int64_t T, int64_t layers) {
  const Checked C = c.embedding_dim, A = Checked(c.num_heads) * c.head_dim, N = Checked(batch) * T, L = layers;
  const Checked F = Checked(IsGated(c.activation) ? 2 : 1) * c.hidden_dim;
  return {{"attention_projections", L * (Checked(2) * N * C * 3 * A + Checked(2) * N * A * C)},
          {"attention_scores", L * 2 * (Checked(2) * batch * c.num_heads * T * T * c.head_dim)},
          {"mlp", L * (Checked(2) * N * C * F + Checked(2) * N * c.hidden_dim * C)}};
}

// Elementwise estimates (as engine/count.cc): LayerNorm ~5/element, softmax ~5/score,
// GELU ~8/hidden element, residual adds 1/element.
inline CheckedCounts TransformerElementwise(const ModelConfig& c, int64_t batch, int64_t T, int64_t layers,
                                            int64_t norms) {
  const Checked N = Checked(batch) * T, C = c.embedding_dim;
  return {{"norm", Checked(5) * N * C * norms},
          {"softmax", Checked(5) * batch * c.num_heads * T * T * layers},
          {"activation", Checked(8) * N * c.hidden_dim * layers},
          {"residual", Checked(2) * N * C * layers}};
}

}  // namespace engine
