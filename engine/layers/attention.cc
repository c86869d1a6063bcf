// Causal self-attention through at::scaled_dot_product_attention (fused flash kernel on CPU
// and CUDA when there is no explicit mask), with GQA handled by the kernel (enable_gqa).
#include "engine/layers/attention.h"

#include "engine/layers/attention_kernel.h"

#include <cmath>

namespace engine {

CausalSelfAttentionImpl::CausalSelfAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts)
    : n_head_(c.num_heads), n_kv_head_(c.num_kv_heads), head_dim_(c.head_dim), position_(c.position) {
  qkv = register_module("qkv",
                        Linear(c.embedding_dim, (c.num_heads + 2 * c.num_kv_heads) * c.head_dim, c.qkv_bias, opts));
  proj = register_module("proj", Linear(c.num_heads * c.head_dim, c.embedding_dim, c.bias, opts));
  if (position_ == Position::kRoPE) rope_ = RotaryEmbedding(c.head_dim, c.context_length, c.rope_theta, opts);
  if (position_ == Position::kALiBi) alibi_slopes_ = AlibiSlopes(c.num_heads);
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> CausalSelfAttentionImpl::Project(const torch::Tensor& x,
                                                                                         int64_t offset) {
  const int64_t B = x.size(0), T = x.size(1);
  auto qkv_out = qkv(x);  // (B, T, (nh + 2 nkv) hs)
  auto parts = qkv_out.split({n_head_ * head_dim_, n_kv_head_ * head_dim_, n_kv_head_ * head_dim_}, -1);
  auto q = parts[0].view({B, T, n_head_, head_dim_}).transpose(1, 2);     // (B, nh, T, hs)
  auto k = parts[1].view({B, T, n_kv_head_, head_dim_}).transpose(1, 2);  // (B, nkv, T, hs)
  auto v = parts[2].view({B, T, n_kv_head_, head_dim_}).transpose(1, 2);  // (B, nkv, T, hs)
  if (position_ == Position::kRoPE) {
    q = rope_.Apply(q, offset);
    k = rope_.Apply(k, offset);
  }
  return {q, k, v};
}

torch::Tensor CausalSelfAttentionImpl::forward(const torch::Tensor& x, int64_t offset, LayerKVCache* cache,
                                               const torch::Tensor& residual) {
  const int64_t B = x.size(0), T = x.size(1);
  auto [q, k, v] = Project(x, offset);
  int64_t S = T;
  if (cache != nullptr) {
    cache->k.narrow(2, offset, T).copy_(k);
    cache->v.narrow(2, offset, T).copy_(v);
    S = offset + T;
    k = cache->k.narrow(2, 0, S);  // (B, nkv, S, hs)
    v = cache->v.narrow(2, 0, S);
  } else {
    TORCH_CHECK(offset == 0, "attention without a KV cache starts at position 0");
  }
  const bool gqa = n_kv_head_ != n_head_;
  torch::Tensor y;
  if (position_ == Position::kALiBi) {
    auto bias = AlibiCausalBias(alibi_slopes_, T, S, offset, q.options());
    y = Attention(q, k, v, bias, false, gqa);
  } else if (T == S) {
    y = Attention(q, k, v, std::nullopt, /*is_causal=*/true, gqa);
  } else if (T == 1) {
    y = Attention(q, k, v, std::nullopt, false, gqa);  // sees all of [0, S)
  } else {
    // Queries at [offset, offset+T) over keys [0, S): SDPA's is_causal aligns top-left, so mask explicitly.
    auto i = torch::arange(offset, offset + T, x.options().dtype(torch::kLong)).unsqueeze(1);
    auto j = torch::arange(S, x.options().dtype(torch::kLong)).unsqueeze(0);
    y = Attention(q, k, v, j <= i, false, gqa);
  }
  y = y.transpose(1, 2).reshape({B, T, n_head_ * head_dim_});  // (B, T, nh hs)
  return residual.defined() ? proj->ForwardAdd(y, residual) : proj(y);
}

torch::Tensor CausalSelfAttentionImpl::ForwardExplicit(const torch::Tensor& x) {
  ScopedAttentionKernel explicit_kernel(AttentionKernel::kExplicit);
  return forward(x);
}

}  // namespace engine
