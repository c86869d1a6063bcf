// Parameter names of our modules and the checkpoint names they map from: Hugging Face
// transformers layouts (GPT-2, Llama/Mistral/Qwen2, Mixtral, BERT, ViT) and torchvision's ResNet.
// Plain C++ (no LibTorch): the documentation page's weight-mapping table is rendered from it,
// and checkpoint loading (engine/weights/load.cc) reads the same rows, so they cannot disagree.
//
// Name patterns: `{i}` is a block index, `{e}` an expert, `{s}` a ResNet stage and `{b}` a block
// inside it; a checkpoint pattern may shift one (`layer{s+1}`: torchvision counts stages from 1).
// A `{a,b,c}` group in a checkpoint pattern names the parts our one tensor concatenates by rows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/config.h"

namespace engine {

struct WeightNameMapping {
  std::string ours;   // "blocks.{i}.attn.qkv.weight"
  std::string hf;     // "transformer.h.{i}.attn.c_attn.weight"
  std::string shape;  // our shape, e.g. "(2304, 768)"; symbolic where it varies ("(W_s, in, 3, 3)")
  std::string note;   // "Conv1D: transposed", "concat rows of q_proj, k_proj, v_proj", ""

  // For the loader (the same facts as `hf` and `note`, as values):
  std::vector<int64_t> dims;       // our shape as numbers; empty when it varies by stage (ResNet)
  bool hf_transposed = false;      // the checkpoint stores the matrix as (in, out): GPT-2's Conv1D
  std::vector<int64_t> part_rows;  // `hf` has a {a,b,..} group: rows of each part, concatenated
                                   // in that order along dim 0 (empty: one tensor)
  double add = 0.0;                // added to every value on load: Gemma stores RMSNorm weights as w - 1
  int64_t interleaved_heads = 0;   // > 0: the checkpoint's rows are per head [h0: q, k, v; h1: q, k, v; ...]
                                   // (GPT-NeoX query_key_value), permuted on load to our q | k | v
  // RoPE pairs the checkpoint stores interleaved ((0, 1), (2, 3), ...: DeepSeek-V3, rope_interleave):
  // in every block of `interleave_period` rows, the `interleave_rows` rows from `interleave_start`
  // are reordered to halves, our row start + j taking the checkpoint's row start + p(j) with
  // p = (0, 2, 4, ..., 1, 3, 5, ...), which our rotate-half RoPE then rotates as theirs does.
  int64_t interleave_period = 0;  // 0: rows copied in order
  int64_t interleave_start = 0;
  int64_t interleave_rows = 0;
};

// The checkpoint layout of a config: c.checkpoint_layout when the spec names one ("gemma",
// "gemma2", "phi3", "qwen3", "qwen3_moe", "deepseek_v3", "gpt_neox", ...), otherwise the one the family implies: "gpt2",
// "llama" (also Mistral, Qwen2, Llama 3 with rope scaling), "mixtral", "qwen3_moe" (moe with
// qk_norm), "deepseek_v3" (multi-head latent attention), "bert", "vit",
// "torchvision-resnet"; "" when there is none (see HfLayoutProblem).
std::string HfLayoutFor(const ModelConfig& c);

// Why the config has no checkpoint layout ("" when it has one), e.g. "the audio family has no
// checkpoint mapping yet" or "ViT checkpoints pool the [CLS] token; this config uses pool: mean".
std::string HfLayoutProblem(const ModelConfig& c);

// The reference class whose checkpoints the layout reads, e.g. "GPT2LMHeadModel",
// "BertForMaskedLM", "torchvision.models.ResNet"; "" without a layout.
std::string HfReferenceClass(const ModelConfig& c);

// One row per parameter (or batch-norm statistics buffer) kind. Only the tensors the config
// actually has (no bias rows when bias is false, no lm_head when tied). Empty without a layout.
std::vector<WeightNameMapping> HfWeightNames(const ModelConfig& c);

// Values of the placeholders of a name pattern, e.g. {"i": 3} or {"s": 1, "b": 0}.
using NameCaptures = std::map<std::string, int64_t>;

// True when `name` is an instance of `pattern` (each placeholder matches a decimal number; the
// same placeholder twice must match the same value); fills *captures with the values (the
// unshifted ones: "layer{s+1}" matching "layer2" gives s = 1). Groups never match.
bool MatchNamePattern(const std::string& pattern, const std::string& name, NameCaptures* captures);

// The checkpoint names of one row: placeholders replaced by their values (shifts applied) and
// a `{a,b,c}` group expanded in order ("...self_attn.{q,k,v}_proj.weight" -> q, k, v names).
std::vector<std::string> ExpandHfName(const std::string& pattern, const NameCaptures& captures);
std::vector<std::string> ExpandHfName(const std::string& pattern, int64_t layer);  // {i} = layer

// Checkpoint tensors of this layout that are not parameters and that loading skips: GPT-2's
// causal-mask buffers (h.{i}.attn.bias, h.{i}.attn.masked_bias), older Llama exports'
// rotary_emb.inv_freq, BERT's position_ids, ViTModel's unused pooler, torchvision's
// num_batches_tracked counters. Patterns as above.
std::vector<std::string> HfIgnoredBuffers(const ModelConfig& c);

// Checkpoint tensors that must be byte-for-byte copies of another one the layout loads, and
// are skipped: {copy, original}. A tied LM head (lm_head.weight = the token embedding), BERT's
// MLM decoder (cls.predictions.decoder.weight = the word embeddings, decoder.bias = bias).
std::vector<std::pair<std::string, std::string>> HfTiedCopies(const ModelConfig& c);

}  // namespace engine
