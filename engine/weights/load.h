// Loading a Hugging Face checkpoint (safetensors; GPT-2 or Llama/Mistral/Qwen2 layout) into our
// decoder model, by the name table of engine/weights/hf_names.h. No LibTorch in this header.
// Timing the load (cold start) is the caller's job.
#pragma once

#include <cstdint>
#include <string>

#include "engine/status.h"

namespace engine {

class DecoderImpl;
class SafetensorsCheckpoint;

struct WeightLoadStats {
  std::string layout;          // "gpt2" | "llama" (HfLayoutFor)
  int64_t tensors = 0;         // checkpoint tensors copied into parameters
  int64_t bytes_read = 0;      // their bytes in the checkpoint (as stored: F16 counts 2 per value)
  int64_t ignored = 0;         // tensors skipped: non-parameter buffers, a tied lm_head copy
};

// Opens `path` (a .safetensors file or a Hugging Face directory, see SafetensorsCheckpoint) and
// loads it into `model`. REQUIRES: model->config().family == "decoder".
Status LoadHfWeights(const std::string& path, DecoderImpl* model, WeightLoadStats* stats);

// Copies every parameter of `model` from `ckpt`, converting F32/F16/BF16 to the parameter's
// dtype and device: GPT-2 Conv1D matrices are transposed, Llama's q/k/v (and gate/up)
// projections concatenated by rows. The checkpoint may omit the base-model prefix
// ("wte.weight" for "transformer.wte.weight", as GPT2Model saves it).
// Checks everything before copying anything; InvalidArgument naming the tensor for a missing
// tensor (with the shape needed), an extra tensor (with its shape), a shape mismatch (both
// shapes), an unsupported dtype, or an lm_head.weight that differs from the tied embedding.
Status LoadHfWeights(const SafetensorsCheckpoint& ckpt, DecoderImpl* model, WeightLoadStats* stats);

}  // namespace engine
