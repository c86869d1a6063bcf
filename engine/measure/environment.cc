// DetectEnvironment (engine.h): where measurements are taken. Machine facts come from /proc and
// /etc/os-release, LibTorch facts from its version macros and at::show_config(), peaks from
// calibration (measured or cached).
#include "engine/torch_error.h"
#include "engine/measure/environment.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <sys/utsname.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/engine.h"
#include "engine/measure/calibration.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/measure/threads.h"

namespace engine {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\"");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\"") - begin + 1);
}

// The value of the first "key<sep>value" line of `text` (spaces and quotes trimmed), or "".
std::string LineValue(const std::string& text, const std::string& key, char sep) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find(sep);
    if (at != std::string::npos && Trim(line.substr(0, at)) == key) return Trim(line.substr(at + 1));
  }
  return "";
}

// The text after `prefix` in `text`, up to the first character of `stops`, or "".
std::string After(const std::string& text, const std::string& prefix, const std::string& stops) {
  const size_t at = text.find(prefix);
  if (at == std::string::npos) return "";
  const size_t begin = at + prefix.size();
  return text.substr(begin, text.find_first_of(stops, begin) - begin);
}

std::string CpuModel(const std::string& cpuinfo) {
  std::string model = LineValue(cpuinfo, "model name", ':');
  if (!model.empty()) return model;
  utsname name{};
  return uname(&name) == 0 ? name.machine : "";  // e.g. ARM, where cpuinfo has no model name
}

int64_t MemoryBytes() {
  const std::string kib = LineValue(ReadFile("/proc/meminfo"), "MemTotal", ':');  // "24576000 kB"
  if (!kib.empty()) return std::stoll(kib) * 1024;
  return static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
}

std::string OsName() {
  std::string pretty = LineValue(ReadFile("/etc/os-release"), "PRETTY_NAME", '=');
  if (!pretty.empty()) return pretty;
  utsname name{};
  return uname(&name) == 0 ? std::string(name.sysname) + " " + name.release : "";
}

std::string Compiler() {
#if defined(__clang__)
  return "Clang " + std::to_string(__clang_major__) + "." + std::to_string(__clang_minor__) + "." +
         std::to_string(__clang_patchlevel__);
#elif defined(__GNUC__)
  return "GCC " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
         std::to_string(__GNUC_PATCHLEVEL__);
#else
  return "unknown compiler";
#endif
}

}  // namespace

std::string TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char date[11];
  std::strftime(date, sizeof(date), "%Y-%m-%d", &utc);
  return date;
}

std::string SummarizeCpuBlas(const std::string& show_config, const CpuKernels& k) {
  const std::string blas_info = After(show_config, "BLAS_INFO=", ", \n");
  std::string blas;
  if (blas_info == "mkl") {
    const std::string version = After(show_config, "Math Kernel Library Version ", "- \n");
    blas = version.empty() ? "MKL" : "MKL " + version;
  } else if (blas_info == "open") {
    blas = "OpenBLAS";
  } else if (!blas_info.empty()) {
    blas = blas_info;
  } else {
    blas = "ATen native GEMM";
  }
  const bool onednn_build = show_config.find("USE_MKLDNN=ON") != std::string::npos && k.onednn;
  if (!onednn_build) return blas + " (float32 and bfloat16 GEMM)";
  const std::string onednn = After(show_config, "MKL-DNN v", " \n");
  const std::string dnnl = "oneDNN " + (onednn.empty() ? "" : onednn + " ");
  if (!k.onednn_bf16)
    return blas + " (float32 GEMM), ATen (bfloat16 GEMM, emulated in float32: no native bfloat16 on this CPU" +
           (k.forced ? ", forced by MODELCARD_CPU_ISA=avx2" : "") + ")";
  const std::string isa = k.amx ? "AMX" : k.avx512_bf16 ? "AVX512-BF16" : "AVX-512";
  return blas + " (float32 GEMM), " + dnnl + "(bfloat16 GEMM, " + isa + ")";
}

std::string CudaVersionString(int64_t cudart_version) {
  if (cudart_version <= 0) return "";
  return std::to_string(cudart_version / 1000) + "." + std::to_string(cudart_version % 1000 / 10);
}

Status DetectEnvironment(const EnvironmentOptions& options, Environment* env) {
  if (env == nullptr) return Status::InvalidArgument("DetectEnvironment: env is null");
  if (options.device != "cpu" && options.device != "cuda")
    return Status::InvalidArgument("unknown device '" + options.device + "' (expected cpu or cuda)");
  const bool cuda = options.device == "cuda";
  if (cuda && !CudaAvailable()) return Status::Unavailable("device cuda requested but LibTorch sees no CUDA device");
  try {
    Environment e;
    const std::string cpuinfo = ReadFile("/proc/cpuinfo");
    e.cpu_model = CpuModel(cpuinfo);
    e.cores = AvailableCores();
    e.threads = at::get_num_threads();
    e.memory_bytes = MemoryBytes();
    e.os = OsName();
    e.compiler = Compiler();
    e.libtorch = TORCH_VERSION;
    const auto& cuda_hooks = at::detail::getCUDAHooks();
    e.cuda = cuda_hooks.hasCUDART() ? CudaVersionString(cuda_hooks.versionCUDART()) : "";
    if (cuda) {
      e.gpu = at::cuda::getDeviceProperties(0)->name;
      e.device = e.gpu;
      e.blas = "cuBLAS (CUDA " + e.cuda + ")";
    } else {
      e.device = "cpu";
      e.blas = SummarizeCpuBlas(at::show_config(), DetectCpuKernels());
      e.cpu_features = CpuFeatureSummary();
    }
    e.date = TodayUtc();
    e.tool_version = MODELCARD_VERSION;

    // The kernels the scenarios will use are part of the key: a forced AVX2 run (or a CPU whose
    // model name hides a different ISA) never reuses the peaks of another path.
    CalibrationKey key{e.cpu_model + (cuda ? "" : " | " + CpuFeatureSummary()), e.threads, e.libtorch, e.device};
    MeasuredPeaks peaks;
    Status s = LoadOrMeasurePeaks(key, options.device, options.dtypes, options.cache_path, options.recalibrate,
                                  options.progress, &peaks, nullptr);
    if (!s.ok()) return s;
    e.peak_flops_per_s = peaks.gemm_flops_per_s;
    e.memory_bandwidth_bytes_per_s = peaks.copy_bytes_per_s;
    *env = e;
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace engine
