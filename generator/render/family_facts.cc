// The per-family table of description facts (see family_facts.h).
#include "generator/render/family_facts.h"

#include "generator/render/diagrams.h"
#include "generator/render/format.h"

namespace render {

FamilyFacts FactsOf(const engine::ModelConfig& c) {
  const std::string& f = c.family;
  FamilyFacts x;
  const bool decoder = f == "decoder" || f == "moe";
  const bool text_decoder = f == "audio" && c.decoder_layers > 0;
  x.transformer = decoder || f == "encoder" || f == "vit" || f == "audio";
  x.attention = x.transformer;
  x.causal = decoder;
  x.kv_cache = decoder;
  x.vocabulary = decoder || f == "encoder" || f == "recurrent" || text_decoder;
  x.lm_head = decoder || f == "recurrent" || text_decoder || (f == "encoder" && c.head == "mlm");
  x.positions = x.transformer && !(decoder && c.position == engine::Position::kNone);
  x.sequence = f != "resnet";
  x.text_context = decoder || f == "encoder" || text_decoder;
  x.images = f == "vit" || f == "resnet";
  x.patches = f == "vit";
  x.conv_stages = f == "resnet";
  x.recurrent = f == "recurrent";
  x.audio = f == "audio";
  x.classifier = (f == "vit" || f == "resnet" || (f == "encoder" && c.head == "classifier")) && c.num_classes > 0;
  return x;
}

int64_t SequenceLength(const engine::ModelConfig& c) {
  if (c.family == "resnet") return 0;
  if (c.family == "vit") {
    const int64_t side = c.patch_size > 0 ? c.image_size / c.patch_size : 0;
    return side * side + (c.pool == "cls" ? 1 : 0);
  }
  return c.context_length;
}

std::string SequenceUnit(const engine::ModelConfig& c) {
  if (c.family == "resnet") return "";
  if (c.family == "vit") return "patch tokens";
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
  if (c.family == "resnet") return "none (convolutions)";
  if (c.family == "recurrent") return std::string("none (") + (c.cell == "gru" ? "GRU" : "LSTM") + ")";
  return AttentionKind(c);
}

std::string PositionSummary(const engine::ModelConfig& c) {
  const FamilyFacts x = FactsOf(c);
  if (!x.positions) return "—";
  if (c.family == "encoder" || c.family == "vit") return "learned positions";
  if (c.family == "audio") return "sinusoidal + learned positions";
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
    const int64_t last = c.stages.empty() ? c.base_width * expansion
                                          : (c.base_width * expansion) << (c.stages.size() - 1);
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
  return line + ", " + FeedForwardLabel(c);
}

}  // namespace render
