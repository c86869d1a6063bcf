// Analytic counts against published numbers (no LibTorch needed).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/count.h"
#include "tests/model_configs.h"

TEST_CASE("GPT-2 parameter counts match the published sizes") {
  CHECK(engine::AnalyticParameters(testing_configs::Gpt2(12, 768, 12)).total == 124439808);
  CHECK(engine::AnalyticParameters(testing_configs::Gpt2(24, 1024, 16)).total == 354823168);
  CHECK(engine::AnalyticParameters(testing_configs::Gpt2(36, 1280, 20)).total == 774030080);
  CHECK(engine::AnalyticParameters(testing_configs::Gpt2(48, 1600, 25)).total == 1557611200);
}

TEST_CASE("GPT-2 small parameter breakdown sums to the total") {
  const auto p = engine::AnalyticParameters(testing_configs::Gpt2(12, 768, 12));
  CHECK(p.embedding == 50257 * 768 + 1024 * 768);
  CHECK(p.non_embedding == 124439808 - p.embedding);
  int64_t sum = 0;
  for (const auto& [name, n] : p.by_component) sum += n;
  CHECK(sum == p.total);
}

TEST_CASE("Llama-2-7B parameter count matches the published size") {
  CHECK(engine::AnalyticParameters(testing_configs::Llama2(32, 4096, 32, 32, 11008)).total == 6738415616);
}

TEST_CASE("GPT-2 small forward FLOPs at batch 1, sequence 1024") {
  const auto f = engine::AnalyticForwardFlops(testing_configs::Gpt2(12, 768, 12), 1, 1024);
  CHECK(f.forward == 291648307200);
  CHECK(f.forward_macs == 145824153600);
  int64_t sum = 0;
  for (const auto& [name, n] : f.by_component) sum += n;
  CHECK(sum == f.forward);
}

TEST_CASE("decode-step FLOPs of one token equal the forward FLOPs of a one-token sequence") {
  const auto c = testing_configs::Gpt2(12, 768, 12);
  CHECK(engine::AnalyticDecodeStepFlops(c, 1, 1) == engine::AnalyticForwardFlops(c, 1, 1).forward);
  CHECK(engine::KVCacheBytesPerToken(c, 2) == 2 * 12 * 12 * 64 * 2);
}

TEST_CASE("Mistral-7B (a dense GQA decoder) matches the published size") {
  // Mistral 7B: Llama layout, 32 layers, 4096 wide, 32 query / 8 KV heads, FFN 14336, vocab 32000.
  const auto c = testing_configs::Llama2(32, 4096, 32, 8, 14336);
  const auto p = engine::AnalyticParameters(c);
  CHECK(p.total == 7241732096);
  CHECK(p.active == p.total);
}

TEST_CASE("Mixtral 8x7B: total and active parameters, FLOPs with the active experts") {
  const auto moe = testing_configs::Mixtral(32, 4096, 32, 8, 14336, 8, 2);
  const auto p = engine::AnalyticParameters(moe);
  CHECK(p.total == 46702792704);   // 46.7B, Mistral AI's published total
  CHECK(p.active == 12879925248);  // 12.9B used per token (2 of 8 experts)
  int64_t sum = 0;
  for (const auto& [name, n] : p.by_component) sum += n;
  CHECK(sum == p.total);
  // Per token, the MoE forward costs the dense model's FLOPs with 2 FFNs plus the router.
  const auto dense = testing_configs::Llama2(32, 4096, 32, 8, 14336);
  const auto f_moe = engine::AnalyticForwardFlops(moe, 1, 128);
  const auto f_dense = engine::AnalyticForwardFlops(dense, 1, 128);
  const int64_t L = 32, T = 128, C = 4096, H = 14336, E = 8;
  const int64_t ffn = L * (2 * T * C * 2 * H + 2 * T * H * C);  // the second active expert (gate|up, down)
  const int64_t router = L * 2 * T * C * E;
  CHECK(f_moe.forward == f_dense.forward + ffn + router);
  CHECK(engine::AnalyticDecodeStepFlops(moe, 1, 1) == engine::AnalyticForwardFlops(moe, 1, 1).forward);
}

// ---- issue 16: the models people bring today ----------------------------------------------
// Each config is the published config.json (Hugging Face Hub) as `modelcard import` maps it; the
// totals are what transformers 4.57 builds from those configs (sum of named_parameters() on the
// meta device, the tied head once), which are also the published sizes.
namespace {

engine::ModelConfig Llama3(int64_t layers, int64_t dim, int64_t heads, int64_t hidden, bool tied) {
  engine::ModelConfig c = testing_configs::Llama2(layers, dim, heads, 8, hidden);
  c.vocab_size = 128256;
  c.context_length = 131072;
  c.rope_theta = 500000;
  c.rope_scaling = engine::RopeScaling::kLlama3;
  c.rope_scaling_factor = tied ? 32 : 8;
  c.rope_original_context = 8192;
  c.tie_embeddings = tied;
  return c;
}

engine::ModelConfig Gemma2_2B() {
  engine::ModelConfig c = testing_configs::Llama2(26, 2304, 8, 4, 9216);
  c.head_dim = 256;
  c.vocab_size = 256000;
  c.context_length = 8192;
  c.activation = engine::Activation::kGeGLUTanh;
  c.tie_embeddings = true;
  c.sliding_window = 4096;
  c.sliding_window_pattern = 2;
  c.sandwich_norm = true;
  c.embedding_scale = true;
  c.attn_logit_softcap = 50;
  c.final_logit_softcap = 30;
  c.query_pre_attn_scalar = 256;
  return c;
}

engine::ModelConfig Phi3Mini4k() {
  engine::ModelConfig c = testing_configs::Llama2(32, 3072, 32, 32, 8192);
  c.vocab_size = 32064;
  c.sliding_window = 2047;
  return c;
}

engine::ModelConfig Qwen3(int64_t layers, int64_t dim, int64_t heads, int64_t kv_heads, int64_t hidden, bool tied) {
  engine::ModelConfig c = testing_configs::Llama2(layers, dim, heads, kv_heads, hidden);
  c.head_dim = 128;
  c.vocab_size = 151936;
  c.context_length = 40960;
  c.rope_theta = 1e6;
  c.qk_norm = true;
  c.tie_embeddings = tied;
  return c;
}

engine::ModelConfig Qwen3_30B_A3B() {
  engine::ModelConfig c = Qwen3(48, 2048, 32, 4, 6144, false);
  c.family = engine::Family::kMoe;
  c.num_experts = 128;
  c.experts_per_token = 8;
  c.moe_hidden_dim = 768;
  return c;
}

engine::ModelConfig Pythia1_4B() {
  engine::ModelConfig c = testing_configs::Llama2(24, 2048, 16, 16, 8192);
  c.vocab_size = 50304;
  c.context_length = 2048;
  c.norm = engine::Norm::kLayerNorm;
  c.activation = engine::Activation::kGELU;
  c.bias = c.qkv_bias = true;
  c.rotary_dim = 32;  // rotary_pct 0.25 of head_dim 128
  c.parallel_residual = true;
  return c;
}


int64_t SumOf(const engine::NamedCounts& parts) {
  int64_t sum = 0;
  for (const auto& [name, n] : parts) sum += n;
  return sum;
}

int64_t Part(const engine::NamedCounts& parts, const std::string& key) {
  for (const auto& [name, n] : parts)
    if (name == key) return n;
  return -1;
}

}  // namespace

engine::ModelConfig Mistral7Bv01() {  // Llama layout, one window of 4,096 for every layer
  auto c = testing_configs::Llama2(32, 4096, 32, 8, 14336);
  c.sliding_window = 4096;
  return c;
}

TEST_CASE("issue 16: published parameter counts of current open models") {
  struct Case {
    const char* name;
    engine::ModelConfig config;
    int64_t total;
  };
  const std::vector<Case> cases = {{"Llama-3.1-8B", Llama3(32, 4096, 32, 14336, false), 8030261248},
                                   {"Llama-3.1-70B", Llama3(80, 8192, 64, 28672, false), 70553706496},
                                   {"Llama-3.2-1B", Llama3(16, 2048, 32, 8192, true), 1235814400},
                                   {"Mistral-7B-v0.1", Mistral7Bv01(), 7241732096},
                                   {"Gemma-2-2B", Gemma2_2B(), 2614341888},
                                   {"Phi-3-mini-4k", Phi3Mini4k(), 3821079552},
                                   {"Qwen3-0.6B", Qwen3(28, 1024, 16, 8, 3072, true), 596049920},
                                   {"Qwen3-30B-A3B", Qwen3_30B_A3B(), 30532122624},
                                   {"Pythia-1.4B", Pythia1_4B(), 1414647808},
                                   {"DeepSeek-V3", testing_configs::DeepSeekV3(), 671026404352}};
  for (const Case& k : cases) {
    CAPTURE(k.name);
    const engine::ModelConfig& c = k.config;
    REQUIRE(engine::ValidateConfig(c) == "");
    const auto p = engine::AnalyticParameters(c);
    CHECK(p.total == k.total);
    CHECK(SumOf(p.by_component) == p.total);
    if (c.family == engine::Family::kDecoder) CHECK(p.active == p.total);
  }
}

TEST_CASE("issue 16: active parameters of the MoE models, as transformers' reached parameters") {
  // Active = total minus the routed experts a token does not reach: (E - k) experts of
  // 3 x C x moe_hidden (gate, up, down) in each MoE layer. transformers (meta device): the
  // parameters under .mlp.experts. x (E - k) / E subtracted from the total give the same.
  const auto qwen = engine::AnalyticParameters(Qwen3_30B_A3B());
  CHECK(qwen.active == 30532122624 - (128 - 8) * 48 * (3LL * 2048 * 768));
  CHECK(qwen.active == 3353032704);  // "A3B": 3.3B activated
  const auto ds = engine::AnalyticParameters(testing_configs::DeepSeekV3());
  CHECK(ds.active == 671026404352 - (256 - 8) * 58 * (3LL * 7168 * 2048));
  CHECK(ds.active == 37552282624);  // DeepSeek-V3's "37B activated" (without the MTP layer)
  // The router: C x E per MoE layer (58 of 61 layers: the first 3 are dense); the correction
  // bias is a buffer, not counted.
  CHECK(Part(ds.by_component, "router") == 7168LL * 256 * 58);
}

TEST_CASE("issue 16: sliding-window forward FLOPs equal the sum over query positions") {
  auto c = testing_configs::Llama2(4, 64, 4, 2, 128);
  c.vocab_size = 100;
  c.sliding_window = 5;
  c.sliding_window_pattern = 2;  // layers 0 and 2 local, 1 and 3 global
  for (int64_t T : {1, 4, 5, 6, 13}) {
    CAPTURE(T);
    // Brute force: the query at 1-based position p sees min(p, W) keys on a local layer; full
    // attention counts all T keys per query (QK^T in full, as before issue 16).
    int64_t pairs = 0;
    for (int64_t l = 0; l < c.num_layers; ++l)
      for (int64_t p = 1; p <= T; ++p) pairs += engine::LayerIsLocal(c, l) ? std::min<int64_t>(p, 5) : T;
    const auto f = engine::AnalyticForwardFlops(c, 2, T);
    CHECK(Part(f.by_component, "attention_scores") == 2 * 2 * 2 * c.num_heads * pairs * c.head_dim);
    auto full = c;
    full.sliding_window = 0;
    const auto g = engine::AnalyticForwardFlops(full, 2, T);
    CHECK(f.forward - Part(f.by_component, "attention_scores") == g.forward - Part(g.by_component, "attention_scores"));
    // Decode step at context T: min(T, W) keys on local layers.
    const int64_t keys = 2 * std::min<int64_t>(T, 5) + 2 * T;
    CHECK(engine::AnalyticDecodeStepFlops(c, 3, T) - engine::AnalyticDecodeStepFlops(full, 3, 0) ==
          3 * 4 * c.num_heads * keys * c.head_dim);
  }
}

TEST_CASE("issue 16: windowed sums match term-by-term addition across the window boundary") {
  auto c = testing_configs::Llama2(3, 64, 4, 2, 128);
  c.vocab_size = 100;
  c.sliding_window = 7;  // every layer local
  for (auto [from, to] : std::vector<std::pair<int64_t, int64_t>>{{1, 20}, {3, 7}, {7, 8}, {8, 30}, {5, 9}, {1, 1}}) {
    CAPTURE(from);
    CAPTURE(to);
    int64_t forward = 0, decode = 0;
    for (int64_t t = from; t <= to; ++t) {
      forward += engine::AnalyticForwardFlops(c, 2, t).forward;
      decode += engine::AnalyticDecodeStepFlops(c, 2, t);
    }
    int64_t sum = 0;
    REQUIRE(engine::SumForwardFlops(c, 2, from, to, &sum).ok());
    CHECK(sum == forward);
    REQUIRE(engine::SumDecodeStepFlops(c, 2, from, to, &sum).ok());
    CHECK(sum == decode);
  }
  // Odd head counts make T(T+1)/2 terms with half-integer coefficients: still exact.
  c.num_heads = c.num_kv_heads = 1;
  c.head_dim = 1;
  c.embedding_dim = 1;
  int64_t forward = 0, sum = 0;
  for (int64_t t = 1; t <= 40; ++t) forward += engine::AnalyticForwardFlops(c, 1, t).forward;
  REQUIRE(engine::SumForwardFlops(c, 1, 1, 40, &sum).ok());
  CHECK(sum == forward);
}

TEST_CASE("issue 16: MLA refuses what its attention does not compute (windows, partial rotary)") {
  engine::ModelConfig c = testing_configs::Llama2(1, 64, 2, 2, 32);
  c.kv_lora_rank = 8;
  c.qk_nope_head_dim = 6;
  c.qk_rope_head_dim = 4;
  c.v_head_dim = 5;
  REQUIRE(engine::ValidateConfig(c) == "");
  engine::ModelConfig windowed = c;
  windowed.sliding_window = 4;
  CHECK(engine::ValidateConfig(windowed).find("sliding_window is not supported with multi-head latent") == 0);
  engine::ModelConfig partial = c;
  partial.rotary_dim = 2;
  CHECK(engine::ValidateConfig(partial).find("with multi-head latent attention the whole qk_rope_head_dim") == 0);
  partial.rotary_dim = 4;
  CHECK(engine::ValidateConfig(partial) == "");
}

TEST_CASE("issue 16: MLA decode-step FLOPs and KV cache by hand") {
  // A small MLA config: C 64, 2 heads, q_lora 16, kv_lora 8, nope 6, rope 4, v 5, one layer,
  // dense MLP 32 (SwiGLU), vocab 10.
  engine::ModelConfig c = testing_configs::Llama2(1, 64, 2, 2, 32);
  c.vocab_size = 10;
  c.head_dim = 10;
  c.q_lora_rank = 16;
  c.kv_lora_rank = 8;
  c.qk_nope_head_dim = 6;
  c.qk_rope_head_dim = 4;
  c.v_head_dim = 5;
  REQUIRE(engine::ValidateConfig(c) == "");
  const int64_t S = 9, B = 2;
  const int64_t q = 2 * B * 64 * 16 + 2 * B * 16 * 2 * 10;
  const int64_t kva = 2 * B * 64 * (8 + 4);
  const int64_t kvb = 2 * B * S * 8 * 2 * (6 + 5);  // every cached position decompressed
  const int64_t scores = 2 * B * 2 * S * 10 + 2 * B * 2 * S * 5;
  const int64_t o = 2 * B * 2 * 5 * 64;
  const int64_t mlp = 2 * B * 64 * 64 + 2 * B * 32 * 64;
  const int64_t head = 2 * B * 64 * 10;
  CHECK(engine::AnalyticDecodeStepFlops(c, B, S) == q + kva + kvb + scores + o + mlp + head);
  // Parameters: q_a (64 x 16) + its norm 16 + q_b (16 x 2 x 10); kv_a (64 x 12) + its norm 8 +
  // kv_b (8 x 2 x 11); o (10 x 64).
  const auto p = engine::AnalyticParameters(c);
  CHECK(Part(p.by_component, "attention") == 64 * 16 + 16 + 16 * 20 + 64 * 12 + 8 + 8 * 22 + 10 * 64);
  // The cache holds c_kv and k_rope: 12 values per token and layer.
  CHECK(engine::KVCacheBytesPerToken(c, 2) == 12 * 2);
  CHECK(engine::KVCacheBytes(c, 100, 2) == 100 * 12 * 2);
}

TEST_CASE("issue 16: a sliding-window KV cache keeps at most the window on local layers") {
  auto c = Gemma2_2B();  // 13 local, 13 global layers, window 4096, 4 KV heads of 256
  const int64_t per_layer = 2 * 4 * 256 * 2;
  CHECK(engine::KVCacheBytesPerToken(c, 2) == 26 * per_layer);
  CHECK(engine::KVCacheBytes(c, 100, 2) == 26 * 100 * per_layer);
  CHECK(engine::KVCacheBytes(c, 8192, 2) == (13 * 4096 + 13 * 8192) * per_layer);
  auto m = testing_configs::Llama2(32, 4096, 32, 8, 14336);
  m.sliding_window = 4096;  // Mistral v0.1: every layer local
  CHECK(engine::KVCacheBytes(m, 32768, 2) == engine::KVCacheBytesPerToken(m, 2) * 4096);
}

TEST_CASE("issue 16: MoE forward FLOPs count the dense first layers, k routed experts and the shared MLP") {
  // 3 layers, the first dense (hidden 48), then 8 experts of 24 (top 2) and one shared expert,
  // SwiGLU, C 32; batch 2 x 5 tokens.
  engine::ModelConfig c = testing_configs::Llama2(3, 32, 4, 2, 48);
  c.family = engine::Family::kMoe;
  c.vocab_size = 50;
  c.num_experts = 8;
  c.experts_per_token = 2;
  c.moe_hidden_dim = 24;
  c.num_shared_experts = 1;
  c.first_dense_layers = 1;
  REQUIRE(engine::ValidateConfig(c) == "");
  const int64_t N = 10;
  auto mlp = [&](int64_t h) { return 2 * N * 32 * 2 * h + 2 * N * h * 32; };
  const auto f = engine::AnalyticForwardFlops(c, 2, 5);
  CHECK(Part(f.by_component, "mlp") == mlp(48) + 2 * (2 * mlp(24) + mlp(24)));
  CHECK(Part(f.by_component, "router") == 2 * (2 * N * 32 * 8));
  // Parameters: the dense MLP at 48, then per MoE layer 8 experts + the shared MLP at 24 and the router.
  const auto p = engine::AnalyticParameters(c);
  CHECK(Part(p.by_component, "mlp") == 3 * 32 * 48 + 2 * (8 + 1) * (3 * 32 * 24));
  CHECK(Part(p.by_component, "router") == 2 * 32 * 8);
  CHECK(p.active == p.total - 2 * (8 - 2) * (3 * 32 * 24));
  // A one-token decode step is a one-token forward pass.
  CHECK(engine::AnalyticDecodeStepFlops(c, 1, 1) == engine::AnalyticForwardFlops(c, 1, 1).forward);
}

TEST_CASE("issue 16: LocalLayers and MoeLayers equal the per-layer predicates, in closed form") {
  engine::ModelConfig c = testing_configs::Mixtral(1, 64, 4, 2, 96, 4, 2);
  for (int64_t layers : {1, 2, 3, 7, 26, 61}) {
    for (int64_t pattern : {1, 2, 3, 6}) {
      for (int64_t dense : {0, 1, 3, 100}) {
        c.num_layers = layers;
        c.sliding_window = 8;
        c.sliding_window_pattern = pattern;
        c.first_dense_layers = dense;
        int64_t local = 0, moe = 0;
        for (int64_t l = 0; l < layers; ++l) {
          local += engine::LayerIsLocal(c, l) ? 1 : 0;
          moe += engine::LayerIsMoe(c, l) ? 1 : 0;
        }
        CHECK(engine::LocalLayers(c) == local);
        CHECK(engine::MoeLayers(c) == moe);
      }
    }
  }
  c.sliding_window = 0;
  CHECK(engine::LocalLayers(c) == 0);
}
