// One attention entry point for every attention layer: softmax(q k^T * scale + mask) v,
// either through at::scaled_dot_product_attention (the fused kernel: flash attention on CPU and
// CUDA) or through explicit matmul -> mask -> softmax -> matmul (the fused-attention
// experiment's baseline). Which one runs is a thread-local switch, so whole models change
// kernel without new code paths. Shapes: q (B, nh, T, hs); k, v (B, nkv, S, hs).
#pragma once

#include <torch/torch.h>

#include <optional>

namespace engine {

enum class AttentionKernel { kFused, kExplicit };

// The kernel attention layers on this thread use. Default: kFused.
AttentionKernel CurrentAttentionKernel();

// Sets the kernel for its lifetime, then restores the previous one.
class ScopedAttentionKernel {
 public:
  explicit ScopedAttentionKernel(AttentionKernel kernel);
  ~ScopedAttentionKernel();
  ScopedAttentionKernel(const ScopedAttentionKernel&) = delete;
  ScopedAttentionKernel& operator=(const ScopedAttentionKernel&) = delete;

 private:
  AttentionKernel previous_;
};

// Same contract as at::scaled_dot_product_attention(q, k, v, mask, 0.0, is_causal, scale, gqa):
// `mask` is boolean (true = attend) or additive; is_causal aligns the mask top-left (query i
// sees keys j <= i); gqa repeats each of the nkv key/value heads for nh / nkv query heads.
// scale: the softmax scale (0 = 1 / sqrt(hs)). softcap > 0 caps the scaled scores before the
// mask, s -> softcap * tanh(s / softcap) (Gemma 2's attn_logit_softcapping); SDPA has no such
// step, so a soft-capped call always takes the explicit path.
torch::Tensor Attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const std::optional<torch::Tensor>& mask = std::nullopt, bool is_causal = false,
                        bool gqa = false, double scale = 0.0, double softcap = 0.0);

}  // namespace engine
