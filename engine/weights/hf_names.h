// Parameter names of our modules and the Hugging Face checkpoint names they map from.
// Plain C++ (no LibTorch): the documentation page's weight-mapping table is rendered from it,
// and checkpoint loading (engine/weights/) will use the same table.
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"

namespace engine {

struct WeightNameMapping {
  std::string ours;      // "blocks.{i}.attn.qkv.weight"
  std::string hf;        // "transformer.h.{i}.attn.c_attn.weight"
  std::string shape;     // our shape, e.g. "(2304, 768)"
  std::string note;      // "Conv1D: transposed", "concat rows of q_proj, k_proj, v_proj", ""
};

// "gpt2" when the config has GPT-2's layout (learned positions, LayerNorm), else "llama".
std::string HfLayoutFor(const ModelConfig& c);

// One row per parameter tensor kind; `{i}` stands for the layer index. Only the
// tensors the config actually has (no bias rows when bias is false, no lm_head when tied).
std::vector<WeightNameMapping> HfWeightNames(const ModelConfig& c);

}  // namespace engine
