// Which description facts a model has, per family, from its resolved ModelConfig: the one
// place that says a CNN has stages, widths and a block type but no heads, positions, tokens
// or LM head; an LSTM has a cell, layers, a hidden width, an embedding and an LM head but no
// attention or positions; a ViT has patches and no vocabulary; an encoder has an LM head only
// with head: mlm. Every text that describes or compares models asks here instead of testing
// the family itself, so no sentence is built from a field that does not apply.
#pragma once

#include <cstdint>
#include <string>

#include "engine/config.h"

namespace render {

struct FamilyFacts {
  bool transformer = false;   // norm + self-attention + feed-forward blocks (num_heads, head_dim, hidden_dim)
  bool attention = false;     // self-attention with heads
  bool causal = false;        // causal self-attention (decoder, moe)
  bool kv_cache = false;      // generation with a KV cache (decoder, moe)
  bool vocabulary = false;    // token ids in or out (vocab_size)
  bool lm_head = false;       // logits over the vocabulary
  bool positions = false;     // a position encoding (learned, sinusoidal, RoPE, ALiBi)
  bool sequence = false;      // the input is a sequence of T tokens, patches or frames
  bool text_context = false;  // context_length bounds a token sequence
  bool images = false;        // image input (image_size, channels)
  bool patches = false;       // vit: patch tokens
  bool conv_stages = false;   // resnet: stages of residual blocks
  bool recurrent = false;     // LSTM/GRU cell
  bool audio = false;         // log-mel front end
  bool classifier = false;    // a classification head over num_classes
};

FamilyFacts FactsOf(const engine::ModelConfig& c);

// The length T of one full forward pass, in the unit of `SequenceUnit`: context_length for
// text models, patches (+[CLS]) for a ViT, 0 where the input is not a sequence (ResNet).
int64_t SequenceLength(const engine::ModelConfig& c);
// "tokens" | "patch tokens" | "" (no sequence).
std::string SequenceUnit(const engine::ModelConfig& c);

// One line that names what the model is made of, with only the facts it has, for comparisons:
// "LayerNorm, MHA, learned positions, GELU MLP 768→3072→768" |
// "bottleneck residual blocks in stages [3, 4, 6, 3], 256→2,048 channels, no attention" |
// "2 LSTM layers, hidden 650, embedding 650, no attention, no positions".
std::string ArchitectureSummary(const engine::ModelConfig& c);

// The attention of a comparison cell: "MHA" | "GQA" | "none (convolutions)" | "none (LSTM)".
std::string AttentionSummary(const engine::ModelConfig& c);
// The position encoding of a comparison cell: "learned positions" | "RoPE" | ... | "—".
std::string PositionSummary(const engine::ModelConfig& c);

// ResNet: the output channels of each stage ("256, 512, 1,024, 2,048").
std::string StageWidths(const engine::ModelConfig& c);
// ResNet: "[3, 4, 6, 3]".
std::string StageList(const engine::ModelConfig& c);

}  // namespace render
