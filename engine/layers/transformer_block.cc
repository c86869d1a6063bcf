// Bidirectional / causal / cross attention and the transformer block (see transformer_block.h).
#include "engine/layers/transformer_block.h"

#include "engine/layers/attention_kernel.h"
#include "engine/layers/checkpoint.h"

namespace engine {
namespace {

// (B, T, heads * d) -> (B, heads, T, d)
torch::Tensor SplitHeads(const torch::Tensor& x, int64_t heads, int64_t d) {
  return x.view({x.size(0), x.size(1), heads, d}).transpose(1, 2);
}

torch::Tensor MergeHeads(const torch::Tensor& y) {  // (B, h, T, d) -> (B, T, h * d)
  return y.transpose(1, 2).reshape({y.size(0), y.size(2), y.size(1) * y.size(3)});
}

}  // namespace

SelfAttentionImpl::SelfAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts)
    : heads_(c.num_heads), head_dim_(c.head_dim) {
  const int64_t A = c.num_heads * c.head_dim;
  qkv = register_module("qkv", Linear(c.embedding_dim, 3 * A, c.qkv_bias, opts));
  proj = register_module("proj", Linear(A, c.embedding_dim, c.bias, opts));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, bool causal, const torch::Tensor& residual) {
  const int64_t A = heads_ * head_dim_;
  auto parts = qkv(x).split({A, A, A}, -1);
  auto y = Attention(SplitHeads(parts[0], heads_, head_dim_), SplitHeads(parts[1], heads_, head_dim_),
                     SplitHeads(parts[2], heads_, head_dim_), std::nullopt, causal);
  y = MergeHeads(y);
  return residual.defined() ? proj->ForwardAdd(y, residual) : proj(y);
}

CrossAttentionImpl::CrossAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts)
    : heads_(c.num_heads), head_dim_(c.head_dim) {
  const int64_t A = c.num_heads * c.head_dim;
  q = register_module("q", Linear(c.embedding_dim, A, c.qkv_bias, opts));
  kv = register_module("kv", Linear(c.embedding_dim, 2 * A, c.qkv_bias, opts));
  proj = register_module("proj", Linear(A, c.embedding_dim, c.bias, opts));
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& memory,
                                          const torch::Tensor& residual) {
  const int64_t A = heads_ * head_dim_;
  auto parts = kv(memory).split({A, A}, -1);
  auto y = Attention(SplitHeads(q(x), heads_, head_dim_), SplitHeads(parts[0], heads_, head_dim_),
                     SplitHeads(parts[1], heads_, head_dim_));
  y = MergeHeads(y);
  return residual.defined() ? proj->ForwardAdd(y, residual) : proj(y);
}

TransformerBlockImpl::TransformerBlockImpl(const ModelConfig& c, bool pre_norm, bool causal, bool cross,
                                           const torch::TensorOptions& opts)
    : pre_norm_(pre_norm), causal_(causal) {
  // LayerNorm with its bias: BERT, ViT and Whisper all have one.
  norm1 = register_module("norm1", NormLayer(Norm::kLayerNorm, c.embedding_dim, c.norm_eps, true, opts));
  attn = register_module("attn", SelfAttention(c, opts));
  if (cross) {
    norm_cross = register_module("norm_cross", NormLayer(Norm::kLayerNorm, c.embedding_dim, c.norm_eps, true, opts));
    cross_attn = register_module("cross_attn", CrossAttention(c, opts));
  }
  norm2 = register_module("norm2", NormLayer(Norm::kLayerNorm, c.embedding_dim, c.norm_eps, true, opts));
  mlp = register_module("mlp", Mlp(c, opts));
}

torch::Tensor TransformerBlockImpl::forward(torch::Tensor x, const torch::Tensor& memory) {
  if (pre_norm_) {
    x = attn(norm1(x), causal_, x);
    if (cross_attn) x = cross_attn(norm_cross(x), memory, x);
    return mlp(norm2(x), x);
  }
  x = norm1(attn(x, causal_, x));
  if (cross_attn) x = norm_cross(cross_attn(x, memory, x));
  return norm2(mlp(x, x));
}

torch::Tensor RunTransformerBlocks(const torch::nn::ModuleList& blocks, torch::Tensor x) {
  for (const auto& block : *blocks) {
    std::shared_ptr<torch::nn::Module> held = block;  // kept alive until backward
    x = RunBlock([held](const torch::Tensor& t) { return held->as<TransformerBlockImpl>()->forward(t); }, x);
  }
  return x;
}

}  // namespace engine
