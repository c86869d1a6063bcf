// Causal self-attention: multi-head (MHA), grouped-query (GQA) and multi-query (MQA) through
// num_kv_heads, with RoPE (scaled, partial) or ALiBi positions, a fused q|k|v projection, optional
// QK-norm, soft-capped scores, a sliding window on local layers and an optional KV cache.
// Shapes: B = batch, T = new tokens, S = cached + new tokens, C = embedding_dim,
// nh = query heads, nkv = key/value heads, hs = head_dim.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"
#include "engine/layers/linear.h"
#include "engine/layers/norms.h"
#include "engine/layers/positions.h"

namespace engine {

// Pre-allocated keys and values of one layer: (B, nkv, L, hs) each. A global layer holds every
// position (L = max_len, position p in slot p); a local (sliding-window) layer holds the last
// L = min(max_len, window) positions as a rolling buffer: position p in slot p % L.
struct LayerKVCache {
  torch::Tensor k, v;
};

class CausalSelfAttentionImpl : public torch::nn::Module {
 public:
  // `layer`: the block index (0-based), which decides whether the layer is local (LayerIsLocal).
  CausalSelfAttentionImpl(const ModelConfig& c, int64_t layer, const torch::TensorOptions& opts);

  // x: (B, T, C) at positions [offset, offset + T). With `cache`, writes this step's keys and
  // values at [offset, offset + T) and attends over [0, offset + T) (a local layer: over the
  // window (i - W, i] of each query i); without, offset must be 0.
  // Adds `residual` (B, T, C) to the output when it is defined (fused into the projection).
  torch::Tensor forward(const torch::Tensor& x, int64_t offset = 0, LayerKVCache* cache = nullptr,
                        const torch::Tensor& residual = {});

  // Same result through explicit matmul -> mask -> softmax -> matmul (no fused SDPA kernel).
  // (ScopedAttentionKernel(kExplicit) around forward). Used by tests.
  torch::Tensor ForwardExplicit(const torch::Tensor& x);

  Linear qkv{nullptr};        // C -> (nh + 2 nkv) hs
  Linear proj{nullptr};       // nh hs -> C
  NormLayer q_norm{nullptr};  // qk_norm: RMSNorm over hs of each query head, before RoPE (Qwen3)
  NormLayer k_norm{nullptr};  // ... and of each key head

 private:
  // Splits the fused projection into q (B, nh, T, hs), k and v (B, nkv, T, hs) with positions applied.
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> Project(const torch::Tensor& x, int64_t offset);

  // The causal (and window) mask of queries at [offset, offset + T) over keys at `key_pos` (S).
  torch::Tensor Mask(int64_t offset, int64_t T, const torch::Tensor& key_pos) const;

  int64_t n_head_, n_kv_head_, head_dim_;
  int64_t window_;  // > 0: this layer is local and sees the last window_ keys
  double scale_, softcap_;
  Position position_;
  RotaryEmbedding rope_;
  torch::Tensor alibi_slopes_;
};
TORCH_MODULE(CausalSelfAttention);

}  // namespace engine
