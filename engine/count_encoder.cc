// Analytic counts of the encoder family (BERT) and the transformer pieces it shares with vit
// and audio (engine/count_families.h). Conventions as engine/count.cc.
#include "engine/count_families.h"

#include "engine/count_transformer.h"

namespace engine {

ParameterCount EncoderParameters(const ModelConfig& c) {
  const int64_t C = c.embedding_dim;
  const int64_t embedding = (c.vocab_size + c.context_length + c.type_vocab_size) * C + 2 * C;  // + LayerNorm
  ParameterCount p;
  p.by_component = {{"embedding", embedding},
                    {"attention", c.num_layers * SelfAttentionParams(c)},
                    {"mlp", c.num_layers * MlpParams(c)},
                    {"norm", (c.num_layers * 2 + (c.norm_position == "pre" ? 1 : 0)) * LayerNormParams(c)},
                    {"pooler", c.pooler ? C * C + C : 0}};
  int64_t head = 0;
  if (c.head == "mlm") head = C * C + C + 2 * C + c.vocab_size;  // transform + LayerNorm + decoder bias (tied weight)
  if (c.head == "classifier") head = C * c.num_classes + c.num_classes;
  p.by_component.push_back({"head", head});
  for (const auto& [name, n] : p.by_component) p.total += n;
  p.trainable = p.active = p.total;
  p.embedding = embedding;
  p.non_embedding = p.total - embedding;
  return p;
}

FlopCount EncoderForwardFlops(const ModelConfig& c, int64_t batch, int64_t T) {
  const int64_t C = c.embedding_dim, N = batch * T;
  FlopCount f;
  f.batch = batch;
  f.sequence_length = T;
  f.by_component = TransformerStackFlops(c, batch, T, c.num_layers);
  if (c.pooler) f.by_component.push_back({"pooler", 2 * batch * C * C});
  if (c.head == "mlm") f.by_component.push_back({"head", 2 * N * C * C + 2 * N * C * c.vocab_size});
  if (c.head == "classifier") f.by_component.push_back({"head", 2 * batch * C * c.num_classes});
  for (const auto& [name, n] : f.by_component) f.forward += n;
  f.forward_macs = f.forward / 2;
  f.input = std::to_string(batch) + " × " + std::to_string(T) + " tokens";
  f.elementwise = TransformerElementwise(c, batch, T, c.num_layers, 2 * c.num_layers + 1);
  return f;
}

}  // namespace engine
