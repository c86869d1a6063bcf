// Published model configurations shared by the unit and engine tests (plain C++, no LibTorch).
#pragma once

#include <cstdint>

#include "engine/config.h"

namespace testing_configs {

// GPT-2 (Radford et al. 2019): vocab 50257, context 1024, LayerNorm, GELU, learned positions,
// biases, tied head. Sizes: (12, 768, 12), (24, 1024, 16), (36, 1280, 20), (48, 1600, 25).
inline engine::ModelConfig Gpt2(int64_t layers, int64_t dim, int64_t heads) {
  engine::ModelConfig c;
  c.vocab_size = 50257;
  c.context_length = 1024;
  c.num_layers = layers;
  c.embedding_dim = dim;
  c.num_heads = c.num_kv_heads = heads;
  c.head_dim = dim / heads;
  c.hidden_dim = 4 * dim;
  return c;
}

// Llama 2 (Touvron et al. 2023): vocab 32000, context 4096, RMSNorm, SwiGLU, RoPE, no biases,
// untied head. 7B: (32, 4096, 32, 32, 11008); 70B: (80, 8192, 64, 8, 28672).
inline engine::ModelConfig Llama2(int64_t layers, int64_t dim, int64_t heads, int64_t kv_heads, int64_t hidden) {
  engine::ModelConfig c;
  c.vocab_size = 32000;
  c.context_length = 4096;
  c.num_layers = layers;
  c.embedding_dim = dim;
  c.num_heads = heads;
  c.num_kv_heads = kv_heads;
  c.head_dim = dim / heads;
  c.hidden_dim = hidden;
  c.norm = engine::Norm::kRMSNorm;
  c.activation = engine::Activation::kSwiGLU;
  c.position = engine::Position::kRoPE;
  c.bias = c.qkv_bias = false;
  c.tie_embeddings = false;
  return c;
}

}  // namespace testing_configs
