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
