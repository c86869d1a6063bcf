// Causal self-attention: multi-head (MHA), grouped-query (GQA) and multi-query (MQA) through
// num_kv_heads, with RoPE or ALiBi positions, a fused q|k|v projection and an optional KV cache.
// Shapes: B = batch, T = new tokens, S = cached + new tokens, C = embedding_dim,
// nh = query heads, nkv = key/value heads, hs = head_dim.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"
#include "engine/layers/linear.h"
#include "engine/layers/positions.h"

namespace engine {

// Pre-allocated keys and values of one layer: (B, nkv, max_len, hs) each.
struct LayerKVCache {
  torch::Tensor k, v;
};

class CausalSelfAttentionImpl : public torch::nn::Module {
 public:
  CausalSelfAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts);

  // x: (B, T, C) at positions [offset, offset + T). With `cache`, writes this step's keys and
  // values at [offset, offset + T) and attends over [0, offset + T); without, offset must be 0.
  // Adds `residual` (B, T, C) to the output when it is defined (fused into the projection).
  torch::Tensor forward(const torch::Tensor& x, int64_t offset = 0, LayerKVCache* cache = nullptr,
                        const torch::Tensor& residual = {});

  // Same result through explicit matmul -> mask -> softmax -> matmul (no fused SDPA kernel).
  // (ScopedAttentionKernel(kExplicit) around forward). Used by tests.
  torch::Tensor ForwardExplicit(const torch::Tensor& x);

  Linear qkv{nullptr};   // C -> (nh + 2 nkv) hs
  Linear proj{nullptr};  // nh hs -> C

 private:
  // Splits the fused projection into q (B, nh, T, hs), k and v (B, nkv, T, hs) with positions applied.
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> Project(const torch::Tensor& x, int64_t offset);

  int64_t n_head_, n_kv_head_, head_dim_;
  Position position_;
  RotaryEmbedding rope_;
  torch::Tensor alibi_slopes_;
};
TORCH_MODULE(CausalSelfAttention);

}  // namespace engine
