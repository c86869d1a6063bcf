// Architecture diagrams from a ModelConfig (see diagrams.h). The drawing style copies the
// seed: "↓" between steps, "├─"/"└─" for branches, "┌─┐│└┘" boxes.
#include "generator/render/diagrams.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "generator/render/format.h"
#include "generator/text/strings.h"

namespace render {
namespace {

using engine::ModelConfig;

std::string N(int64_t n) { return std::to_string(n); }

std::string Repeat(const std::string& s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

std::string Join(const std::vector<std::string>& lines) { return text::Join(lines, "\n"); }

int MaxWidth(const std::vector<std::string>& lines) {
  int w = 0;
  for (const auto& l : lines) w = std::max(w, DisplayWidth(l));
  return w;
}

// `lines` inside a box whose content area is `width` columns (one space of margin each side).
std::vector<std::string> Box(const std::vector<std::string>& lines, int width) {
  std::vector<std::string> out;
  out.push_back("┌" + Repeat("─", width + 2) + "┐");
  for (const auto& l : lines) out.push_back("│ " + l + std::string(width - DisplayWidth(l), ' ') + " │");
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
  for (; extra > 0 && *i < s.size() && (static_cast<unsigned char>(s[*i]) & 0xC0) == 0x80; --extra, ++*i) {
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

std::string NormLabel(engine::Norm n) { return n == engine::Norm::kRMSNorm ? "RMSNorm" : "LayerNorm"; }

std::string ActivationLabel(engine::Activation a) {
  switch (a) {
    case engine::Activation::kGELU: return "GELU";
    case engine::Activation::kGELUTanh: return "GELU-tanh";
    case engine::Activation::kReLU: return "ReLU";
    case engine::Activation::kSiLU: return "SiLU";
    case engine::Activation::kSwiGLU: return "SwiGLU";
    case engine::Activation::kGeGLU: return "GeGLU";
    case engine::Activation::kGeGLUTanh: return "GeGLU-tanh";
  }
  return "?";
}

std::string AttentionKind(const ModelConfig& c) {
  if (engine::UsesMla(c)) return "MLA";
  if (c.num_kv_heads == c.num_heads) return "MHA";
  if (c.num_kv_heads == 1) return "MQA";
  return "GQA";
}

std::string AttentionLabel(const ModelConfig& c) {
  const std::string kind = AttentionKind(c);
  if (kind == "MLA")
    return "Multi-head latent attention, " + N(c.num_heads) + " heads, latent " + N(c.kv_lora_rank) + " (MLA)";
  if (kind == "MHA")
    return std::string(engine::TraitsOf(c).kv_cache ? "Causal" : "Bidirectional") + " self-attention, " +
           N(c.num_heads) + (c.num_heads == 1 ? " head" : " heads") + " (MHA)";
  if (kind == "MQA") return "Multi-query attention, " + N(c.num_heads) + " Q heads / 1 KV head (MQA)";
  return "Grouped-query attention, " + N(c.num_heads) + " Q heads / " + N(c.num_kv_heads) + " KV heads (GQA)";
}

std::string FeedForwardLabel(const ModelConfig& c) {
  const std::string C = N(c.embedding_dim), H = N(c.hidden_dim);
  if (c.family == engine::Family::kMoe)  // expert width: moe_hidden_dim, else hidden_dim
    return "MoE: top-" + N(c.experts_per_token) + " of " + N(c.num_experts) + " " + ActivationLabel(c.activation) +
           " experts " + C + "→" + (engine::IsGated(c.activation) ? "2×" : "") + N(engine::ExpertHiddenDim(c)) + "→" +
           C + (c.num_shared_experts > 0 ? " + " + N(c.num_shared_experts) + " shared" : "") +
           (c.first_dense_layers > 0
                ? (c.first_dense_layers == 1 ? " (first layer dense, "
                                             : " (first " + N(c.first_dense_layers) + " layers dense, ") +
                      H + " wide)"
                : "");
  if (engine::IsGated(c.activation)) return ActivationLabel(c.activation) + " FFN " + C + "→2×" + H + "→" + C;
  return ActivationLabel(c.activation) + " MLP " + C + "→" + H + "→" + C;
}

namespace {
// The block diagram's lines under the attention for the decoder features: rotary share, window,
// QK-norm, soft-cap (nothing for a model without them).
void AddFeatureAttentionLines(const ModelConfig& c, std::vector<std::string>* block) {
  if (c.position == engine::Position::kRoPE && c.rope_scaling != engine::RopeScaling::kNone)
    block->push_back("  RoPE scaling: " + std::string(engine::RopeScalingName(c.rope_scaling)) + " ×" +
                     FormatShortestDouble(c.rope_scaling_factor));
  if (c.position == engine::Position::kRoPE && c.rotary_dim > 0 && !engine::UsesMla(c))
    block->push_back("  rotary on " + N(engine::RotaryDim(c)) + " of " + N(c.head_dim) + " head dims");
  if (c.qk_norm) block->push_back("  QK-norm: RMSNorm on each head's Q and K");
  if (c.sliding_window > 0) {
    int64_t local = 0;
    for (int64_t l = 0; l < c.num_layers; ++l) local += engine::LayerIsLocal(c, l) ? 1 : 0;
    block->push_back("  sliding window " + N(c.sliding_window) + " on " +
                     (local == c.num_layers ? "every layer" : N(local) + " of " + N(c.num_layers) + " layers"));
  }
  if (c.attn_logit_softcap > 0)
    block->push_back("  scores soft-capped at " + FormatShortestDouble(c.attn_logit_softcap));
}
}  // namespace

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
  AddFeatureAttentionLines(c, &block);
  if (c.parallel_residual) {  // GPT-NeoX: both branches read x
    const std::vector<std::string> rest = {
        "  ∥ in parallel",
        norm + " (second pre-norm)",
        "  ↓",
        FeedForwardLabel(c),
        "  ↓",
        "Residual Connection: x + attention + FFN",
    };
    block.insert(block.end(), rest.begin(), rest.end());
  } else {
    const std::string post = c.sandwich_norm ? norm + " (post-norm)" : "";
    std::vector<std::string> rest = {
        "  ↓", "Residual Connection: x + attention", "  ↓", norm + " (pre-norm)", "  ↓", FeedForwardLabel(c),
        "  ↓", "Residual Connection: x + FFN"};
    if (!post.empty()) {  // Gemma 2: a norm on each sub-layer's output before the add
      rest.insert(rest.begin() + 7, {post, "  ↓"});
      rest.insert(rest.begin() + 1, {post, "  ↓"});
    }
    block.insert(block.end(), rest.begin(), rest.end());
  }

  const std::string title = model_name + " Blocks (× " + N(c.num_layers) + (c.num_layers == 1 ? " layer)" : " layers)");
  const int inner_width = std::max(MaxWidth(block), DisplayWidth(title) - 4);
  std::vector<std::string> outer = {title, ""};
  for (auto& l : Box(block, inner_width)) outer.push_back(std::move(l));

  std::vector<std::string> lines = {
      "🏗️ " + model_name + " Architecture", "│", "Input IDs (B, T), T ≤ " + N(c.context_length), "    ↓",
      "Token Embedding (" + V + " × " + C + ")",
  };
  if (c.embedding_scale) lines.push_back("    × √" + C + " (embedding scale)");
  if (c.position == engine::Position::kLearned)
    lines.push_back("    + learned positions (" + N(c.context_length) + " × " + C + ")");
  if (c.position == engine::Position::kSinusoidal) lines.push_back("    + sinusoidal positions (fixed, no parameters)");
  lines.push_back("    ↓");
  for (auto& l : Box(outer, inner_width + 4)) lines.push_back(std::move(l));
  const std::vector<std::string> tail = {
      "    ↓", "Final " + norm,
      "    ↓", c.tie_embeddings ? "LM head (tied to token embedding)" : "LM head " + C + "→" + V + " (untied)",
      "    ↓", "Output Logits (B, T, " + V + ")",
  };

  lines.insert(lines.end(), tail.begin(), tail.end());
  if (c.final_logit_softcap > 0)
    lines.insert(lines.end() - 2, {"    ↓", "Soft-cap " + FormatShortestDouble(c.final_logit_softcap) + "·tanh(z/" +
                                                FormatShortestDouble(c.final_logit_softcap) + ")"});
  return Join(lines);
}

std::string AttentionDiagram(const ModelConfig& c) {
  const std::string C = N(c.embedding_dim), D = N(c.head_dim);
  const std::string kind = AttentionKind(c);
  const std::string q_heads = N(c.num_heads) + (c.num_heads == 1 ? " head" : " heads");
  const std::string kv_heads =
      kind == "MHA" ? q_heads : N(c.num_kv_heads) + (c.num_kv_heads == 1 ? " KV head" : " KV heads");
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
  if (engine::UsesMla(c)) {  // DeepSeek-V2/V3: q and kv through low-rank projections
    const std::string qk = N(engine::QkHeadDim(c)), dv = N(engine::VHeadDim(c));
    lines.resize(3);
    lines.push_back(c.q_lora_rank > 0 ? "├─ Q: " + C + " → " + N(c.q_lora_rank) + " (RMSNorm) → " + q_heads + " × " + qk
                                      : "├─ Q Projection " + C + " → " + q_heads + " × " + qk);
    lines.push_back("├─ KV down: " + C + " → c_kv " + N(c.kv_lora_rank) + " + k_rope " + N(c.qk_rope_head_dim) +
                    " (the cache)");
    lines.push_back("└─ KV up: RMSNorm(c_kv) → " + q_heads + " × (k " + N(c.qk_nope_head_dim) + " + v " + dv + ")");
    lines.push_back("    ↓");
  }
  if (c.position == engine::Position::kRoPE) {
    lines.push_back("RoPE: rotate Q and K by position (θ=" + FormatShortestDouble(c.rope_theta) + ")");
    lines.push_back("    ↓");
  }
  lines.push_back("Attention Computation (per head)");
  if (kind != "MHA" && kind != "MLA") {
    const int64_t group = c.num_heads / c.num_kv_heads;
    lines.push_back("├─ Each K/V head is shared by " + N(group) + " Q heads");
  }
  const bool scaled = c.query_pre_attn_scalar > 0 || engine::UsesMla(c) || c.rope_mscale_all_dim > 0;
  std::string score =
      "├─ Score calculation: Q·Kᵀ " +
      (scaled ? "× " + FormatShortestDouble(std::round(engine::AttentionScale(c) * 1e4) / 1e4) : "/ √" + D) +
      (engine::TraitsOf(c).kv_cache ? ", causal mask" : ", no mask (every token sees every token)");
  if (c.sliding_window > 0) score += " (window " + N(c.sliding_window) + " on local layers)";
  if (c.attn_logit_softcap > 0) score += ", soft-cap " + FormatShortestDouble(c.attn_logit_softcap);
  if (c.position == engine::Position::kALiBi) score += ", + ALiBi bias";
  lines.push_back(score);
  lines.push_back("├─ Softmax normalization over keys");
  lines.push_back("└─ Apply to values: weights · V");
  lines.push_back("    ↓");
  lines.push_back("Output Projection " + N(c.num_heads * engine::VHeadDim(c)) + " → " + C + BiasNote(c.bias));
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
    case engine::Activation::kSwiGLU: act = "SiLU(gate) ⊙ up"; break;
    case engine::Activation::kGeGLU: act = "GELU(gate) ⊙ up"; break;
    case engine::Activation::kGeGLUTanh: act = "GELU-tanh(gate) ⊙ up"; break;
    case engine::Activation::kGELUTanh: act = "GELU-tanh (the tanh approximation of GELU)"; break;
    default: act = ActivationLabel(c.activation); break;
  }
  std::vector<std::string> lines = {
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
  if (c.family == engine::Family::kMoe) {
    lines.insert(lines.begin() + 4,
                 {"Router: linear " + C + " → " + N(c.num_experts) + " scores, softmax, keep the top " +
                      N(c.experts_per_token) + " (weights renormalized)",
                  "    ↓", "Each token runs only its " + N(c.experts_per_token) + " experts, each:", "    ↓"});
    lines.insert(lines.end() - 2, {"    ↓", "Weighted sum of the chosen experts' outputs"});
  }
  return Join(lines);
}

namespace {

// "Title", "│", then steps separated by arrows, with an optional boxed repeated block.
std::string Flow(const std::string& title, const std::vector<std::string>& before, const std::string& block_title,
                 const std::vector<std::string>& block, const std::vector<std::string>& after) {
  std::vector<std::string> lines = {title, "│"};
  for (size_t i = 0; i < before.size(); ++i) {
    lines.push_back(before[i]);
    lines.push_back("    ↓");
  }
  if (!block.empty()) {
    const int inner = std::max(MaxWidth(block), DisplayWidth(block_title) - 4);
    std::vector<std::string> outer = {block_title, ""};
    for (auto& l : Box(block, inner)) outer.push_back(std::move(l));
    for (auto& l : Box(outer, inner + 4)) lines.push_back(std::move(l));
    lines.push_back("    ↓");
  }
  for (size_t i = 0; i < after.size(); ++i) {
    lines.push_back(after[i]);
    if (i + 1 < after.size()) lines.push_back("    ↓");
  }
  return Join(lines);
}

std::string Layers(int64_t n) { return N(n) + (n == 1 ? " layer" : " layers"); }

std::vector<std::string> TransformerBlock(const ModelConfig& c, bool pre_norm, bool cross_attention) {
  const std::string norm = NormLabel(c.norm);
  std::vector<std::string> block = {"Input x (B, T, " + N(c.embedding_dim) + ")", "  ↓"};
  if (pre_norm) {
    block.insert(block.end(),
                 {norm + " (pre-norm)", "  ↓", AttentionLabel(c), "  ↓", "Residual Connection: x + attention"});
    if (cross_attention)
      block.insert(block.end(), {"  ↓", norm + " (pre-norm)", "  ↓", "Cross-attention to the audio encoder output",
                                 "  ↓", "Residual Connection: x + cross-attention"});
    block.insert(block.end(),
                 {"  ↓", norm + " (pre-norm)", "  ↓", FeedForwardLabel(c), "  ↓", "Residual Connection: x + FFN"});
  } else {
    block.insert(block.end(), {AttentionLabel(c), "  ↓", norm + "(x + attention) (post-norm)", "  ↓",
                               FeedForwardLabel(c), "  ↓", norm + "(x + FFN) (post-norm)"});
  }
  return block;
}

}  // namespace

std::string FamilyDiagram(const ModelConfig& c, const std::string& model_name) {
  const std::string C = N(c.embedding_dim), V = N(c.vocab_size);
  const std::string title = "🏗️ " + model_name + " Architecture";
  if (c.family == engine::Family::kEncoder) {
    std::vector<std::string> after = {"Final hidden states (B, T, " + C + ")"};
    if (c.pooler) after.push_back("Pooler: tanh(W · h[CLS] + b), " + C + " → " + C);
    if (c.head == "mlm")
      after.push_back("MLM head: dense + " + ActivationLabel(c.activation) +
                      " + LayerNorm, decoder tied to the token embedding → (B, T, " + V + ")");
    if (c.head == "classifier")
      after.push_back("Classifier " + C + " → " + N(c.num_classes) + " → (B, " + N(c.num_classes) + ")");
    return Flow(title,
                {"Input IDs (B, T), T ≤ " + N(c.context_length) + (c.type_vocab_size > 0 ? ", token types (B, T)" : ""),
                 "Token (" + V + " × " + C + ") + learned position (" + N(c.context_length) + " × " + C + ")" +
                     (c.type_vocab_size > 0 ? " + token type (" + N(c.type_vocab_size) + " × " + C + ") embeddings"
                                            : " embeddings"),
                 "LayerNorm of the embeddings"},
                model_name + " Encoder Blocks (× " + Layers(c.num_layers) + ")",
                TransformerBlock(c, c.norm_position == "pre", false), after);
  }
  if (c.family == engine::Family::kVit) {
    const int64_t side = c.image_size / c.patch_size, tokens = side * side + (c.pool == "cls" ? 1 : 0);
    std::vector<std::string> after = {"Final " + NormLabel(c.norm), c.pool == "cls"
                                                                        ? "Take the [CLS] token (B, " + C + ")"
                                                                        : "Mean over the patch tokens (B, " + C + ")"};
    if (c.num_classes > 0)
      after.push_back("Classification head " + C + " → " + N(c.num_classes) + " → logits (B, " + N(c.num_classes) +
                      ")");
    return Flow(title,
                {"Image (B, " + N(c.channels) + ", " + N(c.image_size) + ", " + N(c.image_size) + ")",
                 "Patch embedding: conv " + N(c.patch_size) + "×" + N(c.patch_size) + " stride " + N(c.patch_size) +
                     ", " + N(c.channels) + " → " + C + " → " + N(side * side) + " patches",
                 std::string(c.pool == "cls" ? "Prepend [CLS] token, " : "") + "+ learned positions (" + N(tokens) +
                     " × " + C + ") → (B, " + N(tokens) + ", " + C + ")"},
                model_name + " Encoder Blocks (× " + Layers(c.num_layers) + ")", TransformerBlock(c, true, false),
                after);
  }
  if (c.family == engine::Family::kResNet) {
    const bool bottleneck = c.block == "bottleneck";
    const int64_t expansion = bottleneck ? 4 : 1;
    std::vector<std::string> stages;
    int64_t width = c.base_width, side = c.image_size / 4;
    for (size_t i = 0; i < c.stages.size(); ++i) {
      if (i > 0) side = (side + 1) / 2;
      stages.push_back("Stage " + N(static_cast<int64_t>(i + 1)) + ": " + N(c.stages[i]) + " × " +
                       (bottleneck ? "bottleneck (1×1 → 3×3 → 1×1)" : "basic (3×3 → 3×3)") + ", " +
                       N(width * expansion) + " channels, " + N(side) + "×" + N(side));
      width *= 2;
    }
    std::vector<std::string> block = {"x → conv → BN → ReLU → … → BN", "  ↓", "ReLU(x' + shortcut(x))",
                                      "shortcut: identity, or 1×1 conv + BN where the shape changes", ""};
    block.insert(block.end(), stages.begin(), stages.end());
    std::vector<std::string> after = {"Global average pool (B, " + N(width / 2 * expansion) + ")"};
    if (c.num_classes > 0)
      after.push_back("Fully connected " + N(width / 2 * expansion) + " → " + N(c.num_classes) + " → logits (B, " +
                      N(c.num_classes) + ")");
    return Flow(
        title,
        {"Image (B, " + N(c.channels) + ", " + N(c.image_size) + ", " + N(c.image_size) + ")",
         "Stem: conv 7×7 stride 2, " + N(c.channels) + " → " + N(c.base_width) + ", BN, ReLU, max-pool 3×3 stride 2"},
        "Residual stages", block, after);
  }
  if (c.family == engine::Family::kAudio) {
    const int64_t frames = engine::AudioFrames(c);
    std::vector<std::string> after = {"Final LayerNorm → audio features (B, " + N(frames / 2) + ", " + C + ")"};
    if (c.decoder_layers > 0)
      after.push_back("Text decoder (× " + Layers(c.decoder_layers) +
                      "): causal self-attention, cross-attention to the audio "
                      "features, GELU MLP; tokens ≤ " +
                      N(c.context_length) + " → logits (B, T, " + V + ")");
    return Flow(title,
                {"Waveform, " + N(c.sample_rate) + " Hz, " + FormatShortestDouble(c.chunk_seconds) + " s chunk",
                 "Log-mel spectrogram: " + N(c.n_mels) + " mel bins, window " + N(c.n_fft) + ", hop " +
                     N(c.hop_length) + " → (B, " + N(c.n_mels) + ", " + N(frames) + ")",
                 "Conv front end: conv3 " + N(c.n_mels) + " → " + C + ", GELU, conv3 stride 2, GELU → (B, " +
                     N(frames / 2) + ", " + C + ")",
                 "+ sinusoidal positions (fixed)"},
                model_name + " Audio Encoder Blocks (× " + Layers(c.num_layers) + ")", TransformerBlock(c, true, false),
                after);
  }
  if (c.family == engine::Family::kRecurrent) {
    const std::string H = N(c.hidden_dim), cell = c.cell == "gru" ? "GRU" : "LSTM";
    std::vector<std::string> block = {
        "Input x_t, state " + std::string(c.cell == "gru" ? "h_{t-1}" : "(h_{t-1}, c_{t-1})"), "  ↓",
        c.cell == "gru" ? "Gates r, z and candidate n from x_t and h_{t-1} (3 × " + H + ")"
                        : "Gates i, f, g, o from x_t and h_{t-1} (4 × " + H + ")",
        "  ↓", c.cell == "gru" ? "h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}" : "c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)"};
    return Flow(
        title, {"Input IDs (B, T)", "Token embedding (" + V + " × " + C + ")"},
        cell + " layers (× " + Layers(c.num_layers) + "), hidden " + H, block,
        {"Hidden states (B, T, " + H + ")",
         std::string(c.tie_embeddings && c.embedding_dim == c.hidden_dim ? "LM head (tied to the token embedding)"
                                                                         : "LM head " + H + " → " + V),
         "Output logits (B, T, " + V + ")"});
  }
  return ArchitectureDiagram(c, model_name);  // decoder, moe
}

}  // namespace render
