// Latency statistics (numpy-style percentiles) and the warm-up / min-iterations / min-seconds
// timing loop.
#include "engine/torch_error.h"
#include "engine/measure/latency.h"

#include <c10/util/Exception.h>
#include <torch/cuda.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <exception>
#include <numeric>

namespace engine {
namespace {

// Linear interpolation between closest ranks of sorted `x` (numpy.percentile's default).
double Percentile(const std::vector<double>& x, double q) {
  const double rank = (static_cast<double>(x.size()) - 1.0) * q;
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (rank - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

}  // namespace

LatencyStats SummarizeLatencies(std::vector<double> samples_s) {
  LatencyStats s;
  if (samples_s.empty()) return s;
  std::sort(samples_s.begin(), samples_s.end());
  const double n = static_cast<double>(samples_s.size());
  s.count = static_cast<int64_t>(samples_s.size());
  s.total = std::accumulate(samples_s.begin(), samples_s.end(), 0.0);
  s.mean = s.total / n;
  s.p50 = Percentile(samples_s, 0.50);
  s.p90 = Percentile(samples_s, 0.90);
  s.p99 = Percentile(samples_s, 0.99);
  if (samples_s.size() > 1) {
    double squares = 0;
    for (double x : samples_s) squares += (x - s.mean) * (x - s.mean);
    s.stdev = std::sqrt(squares / (n - 1));
  }
  s.cv = s.mean > 0 ? s.stdev / s.mean : 0;
  return s;
}

Status TimeIterations(const std::function<void()>& body, const std::function<void()>& sync,
                      const TimingOptions& options, const std::function<void(int64_t done)>& on_iteration,
                      std::vector<double>* samples_s) {
  if (samples_s == nullptr) return Status::InvalidArgument("TimeIterations: samples_s is null");
  if (options.warmup < 0 || options.min_iterations < 1 || options.max_iterations < options.min_iterations ||
      !(options.min_seconds >= 0))
    return Status::InvalidArgument(
        "TimeIterations: need warmup >= 0, 1 <= min_iterations <= max_iterations, "
        "min_seconds >= 0");
  using Clock = std::chrono::steady_clock;
  samples_s->clear();
  try {
    for (int64_t i = 0; i < options.warmup; ++i) {
      body();
      sync();
    }
    int64_t done = 0;
    double timed_s = 0;
    while (done < options.max_iterations && (done < options.min_iterations || timed_s < options.min_seconds)) {
      const Clock::time_point start = Clock::now();
      body();
      sync();
      const double sample_s = std::chrono::duration<double>(Clock::now() - start).count();
      samples_s->push_back(sample_s);
      timed_s += sample_s;
      ++done;
      if (on_iteration) on_iteration(done);
    }
  } catch (...) {
    return StatusFromCurrentException();
  }
  return Status::OK();
}

std::function<void()> DeviceSync(const std::string& device) {
  if (device == "cuda") return [] { torch::cuda::synchronize(); };
  int64_t index = 0;
  if (device.rfind("cuda:", 0) == 0 &&
      std::from_chars(device.data() + 5, device.data() + device.size(), index).ec == std::errc())
    return [index] { torch::cuda::synchronize(index); };
  return [] {};
}

}  // namespace engine
