// The accelerator table (see accelerators.h). Every figure is the vendor's published dense
// peak; where a datasheet gives only the "with sparsity" figure, the dense one is half of it,
// as the datasheet's own footnote states.
#include "generator/render/accelerators.h"

namespace render {

const std::vector<Accelerator>& Accelerators() {
  constexpr double T = 1e12;  // TFLOP/s
  constexpr int64_t GB = 1000LL * 1000 * 1000;
  static const std::vector<Accelerator> table = {
      {"NVIDIA V100 SXM2 32GB", 125 * T, "float16 (no bfloat16)", 15.7 * T, 32 * GB, "32 GB HBM2", 900e9,
       "NVIDIA Tesla V100 GPU Accelerator datasheet"},
      {"NVIDIA A100 SXM 80GB", 312 * T, "", 19.5 * T, 80 * GB, "80 GB HBM2e", 2039e9,
       "NVIDIA A100 Tensor Core GPU datasheet"},
      {"NVIDIA H100 SXM", 989.5 * T, "", 67 * T, 80 * GB, "80 GB HBM3", 3.35e12,
       "NVIDIA H100 Tensor Core GPU datasheet (1,979 TFLOPS with sparsity)"},
      {"NVIDIA H200 SXM", 989.5 * T, "", 67 * T, 141 * GB, "141 GB HBM3e", 4.8e12,
       "NVIDIA H200 Tensor Core GPU datasheet (1,979 TFLOPS with sparsity)"},
      {"NVIDIA L4", 121 * T, "", 30.3 * T, 24 * GB, "24 GB GDDR6", 300e9,
       "NVIDIA L4 Tensor Core GPU datasheet (242 TFLOPS with sparsity)"},
      {"AMD Instinct MI300X", 1307.4 * T, "", 163.4 * T, 192 * GB, "192 GB HBM3", 5.3e12,
       "AMD Instinct MI300X accelerator datasheet"},
      {"Google TPU v4", 275 * T, "", 0, 32 * GB, "32 GB HBM2", 1200e9, "Google Cloud TPU v4 documentation (per chip)"},
      {"Google TPU v5e", 197 * T, "", 0, 16 * GB, "16 GB HBM2", 819e9, "Google Cloud TPU v5e documentation (per chip)"},
  };
  return table;
}

}  // namespace render
