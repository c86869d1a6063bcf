// Text diagrams of the documentation page (seed model-documentation.template.md), drawn
// from a real ModelConfig: the high-level box diagram, the attention flow and the FFN flow.
// Plain UTF-8 with box-drawing characters; boxes are sized by display width so every
// right border lines up. No trailing newline (the template puts them in a code fence).
#pragma once

#include <string>

#include "engine/config.h"

namespace render {

// Monospace display columns of a UTF-8 string: box drawing, arrows and Greek letters are
// 1 column, East Asian wide characters and emoji 2, combining marks and variation selectors 0.
int DisplayWidth(const std::string& utf8);

// "LayerNorm" | "RMSNorm".
std::string NormLabel(engine::Norm n);

// "GELU" | "GELU-tanh" | "ReLU" | "SiLU" | "SwiGLU" | "GeGLU".
std::string ActivationLabel(engine::Activation a);

// "MHA" (num_kv_heads == num_heads), "MQA" (one KV head), otherwise "GQA".
std::string AttentionKind(const engine::ModelConfig& c);

// "Causal self-attention, 12 heads (MHA)" |
// "Grouped-query attention, 32 Q heads / 8 KV heads (GQA)" |
// "Multi-query attention, 32 Q heads / 1 KV head (MQA)".
std::string AttentionLabel(const engine::ModelConfig& c);

// "GELU MLP 768→3072→768" | "SwiGLU FFN 4096→2×11008→4096".
std::string FeedForwardLabel(const engine::ModelConfig& c);

// The seed's "High-Level Architecture": input, embeddings (+ positions), the block box
// "× N layers" with norm / attention / FFN / residuals, final norm, LM head, logits shape.
std::string ArchitectureDiagram(const engine::ModelConfig& c, const std::string& model_name);

// The high-level diagram of any family: decoder and moe draw ArchitectureDiagram; encoder,
// vit, resnet, audio and recurrent draw their own (input, stem or embeddings, the repeated
// block, head, output shapes).
std::string FamilyDiagram(const engine::ModelConfig& c, const std::string& model_name);

// The seed's "Attention Mechanism Flow" with the real projections, head layout and scaling.
std::string AttentionDiagram(const engine::ModelConfig& c);

// The seed's "Feed Forward Network" flow with the real widths and activation.
std::string FeedForwardDiagram(const engine::ModelConfig& c);

}  // namespace render
