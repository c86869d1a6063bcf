// Pieces of the environment fingerprint (engine.h DetectEnvironment) that are pure functions
// of text LibTorch or the OS reports, kept apart so that tests can pin them exactly.
#pragma once

#include <cstdint>
#include <string>

#include "engine/measure/cpu_kernels.h"

namespace engine {

// Which library runs float32 and bfloat16 GEMMs on the CPU, from at::show_config() and the
// kernels this CPU can run (cpu_kernels.h: capability queries, not CPU flags by name), e.g.
// "MKL 2024.2 (float32 GEMM), oneDNN 3.13.3 (bfloat16 GEMM, AVX512-BF16)".
// float32 goes to the BLAS of the build (BLAS_INFO: MKL, OpenBLAS, ...). bfloat16 goes to
// oneDNN when the build has it and oneDNN runs bfloat16 natively here (AMX > AVX512-BF16 >
// AVX-512 conversion); otherwise ATen's own GEMM runs it, emulated in float32 (AVX2-only CPUs).
// Checked with MKL_VERBOSE=1 and ONEDNN_VERBOSE=1: float32 at::linear -> MKL SGEMM; bfloat16 ->
// brg_matmul:avx512_core_bf16 (or _amx); under ONEDNN_MAX_CPU_ISA=AVX2 no oneDNN bfloat16 call.
std::string SummarizeCpuBlas(const std::string& show_config, const CpuKernels& kernels);

// "13.2" for CUDART_VERSION 13020; "" for 0 (no CUDA).
std::string CudaVersionString(int64_t cudart_version);

// Today's date in UTC, "YYYY-MM-DD" (the date every measurement records).
std::string TodayUtc();

}  // namespace engine
