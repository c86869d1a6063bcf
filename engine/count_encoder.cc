// Analytic counts of the encoder family (BERT) and the transformer pieces it shares with vit
// and audio (engine/count_families.h). Conventions as engine/count.cc.
#include "engine/count_families.h"

#include <string>

#include "engine/count_transformer.h"

namespace engine {

Status EncoderParameters(const ModelConfig& c, ParameterCount* out) {
  const Checked C = c.embedding_dim;
  const Checked embedding = (Checked(c.vocab_size) + c.context_length + c.type_vocab_size) * C + C * 2;  // + LayerNorm
  CheckedCounts parts = {
      {"embedding", embedding},
      {"attention", SelfAttentionParams(c) * c.num_layers},
      {"mlp", MlpParams(c) * c.num_layers},
      {"norm", (Checked(c.num_layers) * 2 + (c.norm_position == "pre" ? 1 : 0)) * LayerNormParams(c)},
      {"pooler", c.pooler ? C * C + C : Checked(0)}};
  Checked head = 0;
  if (c.head == "mlm") head = C * C + C + C * 2 + c.vocab_size;  // transform + LayerNorm + decoder bias (tied weight)
  if (c.head == "classifier") head = C * c.num_classes + c.num_classes;
  parts.push_back({"head", head});
  return FinishParameters(parts, embedding, out);
}

Status EncoderForwardFlops(const ModelConfig& c, int64_t batch, int64_t T, FlopCount* out) {
  const Checked C = c.embedding_dim, N = Checked(batch) * T;
  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = T;
  CheckedCounts parts = TransformerStackFlops(c, batch, T, c.num_layers);
  if (c.pooler) parts.push_back({"pooler", Checked(2) * batch * C * C});
  if (c.head == "mlm") parts.push_back({"head", Checked(2) * N * C * C + Checked(2) * N * C * c.vocab_size});
  if (c.head == "classifier") parts.push_back({"head", Checked(2) * batch * C * c.num_classes});
  f.input = std::to_string(batch) + " × " + std::to_string(T) + " tokens";
  return FinishFlops(parts, TransformerElementwise(c, batch, T, c.num_layers, 2 * c.num_layers + 1), &f);
}

}  // namespace engine
