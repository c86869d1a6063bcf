// Causal self-attention through at::scaled_dot_product_attention (fused flash kernel on CPU
// and CUDA when there is no explicit mask), with GQA handled by the kernel (enable_gqa).
#include "engine/layers/attention.h"

#include "engine/layers/attention_kernel.h"

#include <algorithm>
#include <cmath>

namespace engine {

CausalSelfAttentionImpl::CausalSelfAttentionImpl(const ModelConfig& c, int64_t layer, const torch::TensorOptions& opts)
    : n_head_(c.num_heads),
      n_kv_head_(c.num_kv_heads),
      head_dim_(c.head_dim),
      window_(LayerIsLocal(c, layer) ? c.sliding_window : 0),
      softcap_(c.attn_logit_softcap),
      position_(c.position) {
  // 0 = the kernels' own 1/sqrt(hs), bit-identical to the models before query_pre_attn_scalar.
  const double scale = AttentionScale(c);
  scale_ = scale == 1.0 / std::sqrt(static_cast<double>(c.head_dim)) ? 0.0 : scale;
  qkv = register_module("qkv",
                        Linear(c.embedding_dim, (c.num_heads + 2 * c.num_kv_heads) * c.head_dim, c.qkv_bias, opts));
  proj = register_module("proj", Linear(c.num_heads * c.head_dim, c.embedding_dim, c.bias, opts));
  if (c.qk_norm) {  // Qwen3Attention: RMSNorm(head_dim) with its own weights on q and on k
    q_norm = register_module("q_norm", NormLayer(Norm::kRMSNorm, c.head_dim, c.norm_eps, false, opts));
    k_norm = register_module("k_norm", NormLayer(Norm::kRMSNorm, c.head_dim, c.norm_eps, false, opts));
  }
  if (position_ == Position::kRoPE) rope_ = RotaryEmbedding(c, opts);
  if (position_ == Position::kALiBi) alibi_slopes_ = AlibiSlopes(c.num_heads);
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> CausalSelfAttentionImpl::Project(const torch::Tensor& x,
                                                                                         int64_t offset) {
  const int64_t B = x.size(0), T = x.size(1);
  auto qkv_out = qkv(x);  // (B, T, (nh + 2 nkv) hs)
  auto parts = qkv_out.split({n_head_ * head_dim_, n_kv_head_ * head_dim_, n_kv_head_ * head_dim_}, -1);
  auto q = parts[0].view({B, T, n_head_, head_dim_});
  auto k = parts[1].view({B, T, n_kv_head_, head_dim_});
  if (q_norm) {  // per head, before RoPE
    q = q_norm(q);
    k = k_norm(k);
  }
  q = q.transpose(1, 2);                                                  // (B, nh, T, hs)
  k = k.transpose(1, 2);                                                  // (B, nkv, T, hs)
  auto v = parts[2].view({B, T, n_kv_head_, head_dim_}).transpose(1, 2);  // (B, nkv, T, hs)
  if (position_ == Position::kRoPE) {
    q = rope_.Apply(q, offset);
    k = rope_.Apply(k, offset);
  }
  return {q, k, v};
}

torch::Tensor CausalSelfAttentionImpl::Mask(int64_t offset, int64_t T, const torch::Tensor& key_pos) const {
  auto i = torch::arange(offset, offset + T, key_pos.options()).unsqueeze(1);  // (T, 1)
  auto j = key_pos.unsqueeze(0);                                               // (1, S)
  auto mask = j <= i;
  if (window_ > 0) mask = mask.logical_and(j > i - window_);  // transformers' sliding_window_overlay
  return mask;
}

torch::Tensor CausalSelfAttentionImpl::forward(const torch::Tensor& x, int64_t offset, LayerKVCache* cache,
                                               const torch::Tensor& residual) {
  const int64_t B = x.size(0), T = x.size(1);
  const bool gqa = n_kv_head_ != n_head_;
  auto [q, k, v] = Project(x, offset);
  const auto long_opts = x.options().dtype(torch::kLong);
  int64_t S = T;
  torch::Tensor y;
  if (cache != nullptr && offset + T > cache->k.size(2)) {
    // A local layer's rolling buffer past its length L = window: position p lives in slot p % L.
    const int64_t L = cache->k.size(2);
    TORCH_CHECK(window_ > 0 && L == window_, "KV cache is full");
    if (T == 1) {  // every slot holds one of the window's keys (i - W, i]: no mask
      cache->k.narrow(2, offset % L, 1).copy_(k);
      cache->v.narrow(2, offset % L, 1).copy_(v);
      y = Attention(q, cache->k, cache->v, std::nullopt, false, gqa, scale_, softcap_);
    } else {  // the cached keys (positions before offset) and the new ones, masked by position
      const int64_t filled = std::min(offset, L);
      auto slots = torch::arange(filled, long_opts);
      auto cached_pos = offset - 1 - torch::remainder(offset - 1 - slots, L);
      auto key_pos = torch::cat({cached_pos, torch::arange(offset, offset + T, long_opts)});
      auto keys = torch::cat({cache->k.narrow(2, 0, filled), k}, 2);
      auto values = torch::cat({cache->v.narrow(2, 0, filled), v}, 2);
      y = Attention(q, keys, values, Mask(offset, T, key_pos), false, gqa, scale_, softcap_);
      const int64_t n = std::min(T, L);  // the last L new positions stay
      auto write = torch::remainder(torch::arange(offset + T - n, offset + T, long_opts), L);
      cache->k.index_copy_(2, write, k.narrow(2, T - n, n));
      cache->v.index_copy_(2, write, v.narrow(2, T - n, n));
    }
    y = y.transpose(1, 2).reshape({B, T, n_head_ * head_dim_});
    return residual.defined() ? proj->ForwardAdd(y, residual) : proj(y);
  }
  if (cache != nullptr) {
    cache->k.narrow(2, offset, T).copy_(k);
    cache->v.narrow(2, offset, T).copy_(v);
    S = offset + T;
    k = cache->k.narrow(2, 0, S);  // (B, nkv, S, hs)
    v = cache->v.narrow(2, 0, S);
  } else {
    TORCH_CHECK(offset == 0, "attention without a KV cache starts at position 0");
  }
  // Keys are positions [0, S). The window matters once the last query is W or more positions in.
  const bool windowed = window_ > 0 && S > window_;
  if (position_ == Position::kALiBi) {
    auto bias = AlibiCausalBias(alibi_slopes_, T, S, offset, q.options());
    if (windowed) bias = bias.masked_fill(Mask(offset, T, torch::arange(S, long_opts)).logical_not(), -INFINITY);
    y = Attention(q, k, v, bias, false, gqa, scale_, softcap_);
  } else if (T == S && !windowed) {
    y = Attention(q, k, v, std::nullopt, /*is_causal=*/true, gqa, scale_, softcap_);
  } else if (T == 1 && !windowed) {
    y = Attention(q, k, v, std::nullopt, false, gqa, scale_, softcap_);  // sees all of [0, S)
  } else {
    // Queries at [offset, offset+T) over keys [0, S): SDPA's is_causal aligns top-left, so mask explicitly.
    y = Attention(q, k, v, Mask(offset, T, torch::arange(S, long_opts)), false, gqa, scale_, softcap_);
  }
  y = y.transpose(1, 2).reshape({B, T, n_head_ * head_dim_});  // (B, T, nh hs)
  return residual.defined() ? proj->ForwardAdd(y, residual) : proj(y);
}

torch::Tensor CausalSelfAttentionImpl::ForwardExplicit(const torch::Tensor& x) {
  ScopedAttentionKernel explicit_kernel(AttentionKernel::kExplicit);
  return forward(x);
}

}  // namespace engine
