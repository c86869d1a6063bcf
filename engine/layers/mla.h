// Multi-head latent attention (MLA; DeepSeek-AI 2024, "DeepSeek-V2", section 2.1), as
// transformers' DeepseekV3Attention computes it:
//   q           = W_qb RMSNorm(W_qa x)        (or W_q x when q_lora_rank is 0), per head [q_nope; q_rope]
//   [c_kv; k_r] = W_kva x                     c_kv: kv_lora_rank, k_r: qk_rope_head_dim (one for all heads)
//   [k_nope; v] = W_kvb RMSNorm(c_kv)         per head qk_nope_head_dim + v_head_dim
//   k           = [k_nope; RoPE(k_r)], q = [q_nope; RoPE(q_rope)]; y = W_o softmax(s q k^T) v
// with s = AttentionScale(c) (qk head width^-1/2, times YaRN's mscale^2 for DeepSeek-V3).
// RoPE rotates halves (our RotaryEmbedding); DeepSeek-V3 checkpoints rotate interleaved pairs, so
// the loader reorders their rope rows (engine/weights/hf_names.cc, "deepseek_v3").
// KV cache (LayerKVCache): k holds RMSNorm(c_kv) (B, 1, max_len, kv_lora_rank) and v the rotated
// k_r (B, 1, max_len, qk_rope_head_dim): kv_lora_rank + qk_rope_head_dim values per token, the
// compression MLA exists for. Dim 1 is a single "head" so that dim 2 counts positions as in the
// other caches. Every step decompresses all cached positions through W_kvb (no weight absorption),
// which is what the analytic FLOP count assumes.
// Parameter names: q_a, q_a_norm, q_b (or q), kv_a, kv_a_norm, kv_b, proj.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"
#include "engine/layers/attention.h"
#include "engine/layers/linear.h"
#include "engine/layers/norms.h"
#include "engine/layers/positions.h"

namespace engine {

// transformers builds q_a_layernorm and kv_a_layernorm with DeepseekV3RMSNorm's default eps,
// not rms_norm_eps (modeling_deepseek_v3.py, DeepseekV3Attention.__init__).
inline constexpr double kMlaNormEps = 1e-6;

class MlaAttentionImpl : public torch::nn::Module {
 public:
  MlaAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts);

  // x: (B, T, C) at positions [offset, offset + T); the cache contract of CausalSelfAttention
  // (engine/layers/attention.h) with the compressed cache above. Adds `residual` when defined.
  torch::Tensor forward(const torch::Tensor& x, int64_t offset = 0, LayerKVCache* cache = nullptr,
                        const torch::Tensor& residual = {});

  // The empty cache of one layer for `max_len` positions.
  static LayerKVCache NewCache(const ModelConfig& c, int64_t batch, int64_t max_len, const torch::TensorOptions& opts);

  Linear q_a{nullptr};           // C -> q_lora_rank (q_lora_rank > 0)
  NormLayer q_a_norm{nullptr};   // RMSNorm(q_lora_rank)
  Linear q_b{nullptr};           // q_lora_rank -> nh (nope + rope)
  Linear q{nullptr};             // C -> nh (nope + rope) (q_lora_rank == 0)
  Linear kv_a{nullptr};          // C -> kv_lora_rank + rope
  NormLayer kv_a_norm{nullptr};  // RMSNorm(kv_lora_rank)
  Linear kv_b{nullptr};          // kv_lora_rank -> nh (nope + v)
  Linear proj{nullptr};          // nh v -> C

 private:
  int64_t n_head_, nope_, rope_dim_, v_dim_, kv_rank_;
  double q_multiplier_;  // folds AttentionScale into q: the kernel divides by sqrt(nope + rope)
  RotaryEmbedding rope_;
};
TORCH_MODULE(MlaAttention);

}  // namespace engine
