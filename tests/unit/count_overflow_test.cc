// Issue 13: counts are exact or an error. Every family's forward FLOPs are linear in the batch, so
// the largest batch that fits is INT64_MAX / (FLOPs at batch 1): that batch must count exactly and
// the next must be an error naming the int64 limit, never a wrapped (negative) number.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "engine/count.h"
#include "tests/model_configs.h"

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct Case {
  const char* name;
  engine::ModelConfig config;
  int64_t seq;
};

void CheckBatchBoundary(const Case& k) {
  CAPTURE(k.name);
  engine::FlopCount one;
  REQUIRE(engine::CountForwardFlops(k.config, 1, k.seq, &one).ok());
  REQUIRE(one.forward > 0);
  const int64_t fits = kMax / one.forward;  // the formula's boundary: forward(b) = b x forward(1)
  engine::FlopCount at;
  const engine::Status ok = engine::CountForwardFlops(k.config, fits, k.seq, &at);
  REQUIRE_MESSAGE(ok.ok(), ok.ToString());
  CHECK(at.forward == fits * one.forward);
  CHECK(at.forward_macs == at.forward / 2);
  const engine::Status over = engine::CountForwardFlops(k.config, fits + 1, k.seq, &at);
  CHECK_FALSE(over.ok());
  CHECK(over.message().find("exceeds 9,223,372,036,854,775,807 (int64 max") != std::string::npos);
  // Every power-of-two batch: an error exactly when the exact product is past int64.
  for (int shift = 0; shift < 63; ++shift) {
    const int64_t batch = int64_t{1} << shift;
    CAPTURE(batch);
    const bool fits_exactly = static_cast<__int128>(batch) * one.forward <= kMax;
    CHECK(engine::CountForwardFlops(k.config, batch, k.seq, &at).ok() == fits_exactly);
    if (fits_exactly) CHECK(at.forward == batch * one.forward);
  }
}

}  // namespace

TEST_CASE("forward FLOPs at the int64 boundary: the largest batch counts exactly, the next is an error") {
  engine::ModelConfig vit = testing_configs::VitB16();
  engine::ModelConfig audio = testing_configs::WhisperTiny();
  for (const Case& k : {Case{"gpt2 small", testing_configs::Gpt2(12, 768, 12), 1024},
                        Case{"mixtral 8x22b", testing_configs::Mixtral(56, 6144, 48, 8, 16384, 8, 2), 65536},
                        Case{"bert base", testing_configs::BertBase(), 512}, Case{"vit b16", vit, 0},
                        Case{"resnet50", testing_configs::ResNet("bottleneck", {3, 4, 6, 3}), 0},
                        Case{"whisper tiny", audio, 448}, Case{"lstm", testing_configs::LstmMedium(), 35}})
    CheckBatchBoundary(k);
}

TEST_CASE("the issue's case: mixtral 8x22b at batch 900 over 65,536 tokens is an error, not a negative count") {
  engine::FlopCount f;
  const engine::Status st =
      engine::CountForwardFlops(testing_configs::Mixtral(56, 6144, 48, 8, 16384, 8, 2), 900, 65536, &f);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().rfind("forward FLOPs", 0) == 0);
}

TEST_CASE("a sequence length whose attention alone overflows names that component") {
  engine::FlopCount f;
  // T^2 grows past int64 before anything linear in T does: 2 x 12 x (2^31)^2 x 64 per layer.
  const engine::Status st = engine::CountForwardFlops(testing_configs::Gpt2(12, 768, 12), 1, int64_t{1} << 31, &f);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().rfind("forward FLOPs 'attention_scores' exceeds", 0) == 0);
}

TEST_CASE("parameters past int64 are an error naming them") {
  engine::ModelConfig c = testing_configs::Gpt2(1, 768, 12);
  c.vocab_size = int64_t{1} << 31;
  c.embedding_dim = int64_t{1} << 31;  // vocab x C = 2^62 each for the embedding and the untied head
  c.hidden_dim = 4;
  c.tie_embeddings = false;
  engine::ParameterCount p;
  const engine::Status st = engine::CountParameters(c, &p);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().rfind("parameters", 0) == 0);
  CHECK(st.message().find("int64 max") != std::string::npos);
  engine::ModelConfig fits = testing_configs::Gpt2(12, 768, 12);
  REQUIRE(engine::CountParameters(fits, &p).ok());
  CHECK(p.total == 124439808);
}

TEST_CASE("decode-step FLOPs past int64 are an error") {
  int64_t flops = 0;
  const engine::ModelConfig c = testing_configs::Gpt2(12, 768, 12);
  REQUIRE(engine::CountDecodeStepFlops(c, 1, 1024, &flops).ok());
  const int64_t fits = kMax / flops;  // linear in the batch, as the forward pass
  int64_t at = 0;
  REQUIRE(engine::CountDecodeStepFlops(c, fits, 1024, &at).ok());
  CHECK(at == fits * flops);
  CHECK_FALSE(engine::CountDecodeStepFlops(c, fits + 1, 1024, &at).ok());
}
