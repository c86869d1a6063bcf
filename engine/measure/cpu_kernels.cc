// CPU capability queries and the kernel choice per dtype (cpu_kernels.h).
#include "engine/measure/cpu_kernels.h"

#include <ATen/Context.h>
#include <ATen/Version.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/cpu/Utils.h>

#include <cstdlib>
#include <vector>

namespace engine {
namespace {

constexpr char kSwitch[] = "MODELCARD_CPU_ISA";

bool Forced() {
  const char* v = std::getenv(kSwitch);
  return v != nullptr && std::string(v) == "avx2";
}

bool Flag(const std::unordered_map<std::string, c10::IValue>& caps, const char* name) {
  auto it = caps.find(name);
  return it != caps.end() && it->second.isBool() && it->second.toBool();
}

// mkldnn::_is_mkldnn_bf16_supported(): what mkldnn_reorder_linear_weight and ATen's bfloat16
// matmul dispatch check themselves (oneDNN's effective ISA, so ONEDNN_MAX_CPU_ISA counts).
bool OneDnnBf16() {
  auto op = c10::Dispatcher::singleton().findSchema({"mkldnn::_is_mkldnn_bf16_supported", ""});
  if (!op.has_value()) return false;
  torch::jit::Stack stack;
  op->callBoxed(&stack);
  return !stack.empty() && stack.at(0).isBool() && stack.at(0).toBool();
}

CpuKernels Detect() {
  CpuKernels k;
  k.forced = Forced();
  k.aten_level = at::get_cpu_capability();
  const auto caps = at::cpu::get_cpu_capabilities();
  k.avx2 = Flag(caps, "avx2");
  k.avx512 = Flag(caps, "avx512_f") && Flag(caps, "avx512_bw") && Flag(caps, "avx512_vl") && Flag(caps, "avx512_dq");
  k.avx512_vnni = Flag(caps, "avx512_vnni");
  k.avx512_bf16 = Flag(caps, "avx512_bf16");
  k.amx = Flag(caps, "amx_tile") && Flag(caps, "amx_bf16");
  k.onednn = at::hasMKLDNN();
  k.onednn_bf16 = k.onednn && OneDnnBf16();
  if (k.forced) {  // what an AVX2-only CPU reports
    k.avx512 = k.avx512_vnni = k.avx512_bf16 = k.amx = false;
    k.onednn_bf16 = false;
  }
  return k;
}

}  // namespace

std::string ApplyCpuIsaOverride() {
  const char* v = std::getenv(kSwitch);
  if (v == nullptr || *v == '\0') return "";
  if (std::string(v) != "avx2") return std::string(kSwitch) + "=" + v + " is not supported (the one value is avx2)";
  setenv("ONEDNN_MAX_CPU_ISA", "AVX2", /*overwrite=*/0);
  setenv("ATEN_CPU_CAPABILITY", "avx2", 0);
  setenv("MKL_ENABLE_INSTRUCTIONS", "AVX2", 0);
  return "";
}

const CpuKernels& DetectCpuKernels() {
  static const CpuKernels kernels = Detect();
  return kernels;
}

bool PackedLinearSupported(const std::string& dtype) {
  const CpuKernels& k = DetectCpuKernels();
  if (!k.onednn) return false;
  if (dtype == "float32") return true;
  if (dtype == "bfloat16") return k.onednn_bf16;
  return false;
}

bool Int8NeedsReducedRange() { return !DetectCpuKernels().avx512_vnni; }

std::string CpuFeatureSummary() {
  const CpuKernels& k = DetectCpuKernels();
  std::vector<std::string> parts;
  if (k.avx512)
    parts.push_back("AVX-512");
  else if (k.avx2)
    parts.push_back("AVX2");
  if (k.avx512_vnni) parts.push_back("AVX512-VNNI");
  if (k.avx512_bf16) parts.push_back("AVX512-BF16");
  if (k.amx) parts.push_back("AMX");
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : ", ") + p;
  if (text.empty()) text = "no AVX2";
  text += " (ATen " + k.aten_level + ")";
  if (k.forced) text += " [forced: " + std::string(kSwitch) + "=avx2]";
  return text;
}

std::string GemmPath(const std::string& dtype) {
  const CpuKernels& k = DetectCpuKernels();
  if (dtype == "float32") return k.onednn ? "oneDNN packed weights for inference, MKL/ATen otherwise" : "ATen/BLAS";
  if (dtype == "bfloat16") {
    if (k.onednn_bf16) {
      std::string isa = k.amx ? "AMX" : k.avx512_bf16 ? "AVX512-BF16" : "AVX-512 conversion";
      return "oneDNN bfloat16 (" + isa + "), packed weights for inference";
    }
    return "ATen bfloat16 GEMM, emulated in float32 (no native bfloat16 here: oneDNN needs AVX-512 BW/VL/DQ "
           "or AVX-NE-CONVERT)";
  }
  if (dtype == "float16") return "ATen float16 GEMM";
  return "ATen";
}

}  // namespace engine
