// Which kernels this CPU and this LibTorch can run, from capability queries (cpuinfo through
// at::cpu::get_cpu_capabilities, ATen's dispatch level, oneDNN's effective ISA), never from the
// CPU's name; and the GEMM path each dtype takes, so documents can say which one ran.
//
// MODELCARD_CPU_ISA=avx2 forces the AVX2 path on any x86-64 CPU (what a CPU without AVX-512
// runs, e.g. AMD Zen 3 and most CI runners): call ApplyCpuIsaOverride() before the first
// LibTorch operation and it also holds oneDNN (ONEDNN_MAX_CPU_ISA), ATen's kernels
// (ATEN_CPU_CAPABILITY) and MKL (MKL_ENABLE_INSTRUCTIONS) to AVX2, unless those are set already.
// FBGEMM (int8) checks the CPU itself; the switch still moves int8 to the 7-bit activation range
// that AVX2 needs.
#pragma once

#include <string>

namespace engine {

struct CpuKernels {
  std::string aten_level;  // ATen's dispatch level: "AVX512", "AVX2", "DEFAULT" (or NEON, ...)
  bool avx2 = false;
  bool avx512 = false;  // AVX-512 F + BW + VL + DQ
  bool avx512_vnni = false;
  bool avx512_bf16 = false;
  bool amx = false;          // AMX tiles with bfloat16
  bool onednn = false;       // LibTorch built with oneDNN (at::hasMKLDNN)
  bool onednn_bf16 = false;  // oneDNN runs bfloat16 natively here (mkldnn::_is_mkldnn_bf16_supported;
                             // honours ONEDNN_MAX_CPU_ISA)
  bool forced = false;       // MODELCARD_CPU_ISA=avx2 is in force
};

// Detected once per process (after ApplyCpuIsaOverride, when the switch is set).
const CpuKernels& DetectCpuKernels();

// Applies MODELCARD_CPU_ISA (see above). Returns "" or a one-line problem (an unknown value).
std::string ApplyCpuIsaOverride();

// True when inference linears of `dtype` ("float32" | "bfloat16") can use oneDNN's packed
// weights on this CPU (LinearImpl::PackForInference).
bool PackedLinearSupported(const std::string& dtype);

// True when FBGEMM's int8 GEMM must quantize activations to 7 bits (reduce_range): without
// AVX512-VNNI it multiplies u8 x s8 pairs into a saturating int16 (vpmaddubsw), and two 8-bit
// products (2 x 255 x 127 = 64,770) overflow it; two 7-bit ones (2 x 127 x 127 = 32,258) cannot.
bool Int8NeedsReducedRange();

// The path `dtype`'s GEMMs take on this CPU, for documents: e.g. "oneDNN packed weights
// (AMX, AVX512-BF16) for inference, ATen/MKL otherwise" or "ATen reference GEMM, bfloat16 emulated
// in float32 (no native bfloat16: oneDNN needs AVX-512 BW/VL/DQ or AVX-NE-CONVERT)".
std::string GemmPath(const std::string& dtype);

// A short summary of the CPU features that decide the kernels: "AVX-512, AVX512-VNNI,
// AVX512-BF16, AMX (ATen AVX512)"; " [forced: AVX2]" when MODELCARD_CPU_ISA is in force.
std::string CpuFeatureSummary();

}  // namespace engine
