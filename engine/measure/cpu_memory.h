// PeakMemoryTracker: counts the bytes of CPU memory LibTorch allocates through c10's CPU
// allocator (tensor storages, and oneDNN buffers PyTorch's ideep integration requests), with
// the peak since the last reset. Not an RSS meter: see "What is not counted" below.
#pragma once

#include <atomic>
#include <cstdint>

namespace engine {

// Install() wraps the current c10::GetCPUAllocator() (once per process; never removed) with an
// allocator that forwards every request to it and records the requested size until the block
// is freed. Blocks stay "simple" (data pointer == context), so the raw_allocate/raw_deallocate
// interface and copy-on-write clones keep working. Thread-safe.
//
// What is counted: the requested bytes of every allocation made through c10's CPU allocator
// after Install(): tensor storages (activations, outputs, parameters created later) and, as
// PyTorch hands ideep that allocator, oneDNN's per-call scratchpad (a bfloat16 1024^3
// at::linear peaks ~0.26 MB above its 2 MiB output; checked in tests/engine/measure_test.cc).
//
// What is not counted:
//  - memory allocated before Install(): those blocks keep the original deleter, so freeing them
//    later never decrements the count (and they were never in it) (tested);
//  - MKL's own GEMM buffers: a float32 matmul peaks at exactly its output (tested), while
//    malloc's in-use bytes grow ~4.4 MB more on the first 2048^3 SGEMM (MKL's cached buffers);
//  - OpenMP thread stacks, the oneDNN primitive cache, alignment padding and malloc overhead;
//  - tensors that wrap memory they did not allocate (torch::from_blob, mmap'd checkpoints);
//  - CUDA memory and pinned host memory (other allocators).
class PeakMemoryTracker {
 public:
  // Installs the counting allocator on first call (SetCPUAllocator with the highest priority,
  // 255, so that it wins over the default one) and returns the process-wide tracker.
  static PeakMemoryTracker& Install();

  // Sets the peak to the current count.
  void ResetPeak();
  // Bytes counted as allocated and not yet freed.
  int64_t current_bytes() const { return current_bytes_.load(std::memory_order_relaxed); }
  // Highest current_bytes() since Install() or the last ResetPeak().
  int64_t peak_bytes() const { return peak_bytes_.load(std::memory_order_relaxed); }

  PeakMemoryTracker(const PeakMemoryTracker&) = delete;
  PeakMemoryTracker& operator=(const PeakMemoryTracker&) = delete;

 private:
  friend class CountingCpuAllocator;
  PeakMemoryTracker() = default;
  void Add(int64_t bytes);
  void Subtract(int64_t bytes) { current_bytes_.fetch_sub(bytes, std::memory_order_relaxed); }

  std::atomic<int64_t> current_bytes_{0};
  std::atomic<int64_t> peak_bytes_{0};
};

}  // namespace engine
