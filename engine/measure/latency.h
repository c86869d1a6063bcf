// Wall-clock timing of repeated work (DESIGN.md "Measurement conventions": warm-up, then at
// least N iterations AND at least T seconds, each sample synchronized with the device) and
// the statistics reported for it. Not a profiler: one number per iteration, nothing inside.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"

namespace engine {

// Mean, percentiles, sample standard deviation (n - 1), cv = stdev / mean, count and total of
// `samples_s` (any order). Percentiles interpolate linearly between the closest ranks, numpy's
// default: sorted x, rank h = (n - 1) * q, value = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
// An empty input gives all zeros; one sample gives stdev = cv = 0.
LatencyStats SummarizeLatencies(std::vector<double> samples_s);

struct TimingOptions {
  int64_t warmup = 2;               // untimed runs first. Default: 2
  int64_t min_iterations = 10;      // Default: 10
  double min_seconds = 1.0;         // timed seconds (sum of samples) to reach. Default: 1 s
  int64_t max_iterations = 100000;  // hard cap, wins over min_seconds. Default: 100000
};

// Runs `body` + `sync` options.warmup times untimed, then times iterations until at least
// min_iterations have run AND the samples sum to at least min_seconds, stopping at
// max_iterations. Each sample is steady_clock time from before body() to after sync().
// `on_iteration` (may be empty) is called with the number of timed iterations done, outside
// the timed region. `*samples_s` is replaced. A c10::Error or std::exception thrown by body or
// sync is returned as Internal. REQUIRES: warmup >= 0, 1 <= min_iterations <= max_iterations,
// min_seconds >= 0 (else InvalidArgument).
Status TimeIterations(const std::function<void()>& body, const std::function<void()>& sync,
                      const TimingOptions& options, const std::function<void(int64_t done)>& on_iteration,
                      std::vector<double>* samples_s);

// What to call after the work of one iteration so that its time is complete:
// torch::cuda::synchronize() for "cuda" (current device) or "cuda:N" (device N), which waits
// for all of the device's streams; nothing for "cpu" (or any other name).
std::function<void()> DeviceSync(const std::string& device);

}  // namespace engine
