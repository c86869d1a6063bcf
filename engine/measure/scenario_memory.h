// ScenarioMemory: tensor bytes allocated on one device during a scenario, relative to the level
// when it started: the CPU counting allocator (cpu_memory.h) or the CUDA caching allocator's
// statistics (cuda_memory.h). Weights allocated before Start() are not in the numbers.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "engine/measure/cpu_memory.h"
#include "engine/measure/cuda_memory.h"

namespace engine {

class ScenarioMemory {
 public:
  explicit ScenarioMemory(const std::string& device) : cuda_(device == "cuda") {
    if (!cuda_) cpu_ = &PeakMemoryTracker::Install();
  }
  // Makes the current level the zero of the numbers below and resets the peak.
  void Start() {
    if (cuda_) {
      torch::cuda::synchronize();
      ResetCudaPeak(0);
      baseline_ = CudaAllocatedBytes(0);
    } else {
      cpu_->ResetPeak();
      baseline_ = cpu_->current_bytes();
    }
  }
  // Peak bytes above the level at Start() (activations, outputs, caches; not the weights).
  int64_t PeakAboveStart() const {
    const int64_t peak = cuda_ ? CudaPeakBytes(0) : cpu_->peak_bytes();
    return std::max<int64_t>(0, peak - baseline_);
  }
  // Bytes allocated now above the level at Start() (negative when more was freed).
  int64_t CurrentAboveStart() const { return (cuda_ ? CudaAllocatedBytes(0) : cpu_->current_bytes()) - baseline_; }

 private:
  bool cuda_;
  PeakMemoryTracker* cpu_ = nullptr;
  int64_t baseline_ = 0;
};

}  // namespace engine
