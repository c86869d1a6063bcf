// Issue 14, "memory guard": the analytic estimate (engine/count_memory.h) against the peaks Profile
// measures, the guard refusing before it allocates (a RunFailure per refused row, or the error),
// the limit read from /proc/meminfo and the cgroup, and the thread count capped to the cores.
#include "tests/engine/torch_doctest.h"

#include <chrono>

#include "engine/count_memory.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/engine.h"
#include "engine/measure/memory_limit.h"
#include "engine/measure/threads.h"
#include "tests/model_configs.h"

namespace {

// specs/tiny.yaml's size (the bundled smoke-test model).
engine::ModelConfig Tiny() {
  engine::ModelConfig c;
  c.vocab_size = 256;
  c.context_length = 64;
  c.num_layers = 2;
  c.embedding_dim = 64;
  c.num_heads = 4;
  c.num_kv_heads = 4;
  c.head_dim = 16;
  c.hidden_dim = 256;
  return c;
}

engine::ProfileOptions Fast() {
  engine::ProfileOptions o;
  o.dtypes = {"float32", "bfloat16"};
  o.batch_sizes = {1, 4};
  o.sequence_lengths = {16, 64};
  o.prompt_tokens = 8;
  o.new_tokens = 8;
  o.train = true;
  o.train_batch_sizes = {2};
  o.warmup = 1;
  o.min_iterations = 2;
  o.min_seconds = 0;
  return o;
}

}  // namespace

// The stated factor: every measured peak of the tiny model lies within [estimate / 2, 2 x estimate]
// (the bundled specs' stored runs lie within 0.66-1.44 of theirs, bar one ViT bfloat16 row).
TEST_CASE("memory estimate: the tiny model's measured peaks are within 2x of the estimate (forward, generate, train)") {
  engine::ConfigureThreads(1);
  const engine::ModelConfig c = Tiny();
  engine::Environment env;
  std::vector<engine::Run> runs;
  const engine::Status st = engine::Profile(c, Fast(), env, &runs);
  REQUIRE_MESSAGE(st.ok(), st.message());
  int scenarios[3] = {0, 0, 0};
  for (const engine::Run& r : runs) {
    engine::MemoryEstimate e;
    REQUIRE(engine::EstimateMemory(c, engine::MemoryShapeOf(r), &e).ok());
    CAPTURE(r.scenario);
    CAPTURE(r.dtype);
    CAPTURE(r.batch);
    CAPTURE(r.sequence_length);
    CAPTURE(r.peak_bytes);
    CAPTURE(e.scenario_peak);
    CHECK(r.peak_bytes > 0);
    CHECK(r.peak_bytes * 2 >= e.scenario_peak);
    // oneDNN's native 16-bit kernels (CPUs with AVX512-BF16/AMX) hold working buffers of their
    // own, a fixed amount rather than one that grows with the model: the tiny model's bfloat16
    // generate peaks at 75.6 KiB with a vocabulary of 256 and of 1,024 alike (Zen 4), 19 KiB
    // estimated. At this toy size that constant dominates, so it is allowed here, stated.
    const bool native_16bit = r.device == "cpu" && r.dtype != "float32" && engine::PackedLinearSupported(r.dtype);
    const int64_t onednn_buffers = native_16bit ? 64 * 1024 : 0;
    CHECK(r.peak_bytes <= e.scenario_peak * 2 + onednn_buffers);
    scenarios[r.scenario == "forward" ? 0 : r.scenario == "generate" ? 1 : 2]++;
    if (r.scenario == "train") {  // the parts measured apart
      CHECK(r.gradients_bytes == e.gradients);
      CHECK(r.optimizer_bytes >= e.optimizer);
      CHECK(r.optimizer_bytes <= e.optimizer + 1024);  // + AdamW's step counts
    }
  }
  CHECK(scenarios[0] == 2 * 2 * 2);
  CHECK(scenarios[1] == 2 * 2);
  CHECK(scenarios[2] == 2 * 2);
}

TEST_CASE("memory guard: a scenario over --max-memory is refused before it allocates, with its estimate") {
  engine::ConfigureThreads(1);
  const engine::ModelConfig c = Tiny();
  engine::Environment env;
  engine::ProfileOptions o = Fast();
  o.max_memory_bytes = 1024;  // nothing fits, not even the weights
  std::vector<engine::Run> runs;
  const engine::Status st = engine::Profile(c, o, env, &runs);  // no failures list: the first is returned
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("building the float32 model needs an estimated ") == 0);
  CHECK(st.message().find("more than the 1.0 KiB set by --max-memory") != std::string::npos);
  CHECK(runs.empty());

  // With a failures list (build): each refused row is recorded with the reason; the rest run.
  engine::MemoryShape shape;
  shape.scenario = "forward";
  shape.dtype = "float32";
  shape.batch = 1;
  shape.sequence_length = 16;
  shape.packed = true;
  engine::MemoryEstimate small;
  REQUIRE(engine::EstimateMemory(c, shape, &small).ok());
  shape.batch = 4;
  shape.sequence_length = 64;
  engine::MemoryEstimate big;
  REQUIRE(engine::EstimateMemory(c, shape, &big).ok());
  REQUIRE(big.total > small.total);
  o = Fast();
  o.dtypes = {"float32"};
  o.generate = false;
  o.train = false;
  o.max_memory_bytes = (small.total + big.total) / 2;
  std::vector<engine::RunFailure> failures;
  runs.clear();
  REQUIRE(engine::Profile(c, o, env, &runs, nullptr, &failures).ok());
  CHECK(runs.size() + failures.size() == 4);
  REQUIRE_FALSE(failures.empty());
  for (const auto& f : failures) {
    CHECK(f.scenario == "forward");
    CHECK(f.reason.find("the float32 forward pass (batch ") == 0);
    CHECK(f.reason.find("needs an estimated") != std::string::npos);
  }
  bool small_ran = false;
  for (const auto& r : runs) small_ran = small_ran || (r.batch == 1 && r.sequence_length == 16);
  CHECK(small_ran);

  // CheckProfileMemory answers the same without measuring anything.
  const engine::Status check = engine::CheckProfileMemory(c, o);
  CHECK_FALSE(check.ok());
  CHECK(check.message().find("needs an estimated") != std::string::npos);
  o.max_memory_bytes = 0;
  CHECK(engine::CheckProfileMemory(c, o).ok());
}

TEST_CASE("memory guard: Llama 2 70B is refused at once on the detected limit") {
  engine::ProfileOptions o;
  const auto t0 = std::chrono::steady_clock::now();
  const engine::Status st = engine::CheckProfileMemory(testing_configs::Llama2(80, 8192, 64, 8, 28672), o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("building the float32 model needs an estimated ") == 0);
  CHECK(st.message().find("available") == std::string::npos);  // names where the figure comes from instead
  CHECK(seconds < 1.0);
}

TEST_CASE("memory limit: MemAvailable, or the room under a cgroup limit when that is smaller") {
  const std::string meminfo = "MemTotal:       24576000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n";
  auto m = engine::CpuMemoryLimit(meminfo, "", "");
  CHECK(m.bytes == int64_t{20000000} * 1024);
  CHECK(m.source == "MemAvailable in /proc/meminfo");
  m = engine::CpuMemoryLimit(meminfo, "max\n", "123\n");  // cgroup v2 without a limit
  CHECK(m.bytes == int64_t{20000000} * 1024);
  m = engine::CpuMemoryLimit(meminfo, "9223372036854771712\n", "2138820608\n");  // v1 without a limit
  CHECK(m.bytes == int64_t{20000000} * 1024);
  m = engine::CpuMemoryLimit(meminfo, "8589934592\n", "2147483648\n");  // 8 GiB limit, 2 GiB used
  CHECK(m.bytes == int64_t{6} << 30);
  CHECK(m.source == "left under the cgroup memory limit of 8.0 GiB, 2.0 GiB in use");
  CHECK(engine::CpuMemoryLimit("", "", "").bytes == 0);  // unknown: nothing refused
  CHECK(engine::DetectMemoryLimit("cpu").bytes > 0);
}

TEST_CASE("ConfigureThreads caps a count above the available cores") {
  CHECK(engine::ConfigureThreads(1000) == engine::AvailableCores());
  CHECK(engine::ConfigureThreads(1) == 1);
}
