// Analytic counts: parameters and forward FLOPs from a ModelConfig alone.
// The one place FLOP formulas live (DESIGN.md "Measurement conventions"); no LibTorch.
// Instantiated-module counts (engine.h CountInstantiatedParameters) must equal these.
#pragma once

#include <cstdint>

#include "engine/config.h"
#include "engine/report.h"

namespace engine {

// Exact parameter count; tied weights counted once.
ParameterCount AnalyticParameters(const ModelConfig& c);

// Matmul FLOPs (2 x MACs) of one forward pass over `batch` sequences of `seq_len`
// tokens, producing logits at every position. Attention QK^T and AV counted in full.
FlopCount AnalyticForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len);

// Matmul FLOPs of one decode step: `batch` new tokens attending to `context_len`
// cached positions (including the new one), logits for the new tokens only.
int64_t AnalyticDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len);

// Bytes of KV cache per token per sequence: 2 (K,V) x layers x kv_heads x head_dim x dtype bytes.
int64_t KVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes);

// Bytes per element of "float32" | "bfloat16" | "float16"; 0 for an unknown name.
int64_t DtypeBytes(const std::string& dtype);

}  // namespace engine
