// Measured peaks of the machine, the denominators of MFU and bandwidth utilization: GEMM FLOP/s
// per dtype and memory copy bandwidth, plus a small JSON cache so that a machine is calibrated
// once per (cpu model, threads, LibTorch version, device). Not a hardware spec sheet: these are
// what LibTorch reaches here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/status.h"

namespace engine {

// Best FLOP/s (FLOPs = 2 x M x N x K) of at::linear(x (M, K), w (N, K)) and, on CPU, of the
// oneDNN packed-weight linear models use for inference (LinearImpl::PackForInference), over a few shapes: on cpu (1024,
// 1024, 1024), (2048, 2048, 2048), (2048, 4096, 1024); on cuda 4096^3, 8192^3, (8192, 8192, 4096). Two passes over the
// shapes; each shape: two warm-ups, then the fastest of at least 3 (cpu) / 10 (cuda) runs and 0.4 s. Uses the current
// LibTorch thread count. `dtype`: "float32" | "bfloat16" | "float16"; `device`: "cpu" | "cuda". Returns InvalidArgument
// for an unknown dtype/device, Unavailable for cuda without a device.
Status MeasurePeakGemmFlops(const std::string& dtype, const std::string& device, double* flops_per_s);

// Best bytes/s of dst.copy_(src) for a float32 tensor far larger than the caches (256 MiB on
// cpu, 1 GiB on cuda), counting read + write bytes (2 x size per copy, as STREAM "Copy" does;
// the write-allocate read of dst, if the hardware makes one, is not counted).
Status MeasureMemoryBandwidth(const std::string& device, double* bytes_per_s);

// What identifies a calibration: peaks are reused only when all fields match.
struct CalibrationKey {
  std::string cpu_model;  // /proc/cpuinfo "model name"
  int64_t threads = 0;    // LibTorch intra-op threads
  std::string libtorch;   // e.g. "2.15.0"
  std::string device;     // "cpu" or the GPU name
};

struct MeasuredPeaks {
  std::map<std::string, double> gemm_flops_per_s;  // dtype -> FLOP/s
  double copy_bytes_per_s = 0;
};

// Fills `peaks` for `dtypes` and the copy bandwidth of `device` ("cpu" | "cuda"): from the JSON
// cache at `cache_path` when it holds them for `key` (unless `recalibrate`), measuring the rest
// and writing them back (other keys' entries are kept). `cache_path` "" = no cache. A cache
// file that is missing, unreadable or not the expected JSON is treated as empty and replaced.
// `measured` (may be null) receives what was measured rather than loaded, in order:
// "gemm <dtype>"..., then "copy". Progress lines go to `progress` (may be empty).
// Returns IOError when the cache cannot be written; measurement errors as above.
Status LoadOrMeasurePeaks(const CalibrationKey& key, const std::string& device, const std::vector<std::string>& dtypes,
                          const std::string& cache_path, bool recalibrate, const ProgressFn& progress,
                          MeasuredPeaks* peaks, std::vector<std::string>* measured);

}  // namespace engine
