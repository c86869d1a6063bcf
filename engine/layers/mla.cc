// Multi-head latent attention with the compressed KV cache (see mla.h).
#include "engine/layers/mla.h"

#include <cmath>

#include "engine/layers/attention_kernel.h"

namespace engine {

MlaAttentionImpl::MlaAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts)
    : n_head_(c.num_heads),
      nope_(c.qk_nope_head_dim),
      rope_dim_(c.qk_rope_head_dim),
      v_dim_(c.v_head_dim),
      kv_rank_(c.kv_lora_rank),
      q_multiplier_(AttentionScale(c) * std::sqrt(static_cast<double>(QkHeadDim(c)))) {
  const int64_t C = c.embedding_dim, H = c.num_heads, qk = QkHeadDim(c);
  // Biases as transformers' attention_bias puts them: on q_a_proj, kv_a_proj_with_mqa (our
  // qkv_bias) and o_proj (our bias); never on q_proj, q_b_proj or kv_b_proj.
  if (c.q_lora_rank > 0) {
    q_a = register_module("q_a", Linear(C, c.q_lora_rank, c.qkv_bias, opts));
    q_a_norm = register_module("q_a_norm", NormLayer(Norm::kRMSNorm, c.q_lora_rank, kMlaNormEps, false, opts));
    q_b = register_module("q_b", Linear(c.q_lora_rank, H * qk, false, opts));
  } else {
    q = register_module("q", Linear(C, H * qk, false, opts));
  }
  kv_a = register_module("kv_a", Linear(C, c.kv_lora_rank + c.qk_rope_head_dim, c.qkv_bias, opts));
  kv_a_norm = register_module("kv_a_norm", NormLayer(Norm::kRMSNorm, c.kv_lora_rank, kMlaNormEps, false, opts));
  kv_b = register_module("kv_b", Linear(c.kv_lora_rank, H * (c.qk_nope_head_dim + c.v_head_dim), false, opts));
  proj = register_module("proj", Linear(H * c.v_head_dim, C, c.bias, opts));
  // RoPE over the rope part only (RotaryDim(c) = qk_rope_head_dim), with c's rope scaling
  // (YaRN for DeepSeek-V3; engine/layers/positions.h).
  rope_ = RotaryEmbedding(c, opts);
}

LayerKVCache MlaAttentionImpl::NewCache(const ModelConfig& c, int64_t batch, int64_t max_len,
                                        const torch::TensorOptions& opts) {
  return {torch::empty({batch, 1, max_len, c.kv_lora_rank}, opts),
          torch::empty({batch, 1, max_len, c.qk_rope_head_dim}, opts)};
}

torch::Tensor MlaAttentionImpl::forward(const torch::Tensor& x, int64_t offset, LayerKVCache* cache,
                                        const torch::Tensor& residual) {
  const int64_t B = x.size(0), T = x.size(1), H = n_head_, qk = nope_ + rope_dim_;
  auto q_all = q_b ? q_b(q_a_norm(q_a(x))) : q(x);    // (B, T, H qk)
  q_all = q_all.view({B, T, H, qk}).transpose(1, 2);  // (B, H, T, qk)
  auto q_nope = q_all.narrow(-1, 0, nope_);
  auto q_rope = rope_.Apply(q_all.narrow(-1, nope_, rope_dim_), offset);
  auto compressed = kv_a(x);                                                                   // (B, T, r + dr)
  auto c_kv = kv_a_norm(compressed.narrow(-1, 0, kv_rank_)).unsqueeze(1);                      // (B, 1, T, r)
  auto k_rope = rope_.Apply(compressed.narrow(-1, kv_rank_, rope_dim_).unsqueeze(1), offset);  // (B, 1, T, dr)
  int64_t S = T;
  if (cache != nullptr) {
    cache->k.narrow(2, offset, T).copy_(c_kv);
    cache->v.narrow(2, offset, T).copy_(k_rope);
    S = offset + T;
    c_kv = cache->k.narrow(2, 0, S);  // (B, 1, S, r)
    k_rope = cache->v.narrow(2, 0, S);
  } else {
    TORCH_CHECK(offset == 0, "attention without a KV cache starts at position 0");
  }
  // Decompress every position used: (B, S, H (nope + v)) -> (B, H, S, nope + v).
  auto kv = kv_b(c_kv.squeeze(1)).view({B, S, H, nope_ + v_dim_}).transpose(1, 2);
  auto k = torch::cat({kv.narrow(-1, 0, nope_), k_rope.expand({B, H, S, rope_dim_})}, -1);  // (B, H, S, qk)
  auto v = kv.narrow(-1, nope_, v_dim_);                                                    // (B, H, S, dv)
  auto query = torch::cat({q_nope, q_rope}, -1).mul_(q_multiplier_);                        // (B, H, T, qk)
  torch::Tensor y;
  if (T == S) {
    y = Attention(query, k, v, std::nullopt, /*is_causal=*/true);
  } else if (T == 1) {
    y = Attention(query, k, v);  // sees all of [0, S)
  } else {
    auto i = torch::arange(offset, offset + T, x.options().dtype(torch::kLong)).unsqueeze(1);
    auto j = torch::arange(S, x.options().dtype(torch::kLong)).unsqueeze(0);
    y = Attention(query, k, v, j <= i);
  }
  y = y.transpose(1, 2).reshape({B, T, H * v_dim_});  // (B, T, H dv)
  return residual.defined() ? proj->ForwardAdd(y, residual) : proj(y);
}

}  // namespace engine
