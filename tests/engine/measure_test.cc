// engine/measure: latency statistics and the timing loop, the counting CPU allocator (what it
// counts and what it does not), peak calibration and its cache, the environment fingerprint.
#include <ATen/Version.h>
#include <c10/core/CPUAllocator.h>

#include "tests/engine/torch_doctest.h"
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "engine/engine.h"
#include "engine/measure/calibration.h"
#include "engine/measure/cpu_memory.h"
#include "engine/measure/environment.h"
#include "engine/measure/latency.h"
#include "engine/measure/threads.h"
#include "tests/test_files.h"

namespace {

using testing_files::TempDir;

using engine::PeakMemoryTracker;
using engine::Status;

constexpr int64_t kMiB = 1 << 20;

// A fresh folder under the system temp dir, removed when the test ends.
void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// This build and CPU send float32 GEMMs to MKL and bfloat16 GEMMs to oneDNN (the development
// machine does; tests of those paths are skipped elsewhere).
bool MklAndOneDnn() {
  const std::string blas = engine::SummarizeCpuBlas(at::show_config(), engine::DetectCpuKernels());
  return blas.rfind("MKL ", 0) == 0 && blas.find("oneDNN") != std::string::npos;
}

}  // namespace

// ---- latency statistics ----------------------------------------------------------------------

TEST_CASE("SummarizeLatencies: numpy-default percentiles and sample stdev in any input order") {
  // numpy: np.percentile(x, [50, 90, 99]) = [5.5, 9.1, 9.91]; np.std(x, ddof=1) = 3.0276503540974917
  const engine::LatencyStats s = engine::SummarizeLatencies({10, 1, 9, 2, 8, 3, 7, 4, 6, 5});
  CHECK(s.count == 10);
  CHECK(s.total == 55);
  CHECK(s.mean == 5.5);
  CHECK(s.p50 == doctest::Approx(5.5).epsilon(1e-12));
  CHECK(s.p90 == doctest::Approx(9.1).epsilon(1e-12));
  CHECK(s.p99 == doctest::Approx(9.91).epsilon(1e-12));
  CHECK(s.stdev == doctest::Approx(3.0276503540974917).epsilon(1e-12));
  CHECK(s.cv == doctest::Approx(3.0276503540974917 / 5.5).epsilon(1e-12));
}

TEST_CASE("SummarizeLatencies: four samples interpolate between ranks") {
  // np.percentile([0.1, 0.2, 0.4, 0.8], [50, 90, 99]) = [0.3, 0.68, 0.788]
  const engine::LatencyStats s = engine::SummarizeLatencies({0.8, 0.1, 0.4, 0.2});
  CHECK(s.p50 == doctest::Approx(0.3).epsilon(1e-12));
  CHECK(s.p90 == doctest::Approx(0.68).epsilon(1e-12));
  CHECK(s.p99 == doctest::Approx(0.788).epsilon(1e-12));
  CHECK(s.mean == doctest::Approx(0.375).epsilon(1e-12));
}

TEST_CASE("SummarizeLatencies: one sample and no samples") {
  const engine::LatencyStats one = engine::SummarizeLatencies({0.25});
  CHECK(one.count == 1);
  CHECK(one.mean == 0.25);
  CHECK(one.p50 == 0.25);
  CHECK(one.p99 == 0.25);
  CHECK(one.stdev == 0);
  CHECK(one.cv == 0);
  const engine::LatencyStats none = engine::SummarizeLatencies({});
  CHECK(none.count == 0);
  CHECK(none.mean == 0);
  CHECK(none.p90 == 0);
  CHECK(none.total == 0);
}

// ---- timing loop -----------------------------------------------------------------------------

TEST_CASE("TimeIterations: runs warm-up untimed then until both minimums are met") {
  int64_t calls = 0;
  std::vector<int64_t> progress;
  auto sleep_10ms = [&] {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  };
  engine::TimingOptions options;
  options.warmup = 2;
  options.min_iterations = 3;
  options.min_seconds = 0.1;
  std::vector<double> samples;
  REQUIRE(engine::TimeIterations(
              sleep_10ms, engine::DeviceSync("cpu"), options, [&](int64_t done) { progress.push_back(done); }, &samples)
              .ok());
  // Every sample is >= 10 ms, so 0.1 s is reached after at most 10 samples, and the loop
  // stops at the first sample that reaches it.
  const engine::LatencyStats s = engine::SummarizeLatencies(samples);
  CHECK(s.count >= 3);
  CHECK(s.count <= 10);
  CHECK(s.total >= 0.1);
  CHECK(s.total - samples.back() < 0.1);
  for (double sample : samples) CHECK(sample >= 0.010);
  CHECK(calls == 2 + s.count);
  REQUIRE(static_cast<int64_t>(progress.size()) == s.count);
  CHECK(progress.front() == 1);
  CHECK(progress.back() == s.count);

  calls = 0;
  options.min_seconds = 0;
  REQUIRE(engine::TimeIterations(sleep_10ms, engine::DeviceSync("cpu"), options, nullptr, &samples).ok());
  CHECK(samples.size() == 3);
  CHECK(calls == 5);
}

TEST_CASE("TimeIterations: max_iterations caps min_seconds") {
  engine::TimingOptions options;
  options.warmup = 0;
  options.min_iterations = 2;
  options.min_seconds = 1000;
  options.max_iterations = 5;
  std::vector<double> samples = {1, 2, 3, 4, 5, 6, 7};  // replaced, not appended to
  REQUIRE(engine::TimeIterations([] {}, [] {}, options, nullptr, &samples).ok());
  CHECK(samples.size() == 5);
}

TEST_CASE("TimeIterations: errors of the body come back as a Status") {
  engine::TimingOptions options;
  std::vector<double> samples;
  Status s =
      engine::TimeIterations([] { throw std::runtime_error("disk on fire"); }, [] {}, options, nullptr, &samples);
  CHECK(s.ToString() == "internal error: disk on fire");

  // A real LibTorch error: shapes that cannot be multiplied.
  const torch::Tensor a = torch::ones({2, 3});
  const torch::Tensor b = torch::ones({2, 3});
  s = engine::TimeIterations([&] { torch::matmul(a, b); }, [] {}, options, nullptr, &samples);
  CHECK(s.ToString() == "internal error: mm: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");

  options.min_iterations = 0;
  s = engine::TimeIterations([] {}, [] {}, options, nullptr, &samples);
  CHECK(s.ToString() ==
        "invalid argument: TimeIterations: need warmup >= 0, 1 <= min_iterations <= max_iterations, min_seconds >= 0");
}

// ---- counting CPU allocator ----------------------------------------------------------------------

TEST_CASE("PeakMemoryTracker: counts a tensor while it lives and keeps the peak until reset") {
  PeakMemoryTracker& tracker = PeakMemoryTracker::Install();
  CHECK(&tracker == &PeakMemoryTracker::Install());
  const int64_t before = tracker.current_bytes();
  tracker.ResetPeak();
  CHECK(tracker.peak_bytes() == before);
  {
    torch::Tensor t = torch::empty({kMiB / 4}, torch::kFloat32);  // 1 MiB
    CHECK(tracker.current_bytes() - before == kMiB);
    CHECK(tracker.peak_bytes() >= before + kMiB);
  }
  CHECK(tracker.current_bytes() == before);
  CHECK(tracker.peak_bytes() >= before + kMiB);
  tracker.ResetPeak();
  CHECK(tracker.peak_bytes() == before);
}

TEST_CASE("PeakMemoryTracker: a matmul's output is counted but MKL's own buffers are not") {
  PeakMemoryTracker& tracker = PeakMemoryTracker::Install();
  const torch::Tensor a = torch::randn({512, 512});
  const torch::Tensor b = torch::randn({512, 512});
  const int64_t before = tracker.current_bytes();
  tracker.ResetPeak();
  torch::Tensor c = torch::matmul(a, b);
  CHECK(tracker.current_bytes() - before == 512 * 512 * 4);
  if (MklAndOneDnn()) {
    // float32 GEMM is MKL SGEMM: its packing buffers come from mkl_malloc, so the peak is the
    // output alone.
    CHECK(tracker.peak_bytes() - before == 512 * 512 * 4);
  }
}

TEST_CASE("PeakMemoryTracker: oneDNN bfloat16 matmul scratch is counted") {
  if (!MklAndOneDnn()) return;
  PeakMemoryTracker& tracker = PeakMemoryTracker::Install();
  const torch::Tensor x = torch::randn({1024, 1024}).to(torch::kBFloat16);
  const torch::Tensor w = torch::randn({1024, 1024}).to(torch::kBFloat16);
  const int64_t before = tracker.current_bytes();
  tracker.ResetPeak();
  torch::Tensor y = torch::linear(x, w);
  CHECK(tracker.current_bytes() - before == 1024 * 1024 * 2);
  // PyTorch hands ideep the c10 CPU allocator, so oneDNN's scratchpad is seen at the peak.
  CHECK(tracker.peak_bytes() - before > 1024 * 1024 * 2);
}

TEST_CASE("PeakMemoryTracker: blocks from the original allocator never change the count") {
  PeakMemoryTracker& tracker = PeakMemoryTracker::Install();
  c10::Allocator* original = c10::GetDefaultCPUAllocator();
  REQUIRE(original != c10::GetCPUAllocator());  // the counting allocator is in place
  const int64_t before = tracker.current_bytes();
  // As a tensor allocated before Install(): its DataPtr carries the original deleter.
  c10::DataPtr block = original->allocate(kMiB);
  CHECK(tracker.current_bytes() == before);
  block.clear();
  CHECK(tracker.current_bytes() == before);
  // As an ideep buffer raw-allocated before Install() and raw-freed after it.
  void* raw = original->raw_allocate(kMiB);
  c10::GetCPUAllocator()->raw_deallocate(raw);
  CHECK(tracker.current_bytes() == before);
}

TEST_CASE("PeakMemoryTracker: the raw interface and copy-on-write clones work through it") {
  PeakMemoryTracker& tracker = PeakMemoryTracker::Install();
  const int64_t before = tracker.current_bytes();
  void* raw = c10::GetCPUAllocator()->raw_allocate(4096);
  CHECK(tracker.current_bytes() - before == 4096);
  c10::GetCPUAllocator()->raw_deallocate(raw);
  CHECK(tracker.current_bytes() == before);

  const torch::Tensor a = torch::arange(1000, torch::kFloat32);
  torch::Tensor lazy = a._lazy_clone();
  lazy.add_(1);  // materializes the copy
  CHECK(lazy.sum().item<double>() == a.sum().item<double>() + 1000);
}

TEST_CASE("PeakMemoryTracker: concurrent allocations balance out") {
  PeakMemoryTracker& tracker = PeakMemoryTracker::Install();
  const int64_t before = tracker.current_bytes();
  std::vector<torch::Tensor> kept(2);
  auto work = [&](int i) {
    for (int n = 0; n < 2000; ++n) torch::Tensor t = torch::empty({256 + n % 7}, torch::kFloat32);
    kept[i] = torch::empty({1024}, torch::kFloat32);
  };
  std::thread t0(work, 0), t1(work, 1);
  t0.join();
  t1.join();
  CHECK(tracker.current_bytes() - before == 2 * 1024 * 4);
  kept.clear();
  CHECK(tracker.current_bytes() == before);
}

// ---- threads ---------------------------------------------------------------------------------

TEST_CASE("ConfigureThreads: an explicit count or 0 for every available core") {
  CHECK(engine::ConfigureThreads(1) == 1);
  CHECK(at::get_num_threads() == 1);
  CHECK(engine::ConfigureThreads(0) == engine::AvailableCores());
  CHECK(at::get_num_threads() == engine::AvailableCores());
}

TEST_CASE("AvailableCores: follows the affinity mask") {
  cpu_set_t all;
  REQUIRE(sched_getaffinity(0, sizeof(all), &all) == 0);
  CHECK(engine::AvailableCores() == CPU_COUNT(&all));
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &all)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);  // this thread only, as `taskset -c N` would
  CHECK(engine::AvailableCores() == 1);
  REQUIRE(sched_setaffinity(0, sizeof(all), &all) == 0);
  CHECK(engine::AvailableCores() == CPU_COUNT(&all));
}

// ---- calibration -------------------------------------------------------------------------------

TEST_CASE("MeasurePeakGemmFlops / MeasureMemoryBandwidth: argument errors") {
  double value = 0;
  CHECK(engine::MeasurePeakGemmFlops("int8", "cpu", &value).ToString() ==
        "invalid argument: unknown dtype 'int8' (expected float32, bfloat16 or float16)");
  CHECK(engine::MeasurePeakGemmFlops("float32", "tpu", &value).ToString() ==
        "invalid argument: unknown device 'tpu' (expected cpu or cuda)");
  if (!engine::CudaAvailable()) {
    CHECK(engine::MeasureMemoryBandwidth("cuda", &value).ToString() ==
          "unavailable: device cuda requested but LibTorch sees no CUDA device");
  }
}

TEST_CASE("LoadOrMeasurePeaks: measures what the cache lacks and then reuses it") {
  TempDir dir("modelcard-calibration");
  const std::string cache = dir.File("sub/peaks.json");  // the folder is created
  const engine::CalibrationKey key{"Test CPU", at::get_num_threads(), "2.15.0", "cpu"};
  engine::MeasuredPeaks first, second, third;
  std::vector<std::string> measured;

  REQUIRE(engine::LoadOrMeasurePeaks(key, "cpu", {"float32"}, cache, false, nullptr, &first, &measured).ok());
  CHECK(measured == std::vector<std::string>{"gemm float32", "copy"});
  CHECK(first.gemm_flops_per_s.at("float32") > 1e9);
  CHECK(first.copy_bytes_per_s > 1e9);
  CHECK(std::filesystem::exists(cache));

  std::vector<std::string> lines;
  REQUIRE(engine::LoadOrMeasurePeaks(
              key, "cpu", {"float32"}, cache, false, [&](const std::string& line) { lines.push_back(line); }, &second,
              &measured)
              .ok());
  CHECK(measured.empty());
  CHECK(second.gemm_flops_per_s.at("float32") == first.gemm_flops_per_s.at("float32"));
  CHECK(second.copy_bytes_per_s == first.copy_bytes_per_s);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("float32 GEMM peak: ", 0) == 0);
  CHECK(lines[0].find(" GFLOP/s (cached in " + cache + ")") != std::string::npos);
  CHECK(lines[1].rfind("memory copy bandwidth: ", 0) == 0);

  REQUIRE(
      engine::LoadOrMeasurePeaks(key, "cpu", {"float32", "bfloat16"}, cache, false, nullptr, &third, &measured).ok());
  CHECK(measured == std::vector<std::string>{"gemm bfloat16"});
  CHECK(third.gemm_flops_per_s.at("float32") == first.gemm_flops_per_s.at("float32"));
  CHECK(third.gemm_flops_per_s.at("bfloat16") > 1e9);
  MESSAGE("threads=" << key.threads << " float32 GEMM peak " << third.gemm_flops_per_s.at("float32") / 1e9
                     << " GFLOP/s, bfloat16 " << third.gemm_flops_per_s.at("bfloat16") / 1e9 << " GFLOP/s, copy "
                     << third.copy_bytes_per_s / 1e9 << " GB/s");
}

TEST_CASE("LoadOrMeasurePeaks: picks the entries of its key out of a hand-written cache") {
  TempDir dir("modelcard-calibration-keys");
  const std::string cache = dir.File("peaks.json");
  WriteText(cache, R"({"schema": 2, "entries": [
    {"cpu_model": "A", "threads": 2, "libtorch": "2.15.0", "device": "cpu", "measure": "gemm_flops_per_s", "dtype": "float32", "value": 5},
    {"cpu_model": "A", "threads": 4, "libtorch": "2.15.0", "device": "cpu", "measure": "gemm_flops_per_s", "dtype": "float32", "value": 6},
    {"cpu_model": "A", "threads": 2, "libtorch": "2.15.0", "device": "cpu", "measure": "gemm_flops_per_s", "dtype": "bfloat16", "value": 7},
    {"cpu_model": "A", "threads": 2, "libtorch": "2.14.0", "device": "cpu", "measure": "copy_bytes_per_s", "dtype": "", "value": 8},
    {"cpu_model": "A", "threads": 2, "libtorch": "2.15.0", "device": "cpu", "measure": "copy_bytes_per_s", "dtype": "", "value": 9},
    "not an entry"]})");
  engine::MeasuredPeaks peaks;
  std::vector<std::string> measured = {"stale"};
  REQUIRE(engine::LoadOrMeasurePeaks({"A", 2, "2.15.0", "cpu"}, "cpu", {"float32", "bfloat16"}, cache, false, nullptr,
                                     &peaks, &measured)
              .ok());
  CHECK(measured.empty());
  CHECK(peaks.gemm_flops_per_s == std::map<std::string, double>{{"float32", 5}, {"bfloat16", 7}});
  CHECK(peaks.copy_bytes_per_s == 9);

  // recalibrate ignores the cache and overwrites what it measures.
  REQUIRE(
      engine::LoadOrMeasurePeaks({"A", 2, "2.15.0", "cpu"}, "cpu", {}, cache, true, nullptr, &peaks, &measured).ok());
  CHECK(measured == std::vector<std::string>{"copy"});
  CHECK(peaks.copy_bytes_per_s > 1e9);
  const double copy = peaks.copy_bytes_per_s;
  REQUIRE(engine::LoadOrMeasurePeaks({"A", 2, "2.15.0", "cpu"}, "cpu", {"float32"}, cache, false, nullptr, &peaks,
                                     &measured)
              .ok());
  CHECK(measured.empty());
  CHECK(peaks.copy_bytes_per_s == copy);
  CHECK(peaks.gemm_flops_per_s.at("float32") == 5);  // other entries kept
}

TEST_CASE("LoadOrMeasurePeaks: a corrupt cache is ignored and replaced") {
  TempDir dir("modelcard-calibration-corrupt");
  const std::string cache = dir.File("peaks.json");
  WriteText(cache, "{\"schema\": 1, \"entries\": [ this is not JSON");
  engine::MeasuredPeaks peaks;
  std::vector<std::string> measured;
  REQUIRE(
      engine::LoadOrMeasurePeaks({"A", 2, "2.15.0", "cpu"}, "cpu", {}, cache, false, nullptr, &peaks, &measured).ok());
  CHECK(measured == std::vector<std::string>{"copy"});
  REQUIRE(
      engine::LoadOrMeasurePeaks({"A", 2, "2.15.0", "cpu"}, "cpu", {}, cache, false, nullptr, &peaks, &measured).ok());
  CHECK(measured.empty());
}

// ---- environment -------------------------------------------------------------------------------

TEST_CASE("SummarizeCpuBlas: which kernels run float32 and bfloat16 GEMMs, from the capability queries") {
  const std::string mkl =
      "  - Intel(R) oneAPI Math Kernel Library Version 2024.2-Product Build 20240605 for Intel(R) 64 architecture "
      "applications\n  - Intel(R) MKL-DNN v3.13.3 (Git Hash b38f97eb6f2173513112f15a0481750b8a66e901)\n"
      "  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release, USE_MKL=ON, USE_MKLDNN=ON, USE_OPENMP=ON,\n";
  engine::CpuKernels zen4;  // AVX-512 with AVX512-BF16, no AMX
  zen4.avx2 = zen4.avx512 = zen4.avx512_vnni = zen4.avx512_bf16 = true;
  zen4.onednn = zen4.onednn_bf16 = true;
  CHECK(engine::SummarizeCpuBlas(mkl, zen4) == "MKL 2024.2 (float32 GEMM), oneDNN 3.13.3 (bfloat16 GEMM, AVX512-BF16)");
  engine::CpuKernels spr = zen4;
  spr.amx = true;
  CHECK(engine::SummarizeCpuBlas(mkl, spr) == "MKL 2024.2 (float32 GEMM), oneDNN 3.13.3 (bfloat16 GEMM, AMX)");
  engine::CpuKernels skx = zen4;  // AVX-512 without BF16: oneDNN converts
  skx.avx512_bf16 = false;
  CHECK(engine::SummarizeCpuBlas(mkl, skx) == "MKL 2024.2 (float32 GEMM), oneDNN 3.13.3 (bfloat16 GEMM, AVX-512)");
  engine::CpuKernels zen3;  // AVX2 only: oneDNN has no bfloat16 kernel, ATen emulates it
  zen3.avx2 = true;
  zen3.onednn = true;
  CHECK(engine::SummarizeCpuBlas(mkl, zen3) ==
        "MKL 2024.2 (float32 GEMM), ATen (bfloat16 GEMM, emulated in float32: no native bfloat16 on this CPU)");
  engine::CpuKernels forced = zen3;
  forced.forced = true;
  CHECK(engine::SummarizeCpuBlas(mkl, forced).find("forced by MODELCARD_CPU_ISA=avx2") != std::string::npos);
  const std::string openblas = "  - Build settings: BLAS_INFO=open, USE_MKLDNN=OFF, USE_OPENMP=ON,\n";
  CHECK(engine::SummarizeCpuBlas(openblas, zen4) == "OpenBLAS (float32 and bfloat16 GEMM)");
  CHECK(engine::SummarizeCpuBlas("", engine::CpuKernels()) == "ATen native GEMM (float32 and bfloat16 GEMM)");
}

TEST_CASE("CudaVersionString") {
  CHECK(engine::CudaVersionString(13020) == "13.2");
  CHECK(engine::CudaVersionString(12080) == "12.8");
  CHECK(engine::CudaVersionString(0) == "");
}

TEST_CASE("DetectEnvironment: fills every field and a second call reuses the calibration cache") {
  TempDir dir("modelcard-environment");
  engine::EnvironmentOptions options;
  options.cache_path = dir.File("peaks.json");
  std::vector<std::string> lines;
  options.progress = [&](const std::string& line) { lines.push_back(line); };
  engine::Environment env;
  Status s = engine::DetectEnvironment(options, &env);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(env.device == "cpu");
  CHECK(!env.cpu_model.empty());
  CHECK(env.cores == engine::AvailableCores());
  CHECK(env.threads == at::get_num_threads());
  CHECK(env.memory_bytes > 256 * kMiB);
  CHECK(!env.os.empty());
  CHECK(std::regex_match(env.compiler, std::regex("(GCC|Clang) \\d+\\.\\d+\\.\\d+")));
  CHECK(env.libtorch == TORCH_VERSION);
  // The CUDA version LibTorch was built with, as its own build settings state it.
  const std::string config = at::show_config();
  const size_t at = config.find("CUDA_VERSION=");
  CHECK(env.cuda == (at == std::string::npos ? "" : config.substr(at + 13, config.find(',', at) - at - 13)));
  CHECK(env.gpu.empty());
  CHECK(env.blas == engine::SummarizeCpuBlas(config, engine::DetectCpuKernels()));
  CHECK(env.cpu_features == engine::CpuFeatureSummary());
  CHECK(std::regex_match(env.date, std::regex("20\\d\\d-\\d\\d-\\d\\d")));
  CHECK(std::regex_match(env.tool_version, std::regex("\\d+\\.\\d+\\.\\d+")));
  REQUIRE(env.peak_flops_per_s.size() == 2);
  CHECK(env.peak_flops_per_s.at("float32") > 1e9);
  CHECK(env.peak_flops_per_s.at("bfloat16") > 1e9);
  CHECK(env.memory_bandwidth_bytes_per_s > 1e9);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "calibrating float32 GEMM peak on cpu");
  CHECK(std::regex_match(lines[1], std::regex("float32 GEMM peak: \\d+\\.\\d GFLOP/s \\(measured\\)")));
  CHECK(lines[2] == "calibrating bfloat16 GEMM peak on cpu");
  CHECK(std::regex_match(lines[3], std::regex("bfloat16 GEMM peak: \\d+\\.\\d GFLOP/s \\(measured\\)")));
  CHECK(lines[4] == "calibrating memory copy bandwidth on cpu");
  CHECK(std::regex_match(lines[5], std::regex("memory copy bandwidth: \\d+\\.\\d GB/s \\(measured\\)")));
  MESSAGE("environment: " << env.cpu_model << ", " << env.os << ", " << env.compiler << ", blas: " << env.blas);

  lines.clear();
  engine::Environment again;
  REQUIRE(engine::DetectEnvironment(options, &again).ok());
  REQUIRE(lines.size() == 3);  // one line per peak, each loaded
  for (const std::string& line : lines) CHECK(line.find("(cached in " + options.cache_path + ")") != std::string::npos);
  CHECK(again.peak_flops_per_s == env.peak_flops_per_s);
  CHECK(again.memory_bandwidth_bytes_per_s == env.memory_bandwidth_bytes_per_s);
}

TEST_CASE("DetectEnvironment: unknown or absent device") {
  engine::EnvironmentOptions options;
  engine::Environment env;
  options.device = "tpu";
  CHECK(engine::DetectEnvironment(options, &env).ToString() ==
        "invalid argument: unknown device 'tpu' (expected cpu or cuda)");
  if (!engine::CudaAvailable()) {
    options.device = "cuda";
    CHECK(engine::DetectEnvironment(options, &env).ToString() ==
          "unavailable: device cuda requested but LibTorch sees no CUDA device");
  }
}
