// Issue 14, "Numbers": every count is checked up front. Lint points at the key whose value makes a
// count pass int64 (file:line:col of that value, the limit named); profile and experiments values
// are checked the same way; the counts that walk layers or blocks are closed-form (a million
// layers count at once); sums over generated tokens are exact and closed-form; the training,
// generation and KV-cache counts are checked, never wrapped or aborted.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <utility>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/count.h"
#include "generator/spec/spec_parser.h"
#include "tests/model_configs.h"

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const char* const kLimit = "exceeds 9,223,372,036,854,775,807 (int64 max, about 9.2e18)";

// The spec of one size `s` of `family` (line 6 holds the size; its mapping starts at column 9).
std::string OneSize(const std::string& family, const std::string& size, const std::string& extra = "") {
  return "schema: 1\nname: T\narchitecture:\n  family: " + family + "\n  sizes:\n    s: {" + size + "}\n" + extra;
}

std::vector<std::string> Errors(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : spec::ParseSpecText(text, "t.yaml").errors) out.push_back(d.ToString());
  return out;
}

// "t.yaml:6:<column of `needle` in the size line>: "
std::string At6(const std::string& size, const std::string& needle) {
  return "t.yaml:6:" + std::to_string(9 + size.find(needle)) + ": ";
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

double SecondsOf(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("lint: a context of 2^31-1 is an error at context_length, naming the limit") {
  const std::string size =
      "vocab_size: 50257, context_length: 2147483647, num_layers: 12, embedding_dim: 768, "
      "num_heads: 12";
  const auto errors = Errors(OneSize("decoder", size));
  REQUIRE(errors.size() == 1);
  CHECK(StartsWith(errors[0], At6(size, "2147483647") +
                                  "size 's': context_length 2147483647: forward FLOPs "
                                  "'attention_scores' " +
                                  kLimit));
  CHECK(Contains(errors[0],
                 "; hint: every count modelcard states (parameters, FLOPs, bytes) must fit int64; lower "
                 "context_length"));
}

TEST_CASE("lint: an image of 2^31-1 pixels is an error at image_size (resnet and vit)") {
  const std::string resnet = "block: bottleneck, stages: [3, 4, 6, 3], image_size: 2147483647";
  auto errors = Errors(OneSize("resnet", resnet));
  REQUIRE(errors.size() == 1);
  CHECK(StartsWith(errors[0], At6(resnet, "2147483647") + "size 's': image_size 2147483647: forward FLOPs"));
  CHECK(Contains(errors[0], kLimit));
  // patch 1: (2^31-1)^2 tokens fit int64 on their own; the attention over them does not.
  const std::string vit = "num_layers: 1, embedding_dim: 8, num_heads: 1, image_size: 2147483647, patch_size: 1";
  errors = Errors(OneSize("vit", vit));
  REQUIRE(errors.size() == 1);
  CHECK(StartsWith(errors[0], At6(vit, "2147483647") + "size 's': image_size 2147483647: "));
  CHECK(Contains(errors[0], kLimit));
}

TEST_CASE("lint: a width whose parameters pass int64 is an error at embedding_dim") {
  // GPT-2 small's layout at a width of ~1e9 (the issue's `embedding_dim: 1e9`, divisible by 12).
  const std::string size =
      "vocab_size: 50257, context_length: 1024, num_layers: 12, embedding_dim: 999999996, "
      "num_heads: 12";
  const auto errors = Errors(OneSize("decoder", size));
  REQUIRE(errors.size() == 1);
  CHECK(StartsWith(errors[0], At6(size, "999999996") + "size 's': embedding_dim 999999996: parameters"));
  CHECK(Contains(errors[0], kLimit));
}

TEST_CASE("lint: parameters that fit int64 but whose float32 training state (16 bytes each) does not are an error") {
  // 4 C^2 per layer (C = 2^26) x 40 layers: about 7.2e17 parameters, 1.2e19 bytes as training state.
  const std::string size =
      "vocab_size: 8, context_length: 8, num_layers: 40, embedding_dim: 67108864, "
      "num_heads: 1, hidden_dim: 8";
  engine::ModelConfig c = testing_configs::Gpt2(40, 67108864, 1);
  c.vocab_size = 8;
  c.context_length = 8;
  c.hidden_dim = 8;
  engine::ParameterCount p;
  REQUIRE(engine::CountParameters(c, &p).ok());         // fits int64 ...
  REQUIRE(static_cast<__int128>(p.total) * 16 > kMax);  // ... but not as float32 training state
  const auto errors = Errors(OneSize("decoder", size));
  REQUIRE(errors.size() == 1);
  CHECK(Contains(errors[0], "float32 training state (16 bytes per parameter"));
  CHECK(Contains(errors[0], kLimit));
}

TEST_CASE("lint: profile batch sizes, generation and train batches whose counts pass int64 point at the value") {
  const std::string gpt2 =
      "vocab_size: 50257, context_length: 1024, num_layers: 12, embedding_dim: 768, "
      "num_heads: 12";
  // Forward of 2e9 x 128 tokens: ~6e19 FLOPs.
  auto errors = Errors(OneSize("decoder", gpt2, "profile:\n  batch_sizes: [1, 2000000000]\n  generation: false\n"));
  REQUIRE(errors.size() == 1);
  CHECK(StartsWith(errors[0], "t.yaml:8:20: size 's': batch size 2000000000: forward FLOPs"));
  CHECK(Contains(errors[0], kLimit));
  // Its forward at 128 tokens fits; 900 decode steps over contexts 33..932 at batch 2e8 do not.
  errors = Errors(OneSize("decoder", gpt2,
                          "profile:\n  batch_sizes: [200000000]\n  sequence_lengths: [1]\n  train: false\n"
                          "  generation: {prompt_tokens: 32, new_tokens: 900}\n"));
  REQUIRE(errors.size() == 1);
  CHECK(StartsWith(errors[0],
                   "t.yaml:8:17: size 's': batch size 200000000: decode-step FLOPs summed over contexts "
                   "33 to 932 " +
                       std::string(kLimit)));
  // The training step is 3 x the forward: a train batch whose forward fits but whose step does not.
  engine::FlopCount f;
  REQUIRE(engine::CountForwardFlops(testing_configs::Gpt2(12, 768, 12), 1, 1024, &f).ok());
  // GPT-2's config here has no learned-position quirk: the batch where forward fits and 3x does not.
  engine::ModelConfig c = testing_configs::Gpt2(12, 768, 12);
  REQUIRE(engine::CountForwardFlops(c, 1, 128, &f).ok());
  const int64_t batch = kMax / f.forward / 2;  // forward fits, 3 x forward does not
  REQUIRE(batch <= 2147483647);
  errors = Errors(OneSize(
      "decoder", gpt2,
      "profile:\n  batch_sizes: [1]\n  generation: false\n  train: {batch_sizes: [" + std::to_string(batch) + "]}\n"));
  REQUIRE(errors.size() == 1);
  CAPTURE(errors[0]);
  CHECK(StartsWith(errors[0], "t.yaml:10:25: size 's': batch size " + std::to_string(batch) +
                                  ": training-step FLOPs (3 x forward) " + kLimit));
}

TEST_CASE("lint: an experiments batch whose counts pass int64 is an error at it") {
  const std::string gpt2 =
      "vocab_size: 50257, context_length: 1024, num_layers: 12, embedding_dim: 768, "
      "num_heads: 12";
  const auto errors = Errors(OneSize("decoder", gpt2, "experiments:\n  batch: 2000000000\n"));
  REQUIRE(errors.size() == 1);
  CHECK(StartsWith(errors[0], "t.yaml:8:10: size 's': experiments batch 2000000000: "));
  CHECK(Contains(errors[0], kLimit));
}

TEST_CASE("lint: a resnet whose stage widths pass int64 is an error, never a shift past 63 bits") {
  std::string stages;
  for (int i = 0; i < 70; ++i) stages += (i ? ", " : "") + std::string("1");
  const auto errors = Errors(OneSize("resnet", "block: basic, stages: [" + stages + "]"));
  REQUIRE(errors.size() == 1);
  CHECK(Contains(errors[0],
                 "70 stages double base_width (64) to base_width x 2^69 channels in the last stage, past "
                 "9,223,372,036,854,775,807"));
  engine::ModelConfig c = testing_configs::ResNet("bottleneck", std::vector<int64_t>(70, 1));
  CHECK_FALSE(engine::ValidateConfig(c).empty());
  engine::ParameterCount p;
  CHECK_FALSE(engine::CountParameters(c, &p).ok());  // overflow, not a wrapped or shifted width
}

TEST_CASE("a million layers, or 2^31-1 blocks, count at once and exactly (closed form, no walk)") {
  engine::ModelConfig lstm = testing_configs::LstmMedium();
  engine::ParameterCount small, big;
  REQUIRE(engine::CountParameters(lstm, &small).ok());
  const int64_t per_layer = 4 * 650 * 650 * 2 + 2 * 4 * 650;  // layers after the first (650 in, 650 hidden)
  lstm.num_layers = 2147483647;
  double s = SecondsOf([&] { REQUIRE(engine::CountParameters(lstm, &big).ok()); });
  CHECK(s < 0.1);
  CHECK(big.total == small.total + (2147483647 - 2) * per_layer);
  engine::FlopCount f;
  s = SecondsOf([&] { REQUIRE(engine::CountForwardFlops(lstm, 1, 35, &f).ok()); });
  CHECK(s < 0.1);

  engine::ModelConfig r50 = testing_configs::ResNet("bottleneck", {3, 4, 6, 3});
  REQUIRE(engine::CountParameters(r50, &small).ok());
  CHECK(small.total == 25557032);  // the closed form keeps torchvision's exact count
  engine::ModelConfig deep = testing_configs::ResNet("basic", {2147483647, 2, 2, 2});
  s = SecondsOf([&] { CHECK(engine::CountParameters(deep, &big).ok()); });
  CHECK(s < 0.1);
  engine::ModelConfig r18 = testing_configs::ResNet("basic", {2, 2, 2, 2});
  REQUIRE(engine::CountParameters(r18, &small).ok());
  const int64_t basic_block = 2 * (64 * 64 * 9 + 2 * 64);  // two 3x3 convolutions + batch norms, 64 wide
  CHECK(big.total == small.total + (2147483647 - 2) * basic_block);
}

TEST_CASE("sums over generated tokens are exact: the closed form equals the step-by-step sum") {
  engine::ModelConfig audio = testing_configs::WhisperTiny();
  for (const engine::ModelConfig& c : {testing_configs::Gpt2(12, 768, 12), testing_configs::Llama2(2, 64, 4, 2, 96),
                                       testing_configs::Mixtral(2, 64, 4, 2, 96, 4, 2), testing_configs::BertBase(),
                                       testing_configs::LstmMedium(), audio}) {
    CAPTURE(c.family);
    for (const auto& [from, to] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {5, 7}, {33, 64}, {1, 300}}) {
      CAPTURE(from);
      CAPTURE(to);
      __int128 decode = 0, forward = 0;
      for (int64_t t = from; t <= to; ++t) {
        int64_t step = 0;
        engine::FlopCount f;
        REQUIRE(engine::CountDecodeStepFlops(c, 3, t, &step).ok());
        REQUIRE(engine::CountForwardFlops(c, 3, t, &f).ok());
        decode += step;
        forward += f.forward;
      }
      int64_t got = 0;
      REQUIRE(engine::SumDecodeStepFlops(c, 3, from, to, &got).ok());
      CHECK(got == static_cast<int64_t>(decode));
      REQUIRE(engine::SumForwardFlops(c, 3, from, to, &got).ok());
      CHECK(got == static_cast<int64_t>(forward));
    }
  }
  int64_t none = -1;
  REQUIRE(engine::SumDecodeStepFlops(testing_configs::Gpt2(1, 8, 1), 1, 5, 4, &none).ok());
  CHECK(none == 0);
}

TEST_CASE("a sum over 2^31 tokens is closed-form and an error exactly past int64") {
  const engine::ModelConfig c = testing_configs::Gpt2(12, 768, 12);
  int64_t got = 0;
  engine::Status st;
  const double s = SecondsOf([&] { st = engine::SumDecodeStepFlops(c, 1, 1, 2147483647, &got); });
  CHECK(s < 0.1);
  REQUIRE_FALSE(st.ok());
  CHECK(StartsWith(st.message(), "decode-step FLOPs summed over contexts 1 to 2147483647 " + std::string(kLimit)));
  // The largest batch whose 32-step sum fits counts exactly; the next is an error.
  int64_t one = 0;
  REQUIRE(engine::SumDecodeStepFlops(c, 1, 33, 64, &one).ok());
  const int64_t fits = kMax / one;  // linear in the batch
  REQUIRE(engine::SumDecodeStepFlops(c, fits, 33, 64, &got).ok());
  CHECK(got == fits * one);
  CHECK_FALSE(engine::SumDecodeStepFlops(c, fits + 1, 33, 64, &got).ok());
}

TEST_CASE("training FLOPs and KV-cache bytes are checked: an error past int64, never wrapped") {
  const engine::ModelConfig c = testing_configs::Gpt2(12, 768, 12);
  engine::FlopCount f;
  REQUIRE(engine::CountForwardFlops(c, 1, 1024, &f).ok());
  int64_t train = 0;
  REQUIRE(engine::CountTrainingFlops(c, 1, 1024, &train).ok());
  CHECK(train == 3 * f.forward);
  const int64_t batch = kMax / f.forward;  // the forward fits ...
  REQUIRE(engine::CountForwardFlops(c, batch, 1024, &f).ok());
  const engine::Status st = engine::CountTrainingFlops(c, batch, 1024, &train);  // ... 3 x does not
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "training-step FLOPs (3 x forward) " + std::string(kLimit));

  int64_t kv = 0;
  REQUIRE(engine::CountKVCacheBytesPerToken(c, 2, &kv).ok());
  CHECK(kv == 2 * 12 * 12 * 64 * 2);
  engine::ModelConfig wide = c;
  wide.num_layers = wide.num_kv_heads = wide.head_dim = 2147483647;  // 2 x (2^31)^3: past int64
  const engine::Status kv_st = engine::CountKVCacheBytesPerToken(wide, 4, &kv);
  REQUIRE_FALSE(kv_st.ok());
  CHECK(kv_st.message() == "KV cache bytes per token " + std::string(kLimit));
  // A generation's cache and the bytes its steps read.
  CHECK(engine::CheckGenerationCounts(c, 8, 32, 32).ok());
  const engine::Status gen = engine::CheckGenerationCounts(c, kMax / 1024 / 2, 512, 512);
  CHECK_FALSE(gen.ok());
}

TEST_CASE("an audio chunk of 1e300 seconds is a config error, not an out-of-range conversion") {
  engine::ModelConfig c = testing_configs::WhisperTiny();
  c.chunk_seconds = 1e300;
  CHECK(engine::AudioFrames(c) == kMax / c.hop_length);  // saturated, never undefined
  CHECK(Contains(engine::ValidateConfig(c), "chunk_seconds x sample_rate (16000) is past 9,223,372,036,854,775,807"));
}

TEST_CASE("issue 16: windowed, MLA and DeepSeek-style MoE sums are exact across the window and closed-form") {
  engine::ModelConfig gemma = testing_configs::Llama2(4, 64, 4, 2, 96);
  gemma.sliding_window = 40;
  gemma.sliding_window_pattern = 2;
  engine::ModelConfig mistral = testing_configs::Llama2(2, 64, 3, 1, 96);  // 3 heads: T(T+1)/2 odd terms
  mistral.head_dim = 16;
  mistral.sliding_window = 17;
  engine::ModelConfig mla = testing_configs::Llama2(3, 64, 4, 4, 96);
  mla.family = engine::Family::kMoe;
  mla.num_experts = 8;
  mla.experts_per_token = 2;
  mla.moe_hidden_dim = 24;
  mla.num_shared_experts = 1;
  mla.first_dense_layers = 1;
  mla.q_lora_rank = 16;
  mla.kv_lora_rank = 12;
  mla.qk_nope_head_dim = 8;
  mla.qk_rope_head_dim = 4;
  mla.v_head_dim = 8;
  // no window: the engine's MLA has none (ValidateConfig refuses one)
  for (const engine::ModelConfig& c : {gemma, mistral, mla}) {
    REQUIRE(engine::ValidateConfig(c) == "");
    for (const auto& [from, to] :
         std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {1, 300}, {9, 10}, {16, 18}, {39, 41}, {41, 90}, {2, 9}}) {
      CAPTURE(from);
      CAPTURE(to);
      __int128 decode = 0, forward = 0;
      for (int64_t t = from; t <= to; ++t) {
        int64_t step = 0;
        engine::FlopCount f;
        REQUIRE(engine::CountDecodeStepFlops(c, 3, t, &step).ok());
        REQUIRE(engine::CountForwardFlops(c, 3, t, &f).ok());
        decode += step;
        forward += f.forward;
      }
      int64_t got = 0;
      REQUIRE(engine::SumDecodeStepFlops(c, 3, from, to, &got).ok());
      CHECK(got == static_cast<int64_t>(decode));
      REQUIRE(engine::SumForwardFlops(c, 3, from, to, &got).ok());
      CHECK(got == static_cast<int64_t>(forward));
    }
    // 2^31 lengths: closed form per piece, and an error past int64, never a wrapped number.
    int64_t got = 0;
    engine::Status st;
    const double s = SecondsOf([&] { st = engine::SumForwardFlops(c, 1, 1, 2147483647, &got); });
    CHECK(s < 0.1);
    REQUIRE_FALSE(st.ok());
    CHECK(StartsWith(st.message(), "forward FLOPs summed over lengths 1 to 2147483647 " + std::string(kLimit)));
  }
  // A windowed decode step stops growing at the window: its sum over 2^31 steps fits where the
  // full-attention one does not.
  engine::ModelConfig local = testing_configs::Llama2(1, 8, 1, 1, 8);
  local.vocab_size = 8;
  local.sliding_window = 4;
  int64_t windowed = 0, step = 0;
  REQUIRE(engine::SumDecodeStepFlops(local, 1, 1, 2147483647, &windowed).ok());
  REQUIRE(engine::CountDecodeStepFlops(local, 1, 100, &step).ok());
  int64_t head = 0;
  REQUIRE(engine::SumDecodeStepFlops(local, 1, 1, 4, &head).ok());
  CHECK(windowed == head + (2147483647LL - 4) * step);
}

TEST_CASE("issue 16: 2^31-1 windowed MoE layers count at once (no walk over the layers)") {
  engine::ModelConfig c = testing_configs::Mixtral(2147483647, 8, 1, 1, 8, 2, 1);
  c.vocab_size = 8;
  c.sliding_window = 4;
  c.sliding_window_pattern = 2;
  c.first_dense_layers = 1;
  engine::ParameterCount p;
  engine::FlopCount f;
  int64_t step = 0;
  const double s = SecondsOf([&] {
    REQUIRE(engine::CountParameters(c, &p).ok());
    REQUIRE(engine::CountForwardFlops(c, 1, 8, &f).ok());
    REQUIRE(engine::CountDecodeStepFlops(c, 1, 8, &step).ok());
  });
  CHECK(s < 0.1);
  CHECK(engine::LocalLayers(c) == 2147483647LL - 2147483647LL / 2);
  CHECK(engine::MoeLayers(c) == 2147483646LL);
}
