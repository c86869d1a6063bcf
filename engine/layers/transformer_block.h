// Transformer blocks of the encoder-style families (encoder, vit, audio): bidirectional or
// causal self-attention without a cache, cross-attention, and the pre- or post-norm block.
// Parameter names: attn.qkv, attn.proj; cross_attn.q, cross_attn.kv, cross_attn.proj;
// mlp.fc, mlp.proj; norm1, norm2, norm_cross.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"
#include "engine/layers/linear.h"
#include "engine/layers/mlp.h"
#include "engine/layers/norms.h"

namespace engine {

class SelfAttentionImpl : public torch::nn::Module {
 public:
  SelfAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts);
  // (B, T, C) -> (B, T, C); `causal` masks future positions; adds `residual` when defined.
  torch::Tensor forward(const torch::Tensor& x, bool causal = false, const torch::Tensor& residual = {});
  Linear qkv{nullptr}, proj{nullptr};

 private:
  int64_t heads_, head_dim_;
};
TORCH_MODULE(SelfAttention);

class CrossAttentionImpl : public torch::nn::Module {
 public:
  CrossAttentionImpl(const ModelConfig& c, const torch::TensorOptions& opts);
  // x (B, T, C) attends to memory (B, S, C).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& memory, const torch::Tensor& residual = {});
  Linear q{nullptr}, kv{nullptr}, proj{nullptr};

 private:
  int64_t heads_, head_dim_;
};
TORCH_MODULE(CrossAttention);

class TransformerBlockImpl : public torch::nn::Module {
 public:
  // pre_norm: x + f(norm(x)); otherwise (BERT) norm(x + f(x)). cross: a cross-attention sub-layer
  // between self-attention and the MLP (the audio family's text decoder).
  TransformerBlockImpl(const ModelConfig& c, bool pre_norm, bool causal, bool cross, const torch::TensorOptions& opts);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& memory = {});
  NormLayer norm1{nullptr}, norm_cross{nullptr}, norm2{nullptr};
  SelfAttention attn{nullptr};
  CrossAttention cross_attn{nullptr};
  Mlp mlp{nullptr};

 private:
  bool pre_norm_, causal_;
};
TORCH_MODULE(TransformerBlock);

// x through every TransformerBlock of `blocks` (no cross-attention), each checkpointed when
// activation checkpointing is on (engine/layers/checkpoint.h).
torch::Tensor RunTransformerBlocks(const torch::nn::ModuleList& blocks, torch::Tensor x);

}  // namespace engine
