// Architecture diagrams: exact text for GPT-2 small, the real labels for Llama-style
// configs, and right borders that line up whatever the model name.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "generator/render/diagrams.h"

#include "tests/model_configs.h"

using engine::ModelConfig;

namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Every line of the box (from the first "┌" to the last "┘") has the same display width.
void CheckBoxAligned(const std::string& diagram) {
  const auto lines = Lines(diagram);
  int width = -1, box_lines = 0;
  for (const auto& l : lines) {
    if (l.rfind("┌", 0) != 0 && l.rfind("│ ", 0) != 0 && l.rfind("└", 0) != 0) continue;
    ++box_lines;
    if (width < 0) width = render::DisplayWidth(l);
    CHECK_MESSAGE(render::DisplayWidth(l) == width, l);
  }
  CHECK(box_lines > 10);
}

}  // namespace

TEST_CASE("display width counts columns, not bytes") {
  CHECK(render::DisplayWidth("abc") == 3);
  CHECK(render::DisplayWidth("│ ↓ ┌─┐ × θ") == 11);
  CHECK(render::DisplayWidth("日本") == 4);
  CHECK(render::DisplayWidth("🏗️") == 2);  // emoji + variation selector
  CHECK(render::DisplayWidth("é") == 1);
}

TEST_CASE("GPT-2 small high-level diagram") {
  CHECK(render::ArchitectureDiagram(testing_configs::Gpt2(12, 768, 12), "GPT-2") ==
        std::string("🏗️ GPT-2 Architecture\n"
                    "│\n"
                    "Input IDs (B, T), T ≤ 1024\n"
                    "    ↓\n"
                    "Token Embedding (50257 × 768)\n"
                    "    + learned positions (1024 × 768)\n"
                    "    ↓\n"
                    "┌───────────────────────────────────────────┐\n"
                    "│ GPT-2 Blocks (× 12 layers)                │\n"
                    "│                                           │\n"
                    "│ ┌───────────────────────────────────────┐ │\n"
                    "│ │ Single GPT-2 Block                    │ │\n"
                    "│ │                                       │ │\n"
                    "│ │ Input x (B, T, 768)                   │ │\n"
                    "│ │   ↓                                   │ │\n"
                    "│ │ LayerNorm (pre-norm)                  │ │\n"
                    "│ │   ↓                                   │ │\n"
                    "│ │ Causal self-attention, 12 heads (MHA) │ │\n"
                    "│ │   ↓                                   │ │\n"
                    "│ │ Residual Connection: x + attention    │ │\n"
                    "│ │   ↓                                   │ │\n"
                    "│ │ LayerNorm (pre-norm)                  │ │\n"
                    "│ │   ↓                                   │ │\n"
                    "│ │ GELU MLP 768→3072→768                 │ │\n"
                    "│ │   ↓                                   │ │\n"
                    "│ │ Residual Connection: x + FFN          │ │\n"
                    "│ └───────────────────────────────────────┘ │\n"
                    "└───────────────────────────────────────────┘\n"
                    "    ↓\n"
                    "Final LayerNorm\n"
                    "    ↓\n"
                    "LM head (tied to token embedding)\n"
                    "    ↓\n"
                    "Output Logits (B, T, 50257)"));
}

TEST_CASE("GPT-2 small attention and FFN flows") {
  CHECK(render::AttentionDiagram(testing_configs::Gpt2(12, 768, 12)) ==
        std::string("📊 Attention Mechanism Flow (MHA)\n"
                    "│\n"
                    "Input (B, T, 768)\n"
                    "├─ Q Projection 768 → 12 heads × 64 (with bias)\n"
                    "├─ K Projection 768 → 12 heads × 64 (with bias)\n"
                    "└─ V Projection 768 → 12 heads × 64 (with bias)\n"
                    "    ↓\n"
                    "Attention Computation (per head)\n"
                    "├─ Score calculation: Q·Kᵀ / √64, causal mask\n"
                    "├─ Softmax normalization over keys\n"
                    "└─ Apply to values: weights · V\n"
                    "    ↓\n"
                    "Output Projection 768 → 768 (with bias)\n"
                    "    ↓\n"
                    "Output (B, T, 768)"));
  CHECK(render::FeedForwardDiagram(testing_configs::Gpt2(12, 768, 12)) ==
        std::string("🔀 Feed Forward Network (GELU MLP)\n"
                    "│\n"
                    "Input (B, T, 768)\n"
                    "    ↓\n"
                    "Linear Layer 1: 768 → 3072 (with bias)\n"
                    "    ↓\n"
                    "Activation Function: GELU\n"
                    "    ↓\n"
                    "Linear Layer 2: 3072 → 768 (with bias)\n"
                    "    ↓\n"
                    "Output (B, T, 768)"));
}

TEST_CASE("Llama-style configs show RMSNorm, GQA, RoPE, SwiGLU and an untied head") {
  const ModelConfig c = testing_configs::Llama2(80, 8192, 64, 8, 28672);
  const std::string arch = render::ArchitectureDiagram(c, "Llama 2");
  CHECK(arch.find("│ │ RMSNorm (pre-norm) ") != std::string::npos);
  CHECK(arch.find("│ │ Grouped-query attention, 64 Q heads / 8 KV heads (GQA) │ │") != std::string::npos);
  CHECK(arch.find("│ │   RoPE on Q,K (θ=10000) ") != std::string::npos);
  CHECK(arch.find("│ │ SwiGLU FFN 8192→2×28672→8192 ") != std::string::npos);
  CHECK(arch.find("learned positions") == std::string::npos);
  CHECK(arch.find("\nLM head 8192→32000 (untied)\n") != std::string::npos);
  CHECK(arch.find("\nFinal RMSNorm\n") != std::string::npos);
  const std::string attn = render::AttentionDiagram(c);
  CHECK(attn.find("├─ K Projection 8192 → 8 KV heads × 128\n") != std::string::npos);
  CHECK(attn.find("├─ Each K/V head is shared by 8 Q heads\n") != std::string::npos);
  CHECK(attn.find("RoPE: rotate Q and K by position (θ=10000)\n") != std::string::npos);
  CHECK(render::FeedForwardDiagram(c).find("Activation Function: SiLU(gate) ⊙ up\n") != std::string::npos);
}

TEST_CASE("attention labels for MHA, GQA and MQA") {
  ModelConfig c = testing_configs::Gpt2(12, 768, 12);
  CHECK(render::AttentionLabel(c) == "Causal self-attention, 12 heads (MHA)");
  c.num_heads = 32;
  c.num_kv_heads = 8;
  CHECK(render::AttentionLabel(c) == "Grouped-query attention, 32 Q heads / 8 KV heads (GQA)");
  c.num_kv_heads = 1;
  CHECK(render::AttentionLabel(c) == "Multi-query attention, 32 Q heads / 1 KV head (MQA)");
  CHECK(render::FeedForwardLabel(testing_configs::Gpt2(12, 768, 12)) == "GELU MLP 768→3072→768");
}

TEST_CASE("positions: sinusoidal after the embedding, ALiBi inside attention") {
  ModelConfig c = testing_configs::Gpt2(12, 768, 12);
  c.position = engine::Position::kSinusoidal;
  CHECK(render::ArchitectureDiagram(c, "M").find("\n    + sinusoidal positions (fixed, no parameters)\n") !=
        std::string::npos);
  c.position = engine::Position::kALiBi;
  const std::string arch = render::ArchitectureDiagram(c, "M");
  CHECK(arch.find("│ │   ALiBi bias on attention scores ") != std::string::npos);
  CHECK(arch.find("positions") == std::string::npos);
  CHECK(render::AttentionDiagram(c).find("causal mask, + ALiBi bias\n") != std::string::npos);
  c.position = engine::Position::kNone;
  CHECK(render::ArchitectureDiagram(c, "M").find("positions") == std::string::npos);
}

TEST_CASE("right borders line up for any model name") {
  CheckBoxAligned(render::ArchitectureDiagram(testing_configs::Gpt2(12, 768, 12), "GPT-2"));
  CheckBoxAligned(render::ArchitectureDiagram(testing_configs::Llama2(80, 8192, 64, 8, 28672), "Llama 2"));
  CheckBoxAligned(render::ArchitectureDiagram(testing_configs::Gpt2(12, 768, 12),
                                              "A Very Long Model Name That Is Wider Than Every Block Line"));
  CheckBoxAligned(render::ArchitectureDiagram(testing_configs::Gpt2(12, 768, 12), "日本語モデル θ"));
}
