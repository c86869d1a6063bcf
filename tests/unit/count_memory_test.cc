// Issue 14, "memory guard": the analytic memory estimate (engine/count_memory.h) by part, its
// checked arithmetic, and the --max-memory sizes (no LibTorch). The estimate against measured
// peaks: tests/engine/memory_guard_test.cc.
#include <doctest/doctest.h>

#include <limits>

#include "engine/count.h"
#include "engine/count_memory.h"
#include "tests/model_configs.h"

namespace {

engine::MemoryEstimate Estimate(const engine::ModelConfig& c, engine::MemoryShape shape) {
  engine::MemoryEstimate e;
  const engine::Status st = engine::EstimateMemory(c, shape, &e);
  REQUIRE_MESSAGE(st.ok(), st.message());
  return e;
}

engine::MemoryShape Shape(const std::string& scenario, const std::string& dtype, int64_t batch, int64_t seq) {
  engine::MemoryShape s;
  s.scenario = scenario;
  s.dtype = dtype;
  s.batch = batch;
  s.sequence_length = seq;
  s.prompt_tokens = 32;
  s.new_tokens = 32;
  return s;
}

}  // namespace

TEST_CASE("memory estimate: weights, KV cache, gradients and optimizer state are exact") {
  const engine::ModelConfig c = testing_configs::Gpt2(12, 768, 12);
  const int64_t P = engine::AnalyticParameters(c).total;  // 124,439,808
  auto build = Estimate(c, Shape("build", "bfloat16", 1, 0));
  CHECK(build.weights == 2 * P);
  CHECK(build.packed == 0);  // not asked for
  CHECK(build.scenario_peak == 0);
  CHECK(build.transient == 50257 * 768 * 4);  // the float32 draw of the token embedding
  auto packed = Shape("build", "float32", 1, 0);
  packed.packed = true;
  // Every linear weight and bias, the tied head (V x C) included; not the embeddings or norms.
  CHECK(Estimate(c, packed).packed == 4 * (P - 50257 * 768 - 1024 * 768 - (12 * 2 + 1) * 2 * 768 + 50257 * 768));

  // generate: 2 x 12 layers x 768 x 4 bytes per token, batch 8 x 64 tokens.
  auto gen = Estimate(c, Shape("generate", "float32", 8, 0));
  CHECK(gen.kv_cache == int64_t{2} * 12 * 768 * 4 * 8 * 64);
  CHECK(gen.scenario_peak == gen.kv_cache + gen.activations);
  CHECK(gen.total == gen.weights + gen.kv_cache + gen.activations);

  // forward: the logits dominate (batch x T x V), as measured (26.5 MB at b1 t128 float32).
  auto fwd = Estimate(c, Shape("forward", "float32", 1, 128));
  CHECK(fwd.activations == int64_t{128} * (2 * 768 + 50257) * 4);

  // train: float32 master weights, gradients, AdamW's two moments; autocast adds the 16-bit
  // weight copies to what the step keeps.
  auto f32 = Estimate(c, Shape("train", "float32", 1, 128));
  auto mixed = Estimate(c, Shape("train", "bfloat16", 1, 128));
  CHECK(f32.weights == 4 * P);
  CHECK(f32.gradients == 4 * P);
  CHECK(f32.optimizer == 8 * P);
  CHECK(f32.scenario_peak == f32.gradients + f32.activations + f32.transient);
  CHECK(f32.total == 16 * P + f32.activations + f32.transient);
  CHECK(mixed.weights == 4 * P);
  CHECK(mixed.activations > 2 * P);
}

TEST_CASE("memory estimate: grows with batch and sequence; every family is estimated") {
  const engine::ModelConfig llama = testing_configs::Llama2(32, 4096, 32, 32, 11008);
  const auto small = Estimate(llama, Shape("forward", "bfloat16", 1, 128));
  const auto big = Estimate(llama, Shape("forward", "bfloat16", 8, 128));
  CHECK(big.activations == 8 * small.activations);
  CHECK(Estimate(llama, Shape("forward", "bfloat16", 1, 4096)).activations > small.activations);
  for (const engine::ModelConfig& c :
       {testing_configs::BertBase(), testing_configs::VitB16(), testing_configs::ResNet("bottleneck", {3, 4, 6, 3}),
        testing_configs::WhisperTiny(), testing_configs::LstmMedium(),
        testing_configs::Mixtral(2, 256, 8, 2, 512, 4, 2)}) {
    CAPTURE(c.family);
    for (const char* scenario : {"build", "forward", "train"}) {
      const auto e = Estimate(c, Shape(scenario, "float32", 2, 16));
      CHECK(e.total > e.weights);
      if (std::string(scenario) != "build") CHECK(e.scenario_peak > 0);
    }
  }
}

TEST_CASE("memory estimate: Llama 2 70B and GPT-2 at batch 512 x 1024 are far past a 24 GB machine") {
  const engine::ModelConfig llama70b = testing_configs::Llama2(80, 8192, 64, 8, 28672);
  const auto build = Estimate(llama70b, Shape("build", "float32", 1, 0));
  CHECK(build.total > int64_t{250} * 1024 * 1024 * 1024);  // 69 B parameters x 4 bytes
  const auto gpt2 = Estimate(testing_configs::Gpt2(12, 768, 12), Shape("forward", "float32", 512, 1024));
  CHECK(gpt2.activations > int64_t{100} * 1024 * 1024 * 1024);  // logits: 512 x 1024 x 50257 x 4 bytes
  CHECK(engine::DescribeMemoryEstimate(gpt2).find("activations 101.2 GiB") != std::string::npos);
}

TEST_CASE("memory estimate: past int64 is an error, never a wrapped number") {
  engine::MemoryEstimate e;
  engine::MemoryShape s = Shape("forward", "float32", std::numeric_limits<int64_t>::max() / 2, 1024);
  const engine::Status st = engine::EstimateMemory(testing_configs::Gpt2(12, 768, 12), s, &e);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("exceeds") != std::string::npos);
  s = Shape("sing", "float32", 1, 1);
  CHECK_FALSE(engine::EstimateMemory(testing_configs::Gpt2(12, 768, 12), s, &e).ok());
  s = Shape("forward", "int4", 1, 1);
  CHECK_FALSE(engine::EstimateMemory(testing_configs::Gpt2(12, 768, 12), s, &e).ok());
}

TEST_CASE("--max-memory sizes: binary and decimal units, nothing else") {
  int64_t b = 0;
  CHECK(engine::ParseMemorySize("8GiB", &b));
  CHECK(b == int64_t{8} << 30);
  CHECK(engine::ParseMemorySize("8G", &b));
  CHECK(b == int64_t{8} << 30);
  CHECK(engine::ParseMemorySize("24GB", &b));
  CHECK(b == 24000000000);
  CHECK(engine::ParseMemorySize("512 MiB", &b));
  CHECK(b == int64_t{512} << 20);
  CHECK(engine::ParseMemorySize("1.5k", &b));
  CHECK(b == 1536);
  CHECK(engine::ParseMemorySize("123456", &b));
  CHECK(b == 123456);
  b = 7;
  for (const char* bad : {"", "0", "GiB", "-1GiB", "8 XB", "1.2.3G", "99999999999TiB", "8GiBs"}) {
    CAPTURE(bad);
    CHECK_FALSE(engine::ParseMemorySize(bad, &b));
  }
  CHECK(b == 7);
  CHECK(engine::MemoryBytesText(512) == "512 B");
  CHECK(engine::MemoryBytesText(1536) == "1.5 KiB");
  CHECK(engine::MemoryBytesText(int64_t{257} << 30) == "257.0 GiB");
}

TEST_CASE("memory estimate: a measured run's shape is its scenario, dtype, batch and lengths") {
  engine::Run run;
  run.scenario = "generate";
  run.dtype = "bfloat16";
  run.batch = 4;
  run.sequence_length = 24;
  run.prompt_tokens = 16;
  run.new_tokens = 8;
  const engine::MemoryShape shape = engine::MemoryShapeOf(run);
  CHECK(shape.scenario == "generate");
  CHECK(shape.dtype == "bfloat16");
  CHECK(shape.batch == 4);
  CHECK(shape.sequence_length == 24);
  CHECK(shape.prompt_tokens == 16);
  CHECK(shape.new_tokens == 8);
  CHECK_FALSE(shape.packed);  // a scenario's peak never includes the packed copies
}

TEST_CASE("memory estimate (issue 16): a windowed cache holds at most the window; MLA caches its latent") {
  engine::ModelConfig c = testing_configs::Llama2(4, 64, 4, 2, 128);
  c.vocab_size = 100;
  c.sliding_window = 16;
  c.sliding_window_pattern = 2;  // layers 0 and 2 local
  auto shape = Shape("generate", "bfloat16", 3, 0);
  shape.prompt_tokens = 40;
  shape.new_tokens = 10;                           // 50 tokens: local layers keep 16 of them
  const int64_t per_layer_token = 2 * 2 * 16 * 2;  // K and V, 2 KV heads of 16, bfloat16
  CHECK(Estimate(c, shape).kv_cache == 3 * (2 * 50 + 2 * 16) * per_layer_token);
  auto full = c;
  full.sliding_window = 0;
  CHECK(Estimate(full, shape).kv_cache == 3 * 4 * 50 * per_layer_token);

  // MLA: kv_lora_rank + qk_rope_head_dim values per token and layer, far below GQA's K and V.
  engine::ModelConfig m = testing_configs::Llama2(2, 64, 4, 4, 128);
  m.vocab_size = 100;
  m.q_lora_rank = 16;
  m.kv_lora_rank = 12;
  m.qk_nope_head_dim = 8;
  m.qk_rope_head_dim = 4;
  m.v_head_dim = 8;
  REQUIRE(engine::ValidateConfig(m) == "");
  CHECK(Estimate(m, shape).kv_cache == 3 * 2 * 50 * (12 + 4) * 2);
  // Its saved activations per token and layer: the q latent and its norm (2 x 16), q (4 x 12), the
  // compressed [c_kv; k_rope] and normed c_kv (2 x 12 + 4), [k_nope; v] (4 x 16), the assembled
  // keys (4 x 12) and the attention output (4 x 8): 252 values where MHA's q|k|v and output hold
  // (4 + 8) x 16 + 64 = 256.
  engine::ModelConfig mha = m;
  mha.q_lora_rank = mha.kv_lora_rank = mha.qk_nope_head_dim = mha.qk_rope_head_dim = mha.v_head_dim = 0;
  CHECK(Estimate(m, Shape("train", "float32", 1, 32)).activations -
            Estimate(mha, Shape("train", "float32", 1, 32)).activations ==
        (252 - 256) * 32 * 2 * 4);
}

TEST_CASE("memory estimate (issue 16): shared experts, dense first layers and QK-norm add their tensors") {
  engine::ModelConfig moe = testing_configs::Mixtral(4, 64, 4, 2, 128, 8, 2);
  moe.vocab_size = 100;
  const int64_t base = Estimate(moe, Shape("train", "float32", 1, 32)).activations;
  moe.num_shared_experts = 1;
  const int64_t shared = Estimate(moe, Shape("train", "float32", 1, 32)).activations;
  // One shared MLP of 128 (SwiGLU: gate|up 256 + hidden 128) per token per layer, float32.
  CHECK(shared - base == 4 * 32 * (256 + 128) * 4);
  moe.first_dense_layers = 1;  // one layer trades its router and experts for a dense MLP
  CHECK(Estimate(moe, Shape("train", "float32", 1, 32)).activations != shared);
  engine::ModelConfig q = testing_configs::Llama2(2, 64, 4, 2, 128);
  q.vocab_size = 100;
  const int64_t plain = Estimate(q, Shape("train", "float32", 1, 32)).activations;
  q.qk_norm = true;
  // The normed q (4 heads) and k (2 heads) of 16 per token per layer.
  CHECK(Estimate(q, Shape("train", "float32", 1, 32)).activations - plain == 2 * 32 * (4 + 2) * 16 * 4);
}
