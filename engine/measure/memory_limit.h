// The memory guard (issue 14): how much memory a measurement may use here, and the check of a
// scenario's analytic estimate (engine/count_memory.h) against it before anything is allocated.
#pragma once

#include <cstdint>
#include <string>

#include "engine/count_memory.h"
#include "engine/status.h"

namespace engine {

// A limit in bytes and where it comes from, as users read it: "MemAvailable in /proc/meminfo",
// "the cgroup memory limit (8.0 GiB, 1.2 GiB in use)", "free CUDA memory", "--max-memory".
struct MemoryLimit {
  int64_t bytes = 0;  // 0 = unknown (nothing is refused)
  std::string source;
};

// CPU: the smaller of MemAvailable (/proc/meminfo) and the room left under this process's cgroup
// limit (v2 memory.max - memory.current, v1 memory.limit_in_bytes - memory.usage_in_bytes), when
// there is one. CUDA: the device's free memory (cudaMemGetInfo) plus what LibTorch's caching
// allocator holds reserved but unused. REQUIRES for "cuda": CudaAvailable().
MemoryLimit DetectMemoryLimit(const std::string& device);

// The same reading from given file contents (tests): /proc/meminfo's text, and the cgroup's limit
// and usage files' contents ("" = absent; "max" or a value >= 2^60 = unlimited).
MemoryLimit CpuMemoryLimit(const std::string& meminfo, const std::string& cgroup_limit,
                           const std::string& cgroup_usage);

// OK when `estimate` fits in `limit` (or the limit is unknown); otherwise Unavailable with
// one line: "<what> needs an estimated 257.0 GiB (weights ... + ...), more than the 20.1 GiB
// available (MemAvailable in /proc/meminfo); hint: ...". An estimate that could not be computed
// (`estimate_status` not OK: past int64) is refused the same way.
Status CheckMemory(const std::string& what, const Status& estimate_status, const MemoryEstimate& estimate,
                   const MemoryLimit& limit);

}  // namespace engine
