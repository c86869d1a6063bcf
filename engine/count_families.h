// Analytic counts of the families other than decoder (engine/count.cc dispatches here by
// ModelConfig::family). One file per family: engine/count_<family>.cc. Conventions as count.h:
// parameters exact (tied once); FLOPs = 2 x MACs over every matmul and convolution, attention
// QK^T and AV in full; elementwise work (norms, activations, softmax, pooling, residual adds,
// batch norm) listed apart in FlopCount::elementwise, never in `forward`.
// Every function fills by_component with the same keys the instantiated model's parameter names
// map to (the family model's ComponentOf), so the two counts can be compared key by key.
#pragma once

#include <cstdint>

#include "engine/config.h"
#include "engine/report.h"

namespace engine {

// encoder (BERT): components "embedding" (token + position + type embeddings and their
// LayerNorm), "attention", "mlp", "norm", "pooler", "head" (mlm or classifier).
// FLOPs of `batch` sequences of `seq_len` tokens.
ParameterCount EncoderParameters(const ModelConfig& c);
FlopCount EncoderForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len);

// vit: "embedding" (patch projection, class token, positions), "attention", "mlp", "norm",
// "head". FLOPs of `batch` images of image_size² (the tokens are fixed by the image).
ParameterCount VitParameters(const ModelConfig& c);
FlopCount VitForwardFlops(const ModelConfig& c, int64_t batch);

// resnet: "stem" (7x7 conv + its batch norm), "stages" (every residual block, downsample
// included), "head" (the final linear). FLOPs of `batch` images of image_size².
ParameterCount ResNetParameters(const ModelConfig& c);
FlopCount ResNetForwardFlops(const ModelConfig& c, int64_t batch);

// audio (Whisper-style): "frontend" (the two convolutions), "attention", "mlp", "norm",
// "embedding" (decoder token + position tables), "cross_attention". FLOPs of `batch` chunks of
// chunk_seconds of audio through the encoder, plus, when decoder_layers > 0, the decoder over
// `text_tokens` tokens attending to the encoder output.
ParameterCount AudioParameters(const ModelConfig& c);
FlopCount AudioForwardFlops(const ModelConfig& c, int64_t batch, int64_t text_tokens);

// recurrent: "embedding", "recurrent" (every LSTM/GRU layer), "lm_head".
// FLOPs of `batch` sequences of `seq_len` tokens.
ParameterCount RecurrentParameters(const ModelConfig& c);
FlopCount RecurrentForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len);

}  // namespace engine
