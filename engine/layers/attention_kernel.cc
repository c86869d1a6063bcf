// Fused (SDPA) and explicit attention behind one call (see attention_kernel.h).
#include "engine/layers/attention_kernel.h"

#include <cmath>
#include <limits>

namespace engine {
namespace {

thread_local AttentionKernel current_kernel = AttentionKernel::kFused;

// softmax(cap(q k^T * scale) + mask) v with every intermediate materialized: (B, nh, T, S) scores.
// The order of Gemma 2's eager attention: scale, soft-cap, mask, float32 softmax.
torch::Tensor ExplicitAttention(const torch::Tensor& q, torch::Tensor k, torch::Tensor v,
                                const std::optional<torch::Tensor>& mask, bool is_causal, bool gqa, double scale,
                                double softcap) {
  const int64_t T = q.size(-2), S = k.size(-2), hs = q.size(-1);
  if (gqa && k.size(1) != q.size(1)) {  // each kv head serves nh / nkv query heads
    k = k.repeat_interleave(q.size(1) / k.size(1), 1);
    v = v.repeat_interleave(q.size(1) / v.size(1), 1);
  }
  auto scores = torch::matmul(q, k.transpose(-2, -1)).to(torch::kFloat32);
  scores = scale > 0 ? scores * scale : scores / std::sqrt(static_cast<double>(hs));
  if (softcap > 0) scores = torch::tanh(scores / softcap) * softcap;
  const double neg_inf = -std::numeric_limits<double>::infinity();
  if (is_causal) {
    auto future = torch::ones({T, S}, q.options().dtype(torch::kBool)).triu(1);  // top-left aligned
    scores = scores.masked_fill(future, neg_inf);
  }
  if (mask.has_value() && mask->defined()) {
    if (mask->scalar_type() == torch::kBool)
      scores = scores.masked_fill(mask->logical_not(), neg_inf);
    else
      scores = scores + mask->to(torch::kFloat32);
  }
  auto weights = torch::softmax(scores, -1).to(q.scalar_type());  // (B, nh, T, S)
  return torch::matmul(weights, v);                               // (B, nh, T, hs)
}

}  // namespace

AttentionKernel CurrentAttentionKernel() { return current_kernel; }

ScopedAttentionKernel::ScopedAttentionKernel(AttentionKernel kernel) : previous_(current_kernel) {
  current_kernel = kernel;
}

ScopedAttentionKernel::~ScopedAttentionKernel() { current_kernel = previous_; }

torch::Tensor Attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const std::optional<torch::Tensor>& mask, bool is_causal, bool gqa, double scale,
                        double softcap) {
  if (current_kernel == AttentionKernel::kExplicit || softcap > 0)
    return ExplicitAttention(q, k, v, mask, is_causal, gqa, scale, softcap);
  return at::scaled_dot_product_attention(q, k, v, mask, 0.0, is_causal,
                                          scale > 0 ? std::optional<double>(scale) : std::nullopt, gqa);
}

}  // namespace engine
