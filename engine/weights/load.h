// Loading a checkpoint (safetensors; a Hugging Face or torchvision layout, engine/weights/hf_names.h)
// into our model of any family that has a layout. No LibTorch in this header.
// Timing the load (cold start) is the caller's job.
#pragma once

#include <cstdint>
#include <string>

#include "engine/config.h"
#include "engine/status.h"

namespace torch::nn {
class Module;
}

namespace engine {

class DecoderImpl;
class FamilyModel;
class SafetensorsCheckpoint;

struct WeightLoadStats {
  std::string
      layout;  // HfLayoutFor: "gpt2" | "llama" | "gemma" | ... | "mixtral" | "bert" | "vit" | "torchvision-resnet"
  int64_t tensors = 0;     // checkpoint tensors copied into parameters (and batch-norm statistics)
  int64_t bytes_read = 0;  // their bytes in the checkpoint (as stored: F16 counts 2 per value)
  int64_t ignored = 0;     // tensors skipped: non-parameter buffers, tied copies (a tied lm_head)
};

// Opens `path` (a .safetensors file or a Hugging Face directory, see SafetensorsCheckpoint) and
// loads it into `model`, dropping any packed inference copies (call PackForInference after).
Status LoadHfWeights(const std::string& path, FamilyModel* model, WeightLoadStats* stats);
Status LoadHfWeights(const std::string& path, DecoderImpl* model, WeightLoadStats* stats);  // a bare decoder

// The weights measurements start from: the checkpoint at `weights_path` when it is set,
// otherwise model->InitWeights(seed) (deterministic random weights). Nothing is packed.
Status InitOrLoadWeights(FamilyModel* model, uint64_t seed, const std::string& weights_path);

// Copies every parameter of `module` (the root module of a model built from `c`) and every
// buffer a mapping row names (batch-norm running statistics) from `ckpt`, converting
// F32/F16/BF16 to the tensor's dtype and device: GPT-2 Conv1D matrices are transposed, separate
// q/k/v (gate/up, w1/w3) projections concatenated by rows. The checkpoint may omit the
// base-model prefix ("wte.weight" for "transformer.wte.weight", as GPT2Model saves it).
// Checks everything before copying anything; InvalidArgument naming the tensor for a config
// without a layout, a missing tensor (with the shape needed), an extra tensor (with its shape),
// a shape mismatch (both shapes), an unsupported dtype, a NaN or infinity among the values (with
// the first one's index), or a tied copy (lm_head.weight) that differs from its original.
Status LoadHfWeights(const SafetensorsCheckpoint& ckpt, const ModelConfig& c, torch::nn::Module* module,
                     WeightLoadStats* stats);

}  // namespace engine
