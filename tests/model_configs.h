// Published model configurations shared by the unit and engine tests (plain C++, no LibTorch).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

// Mixtral (Jiang et al. 2024): the Mistral-7B layout (GQA 32/8, SwiGLU 14336, RMSNorm, RoPE, no
// biases, untied) with 8 experts per feed-forward layer, top-2 routing. 8x7B: 32 layers, 4096 wide.
inline engine::ModelConfig Mixtral(int64_t layers, int64_t dim, int64_t heads, int64_t kv_heads, int64_t hidden,
                                   int64_t experts, int64_t top_k) {
  engine::ModelConfig c = Llama2(layers, dim, heads, kv_heads, hidden);
  c.family = engine::Family::kMoe;
  c.context_length = 32768;
  c.rope_theta = 1e6;
  c.num_experts = experts;
  c.experts_per_token = top_k;
  return c;
}

// DeepSeek-V3 (DeepSeek-AI 2024; config.json of deepseek-ai/DeepSeek-V3): 61 layers, 7168 wide,
// 128 heads, multi-head latent attention (q_lora_rank 1536, kv_lora_rank 512, nope 128 + rope 64
// per q/k head, v 128), the first 3 layers dense (18432), then 256 routed experts of width 2048
// (8 per token from 4 of 8 groups, sigmoid scores with a correction bias, x 2.5) and one shared
// expert; YaRN x40 over 4,096 positions. 671,026,404,352 parameters as transformers builds it.
inline engine::ModelConfig DeepSeekV3() {
  engine::ModelConfig c = Mixtral(61, 7168, 128, 128, 18432, 256, 8);
  c.vocab_size = 129280;
  c.context_length = 163840;
  c.head_dim = 64;  // transformers' head_dim (= qk_rope_head_dim); MLA's widths are below
  c.rope_theta = 10000;
  c.norm_eps = 1e-6;
  c.q_lora_rank = 1536;
  c.kv_lora_rank = 512;
  c.qk_nope_head_dim = 128;
  c.qk_rope_head_dim = 64;
  c.v_head_dim = 128;
  c.moe_hidden_dim = 2048;
  c.num_shared_experts = 1;
  c.first_dense_layers = 3;
  c.router_scoring = engine::RouterScoring::kSigmoid;
  c.router_bias = true;
  c.router_groups = 8;
  c.router_topk_groups = 4;
  c.routed_scaling_factor = 2.5;
  c.rope_scaling = engine::RopeScaling::kYarn;
  c.rope_scaling_factor = 40;
  c.rope_original_context = 4096;
  c.rope_attention_factor = 1.0;
  c.rope_mscale_all_dim = 1.0;
  return c;
}

// BERT-base-uncased (Devlin et al. 2019): vocab 30522, 512 positions, 2 token types, 12 layers,
// 768 wide, 12 heads, 3072 hidden, exact GELU, LayerNorm eps 1e-12, post-norm, pooler.
inline engine::ModelConfig BertBase() {
  engine::ModelConfig c;
  c.family = engine::Family::kEncoder;
  c.vocab_size = 30522;
  c.context_length = 512;
  c.num_layers = 12;
  c.embedding_dim = 768;
  c.num_heads = c.num_kv_heads = 12;
  c.head_dim = 64;
  c.hidden_dim = 3072;
  c.norm_eps = 1e-12;
  c.type_vocab_size = 2;
  c.norm_position = "post";
  return c;
}

// ViT-B/16 (Dosovitskiy et al. 2021) at 224x224 with 1000 classes; LayerNorm eps 1e-6.
inline engine::ModelConfig VitB16() {
  engine::ModelConfig c;
  c.family = engine::Family::kVit;
  c.num_layers = 12;
  c.embedding_dim = 768;
  c.num_heads = c.num_kv_heads = 12;
  c.head_dim = 64;
  c.hidden_dim = 3072;
  c.norm_eps = 1e-6;
  c.num_classes = 1000;
  return c;
}

// torchvision ResNets: ResNet(block, stages), 1000 classes, 224x224.
inline engine::ModelConfig ResNet(const std::string& block, std::vector<int64_t> stages) {
  engine::ModelConfig c;
  c.family = engine::Family::kResNet;
  c.block = block;
  c.stages = std::move(stages);
  c.num_classes = 1000;
  return c;
}

// Whisper tiny (Radford et al. 2022): 80 mels, 4+4 layers, 384 wide, 6 heads, vocab 51865, 448 text positions.
inline engine::ModelConfig WhisperTiny() {
  engine::ModelConfig c;
  c.family = engine::Family::kAudio;
  c.num_layers = 4;
  c.decoder_layers = 4;
  c.embedding_dim = 384;
  c.num_heads = c.num_kv_heads = 6;
  c.head_dim = 64;
  c.hidden_dim = 1536;
  c.vocab_size = 51865;
  c.context_length = 448;
  return c;
}

// A word-level LSTM LM (Zaremba et al. 2014, "medium"): 10k vocabulary, 2 layers of 650.
inline engine::ModelConfig LstmMedium() {
  engine::ModelConfig c;
  c.family = engine::Family::kRecurrent;
  c.vocab_size = 10000;
  c.num_layers = 2;
  c.embedding_dim = 650;
  c.hidden_dim = 650;
  c.tie_embeddings = false;
  return c;
}

}  // namespace testing_configs
