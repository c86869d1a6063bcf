// The engine's public entry points. Callers (the CLI) see no LibTorch type: every
// function catches c10::Error at this boundary and returns a Status.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/report.h"
#include "engine/status.h"

namespace engine {

// Builds the model on the `meta` device (nothing allocated) and counts its parameters
// by name. Returns InvalidArgument for an invalid config.
Status CountInstantiatedParameters(const ModelConfig& c, ParameterCount* out);

// Called with one short human-readable line per step of long work ("small float32 b1 t128
// forward: iteration 7/10"). May be empty.
using ProgressFn = std::function<void(const std::string&)>;

struct ProfileOptions {
  std::vector<std::string> dtypes = {"float32"};  // "float32" | "bfloat16" | "float16"
  std::vector<int64_t> batch_sizes = {1};
  std::vector<int64_t> sequence_lengths = {128};
  std::string device = "cpu";                    // "cpu" | "cuda"
  bool forward = true;                           // run the forward scenario
  bool generate = true;                          // run the generation scenario
  bool preprocess = false;                       // time the input preprocessing (vit, resnet, audio)
  std::string weights_path;                      // load this checkpoint instead of random weights
                                                 // (every family with a layout; engine/weights/load.h). Default: ""
  bool train = false;                            // run the training-step scenario (train_step.h)
  std::vector<int64_t> train_batch_sizes = {1};  // its batch sizes (each dtype x sequence length)
  int64_t prompt_tokens = 32;
  int64_t new_tokens = 32;
  int64_t warmup = 2;           // warm-up iterations. Default: 2
  int64_t min_iterations = 10;  // Default: 10
  double min_seconds = 1.0;     // Default: 1 s
  uint64_t seed = 0;            // weight initialisation seed
  // The memory guard: the most a scenario may hold (its analytic estimate, engine/count_memory.h,
  // weights included). 0 = what this machine has available when Profile starts
  // (measure/memory_limit.h DetectMemoryLimit: MemAvailable, the cgroup limit, free CUDA memory).
  int64_t max_memory_bytes = 0;
  ProgressFn progress;
};

// Builds the model with random weights and runs each (dtype x batch x sequence) scenario.
// REQUIRES: ConfigureThreads() called; env->peak_flops_per_s filled for MFU (else mfu = 0).
// With options.weights_path, the model of each dtype is loaded from that checkpoint (the first
// load's cold-start time and bytes go to *load when given); the training step, which builds
// its own float32 model (master weights), loads the same checkpoint into it.
// With `failures`, a scenario that fails on this machine (its model cannot be built in that
// dtype, an operator or allocation fails) is recorded there with its reason and the others still
// run; without it, the first such failure is returned. Invalid options are returned either way.
Status Profile(const ModelConfig& c, const ProfileOptions& options, const Environment& env, std::vector<Run>* runs,
               WeightsLoad* load = nullptr, std::vector<RunFailure>* failures = nullptr);

// The memory guard over every scenario `options` asks for (building each dtype's model, forward,
// preprocess, generate, train), without allocating anything: OK when every estimate fits in the
// limit (options.max_memory_bytes, else the detected one), else Unavailable naming the first that
// does not, with its estimate and the limit it exceeds (one line). Profile applies the same check
// before each scenario (a refused one is a RunFailure with that reason, or the returned error).
Status CheckProfileMemory(const ModelConfig& c, const ProfileOptions& options);

// Sets LibTorch's intra-op threads (0 = all available cores) and returns the count in use. A count
// above the cores available to the process (measure/threads.h AvailableCores) is capped to them:
// oversubscribed threads only distort timings and calibrations (the CLI refuses such a --threads).
int64_t ConfigureThreads(int64_t threads);

// True when LibTorch sees a CUDA device.
bool CudaAvailable();

struct EnvironmentOptions {
  std::string device = "cpu";
  std::vector<std::string> dtypes = {"float32", "bfloat16"};  // peaks to calibrate
  std::string cache_path;                                     // calibration cache file ("" = no cache)
  bool recalibrate = false;                                   // ignore the cache
  ProgressFn progress;
};

// Fingerprints the machine and LibTorch; measures (or loads from the cache) the peak GEMM
// FLOP/s per dtype and the memory bandwidth of `options.device`.
Status DetectEnvironment(const EnvironmentOptions& options, Environment* env);

}  // namespace engine
