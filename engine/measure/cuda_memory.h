// Peak CUDA memory from the caching allocator's statistics: bytes allocated to tensors
// (allocated_bytes, all pools), not the allocator's reserved segments nor the CUDA context.
#pragma once

#include <cstdint>

namespace engine {

// Resets the caching allocator's peak statistics of `device`: afterwards the peak equals the
// bytes currently allocated. REQUIRES: CudaAvailable() and 0 <= device < device count; else
// LibTorch throws c10::Error, so call it inside the engine's try/catch boundary (Profile does).
void ResetCudaPeak(int device);

// Highest bytes allocated to tensors on `device` since the last ResetCudaPeak (or since the
// start of the process). REQUIRES: as ResetCudaPeak.
int64_t CudaPeakBytes(int device);

// Bytes allocated to tensors on `device` now. REQUIRES: as ResetCudaPeak.
int64_t CudaAllocatedBytes(int device);

}  // namespace engine
