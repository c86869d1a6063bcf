// Analytic counts of the families other than decoder (engine/count.cc dispatches here by
// ModelConfig::family). One file per family: engine/count_<family>.cc. Conventions as count.h:
// parameters exact (tied once); FLOPs = 2 x MACs over every matmul and convolution, attention
// QK^T and AV in full; elementwise work (norms, activations, softmax, pooling, residual adds,
// batch norm) listed apart in FlopCount::elementwise, never in `forward`.
// Every function fills by_component with the same keys the instantiated model's parameter names
// map to (the family model's ComponentOf), so the two counts can be compared key by key.
// Arithmetic is overflow-checked (engine/checked.h): a count past int64 is an error naming it.
#pragma once

#include <cstdint>

#include "engine/checked.h"
#include "engine/config.h"
#include "engine/report.h"
#include "engine/status.h"

namespace engine {

// Fills *p from checked components: total = trainable = their sum, active = total (dense),
// embedding and non_embedding.
inline Status FinishParameters(const CheckedCounts& by_component, Checked embedding, ParameterCount* p) {
  if (Status st = ToCounts(by_component, "parameters", &p->by_component, &p->total); !st.ok()) return st;
  if (embedding.overflow()) return OverflowError("embedding parameters");
  p->trainable = p->active = p->total;
  p->embedding = embedding.value();
  p->non_embedding = p->total - p->embedding;
  return Status::OK();
}

// Fills *f's by_component, forward (their sum), forward_macs and elementwise from checked counts.
inline Status FinishFlops(const CheckedCounts& by_component, const CheckedCounts& elementwise, FlopCount* f) {
  if (Status st = ToCounts(by_component, "forward FLOPs", &f->by_component, &f->forward); !st.ok()) return st;
  f->forward_macs = f->forward / 2;
  return ToCounts(elementwise, "elementwise FLOPs", &f->elementwise, nullptr);
}

// encoder (BERT): components "embedding" (token + position + type embeddings and their
// LayerNorm), "attention", "mlp", "norm", "pooler", "head" (mlm or classifier).
// FLOPs of `batch` sequences of `seq_len` tokens.
Status EncoderParameters(const ModelConfig& c, ParameterCount* out);
Status EncoderForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len, FlopCount* out);

// vit: "embedding" (patch projection, class token, positions), "attention", "mlp", "norm",
// "head". FLOPs of `batch` images of image_size² (the tokens are fixed by the image).
Status VitParameters(const ModelConfig& c, ParameterCount* out);
Status VitForwardFlops(const ModelConfig& c, int64_t batch, FlopCount* out);

// resnet: "stem" (7x7 conv + its batch norm), "stages" (every residual block, downsample
// included), "head" (the final linear). FLOPs of `batch` images of image_size².
Status ResNetParameters(const ModelConfig& c, ParameterCount* out);
Status ResNetForwardFlops(const ModelConfig& c, int64_t batch, FlopCount* out);

// audio (Whisper-style): "frontend" (the two convolutions), "attention", "mlp", "norm",
// "embedding" (decoder token + position tables), "cross_attention". FLOPs of `batch` chunks of
// chunk_seconds of audio through the encoder, plus, when decoder_layers > 0, the decoder over
// `text_tokens` tokens attending to the encoder output.
Status AudioParameters(const ModelConfig& c, ParameterCount* out);
Status AudioForwardFlops(const ModelConfig& c, int64_t batch, int64_t text_tokens, FlopCount* out);

// recurrent: "embedding", "recurrent" (every LSTM/GRU layer), "lm_head".
// FLOPs of `batch` sequences of `seq_len` tokens.
Status RecurrentParameters(const ModelConfig& c, ParameterCount* out);
Status RecurrentForwardFlops(const ModelConfig& c, int64_t batch, int64_t seq_len, FlopCount* out);

}  // namespace engine
