// Multi-head latent attention (DeepSeek-V2/V3, engine/layers/mla.h) in the decoder: DeepSeek-V3
// built on meta has transformers' parameter count, the compressed KV cache holds kv_lora_rank +
// qk_rope_head_dim values per token and layer, cached decoding (token by token and in chunks)
// equals the full forward, the fused and explicit attention kernels agree, and the first
// first_dense_layers blocks have a dense MLP at hidden_dim.
#include "tests/engine/torch_doctest.h"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/layers/attention_kernel.h"
#include "engine/layers/mla.h"
#include "engine/models/decoder.h"
#include "engine/models/family.h"
#include "tests/model_configs.h"

namespace {


// A DeepSeek-V3 in miniature: 3 layers (the first dense), 4 heads, q_lora_rank `q_lora`.
engine::ModelConfig TinyMla(int64_t q_lora) {
  engine::ModelConfig c = testing_configs::Mixtral(3, 32, 4, 4, 48, 8, 2);
  c.vocab_size = 61;
  c.context_length = 24;
  c.head_dim = 4;
  c.q_lora_rank = q_lora;
  c.kv_lora_rank = 16;
  c.qk_nope_head_dim = 8;
  c.qk_rope_head_dim = 4;
  c.v_head_dim = 10;  // unlike the q.k width (12): SDPA takes its math path
  c.moe_hidden_dim = 16;
  c.num_shared_experts = 1;
  c.first_dense_layers = 1;
  c.router_scoring = engine::RouterScoring::kSigmoid;
  c.router_bias = true;
  c.router_groups = 4;
  c.router_topk_groups = 2;
  c.routed_scaling_factor = 2.5;
  return c;
}

// Every parameter and buffer from N(0, 0.2), norm weights around 1: random enough that a wrong
// rotation, scale or cache position shows.
void RandomWeights(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& item : m.named_parameters()) {
    item.value().normal_(0.0, 0.2);
    if (item.key().find("norm") != std::string::npos) item.value().add_(1.0);
  }
  for (auto& b : m.buffers()) b.normal_(0.0, 0.1);  // the routers' correction biases
}

}  // namespace

TEST_CASE("mla: DeepSeek-V3 built on meta has transformers' 671,026,404,352 parameters") {
  engine::ModelConfig c = testing_configs::DeepSeekV3();
  c.context_length = 4096;  // the rotary tables' length changes no parameter
  REQUIRE(engine::ValidateConfig(c) == "");
  engine::Decoder m(c, torch::TensorOptions().device(torch::kMeta));
  int64_t total = 0;
  for (const auto& p : m->parameters()) total += p.numel();
  // DeepseekV3ForCausalLM(DeepseekV3Config()) without the multi-token-prediction layer (issue 16);
  // e_score_correction_bias is a buffer there and here.
  CHECK(total == 671026404352);
  int64_t buffers = 0;
  for (const auto& item : m->named_buffers())
    if (item.key().find("router_bias") != std::string::npos) buffers += item.value().numel();
  CHECK(buffers == 256 * (61 - 3));
  auto names = m->named_parameters().keys();
  auto has = [&](const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); };
  CHECK(has("blocks.0.attn.q_a.weight"));
  CHECK(has("blocks.0.attn.kv_a_norm.weight"));
  CHECK(has("blocks.2.mlp.fc.weight"));  // dense: first_dense_layers = 3
  CHECK_FALSE(has("blocks.2.mlp.router.weight"));
  CHECK(has("blocks.3.mlp.router.weight"));
  CHECK(has("blocks.3.mlp.shared_experts.fc.weight"));
  CHECK(has("blocks.60.mlp.experts.255.proj.weight"));
  auto block = m->blocks[3]->as<engine::Block>();
  CHECK(block->mla->q_b->weight.sizes() == torch::IntArrayRef({128 * 192, 1536}));
  CHECK(block->mla->kv_a->weight.sizes() == torch::IntArrayRef({512 + 64, 7168}));
  CHECK(block->mla->kv_b->weight.sizes() == torch::IntArrayRef({128 * (128 + 128), 512}));
  CHECK(block->moe->shared_experts->fc->weight.sizes() == torch::IntArrayRef({2 * 2048, 7168}));
  CHECK(m->blocks[0]->as<engine::Block>()->mlp->fc->weight.sizes() == torch::IntArrayRef({2 * 18432, 7168}));
}

TEST_CASE("mla: the KV cache holds kv_lora_rank + qk_rope_head_dim values per token and layer") {
  const auto c = TinyMla(24);
  engine::Decoder m(c, torch::TensorOptions().dtype(torch::kFloat32));
  const engine::KVCache cache = m->NewCache(2, 10);
  REQUIRE(cache.layers.size() == 3);
  for (const auto& layer : cache.layers) {
    CHECK(layer.k.sizes() == torch::IntArrayRef({2, 1, 10, 16}));  // RMSNorm(c_kv)
    CHECK(layer.v.sizes() == torch::IntArrayRef({2, 1, 10, 4}));   // rotated k_rope
  }
  // GQA with the same heads would cache 2 x heads x (nope + rope) = 96 values; MLA caches 20.
  CHECK(cache.layers[0].k.size(3) + cache.layers[0].v.size(3) == c.kv_lora_rank + c.qk_rope_head_dim);
}

TEST_CASE("mla: token-by-token and chunked cached decoding equal the full forward (max |diff| < 1e-4)") {
  torch::NoGradGuard no_grad;
  for (int64_t q_lora : {24, 0}) {
    CAPTURE(q_lora);
    torch::manual_seed(5);
    const auto c = TinyMla(q_lora);
    REQUIRE(engine::ValidateConfig(c) == "");
    engine::Decoder m(c, torch::TensorOptions().dtype(torch::kFloat32));
    RandomWeights(*m);
    m->eval();
    auto ids = torch::randint(0, c.vocab_size, {2, 16}, torch::kLong);
    auto full = m->forward(ids);  // (2, 16, V)
    auto cache = m->NewCache(2, c.context_length);
    double max_diff = 0;
    auto last = m->ForwardCached(ids.narrow(1, 0, 1), &cache);  // from the very first token
    max_diff = std::max(max_diff, (last - full.select(1, 0)).abs().max().item<double>());
    for (int64_t t = 1; t < 16; ++t) {
      last = m->ForwardCached(ids.narrow(1, t, 1), &cache);
      max_diff = std::max(max_diff, (last - full.select(1, t)).abs().max().item<double>());
    }
    auto chunk_cache = m->NewCache(2, c.context_length);  // a prefix, then a multi-token chunk
    m->ForwardCached(ids.narrow(1, 0, 5), &chunk_cache);
    auto chunk = m->ForwardCached(ids.narrow(1, 5, 6), &chunk_cache);
    max_diff = std::max(max_diff, (chunk - full.select(1, 10)).abs().max().item<double>());
    MESSAGE("MLA cache vs full forward, q_lora_rank " << q_lora << ": max |diff| = " << max_diff);
    CHECK(max_diff < 1e-4);
    CHECK(full.abs().max().item<double>() > 0.1);  // not a degenerate model
    // Causal: changing the last token changes no earlier logit.
    auto changed = ids.clone();
    changed[0][15] = (changed[0][15].item<int64_t>() + 1) % c.vocab_size;
    CHECK(torch::allclose(m->forward(changed).narrow(1, 0, 15), full.narrow(1, 0, 15), 1e-5, 1e-5));
  }
}

TEST_CASE("mla: the fused and explicit attention kernels agree, and the scale is AttentionScale") {
  torch::NoGradGuard no_grad;
  torch::manual_seed(6);
  auto c = TinyMla(24);
  engine::MlaAttention attn(c, torch::TensorOptions().dtype(torch::kFloat32));
  RandomWeights(*attn);
  auto x = torch::randn({2, 9, c.embedding_dim});
  auto fused = attn->forward(x);
  torch::Tensor explicit_out;
  {
    engine::ScopedAttentionKernel k(engine::AttentionKernel::kExplicit);
    explicit_out = attn->forward(x);
  }
  CHECK((fused - explicit_out).abs().max().item<double>() < 1e-5);
  // query_pre_attn_scalar changes AttentionScale, and so the output.
  c.query_pre_attn_scalar = 3.0;
  engine::MlaAttention scaled(c, torch::TensorOptions().dtype(torch::kFloat32));
  for (size_t i = 0; i < attn->parameters().size(); ++i) scaled->parameters()[i].copy_(attn->parameters()[i]);
  CHECK((scaled->forward(x) - fused).abs().max().item<double>() > 1e-3);
}
