// Decoder-only transformer: pre-norm blocks, fused attention, optional KV cache.
#include "engine/models/decoder.h"

#include <algorithm>
#include <cmath>

#include "engine/layers/checkpoint.h"
#include "engine/layers/positions.h"
#include "engine/models/common.h"

namespace engine {

BlockImpl::BlockImpl(const ModelConfig& c, int64_t layer, const torch::TensorOptions& opts)
    : parallel_residual_(c.parallel_residual) {
  norm1 = register_module("norm1", NormLayer(c.norm, c.embedding_dim, c.norm_eps, c.bias, opts));
  if (UsesMla(c))
    mla = register_module("attn", MlaAttention(c, opts));
  else
    attn = register_module("attn", CausalSelfAttention(c, layer, opts));
  if (c.sandwich_norm)
    post_attn_norm = register_module("post_attn_norm", NormLayer(c.norm, c.embedding_dim, c.norm_eps, c.bias, opts));
  norm2 = register_module("norm2", NormLayer(c.norm, c.embedding_dim, c.norm_eps, c.bias, opts));
  if (LayerIsMoe(c, layer))
    moe = register_module("mlp", MoeMlp(c, opts));
  else
    mlp = register_module("mlp", Mlp(c, opts));
  if (c.sandwich_norm)
    post_ffw_norm = register_module("post_ffw_norm", NormLayer(c.norm, c.embedding_dim, c.norm_eps, c.bias, opts));
}

torch::Tensor BlockImpl::Ffn(const torch::Tensor& x, const torch::Tensor& residual) {
  return moe ? moe(x, residual) : mlp(x, residual);
}

torch::Tensor BlockImpl::Attn(const torch::Tensor& x, int64_t offset, LayerKVCache* cache,
                              const torch::Tensor& residual) {
  return mla ? mla(x, offset, cache, residual) : attn(x, offset, cache, residual);
}

torch::Tensor BlockImpl::forward(torch::Tensor x, int64_t offset, LayerKVCache* cache) {
  if (parallel_residual_) {  // GPTNeoXLayer: attn_output + mlp_output + hidden_states
    auto attn_out = Attn(norm1(x), offset, cache, /*residual=*/x);
    return Ffn(norm2(x), /*residual=*/attn_out);
  }
  if (post_attn_norm) {  // Gemma2DecoderLayer: the residual is added after the post norms
    x = x + post_attn_norm(Attn(norm1(x), offset, cache));
    return x + post_ffw_norm(Ffn(norm2(x)));
  }
  x = Attn(norm1(x), offset, cache, /*residual=*/x);  // (B, T, C)
  return Ffn(norm2(x), /*residual=*/x);
}

DecoderImpl::DecoderImpl(const ModelConfig& c, const torch::TensorOptions& opts) : config_(c), opts_(opts) {
  tok_emb = register_module("tok_emb", Embedding(c.vocab_size, c.embedding_dim, opts));
  if (c.position == Position::kLearned)
    pos_emb = register_module("pos_emb", Embedding(c.context_length, c.embedding_dim, opts));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_layers; ++i) blocks->push_back(Block(c, i, opts));
  norm_f = register_module("norm_f", NormLayer(c.norm, c.embedding_dim, c.norm_eps, c.bias, opts));
  if (c.tie_embeddings) {
    lm_head = Linear(tok_emb->weight);  // shares the embedding matrix; not a second parameter
  } else {
    lm_head = register_module("lm_head", Linear(c.embedding_dim, c.vocab_size, false, opts));
  }
}

void DecoderImpl::PackForInference() {
  for (auto& module : modules(/*include_self=*/false))
    if (auto* linear = module->as<LinearImpl>()) linear->PackForInference();
  if (config_.tie_embeddings) lm_head->PackForInference();  // not registered: pack it here
}

void DecoderImpl::InitWeights(uint64_t seed) {
  torch::NoGradGuard no_grad;
  DropPackedLinears(*this);
  lm_head->DropPacked();  // not registered when tied
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double residual_std = 0.02 / std::sqrt(2.0 * config_.num_layers);
  for (auto& item : named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& p = item.value();
    if (p.device().is_meta()) continue;
    const bool is_norm = name.find("norm") != std::string::npos;
    const bool is_bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (is_norm && !is_bias) {
      p.fill_(1.0);
    } else if (is_bias) {
      p.zero_();
    } else {
      const bool residual = name.find("proj.weight") != std::string::npos;
      // Draw in float32 on the CPU with our generator, so every device/dtype gets the same weights.
      auto w = torch::empty(p.sizes(), torch::kFloat32);
      w.normal_(0.0, residual ? residual_std : 0.02, gen);
      p.copy_(w);
    }
  }
}

torch::Tensor DecoderImpl::Embed(const torch::Tensor& ids, int64_t offset) {
  const int64_t T = ids.size(1);
  auto x = tok_emb(ids);  // (B, T, C)
  if (config_.embedding_scale) {
    // Gemma: x * sqrt(C) with the factor rounded to the activation dtype (torch.tensor(C**0.5, dtype)).
    x = x * torch::full({}, std::sqrt(static_cast<double>(config_.embedding_dim)), x.options());
  }
  if (config_.position == Position::kLearned) {
    auto pos = torch::arange(offset, offset + T, ids.options());
    x = x + pos_emb(pos);  // broadcast (T, C)
  } else if (config_.position == Position::kSinusoidal) {
    x = x + SinusoidalPositions(offset, T, config_.embedding_dim, x.options());
  }
  return x;
}

torch::Tensor DecoderImpl::Head(const torch::Tensor& x) {
  auto logits = lm_head(norm_f(x));
  if (config_.final_logit_softcap > 0)  // Gemma 2: logits / cap -> tanh -> x cap
    logits = torch::tanh(logits / config_.final_logit_softcap) * config_.final_logit_softcap;
  return logits;
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& ids) {
  TORCH_CHECK(ids.dim() == 2, "ids must be (batch, tokens)");
  TORCH_CHECK(ids.size(1) <= config_.context_length, "sequence longer than context_length");
  auto x = Embed(ids, 0);
  for (const auto& block : *blocks) {
    std::shared_ptr<torch::nn::Module> held = block;  // kept alive until backward
    x = RunBlock([held](const torch::Tensor& t) { return held->as<Block>()->forward(t); }, x);
  }
  return Head(x);  // (B, T, V)
}

torch::Tensor DecoderImpl::ForwardCached(const torch::Tensor& ids, KVCache* cache) {
  const int64_t T = ids.size(1), offset = cache->length;
  TORCH_CHECK(offset + T <= cache->max_len, "KV cache is full");
  auto x = Embed(ids, offset);
  for (size_t i = 0; i < blocks->size(); ++i) x = blocks[i]->as<Block>()->forward(x, offset, &cache->layers[i]);
  cache->length += T;
  return Head(x.select(1, T - 1));  // (B, V): only the last position is needed to decode
}

KVCache DecoderImpl::NewCache(int64_t batch, int64_t max_len) const {
  KVCache cache;
  cache.max_len = max_len;
  auto opts = tok_emb->weight.options();
  for (int64_t i = 0; i < config_.num_layers; ++i) {
    if (UsesMla(config_)) {  // compressed: c_kv and k_rope (engine/layers/mla.h)
      cache.layers.push_back(MlaAttentionImpl::NewCache(config_, batch, max_len, opts));
      continue;
    }
    const int64_t len = LayerIsLocal(config_, i) ? std::min(max_len, config_.sliding_window) : max_len;
    cache.layers.push_back({torch::empty({batch, config_.num_kv_heads, len, config_.head_dim}, opts),
                            torch::empty({batch, config_.num_kv_heads, len, config_.head_dim}, opts)});
  }
  return cache;
}

}  // namespace engine
