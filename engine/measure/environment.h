// Pieces of the environment fingerprint (engine.h DetectEnvironment) that are pure functions
// of text LibTorch or the OS reports, kept apart so that tests can pin them exactly.
#pragma once

#include <cstdint>
#include <string>

namespace engine {

// Which library runs float32 and bfloat16 GEMMs on the CPU, from at::show_config() and the
// CPU flags (/proc/cpuinfo "flags", or "Features" on ARM), e.g.
// "MKL 2024.2 (float32 GEMM), oneDNN 3.13.3 (bfloat16 GEMM, AVX512-BF16)".
// float32 goes to the BLAS of the build (BLAS_INFO: MKL, OpenBLAS, ...). bfloat16 goes to
// oneDNN when the build has it (USE_MKLDNN=ON) and the CPU can run its bf16 kernels (x86:
// AVX-512 with AMX > AVX512-BF16 > plain AVX-512; ARM: BF16), else to the same BLAS as float32.
// Checked on the development machine (AMD EPYC, avx512_bf16, no AMX) with MKL_VERBOSE=1 and
// ONEDNN_VERBOSE=1: float32 at::linear -> MKL SGEMM; bfloat16 -> brg_matmul:avx512_core_bf16.
std::string SummarizeCpuBlas(const std::string& show_config, const std::string& cpu_flags);

// "13.2" for CUDART_VERSION 13020; "" for 0 (no CUDA).
std::string CudaVersionString(int64_t cudart_version);

// Today's date in UTC, "YYYY-MM-DD" (the date every measurement records).
std::string TodayUtc();

}  // namespace engine
