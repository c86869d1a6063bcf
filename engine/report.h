// Report: what counting and measuring a model produced. Plain structs (no LibTorch
// include) shared by the engine, which fills them, and the generator, which stores
// them as results JSON (see DESIGN.md "Results JSON (v1)") and renders them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/config.h"

namespace engine {

// Ordered (name, value) list: keeps a stable, meaningful order in documents.
using NamedCounts = std::vector<std::pair<std::string, int64_t>>;
using NamedRates = std::vector<std::pair<std::string, double>>;

// Parameters with tied weights counted once.
struct ParameterCount {
  int64_t total = 0;
  int64_t trainable = 0;
  int64_t embedding = 0;      // token (+ learned position) embedding tables
  int64_t non_embedding = 0;  // total - embedding
  int64_t active = 0;         // used for one token / sample: moe counts the top-k experts only;
                              // == total for every other family
  NamedCounts by_component;   // "embedding", "attention", "mlp", "norm", "lm_head" ...
};

// One forward pass at (batch, sequence_length). FLOPs = 2 x MACs; every matmul counted,
// attention's QK^T and AV in full (no causal halving). Elementwise work (norms, softmax,
// activations, bias adds, residuals) is listed apart in `elementwise` and NOT in `forward`.
struct FlopCount {
  int64_t batch = 0;
  int64_t sequence_length = 0;
  int64_t forward = 0;       // matmul FLOPs
  int64_t forward_macs = 0;  // forward / 2
  std::string input;         // what one forward pass takes: "1 × 1,024 tokens", "1 × 3 × 224 × 224 image"
  NamedCounts by_component;  // matmul FLOPs by component, sums to `forward`
  NamedCounts elementwise;   // approximate FLOPs of non-matmul ops, by kind
};

// Wall-clock statistics over `count` timed iterations, in seconds.
struct LatencyStats {
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, stdev = 0;
  double cv = 0;  // stdev / mean
  int64_t count = 0;
  double total = 0;  // seconds spent in timed iterations
};

// One measured scenario.
//  scenario "forward":  latency_s = one forward pass of (batch, sequence_length).
//  scenario "generate": prefill_s = the prompt forward (batch, prompt_tokens);
//                       latency_s = one decode step (one new token per sequence, KV cache).
//  scenario "train":    latency_s = one training step: forward + loss + backward + AdamW step
//                       at (batch, sequence_length). dtype "float32": float32 throughout;
//                       "bfloat16": mixed precision (bfloat16 autocast, float32 master weights,
//                       gradients and optimizer state). flops = 3 x the forward matmul FLOPs
//                       (backward = 2 x forward: 6 N per token plus 3 x the attention term).
//  scenario "preprocess": latency_s = preprocessing `batch` raw inputs on the CPU.
struct Run {
  std::string scenario;  // "forward" | "generate" | "train" | "preprocess"
  std::string device;    // "cpu" | "cuda"
  std::string dtype;     // "float32" | "bfloat16" | "float16"
  int64_t batch = 0;
  int64_t sequence_length = 0;  // forward: T; generate: prompt_tokens + new_tokens
  int64_t threads = 0;
  int64_t prompt_tokens = 0;  // generate only
  int64_t new_tokens = 0;     // generate only
  LatencyStats latency_s;
  LatencyStats prefill_s;           // generate only
  NamedRates throughput;            // e.g. {"tokens_per_s", x} or {"prefill_tokens_per_s"}, {"decode_tokens_per_s"}
  int64_t peak_bytes = 0;           // peak tensor bytes allocated during the scenario (weights excluded)
  int64_t weights_bytes = 0;        // parameter bytes in this dtype
  int64_t flops = 0;                // matmul FLOPs of one timed iteration (analytic)
  double achieved_flops_per_s = 0;  // flops / latency_s.mean
  double mfu = 0;                   // achieved / environment.peak_flops_per_s[dtype]
  // Roofline, generate only: bytes one decode step must read from memory at least (every
  // weight once + the KV cache (or state) it attends over, mean over the new tokens), and
  // that over latency_s.mean, against environment.memory_bandwidth_bytes_per_s.
  int64_t bytes_moved = 0;
  double achieved_bytes_per_s = 0;
  double bandwidth_utilization = 0;
  // train only: the step's memory, split. weights_bytes above is the float32 master weights.
  int64_t gradients_bytes = 0;    // .grad tensors after backward
  int64_t optimizer_bytes = 0;    // AdamW state (exp_avg, exp_avg_sq, step) after the step
  int64_t activations_bytes = 0;  // tensors the forward pass keeps for backward (held at the
                                  // end of forward: saved activations, logits, loss)
};

// One arm of an optimization experiment, measured in the same run as its baseline.
struct ExperimentVariant {
  std::string name;               // "fused attention (SDPA)", "bfloat16", "batch 8", "2 threads"
  bool baseline = false;          // the row the others are compared with (speedup 1)
  int64_t value = 0;              // the swept number for sweeps (batch size, threads); else 0
  LatencyStats latency_s;         // one iteration of the experiment's unit of work
  double first_call_s = 0;        // combined: the first call on a freshly built model
  double speedup = 0;             // baseline latency_s.mean / this latency_s.mean (batch_scaling:
                                  // this throughput / the baseline throughput, per-sample speedup)
  NamedRates throughput;          // in the family's unit (tokens_per_s, images_per_s, ...)
  int64_t peak_bytes = 0;         // peak tensor bytes of the iteration (weights excluded)
  int64_t weights_bytes = 0;      // weights as this variant stores them
  int64_t activations_bytes = 0;  // activation_checkpointing: tensors the forward pass keeps for
                                  // backward (Run::activations_bytes); 0 elsewhere
  int64_t flops = 0;              // matmul FLOPs of one iteration (analytic)
  double mfu = 0;                 // achieved FLOP/s / peak GEMM FLOP/s of the variant's dtype
  // Accuracy against the float32 eager baseline on the same input (has_accuracy):
  bool has_accuracy = false;
  double max_abs_error = 0;   // max |y - y_ref| over the outputs (logits / class scores)
  double max_rel_error = 0;   // max |y - y_ref| / max |y_ref|
  double top1_agreement = 0;  // share of positions whose argmax equals the reference's
};

// A scenario that could not run on this machine (an operator the CPU cannot run, an allocator
// error, ...). The size's other runs are kept; documents list it with its reason.
struct RunFailure {
  std::string scenario;  // as Run::scenario, or "inference": the dtype's model could not be
                         // built, so none of its inference scenarios ran
  std::string device;
  std::string dtype;
  int64_t batch = 0;
  int64_t sequence_length = 0;
  std::string reason;  // the error, one line
};

// One optimization experiment (engine/experiments/): a baseline and its variants.
//   fused_attention, mixed_precision, kv_cache, int8_weights, batch_scaling, thread_scaling,
//   activation_checkpointing, combined.
struct Experiment {
  std::string id;           // one of the ids above
  std::string title;        // "Fused attention"
  std::string description;  // one line: what the experiment does
  std::string setup;        // the fixed conditions: "float32, batch 1 x 128 tokens, 2 threads"
  std::string unit;         // what one latency sample is: "forward pass", "training step", ...
  bool applicable = true;   // false: not run for this model; `reason` says why
  std::string reason;
  std::vector<ExperimentVariant> variants;  // the baseline first
  double latency_budget_s = 0;              // batch_scaling: the budget; best_batch: the largest batch
  int64_t best_batch = 0;                   //   whose mean latency fits in it (0 = none fits)
};

// A checkpoint loaded instead of random weights (a spec size's `weights:`), timed once: the
// cold start from opening the file to the last tensor copied into the model, per dtype built.
struct WeightsLoad {
  std::string weights;     // as the spec names it ("" = random weights; nothing loaded)
  std::string layout;      // "gpt2" | "llama" (engine/weights/hf_names.h)
  int64_t tensors = 0;     // checkpoint tensors copied
  int64_t bytes_read = 0;  // their bytes as stored in the checkpoint
  double load_s = 0;       // wall time of the first load (memory-mapped; page cache as found)
};

// A quality metric measured here on a data file (`modelcard eval`), shown beside the spec's
// reported values.
struct MeasuredEvaluation {
  std::string metric;   // "perplexity" | "top-1 accuracy" | "top-5 accuracy" (value in [0, 1])
  std::string dataset;  // the data file's name (or --name)
  int64_t tokens = 0;   // perplexity: tokens predicted
  double value = 0;
  std::string dtype;      // "float32" | "bfloat16"
  std::string weights;    // the checkpoint, as the spec names it
  std::string date;       // ISO date of the measurement
  int64_t samples = 0;    // accuracy: images (vit, resnet) or sequences (encoder) classified
  std::string tokenizer;  // "byte-level BPE" when the data was text; "" for token ids
};

struct SizeReport {
  std::string name;  // spec size name ("small")
  ModelConfig config;
  ParameterCount parameters;
  FlopCount flops;  // at (1, context_length) unless asked otherwise
  std::vector<Run> runs;
  std::vector<RunFailure> failures;             // scenarios that failed here (runs holds the rest)
  std::vector<Experiment> experiments;          // measured for the spec's first profiled size only
  WeightsLoad weights_load;                     // weights.empty(): the runs used random weights
  std::vector<MeasuredEvaluation> evaluations;  // modelcard eval
};

// Where the measurements were taken. Every result carries one.
struct Environment {
  std::string device;        // "cpu" or the GPU name
  std::string cpu_model;     // /proc/cpuinfo "model name"
  int64_t cores = 0;         // logical CPUs available to the process
  int64_t threads = 0;       // intra-op threads used
  int64_t memory_bytes = 0;  // physical RAM
  std::string os;            // e.g. "Debian GNU/Linux 12 (bookworm)"
  std::string compiler;      // e.g. "GCC 12.2.0"
  std::string libtorch;      // e.g. "2.15.0"
  std::string cuda;          // CUDA runtime version LibTorch was built with; "" = none
  std::string gpu;           // GPU name when measured on CUDA; "" otherwise
  std::string blas;          // BLAS / oneDNN summary: which kernels ran float32 and bfloat16
  std::string cpu_features;  // what decided them: "AVX-512, AVX512-VNNI, AVX512-BF16, AMX (ATen AVX512)";
                             // "" = not recorded (older results, cuda)
  std::string date;          // ISO date of the measurement (YYYY-MM-DD)
  std::string tool_version;  // modelcard version
  std::map<std::string, double> peak_flops_per_s;  // dtype -> measured GEMM FLOP/s
  double memory_bandwidth_bytes_per_s = 0;         // measured copy bandwidth
};

// The version of what the engine measures and how: bump it when a scenario, an experiment or a
// formula changes, so `modelcard build` measures every spec again (results store, issue 6).
inline constexpr const char* kEngineVersion = "3";  // 3: kernels per CPU, failures kept, 7-bit int8 without VNNI

struct Report {
  int schema = 1;
  std::string model;  // spec name
  std::string slug;
  std::string spec_sha256;  // of the spec file's bytes when measured (information only)
  // results::MeasuredInputsSha256 of the spec when measured: the results are current while it and
  // engine_version match. "" = not recorded (a file written before it existed): stale.
  std::string measured_inputs_sha256;
  std::string engine_version;  // kEngineVersion of the build that measured it; "" = unknown (old file)
  std::vector<SizeReport> sizes;
  Environment environment;
};

}  // namespace engine
