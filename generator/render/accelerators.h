// A table of accelerators with their published peak dense FLOP/s and memory, each row naming
// the vendor document it comes from. Used by the development guide to turn this model's memory
// and compute arithmetic into device counts and training times. Not measurements.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace render {

struct Accelerator {
  std::string name;             // "NVIDIA H100 SXM"
  double bf16_flops_per_s = 0;  // dense (no sparsity) 16-bit tensor/matrix peak: bfloat16,
                                // or float16 where the chip has no bfloat16 (V100)
  std::string bf16_note;        // "float16 (no bfloat16)" when it is float16
  double fp32_flops_per_s = 0;  // dense float32 (non-tensor) peak; 0 = not published
  int64_t memory_bytes = 0;     // device memory, the datasheet's GB taken as 10^9 B (a
                                // lower bound where the vendor means 2^30 B)
  std::string memory_label;     // "80 GB HBM3"
  double memory_bandwidth_bytes_per_s = 0;
  std::string source;  // the vendor document the figures come from
};

// The table, in a fixed order (NVIDIA by generation, then AMD, then Google TPUs).
const std::vector<Accelerator>& Accelerators();

}  // namespace render
