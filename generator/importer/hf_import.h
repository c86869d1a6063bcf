// Hugging Face config.json -> the text of a model spec (format v1, DESIGN.md "Spec format"),
// for `modelcard import DIR`. Maps only what the engine can represent; any setting it cannot
// (longrope, an activation it lacks, ...) is an error naming the key, never a guess.
#pragma once

#include <cstddef>
#include <string>

#include "engine/config.h"
#include "engine/status.h"

namespace importer {

struct ImportResult {
  std::string spec_text;     // the spec's YAML; parses with zero diagnostics (checked on import)
  std::string slug;          // the spec's slug, e.g. "llama-2-7b-hf": the file name to write
  std::string size_name;     // its one size, named after the checkpoint directory
  std::string architecture;  // the config's architecture, e.g. "LlamaForCausalLM"
  engine::Family family = engine::Family::kDecoder;  // the engine family it maps to
  bool has_weights = false;  // the size names the checkpoint (`weights:`): the directory holds safetensors
  std::string note;          // for the user (stderr) when something was left out, e.g. why no `weights:`
};

struct ImportOptions {
  // The spec's `name:` (and so its slug), e.g. `modelcard import DIR --name "Llama 2 7B"`. Empty: the
  // last part of config.json's `_name_or_path`, else the directory's name; for a Hugging Face cache
  // snapshot (.../models--ORG--REPO/snapshots/HASH) the repository's name REPO, never the hash.
  std::string name;
};

// The Hugging Face architectures (config.json `architectures[0]`) that can be imported.
//   GPT2LMHeadModel                                     -> decoder (GPT-2 layout)
//   LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM -> decoder (Llama layout)
//   MixtralForCausalLM                                  -> moe
//   GemmaForCausalLM, Gemma2ForCausalLM, Phi3ForCausalLM, Qwen3ForCausalLM, GPTNeoXForCausalLM
//                                                       -> decoder (checkpoint_layout gemma, gemma2,
//                                                          phi3, qwen3, gpt_neox)
//   Qwen3MoeForCausalLM, DeepseekV3ForCausalLM          -> moe (qwen3_moe, deepseek_v3)
//   BertModel, BertForMaskedLM, BertForSequenceClassification -> encoder
//   ViTForImageClassification                           -> vit
//   (no config.json) torchvision ResNet                 -> resnet (ImportTorchvisionResNet)
// A config without `architectures` is read by its `model_type` (gpt2, llama, mistral, qwen2,
// mixtral, gemma, gemma2, phi3, qwen3, qwen3_moe, deepseek_v3, gpt_neox, bert, vit), as that
// model type's first architecture above. Rope scaling (linear, dynamic, yarn, llama3), sliding
// windows (one for every layer, or Gemma 2's alternation), partial rotary and the decoder
// features of those types map to spec keys; a setting still not representable (Phi-3's longrope,
// Qwen3-MoE's mlp_only_layers, ...) is an error naming the key.
extern const char* const kImportableArchitectures[];
extern const size_t kImportableArchitectureCount;

// Reads `<dir>/config.json` and writes the spec of that checkpoint into *out: name (options.name,
// else as ImportOptions says), slug, a tagline and summary saying it was imported, `license` only
// when the config has one, architecture.family + base (Transformer; CNN for resnet) + config, one
// size named after the directory (a cache snapshot: its repository) with `weights: <display_dir>`
// when the directory holds model.safetensors or model.safetensors.index.json (otherwise no
// `weights:`, a comment in the spec and out->note saying so), and a small `profile` (float32,
// batch 1, sequence length min(128, context)).
// `display_dir` is how the directory is written in the spec and in messages (e.g. relative to
// where the spec will be written); empty: `dir`.
// Returns OK on success; NotFound when config.json cannot be read; InvalidArgument, naming
// the file and the key, for malformed JSON, an unsupported architecture, or a setting the
// engine cannot represent, e.g.
//   "ckpt/config.json: architecture 'FalconForCausalLM' is not supported (supported: ...)".
// REQUIRES: out != nullptr. *out is changed only on success.
engine::Status ImportHfConfig(const std::string& dir, const std::string& display_dir, ImportResult* out,
                              const ImportOptions& options = {});

// A torchvision ResNet checkpoint (no config.json; `dir` holds model.safetensors with
// torchvision's names): the spec from its tensor shapes. conv1.weight gives the stem width and
// channels, layer{s}.{b}.conv3 the bottleneck block, the layer{s}.{b} counts the stages,
// fc.weight the classes, and a bottleneck's conv2 (inner, inner / groups, 3, 3) in every stage
// `groups` and `width_per_group` (ResNeXt, Wide ResNet; written only when not 1 and 64);
// image_size is written as 224 (torchvision's ImageNet input), with a comment: the weights do not
// fix it. ImportHfConfig calls it for a directory without config.json that has model.safetensors.
// Shapes no torchvision ResNet / ResNeXt / Wide ResNet has are an error naming the tensor.
engine::Status ImportTorchvisionResNet(const std::string& dir, const std::string& display_dir, ImportResult* out,
                                       const ImportOptions& options = {});

// The same from the text of a config.json: `config_path` names it in messages and `dir_name`
// stands for the directory's name (the default model and size name). `weights_dir` is written as
// the size's `weights:`; empty: the checkpoint has no safetensors, so the spec names none.
engine::Status ImportHfConfigText(const std::string& json_text, const std::string& config_path,
                                  const std::string& dir_name, const std::string& weights_dir, ImportResult* out,
                                  const ImportOptions& options = {});

// `s` as a YAML scalar: plain when it reads back as the same string, else double-quoted.
std::string YamlScalar(const std::string& s);

}  // namespace importer
