// engine::Profile: the forward and generate scenarios produce the runs of the results contract,
// with analytic FLOPs, exact weight bytes and the measured statistics filled; CUDA is refused
// cleanly on a machine without a GPU.
#include "tests/engine/torch_doctest.h"

#include "engine/count.h"
#include "engine/engine.h"

namespace {

engine::ModelConfig TinyRope() {
  engine::ModelConfig c;
  c.vocab_size = 101;
  c.context_length = 32;
  c.num_layers = 2;
  c.embedding_dim = 32;
  c.num_heads = 4;
  c.num_kv_heads = 2;
  c.head_dim = 8;
  c.hidden_dim = 48;
  c.norm = engine::Norm::kRMSNorm;
  c.activation = engine::Activation::kSwiGLU;
  c.position = engine::Position::kRoPE;
  c.bias = c.qkv_bias = false;
  c.tie_embeddings = false;
  return c;
}

engine::ProfileOptions FastOptions() {
  engine::ProfileOptions o;
  o.dtypes = {"float32", "bfloat16"};
  o.batch_sizes = {1, 2};
  o.sequence_lengths = {8, 16};
  o.prompt_tokens = 4;
  o.new_tokens = 3;
  o.warmup = 1;
  o.min_iterations = 3;
  o.min_seconds = 0;
  return o;
}

}  // namespace

TEST_CASE("Profile runs every (dtype, batch, sequence) forward and one generate per (dtype, batch)") {
  engine::ConfigureThreads(1);
  const auto c = TinyRope();
  engine::Environment env;
  env.peak_flops_per_s = {{"float32", 1e10}, {"bfloat16", 2e10}};
  std::vector<engine::Run> runs;
  REQUIRE(engine::Profile(c, FastOptions(), env, &runs).ok());
  REQUIRE(runs.size() == 2 * 2 * (2 + 1));
  const int64_t params = engine::AnalyticParameters(c).total;
  for (const auto& r : runs) {
    CAPTURE(r.scenario);
    CAPTURE(r.dtype);
    CHECK(r.device == "cpu");
    CHECK(r.threads == 1);
    CHECK(r.weights_bytes == params * engine::DtypeBytes(r.dtype));
    CHECK(r.latency_s.count >= 3);
    CHECK(r.latency_s.p50 > 0);
    CHECK(r.latency_s.p50 <= r.latency_s.p99);
    CHECK(r.peak_bytes > 0);
    CHECK(r.mfu == doctest::Approx(r.achieved_flops_per_s / env.peak_flops_per_s.at(r.dtype)));
    if (r.scenario == "forward") {
      CHECK(r.flops == engine::AnalyticForwardFlops(c, r.batch, r.sequence_length).forward);
      CHECK(r.throughput.at(0).first == "tokens_per_s");
      CHECK(r.throughput.at(0).second == doctest::Approx(r.batch * r.sequence_length / r.latency_s.mean));
    } else {
      CHECK(r.scenario == "generate");
      CHECK(r.prompt_tokens == 4);
      CHECK(r.new_tokens == 3);
      CHECK(r.sequence_length == 7);
      CHECK(r.latency_s.count == 3 * r.prefill_s.count);  // one sample per decoded token
      CHECK(r.throughput.at(1).first == "decode_tokens_per_s");
      CHECK(r.throughput.at(1).second == doctest::Approx(r.batch / r.latency_s.mean));
    }
  }
}

TEST_CASE("Profile refuses what it cannot measure, with a Status") {
  std::vector<engine::Run> runs;
  engine::Environment env;
  auto o = FastOptions();
  o.sequence_lengths = {64};  // > context_length 32
  engine::Status s = engine::Profile(TinyRope(), o, env, &runs);
  CHECK(s.message() == "sequence length 64 exceeds context_length 32");
  o = FastOptions();
  o.dtypes = {"int4"};
  CHECK(engine::Profile(TinyRope(), o, env, &runs).message() == "unknown dtype 'int4'");
  if (!engine::CudaAvailable()) {
    o = FastOptions();
    o.device = "cuda";
    s = engine::Profile(TinyRope(), o, env, &runs);
    CHECK(s.IsUnavailable());
    CHECK(s.message() == "no CUDA device is available to this process");
  }
}

TEST_CASE("Profile: a scenario that fails on this machine is reported with its reason; the other rows are kept") {
  // A batch whose input alone needs 2^47 bytes: the allocator refuses it at once (a real
  // failure of the machine, not of the options), between two batches that fit.
  engine::ConfigureThreads(1);
  engine::Environment env;
  auto o = FastOptions();
  o.dtypes = {"float32"};
  o.batch_sizes = {1, int64_t{1} << 40, 2};
  o.sequence_lengths = {16};
  o.generate = false;
  std::vector<engine::Run> runs;
  std::vector<engine::RunFailure> failures;
  engine::Status s = engine::Profile(TinyRope(), o, env, &runs, nullptr, &failures);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].batch == 1);
  CHECK(runs[1].batch == 2);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].scenario == "forward");
  CHECK(failures[0].dtype == "float32");
  CHECK(failures[0].batch == (int64_t{1} << 40));
  CHECK(failures[0].sequence_length == 16);
  MESSAGE("reason: " << failures[0].reason);
  CHECK(!failures[0].reason.empty());
  CHECK(failures[0].reason.find('\n') == std::string::npos);
  // Without a failure list the first failure is the result, as before.
  runs.clear();
  CHECK(!engine::Profile(TinyRope(), o, env, &runs).ok());
}
