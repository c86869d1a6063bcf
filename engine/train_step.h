// The training-step scenario: forward, loss, backward and an AdamW step on a family model
// with random weights and random targets, timed and with its memory split into weights,
// gradients, optimizer state and activations. No LibTorch type in this header.
#pragma once

#include <cstdint>
#include <string>

#include "engine/config.h"
#include "engine/engine.h"
#include "engine/measure/latency.h"
#include "engine/report.h"
#include "engine/status.h"

namespace engine {

struct TrainStepOptions {
  std::string device = "cpu";     // "cpu" | "cuda"
  std::string dtype = "float32";  // "float32": float32 throughout; "bfloat16" | "float16":
                                  // autocast mixed precision, float32 master weights and state
  int64_t batch = 1;
  int64_t sequence_length = 128;          // ignored by the image and encoder-only audio families
  bool activation_checkpointing = false;  // checkpoint every transformer block (checkpoint.h)
  TimingOptions timing;
  uint64_t seed = 0;         // weights and targets
  std::string weights_path;  // start from this checkpoint instead of random weights (load.h)
  ProgressFn progress;
};

// The loss each family trains with here (documents quote it): causal LM and MLM heads
// "cross-entropy over the vocabulary", classifiers "cross-entropy over the classes", a model
// without a head "mean squared output (a stand-in objective: no head to train)".
std::string TrainingObjective(const ModelConfig& c);

// Measures one training step of `c` (AdamW: lr 1e-4, betas (0.9, 0.999), weight decay 0.01)
// into a Run with scenario "train": latency_s per step (zero_grad + forward + loss + backward
// + step), throughput in the family's unit, flops = 3 x forward matmul FLOPs, MFU against
// env.peak_flops_per_s[dtype], and weights / gradients / optimizer / activations bytes measured
// on one extra instrumented step. peak_bytes = the step's peak above weights + optimizer state.
// Returns InvalidArgument for a bad config or dtype, Internal for a LibTorch error.
Status MeasureTrainStep(const ModelConfig& c, const TrainStepOptions& options, const Environment& env, Run* out);

}  // namespace engine
