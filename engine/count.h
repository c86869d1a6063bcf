// Analytic counts: parameters and forward FLOPs from a ModelConfig alone.
// The one place FLOP formulas live (DESIGN.md "Measurement conventions"); no LibTorch.
// Instantiated-module counts (engine.h CountInstantiatedParameters) must equal these.
#pragma once

#include <cstdint>

#include "engine/config.h"
#include "engine/report.h"
#include "engine/status.h"

namespace engine {

// Every count is exact or an error: the arithmetic is overflow-checked (engine/checked.h) and a
// count past int64 (9,223,372,036,854,775,807) returns InvalidArgument naming the quantity
// ("forward FLOPs 'mlp' exceeds ..."); *out is unspecified then.

// Exact parameter count; tied weights counted once.
Status CountParameters(const ModelConfig& c, ParameterCount* out);

// Matmul FLOPs (2 x MACs) of one forward pass over `batch` sequences of `seq_len`
// tokens, producing logits at every position. Attention QK^T and AV counted in full.
// vit and resnet ignore seq_len (the image fixes the tokens); audio reads it as the text
// decoder's tokens.
Status CountForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len, FlopCount* out);

// Matmul FLOPs of one decode step: `batch` new tokens attending to `context_len`
// cached positions (including the new one), logits for the new tokens only.
Status CountDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len, int64_t* out);

// The same counts for inputs already known to fit: the spec parser checks every size's
// parameters and its forward at (1, context_length), and the CLI checks the batch and sequence
// lengths it is given before measuring. A count that overflows anyway is a broken precondition:
// these abort with the error rather than return a wrapped number.
ParameterCount AnalyticParameters(const ModelConfig& c);
FlopCount AnalyticForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len);
int64_t AnalyticDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len);

// Bytes of KV cache per token per sequence: 2 (K,V) x layers x kv_heads x head_dim x dtype bytes.
int64_t KVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes);

// Bytes per element of "float32" | "bfloat16" | "float16"; 0 for an unknown name.
int64_t DtypeBytes(const std::string& dtype);

}  // namespace engine
