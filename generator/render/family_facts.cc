// The per-family table of description facts (see family_facts.h).
#include "generator/render/family_facts.h"

#include "generator/render/decoder_features.h"
#include "generator/render/diagrams.h"
#include "generator/render/format.h"

namespace render {

FamilyFacts FactsOf(const engine::ModelConfig& c) {
  const engine::FamilyTraits& t = engine::TraitsOf(c);
  const bool text_decoder = engine::IsCausalLM(c) && !t.causal_lm;  // audio with a text decoder
  FamilyFacts x;
  x.transformer = t.attention;
  x.attention = t.attention;
  x.causal = t.kv_cache;
  x.kv_cache = t.kv_cache;
  x.vocabulary = t.token_input || text_decoder;
  x.lm_head = engine::IsCausalLM(c) || (c.family == engine::Family::kEncoder && c.head == "mlm");
  x.positions = x.transformer && !(t.kv_cache && c.position == engine::Position::kNone);
  x.sequence = t.token_input || t.attention;
  x.text_context = (t.token_input && t.positions_bounded) || text_decoder;
  x.images = t.image_input;
  x.patches = t.image_input && t.attention;
  x.conv_stages = t.image_input && !t.attention;
  x.recurrent = t.causal_lm && !t.attention;
  x.audio = t.audio_input;
  x.classifier = engine::HasClassifierHead(c);
  return x;
}

int64_t SequenceLength(const engine::ModelConfig& c) {
  if (c.family == engine::Family::kResNet) return 0;
  if (c.family == engine::Family::kVit) {
    const int64_t side = c.patch_size > 0 ? c.image_size / c.patch_size : 0;
    return side * side + (c.pool == "cls" ? 1 : 0);
  }
  return c.context_length;
}

std::string SequenceUnit(const engine::ModelConfig& c) {
  if (c.family == engine::Family::kResNet) return "";
  if (c.family == engine::Family::kVit) return "patch tokens";
  return "tokens";
}

std::string StageList(const engine::ModelConfig& c) {
  std::string out;
  for (size_t i = 0; i < c.stages.size(); ++i) out += (i ? ", " : "") + FormatThousands(c.stages[i]);
  return "[" + out + "]";
}

std::string StageWidths(const engine::ModelConfig& c) {
  const int64_t expansion = c.block == "bottleneck" ? 4 : 1;
  std::string out;
  int64_t width = c.base_width * expansion;
  for (size_t i = 0; i < c.stages.size(); ++i, width *= 2) out += (i ? ", " : "") + FormatThousands(width);
  return out;
}

std::string AttentionSummary(const engine::ModelConfig& c) {
  if (c.family == engine::Family::kResNet) return "none (convolutions)";
  if (c.family == engine::Family::kRecurrent) return std::string("none (") + (c.cell == "gru" ? "GRU" : "LSTM") + ")";
  return AttentionKind(c);
}

std::string PositionSummary(const engine::ModelConfig& c) {
  const FamilyFacts x = FactsOf(c);
  if (!x.positions) return "—";
  if (c.family == engine::Family::kEncoder || c.family == engine::Family::kVit) return "learned positions";
  if (c.family == engine::Family::kAudio) return "sinusoidal + learned positions";
  switch (c.position) {
    case engine::Position::kLearned: return "learned positions";
    case engine::Position::kSinusoidal: return "sinusoidal positions";
    case engine::Position::kRoPE: return "RoPE";
    case engine::Position::kALiBi: return "ALiBi";
    case engine::Position::kNone: return "—";
  }
  return "—";
}

std::string ArchitectureSummary(const engine::ModelConfig& c) {
  const FamilyFacts x = FactsOf(c);
  if (x.conv_stages) {
    const int64_t expansion = c.block == "bottleneck" ? 4 : 1;
    const int64_t last =
        c.stages.empty() ? c.base_width * expansion : (c.base_width * expansion) << (c.stages.size() - 1);
    return c.block + " residual blocks in stages " + StageList(c) + ", " + FormatThousands(c.base_width * expansion) +
           "→" + FormatThousands(last) + " channels, convolutions only (no attention)";
  }
  if (x.recurrent) {
    const std::string cell = c.cell == "gru" ? "GRU" : "LSTM";
    return FormatThousands(c.num_layers) + " " + cell + (c.num_layers == 1 ? " layer" : " layers") + ", hidden " +
           FormatThousands(c.hidden_dim) + ", embedding " + FormatThousands(c.embedding_dim) +
           ", recurrent state (no attention)";
  }
  std::string line = NormLabel(c.norm) + ", " + AttentionKind(c);
  const std::string positions = PositionSummary(c);
  if (positions != "—") line += ", " + positions;
  line += ", " + FeedForwardLabel(c);
  for (const auto& feature : FeatureSummary(c)) line += ", " + feature;  // none for most models
  return line;
}

}  // namespace render
