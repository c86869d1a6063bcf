// Analytic counts of the vit family (engine/count_families.h).
#include "engine/count_families.h"

#include "engine/count_transformer.h"

namespace engine {
namespace {

int64_t Patches(const ModelConfig& c) {
  const int64_t side = c.image_size / c.patch_size;
  return side * side;
}
int64_t Tokens(const ModelConfig& c) { return Patches(c) + (c.pool == "cls" ? 1 : 0); }

}  // namespace

ParameterCount VitParameters(const ModelConfig& c) {
  const int64_t C = c.embedding_dim;
  const int64_t patch = c.channels * c.patch_size * c.patch_size * C + C;  // conv weight + bias
  const int64_t embedding = patch + (c.pool == "cls" ? C : 0) + Tokens(c) * C;
  ParameterCount p;
  p.by_component = {{"embedding", embedding},
                    {"attention", c.num_layers * SelfAttentionParams(c)},
                    {"mlp", c.num_layers * MlpParams(c)},
                    {"norm", (2 * c.num_layers + 1) * LayerNormParams(c)},
                    {"head", c.num_classes > 0 ? C * c.num_classes + c.num_classes : 0}};
  for (const auto& [name, n] : p.by_component) p.total += n;
  p.trainable = p.active = p.total;
  p.embedding = embedding;
  p.non_embedding = p.total - embedding;
  return p;
}

// The patch projection is a convolution (kernel = stride = patch): MACs = C x patches x (channels x patch²).
// torchvision's 17.56 GMACs for ViT-B/16 counts the same matmuls and convolution.
FlopCount VitForwardFlops(const ModelConfig& c, int64_t batch) {
  const int64_t C = c.embedding_dim, T = Tokens(c);
  FlopCount f;
  f.batch = batch;
  f.sequence_length = T;
  f.by_component = {{"patch_embedding", 2 * batch * Patches(c) * C * c.channels * c.patch_size * c.patch_size}};
  for (const auto& kv : TransformerStackFlops(c, batch, T, c.num_layers)) f.by_component.push_back(kv);
  if (c.num_classes > 0) f.by_component.push_back({"head", 2 * batch * C * c.num_classes});
  for (const auto& [name, n] : f.by_component) f.forward += n;
  f.forward_macs = f.forward / 2;
  f.input = std::to_string(batch) + " × " + std::to_string(c.channels) + " × " + std::to_string(c.image_size) +
            " × " + std::to_string(c.image_size) + " image";
  f.elementwise = TransformerElementwise(c, batch, T, c.num_layers, 2 * c.num_layers + 1);
  return f;
}

}  // namespace engine
