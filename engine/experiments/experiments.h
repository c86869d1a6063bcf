// The optimization study (seed experiments-readme.template.md): eight experiments, each a
// baseline and its variants measured in the same run on the same input, with speedup, memory
// and accuracy against the float32 eager baseline. Numbers only: the generator words them.
// No LibTorch type in this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/engine.h"
#include "engine/report.h"
#include "engine/status.h"

namespace engine {

struct ExperimentOptions {
  std::string device = "cpu";                       // "cpu" | "cuda"
  int64_t batch = 1;                                // the single-shape experiments' batch ...
  int64_t sequence_length = 128;                    // ... and tokens (ignored by image / encoder-only audio)
  std::vector<int64_t> batch_sizes = {1, 2, 4, 8};  // batch_scaling. Default: 1, 2, 4, 8
  double latency_budget_s = 0.1;                    // batch_scaling's budget. Default: 100 ms
  int64_t prompt_tokens = 8;                        // kv_cache: the prompt ...
  int64_t new_tokens = 16;                          // ... and the tokens generated greedily
  std::vector<int64_t> thread_counts;               // thread_scaling; empty = 1, 2, 4, ... up to the cores
  int64_t warmup = 2;
  int64_t min_iterations = 10;
  double min_seconds = 1.0;
  uint64_t seed = 0;
  std::string weights_path;       // run on this checkpoint's weights (load.h); "" = random
  std::vector<std::string> only;  // experiment ids to run; empty = all eight
  ProgressFn progress;
};

// The experiment ids in their fixed order.
const std::vector<std::string>& ExperimentIds();

// Runs the experiments on `c` with random weights (seeded) or options.weights_path's, appending one Experiment per id
// to *out (applicable = false with a reason where one does not apply to the family or device). Leaves the intra-op
// thread count as it found it. REQUIRES: ConfigureThreads() called; env->peak_flops_per_s filled for MFU. Returns
// InvalidArgument for a bad config or option.
Status RunExperiments(const ModelConfig& c, const ExperimentOptions& options, const Environment& env,
                      std::vector<Experiment>* out);

}  // namespace engine
