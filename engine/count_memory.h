// Analytic memory estimate of a scenario (issue 14, "memory guard"): what building a model or
// running one scenario holds at its peak, from the ModelConfig and the run shape alone. Plain C++
// (engine core, no LibTorch), so the engine checks it against the available memory before it
// allocates anything, and the documents print it beside the measured peak.
//
// What is counted (bytes; b = bytes per element of the dtype; P = parameters):
//   weights      P x b (train: float32 master weights, 4 P)
//   packed       CPU oneDNN packed copies of the linear weights the inference model keeps
//                (LinearImpl::PackForInference), when the caller says packing applies
//   activations  the live tensors at the scenario's peak: the largest per-layer working set of a
//                forward pass (residual stream, norm output, q|k|v, attention output, MLP
//                hidden) or its output (logits over the vocabulary at every position); train:
//                the tensors the forward pass keeps for backward (every layer's inputs and
//                intermediates, logits and their float32 log-softmax) plus, with autocast, the
//                16-bit copies of the weights it caches for the step
//   kv_cache     generate: 2 (K, V) x KV heads x head dim x b per token and layer (MLA: kv_lora_rank
//                + qk_rope_head_dim), for batch x (prompt + new tokens), a sliding-window layer
//                holding at most its window (engine/count.h CountKVCacheBytes)
//   gradients    train: 4 P (float32 .grad)
//   optimizer    train: AdamW exp_avg + exp_avg_sq, 8 P
//   transient    short-lived buffers: the float32 draw of the largest weight at initialisation
//                (build); backward's two buffers of the largest weight's gradient (train; a tied
//                embedding gets one from the head and one from the lookup, then their sum)
// Not counted: allocator overhead, LibTorch's and oneDNN's own caches, thread stacks, the input
// tensors (small, or allocated before the scenario starts), LibTorch itself (a few hundred MiB of
// code and runtime, which the guard leaves to the available-memory figure).
//
// The estimate is an approximation of the measured peak, not a bound: tests/engine/
// memory_guard_test.cc checks it against measurements of small models within a stated factor.
#pragma once

#include <cstdint>
#include <string>

#include "engine/config.h"
#include "engine/report.h"
#include "engine/status.h"

namespace engine {

// What is estimated: the scenario names of report.h's Run, plus "build" (the inference model of
// `dtype` being built, before any scenario runs).
struct MemoryShape {
  std::string scenario = "forward";  // "build" | "forward" | "generate" | "train" | "preprocess"
  std::string dtype = "float32";     // "float32" | "bfloat16" | "float16"
  int64_t batch = 1;
  int64_t sequence_length = 0;  // forward / train: T (ignored by vit, resnet; audio: text tokens)
  int64_t prompt_tokens = 0;    // generate
  int64_t new_tokens = 0;       // generate
  bool packed = false;          // build / forward / generate: the model keeps packed linear copies
};

struct MemoryEstimate {
  int64_t weights = 0;
  int64_t packed = 0;
  int64_t activations = 0;
  int64_t kv_cache = 0;
  int64_t gradients = 0;
  int64_t optimizer = 0;
  int64_t transient = 0;
  // The sum: what the process is expected to hold at the scenario's peak (what the guard compares
  // with the available memory).
  int64_t total = 0;
  // The part comparable with Run::peak_bytes, which the scenario measures above what was allocated
  // when it started: forward, generate and preprocess: activations + kv_cache; train: gradients +
  // activations + transient (Run::peak_bytes is above the weights and the optimizer state); build: 0.
  int64_t scenario_peak = 0;
};

// Fills *out. InvalidArgument for an invalid config, an unknown scenario or dtype, or an estimate
// past int64 (the message says so; a caller comparing with a limit treats that as "exceeds").
Status EstimateMemory(const ModelConfig& c, const MemoryShape& shape, MemoryEstimate* out);

// The shape of a measured run (its scenario, dtype, batch, lengths), to set its peak beside the
// estimate; `packed` stays false (a scenario's peak never includes the packed copies).
MemoryShape MemoryShapeOf(const Run& run);

// "weights 12.6 GiB + packed copies 12.3 GiB + activations 1.5 GiB" (the non-zero parts, binary
// units, one decimal).
std::string DescribeMemoryEstimate(const MemoryEstimate& e);

// 1536 -> "1.5 KiB"; bytes below 1 KiB as "512 B". Binary units up to EiB, one decimal.
std::string MemoryBytesText(int64_t bytes);

// Parses a memory size as `--max-memory` takes it: a non-negative number with an optional unit
// B, KB/MB/GB/TB (powers of 1000), KiB/MiB/GiB/TiB (powers of 1024) or K/M/G/T (taken as binary),
// e.g. "8GiB", "512 MiB", "1.5G", "24000000000". False (and *bytes untouched) for anything else,
// for 0, and for a value past int64.
bool ParseMemorySize(const std::string& text, int64_t* bytes);

}  // namespace engine
