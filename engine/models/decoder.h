// Decoder-only transformer language model (GPT-2 and Llama families) built from a ModelConfig.
// Reads bottom-up: Block (pre-norm attention + MLP with residuals; or parallel, GPT-NeoX; or
// with sandwich norms, Gemma 2) -> Decoder (embeddings, optionally x sqrt(C), blocks, final norm,
// LM head, optionally soft-capped). Parameter names are stable (blocks.0.attn.qkv.weight) so
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
  // `layer`: this block's index (0-based): local or global attention (LayerIsLocal), dense or
  // experts (LayerIsMoe).
  BlockImpl(const ModelConfig& c, int64_t layer, const torch::TensorOptions& opts);
  // x: (B, T, C) -> (B, T, C):
  //   sequential (default)  x = x + attn(norm1(x));  x = x + mlp(norm2(x))
  //   parallel_residual     x = x + attn(norm1(x)) + mlp(norm2(x))            (GPT-NeoX, GPT-J)
  //   sandwich_norm         x = x + post_attn_norm(attn(norm1(x)));
  //                         x = x + post_ffw_norm(mlp(norm2(x)))              (Gemma 2)
  torch::Tensor forward(torch::Tensor x, int64_t offset = 0, LayerKVCache* cache = nullptr);

  NormLayer norm1{nullptr};
  CausalSelfAttention attn{nullptr};  // GQA attention, or
  MlaAttention mla{nullptr};          // multi-head latent attention (UsesMla); registered as "attn" either way
  NormLayer post_attn_norm{nullptr};  // sandwich_norm only
  NormLayer norm2{nullptr};
  Mlp mlp{nullptr};                  // dense feed-forward (decoder), or
  MoeMlp moe{nullptr};               // mixture of experts (moe family); registered as "mlp" either way
  NormLayer post_ffw_norm{nullptr};  // sandwich_norm only

 private:
  torch::Tensor Attn(const torch::Tensor& x, int64_t offset, LayerKVCache* cache,
                     const torch::Tensor& residual = {});                       // attn or mla
  torch::Tensor Ffn(const torch::Tensor& x, const torch::Tensor& residual = {});  // mlp or moe

  bool parallel_residual_;
};
TORCH_MODULE(Block);

// The KV cache of every layer, pre-allocated for `max_len` positions (a local layer's for at
// most its window: a rolling buffer, see LayerKVCache).
struct KVCache {
  std::vector<LayerKVCache> layers;
  int64_t length = 0;   // positions filled so far
  int64_t max_len = 0;  // positions it can take
};

class DecoderImpl : public torch::nn::Module {
 public:
  // Parameters are created with `opts` (device, dtype): `meta` allocates nothing.
  DecoderImpl(const ModelConfig& c, const torch::TensorOptions& opts);

  // ids: (B, T) int64 -> logits (B, T, V); soft-capped, cap tanh(logits / cap), with final_logit_softcap.
  torch::Tensor forward(const torch::Tensor& ids);

  // Incremental decoding: processes ids (B, T) at positions [cache->length, +T), appends their
  // keys/values to the cache and returns logits of the LAST position only: (B, V).
  torch::Tensor ForwardCached(const torch::Tensor& ids, KVCache* cache);

  // Layer l's cache holds max_len positions, or min(max_len, sliding_window) when it is local.
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
