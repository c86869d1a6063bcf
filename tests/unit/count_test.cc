// Analytic counts against published numbers (no LibTorch needed).
#include <doctest/doctest.h>

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
