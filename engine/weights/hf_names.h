// Parameter names of our modules and the Hugging Face checkpoint names they map from.
// Plain C++ (no LibTorch): the documentation page's weight-mapping table is rendered from it,
// and checkpoint loading (engine/weights/load.cc) reads the same rows, so they cannot disagree.
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

  // For the loader (the same facts as `hf` and `note`, as values):
  std::vector<int64_t> dims;       // our shape as numbers, e.g. {2304, 768}
  bool hf_transposed = false;      // the checkpoint stores the matrix as (in, out): GPT-2's Conv1D
  std::vector<int64_t> part_rows;  // `hf` has a {a,b,..} group: rows of each part, concatenated
                                   // in that order along dim 0 (empty: one tensor)
};

// "gpt2" when the config has GPT-2's layout (learned positions, LayerNorm), else "llama".
std::string HfLayoutFor(const ModelConfig& c);

// One row per parameter tensor kind; `{i}` stands for the layer index. Only the
// tensors the config actually has (no bias rows when bias is false, no lm_head when tied).
std::vector<WeightNameMapping> HfWeightNames(const ModelConfig& c);

// The checkpoint names of one row for layer `layer`: `{i}` replaced by the index, and a
// `{a,b,c}` group expanded in order ("...self_attn.{q,k,v}_proj.weight" -> q, k, v names).
std::vector<std::string> ExpandHfName(const std::string& pattern, int64_t layer);

// Tensors a Hugging Face checkpoint of this layout may hold that are not parameters and that
// loading skips: GPT-2's causal-mask buffers (h.{i}.attn.bias, h.{i}.attn.masked_bias) and
// older Llama exports' rotary_emb.inv_freq. `{i}` as above.
std::vector<std::string> HfIgnoredBuffers(const ModelConfig& c);

}  // namespace engine
