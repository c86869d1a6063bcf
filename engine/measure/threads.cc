// Thread configuration (engine.h ConfigureThreads), available cores and CUDA presence.
#include "engine/measure/threads.h"

#include <ATen/Parallel.h>
#include <sched.h>
#include <torch/cuda.h>

#include <algorithm>

#include "engine/engine.h"

namespace engine {

int64_t AvailableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

int64_t ConfigureThreads(int64_t threads) {
  // More threads than cores only oversubscribe them: capped (engine.h).
  const int64_t wanted = threads > 0 ? std::min(threads, AvailableCores()) : AvailableCores();
  at::set_num_threads(static_cast<int>(wanted));
  // One inter-op thread: scenarios are single-stream, and extra pools only compete for cores.
  // LibTorch refuses once the pool has started or the count was set; then it stays as it is.
  if (at::get_num_interop_threads() != 1) {
    try {
      at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
    }
  }
  return at::get_num_threads();
}

bool CudaAvailable() { return torch::cuda::is_available(); }

}  // namespace engine
