// Architecture diagrams from a ModelConfig (see diagrams.h). The drawing style copies the
// seed: "↓" between steps, "├─"/"└─" for branches, "┌─┐│└┘" boxes.
#include "generator/render/diagrams.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "generator/render/format.h"

namespace render {
namespace {

using engine::ModelConfig;

std::string N(int64_t n) { return std::to_string(n); }

std::string Repeat(const std::string& s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

int MaxWidth(const std::vector<std::string>& lines) {
  int w = 0;
  for (const auto& l : lines) w = std::max(w, DisplayWidth(l));
  return w;
}

// `lines` inside a box whose content area is `width` columns (one space of margin each side).
std::vector<std::string> Box(const std::vector<std::string>& lines, int width) {
  std::vector<std::string> out;
  out.push_back("┌" + Repeat("─", width + 2) + "┐");
  for (const auto& l : lines)
    out.push_back("│ " + l + std::string(width - DisplayWidth(l), ' ') + " │");
  out.push_back("└" + Repeat("─", width + 2) + "┘");
  return out;
}

std::string BiasNote(bool bias) { return bias ? " (with bias)" : ""; }

// Decodes one code point at s[*i], advancing *i; invalid bytes count as one column.
uint32_t NextCodePoint(const std::string& s, size_t* i) {
  const unsigned char c = s[*i];
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  uint32_t cp = extra == 3 ? (c & 0x07) : extra == 2 ? (c & 0x0F) : extra == 1 ? (c & 0x1F) : c;
  ++*i;
  for (; extra > 0 && *i < s.size() && (static_cast<unsigned char>(s[*i]) & 0xC0) == 0x80;
       --extra, ++*i) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i]) & 0x3F);
  }
  return cp;
}

}  // namespace

int DisplayWidth(const std::string& utf8) {
  int width = 0;
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t cp = NextCodePoint(utf8, &i);
    const bool zero = (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
                      (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F);
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += zero ? 0 : wide ? 2 : 1;
  }
  return width;
}

std::string NormLabel(engine::Norm n) {
  return n == engine::Norm::kRMSNorm ? "RMSNorm" : "LayerNorm";
}

std::string ActivationLabel(engine::Activation a) {
  switch (a) {
    case engine::Activation::kGELU:
      return "GELU";
    case engine::Activation::kGELUTanh:
      return "GELU-tanh";
    case engine::Activation::kReLU:
      return "ReLU";
    case engine::Activation::kSiLU:
      return "SiLU";
    case engine::Activation::kSwiGLU:
      return "SwiGLU";
    case engine::Activation::kGeGLU:
      return "GeGLU";
  }
  return "?";
}

std::string AttentionKind(const ModelConfig& c) {
  if (c.num_kv_heads == c.num_heads) return "MHA";
  if (c.num_kv_heads == 1) return "MQA";
  return "GQA";
}

std::string AttentionLabel(const ModelConfig& c) {
  const std::string kind = AttentionKind(c);
  if (kind == "MHA")
    return "Causal self-attention, " + N(c.num_heads) + (c.num_heads == 1 ? " head" : " heads") +
           " (MHA)";
  if (kind == "MQA")
    return "Multi-query attention, " + N(c.num_heads) + " Q heads / 1 KV head (MQA)";
  return "Grouped-query attention, " + N(c.num_heads) + " Q heads / " + N(c.num_kv_heads) +
         " KV heads (GQA)";
}

std::string FeedForwardLabel(const ModelConfig& c) {
  const std::string C = N(c.embedding_dim), H = N(c.hidden_dim);
  if (engine::IsGated(c.activation))
    return ActivationLabel(c.activation) + " FFN " + C + "→2×" + H + "→" + C;
  return ActivationLabel(c.activation) + " MLP " + C + "→" + H + "→" + C;
}

std::string ArchitectureDiagram(const ModelConfig& c, const std::string& model_name) {
  const std::string C = N(c.embedding_dim), V = N(c.vocab_size);
  const std::string norm = NormLabel(c.norm);
  std::vector<std::string> block = {
      "Single " + model_name + " Block",
      "",
      "Input x (B, T, " + C + ")",
      "  ↓",
      norm + " (pre-norm)",
      "  ↓",
      AttentionLabel(c),
  };
  if (c.position == engine::Position::kRoPE)
    block.push_back("  RoPE on Q,K (θ=" + FormatShortestDouble(c.rope_theta) + ")");
  if (c.position == engine::Position::kALiBi) block.push_back("  ALiBi bias on attention scores");
  const std::vector<std::string> rest = {
      "  ↓", "Residual Connection: x + attention",
      "  ↓", norm + " (pre-norm)",
      "  ↓", FeedForwardLabel(c),
      "  ↓", "Residual Connection: x + FFN",
  };
  block.insert(block.end(), rest.begin(), rest.end());

  const std::string title =
      model_name + " Blocks (× " + N(c.num_layers) + (c.num_layers == 1 ? " layer)" : " layers)");
  const int inner_width = std::max(MaxWidth(block), DisplayWidth(title) - 4);
  std::vector<std::string> outer = {title, ""};
  for (auto& l : Box(block, inner_width)) outer.push_back(std::move(l));

  std::vector<std::string> lines = {
      "🏗️ " + model_name + " Architecture",      "│",
      "Input IDs (B, T), T ≤ " + N(c.context_length), "    ↓",
      "Token Embedding (" + V + " × " + C + ")",
  };
  if (c.position == engine::Position::kLearned)
    lines.push_back("    + learned positions (" + N(c.context_length) + " × " + C + ")");
  if (c.position == engine::Position::kSinusoidal)
    lines.push_back("    + sinusoidal positions (fixed, no parameters)");
  lines.push_back("    ↓");
  for (auto& l : Box(outer, inner_width + 4)) lines.push_back(std::move(l));
  const std::vector<std::string> tail = {
      "    ↓",
      "Final " + norm,
      "    ↓",
      c.tie_embeddings ? "LM head (tied to token embedding)"
                       : "LM head " + C + "→" + V + " (untied)",
      "    ↓",
      "Output Logits (B, T, " + V + ")",
  };
  lines.insert(lines.end(), tail.begin(), tail.end());
  return Join(lines);
}

std::string AttentionDiagram(const ModelConfig& c) {
  const std::string C = N(c.embedding_dim), D = N(c.head_dim);
  const std::string kind = AttentionKind(c);
  const std::string q_heads = N(c.num_heads) + (c.num_heads == 1 ? " head" : " heads");
  const std::string kv_heads =
      kind == "MHA" ? q_heads
                    : N(c.num_kv_heads) + (c.num_kv_heads == 1 ? " KV head" : " KV heads");
  const std::string qkv_bias = BiasNote(c.qkv_bias);
  std::vector<std::string> lines = {
      "📊 Attention Mechanism Flow (" + kind + ")",
      "│",
      "Input (B, T, " + C + ")",
      "├─ Q Projection " + C + " → " + q_heads + " × " + D + qkv_bias,
      "├─ K Projection " + C + " → " + kv_heads + " × " + D + qkv_bias,
      "└─ V Projection " + C + " → " + kv_heads + " × " + D + qkv_bias,
      "    ↓",
  };
  if (c.position == engine::Position::kRoPE) {
    lines.push_back("RoPE: rotate Q and K by position (θ=" + FormatShortestDouble(c.rope_theta) +
                    ")");
    lines.push_back("    ↓");
  }
  lines.push_back("Attention Computation (per head)");
  if (kind != "MHA") {
    const int64_t group = c.num_heads / c.num_kv_heads;
    lines.push_back("├─ Each K/V head is shared by " + N(group) + " Q heads");
  }
  std::string score = "├─ Score calculation: Q·Kᵀ / √" + D + ", causal mask";
  if (c.position == engine::Position::kALiBi) score += ", + ALiBi bias";
  lines.push_back(score);
  lines.push_back("├─ Softmax normalization over keys");
  lines.push_back("└─ Apply to values: weights · V");
  lines.push_back("    ↓");
  lines.push_back("Output Projection " + N(c.num_heads * c.head_dim) + " → " + C +
                  BiasNote(c.bias));
  lines.push_back("    ↓");
  lines.push_back("Output (B, T, " + C + ")");
  return Join(lines);
}

std::string FeedForwardDiagram(const ModelConfig& c) {
  const std::string C = N(c.embedding_dim), H = N(c.hidden_dim);
  const bool gated = engine::IsGated(c.activation);
  const std::string bias = BiasNote(c.bias);
  std::string act;
  switch (c.activation) {
    case engine::Activation::kSwiGLU:
      act = "SiLU(gate) ⊙ up";
      break;
    case engine::Activation::kGeGLU:
      act = "GELU(gate) ⊙ up";
      break;
    case engine::Activation::kGELUTanh:
      act = "GELU-tanh (the tanh approximation of GELU)";
      break;
    default:
      act = ActivationLabel(c.activation);
      break;
  }
  const std::vector<std::string> lines = {
      "🔀 Feed Forward Network (" + ActivationLabel(c.activation) + (gated ? ")" : " MLP)"),
      "│",
      "Input (B, T, " + C + ")",
      "    ↓",
      gated ? "Linear Layer 1: " + C + " → 2 × " + H + " (gate and up, fused)" + bias
            : "Linear Layer 1: " + C + " → " + H + bias,
      "    ↓",
      "Activation Function: " + act,
      "    ↓",
      "Linear Layer 2: " + H + " → " + C + bias,
      "    ↓",
      "Output (B, T, " + C + ")",
  };
  return Join(lines);
}

}  // namespace render
