// CUDA peak memory through c10::cuda::CUDACachingAllocator's device stats. Compiled in every
// build (this LibTorch has CUDA); only called when a device is present.
#include "engine/measure/cuda_memory.h"

#include <c10/cuda/CUDACachingAllocator.h>

namespace engine {

void ResetCudaPeak(int device) {
  c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device));
}

int64_t CudaPeakBytes(int device) {
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
  return stats.allocated_bytes[static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE)].peak;
}

int64_t CudaAllocatedBytes(int device) {
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
  return stats.allocated_bytes[static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE)].current;
}

}  // namespace engine
