// Decoder-only transformer language model (GPT-2 and Llama families) built from a ModelConfig.
// Reads bottom-up: Block (pre-norm attention + MLP with residuals) -> Decoder (embeddings,
// blocks, final norm, LM head). Parameter names are stable (blocks.0.attn.qkv.weight) so
// Hugging Face checkpoints map onto them (engine/weights/hf_names.h).
// Shapes: B = batch, T = tokens, C = embedding_dim, V = vocab_size.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "engine/config.h"
#include "engine/layers/attention.h"
#include "engine/layers/linear.h"
#include "engine/layers/mla.h"
#include "engine/layers/mlp.h"
#include "engine/layers/moe.h"
#include "engine/layers/norms.h"

namespace engine {

class BlockImpl : public torch::nn::Module {
 public:
  // Layer `layer` (0-based) of the model: its attention (MLA when UsesMla) and feed-forward
  // (experts when LayerIsMoe, else the dense Mlp at hidden_dim) depend on it.
  BlockImpl(const ModelConfig& c, int64_t layer, const torch::TensorOptions& opts);
  // x: (B, T, C) -> (B, T, C).
  torch::Tensor forward(torch::Tensor x, int64_t offset = 0, LayerKVCache* cache = nullptr);

  NormLayer norm1{nullptr};
  CausalSelfAttention attn{nullptr};  // GQA attention, or
  MlaAttention mla{nullptr};          // multi-head latent attention (UsesMla); registered as "attn" either way
  NormLayer norm2{nullptr};
  Mlp mlp{nullptr};     // dense feed-forward (decoder), or
  MoeMlp moe{nullptr};  // mixture of experts (LayerIsMoe); registered as "mlp" either way
};
TORCH_MODULE(Block);

// The KV cache of every layer, pre-allocated for `max_len` positions.
struct KVCache {
  std::vector<LayerKVCache> layers;
  int64_t length = 0;  // positions filled so far
};

class DecoderImpl : public torch::nn::Module {
 public:
  // Parameters are created with `opts` (device, dtype): `meta` allocates nothing.
  DecoderImpl(const ModelConfig& c, const torch::TensorOptions& opts);

  // ids: (B, T) int64 -> logits (B, T, V).
  torch::Tensor forward(const torch::Tensor& ids);

  // Incremental decoding: processes ids (B, T) at positions [cache->length, +T), appends their
  // keys/values to the cache and returns logits of the LAST position only: (B, V).
  torch::Tensor ForwardCached(const torch::Tensor& ids, KVCache* cache);

  KVCache NewCache(int64_t batch, int64_t max_len) const;

  // Packs every linear weight for oneDNN inference on CPU (see LinearImpl::PackForInference).
  // Call after the weights are final; InitWeights drops the packed copies.
  void PackForInference();

  // GPT-2 initialisation: N(0, 0.02), residual projections N(0, 0.02/sqrt(2L)), zero biases.
  void InitWeights(uint64_t seed);

  const ModelConfig& config() const { return config_; }

  Embedding tok_emb{nullptr};
  Embedding pos_emb{nullptr};  // learned positions only
  torch::nn::ModuleList blocks{nullptr};
  NormLayer norm_f{nullptr};
  Linear lm_head{nullptr};  // a registered parameter only when embeddings are not tied

 private:
  torch::Tensor Embed(const torch::Tensor& ids, int64_t offset);  // (B, T) -> (B, T, C)
  torch::Tensor Head(const torch::Tensor& x);                     // (..., C) -> (..., V)

  ModelConfig config_;
  torch::TensorOptions opts_;
};
TORCH_MODULE(Decoder);

}  // namespace engine
