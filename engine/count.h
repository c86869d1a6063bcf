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
// tokens, producing logits at every position. Attention QK^T and AV counted in full; a local
// (sliding-window) layer counts the min(p, W) keys a windowed kernel computes for the query at
// 1-based position p. MLA counts its projections as computed (W_kvb over the T tokens); MoE counts
// the router, the k routed experts (ExpertHiddenDim), the shared MLP and the dense first layers.
// vit and resnet ignore seq_len (the image fixes the tokens); audio reads it as the text
// decoder's tokens.
Status CountForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len, FlopCount* out);

// Matmul FLOPs of one decode step: `batch` new tokens attending to `context_len`
// cached positions (including the new one), logits for the new tokens only. A local layer reads
// min(context_len, W) keys; MLA decompresses all context_len cached positions through W_kvb.
Status CountDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len, int64_t* out);

// FLOPs of one training step over `batch` x `seq_len`: 3 x the forward (the backward pass costs
// twice the forward's matmuls: gradients of the inputs and of the weights).
Status CountTrainingFlops(const ModelConfig& c, int64_t batch, int64_t seq_len, int64_t* out);

// Sums over every length t in [from, to] (0 when to < from), exact: the forward FLOPs at
// (batch, t) (generating by recomputing the whole prefix at each step) and the decode-step FLOPs
// at (batch, t) (the steps of a generation with a cache: t = P + 1 .. P + N after a P-token
// prompt). Each count is a polynomial of degree <= 2 in the length, piecewise with a sliding
// window (up to W and past W), so a sum is closed-form per piece: the cost does not grow with
// to - from.
Status SumForwardFlops(const ModelConfig& c, int64_t batch, int64_t from, int64_t to, int64_t* out);
Status SumDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t from, int64_t to, int64_t* out);

// Bytes of KV cache per token per sequence of a cache with no window: 2 (K,V) x layers x kv_heads
// x head_dim x dtype bytes; MLA: layers x (kv_lora_rank + qk_rope_head_dim) x dtype bytes (c_kv and
// k_rope) (decoder, moe; what a cache would hold for the other families, which keep none).
Status CountKVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes, int64_t* out);

// Bytes of the KV cache of one sequence of `tokens` tokens: the sum over layers of
// min(tokens, W_l) x the layer's per-token bytes, where a local layer (LayerIsLocal) keeps a
// rolling buffer of W_l = sliding_window positions and a global one every position. Use this,
// not the per-token bytes times a token count, wherever a cache of n tokens is stated.
Status CountKVCacheBytes(const ModelConfig& c, int64_t tokens, int64_t dtype_bytes, int64_t* out);

// Every count the documents state for one size, at batch 1 over its context (context_length;
// the image or audio chunk for vit, resnet, audio): parameters; float32 training state, 16 bytes
// per parameter (weights, gradients, AdamW's two moments); forward and training-step FLOPs;
// a decode step at the full context; the float32 KV cache of the full context. OK when every one
// fits int64, else the first that does not ("training-step FLOPs exceeds ...").
Status CheckSizeCounts(const ModelConfig& c);

// Every count a generation of `new_tokens` after a `prompt`-token prompt states, for the families
// that generate (decoder, moe, recurrent, audio with a text decoder; OK for the others): the
// prefill forward at (batch, prompt), the decode steps summed and with the prefill, the
// recompute-per-token sum (the optimization study), the float32 KV cache of batch x (prompt +
// new_tokens) tokens and the cache bytes the steps read. OK or the first count past int64, named.
Status CheckGenerationCounts(const ModelConfig& c, int64_t batch, int64_t prompt, int64_t new_tokens);

// The same counts for inputs already known to fit: the spec parser checks every size
// (CheckSizeCounts) and every profiled scenario (forward, training, CheckGenerationCounts), and the CLI checks the
// batch and sequence lengths it is given (app::CheckRunFlags) before measuring. A count that
// overflows anyway is a broken precondition: these throw std::logic_error with the error rather
// than return a wrapped number.
ParameterCount AnalyticParameters(const ModelConfig& c);
FlopCount AnalyticForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len);
int64_t AnalyticDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len);
int64_t KVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes);
int64_t KVCacheBytes(const ModelConfig& c, int64_t tokens, int64_t dtype_bytes);

// How many layers use the sliding window (LayerIsLocal) and how many feed-forward layers are
// mixtures of experts (LayerIsMoe), in closed form (a count of 2^31 layers walks none).
int64_t LocalLayers(const ModelConfig& c);
int64_t MoeLayers(const ModelConfig& c);

// Bytes per element of "float32" | "bfloat16" | "float16"; 0 for an unknown name.
int64_t DtypeBytes(const std::string& dtype);

}  // namespace engine
