// The counting CPU allocator behind PeakMemoryTracker: a c10::Allocator that forwards to the
// allocator it replaced and keeps each live block's original DataPtr and size in a table.
// Why a table and not a wrapping DataPtr context: PyTorch's ideep integration allocates oneDNN
// buffers with raw_allocate(), which asserts data == context; with a wrapping context every
// bfloat16 matmul fails ("dptr.get() == dptr.get_context() INTERNAL ASSERT FAILED", tried).
#include "engine/measure/cpu_memory.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <mutex>
#include <unordered_map>

namespace engine {

class CountingCpuAllocator final : public c10::Allocator {
 public:
  CountingCpuAllocator(c10::Allocator* original, PeakMemoryTracker* tracker) : original_(original), tracker_(tracker) {}

  // The process-wide instance, set once by PeakMemoryTracker::Install().
  static CountingCpuAllocator* instance;

  c10::DataPtr allocate(size_t bytes) override {
    c10::DataPtr block = original_->allocate(bytes);
    void* data = block.get();
    if (data == nullptr) return block;  // zero bytes: nothing to count or track
    const c10::Device device = block.device();
    {
      std::lock_guard<std::mutex> lock(mu_);
      live_.emplace(data, Live{std::move(block), static_cast<int64_t>(bytes)});
    }
    tracker_->Add(static_cast<int64_t>(bytes));
    return c10::DataPtr(data, data, &Delete, device);
  }

  // Every block this allocator returns carries Delete, so the raw interface is supported.
  c10::DeleterFnPtr raw_deleter() const override { return &Delete; }

  void copy_data(void* dest, const void* src, size_t count) const override { default_copy_data(dest, src, count); }

 private:
  struct Live {
    c10::DataPtr block;  // the original allocator's block; frees it when destroyed
    int64_t bytes;
  };

  static void Delete(void* data) { instance->Free(data); }

  void Free(void* data) {
    decltype(live_)::node_type node;
    {
      std::lock_guard<std::mutex> lock(mu_);
      node = live_.extract(data);
    }
    if (node) {
      tracker_->Subtract(node.mapped().bytes);
      return;  // `node` frees the block through the original deleter when it goes out of scope
    }
    // Not ours: a raw_allocate() made through the original allocator before Install(), freed
    // by a caller that looks the CPU allocator up again (as ideep does). raw_allocate() only
    // succeeds on an allocator with a raw deleter, so there is one.
    if (c10::DeleterFnPtr original_delete = original_->raw_deleter()) original_delete(data);
  }

  c10::Allocator* const original_;
  PeakMemoryTracker* const tracker_;
  std::mutex mu_;
  std::unordered_map<void*, Live> live_;
};

CountingCpuAllocator* CountingCpuAllocator::instance = nullptr;

PeakMemoryTracker& PeakMemoryTracker::Install() {
  // Function-local statics: built once, thread-safely, and never destroyed (tensors freed
  // during static destruction still find the allocator).
  static PeakMemoryTracker* const tracker = [] {
    auto* t = new PeakMemoryTracker();
    CountingCpuAllocator::instance = new CountingCpuAllocator(c10::GetCPUAllocator(), t);
    c10::SetCPUAllocator(CountingCpuAllocator::instance, /*priority=*/255);
    return t;
  }();
  return *tracker;
}

void PeakMemoryTracker::ResetPeak() {
  peak_bytes_.store(current_bytes_.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

void PeakMemoryTracker::Add(int64_t bytes) {
  const int64_t now = current_bytes_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  int64_t peak = peak_bytes_.load(std::memory_order_relaxed);
  while (now > peak && !peak_bytes_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

}  // namespace engine
