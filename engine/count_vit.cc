// Analytic counts of the vit family (engine/count_families.h).
#include "engine/count_families.h"

#include "engine/count_transformer.h"

namespace engine {
namespace {

Checked Patches(const ModelConfig& c) {
  const int64_t side = c.patch_size > 0 ? c.image_size / c.patch_size : 0;
  return Checked(side) * side;
}
Checked Tokens(const ModelConfig& c) { return Patches(c) + (c.pool == "cls" ? 1 : 0); }

}  // namespace

Status VitParameters(const ModelConfig& c, ParameterCount* out) {
  const Checked C = c.embedding_dim;
  const Checked patch = Checked(c.channels) * c.patch_size * c.patch_size * C + C;  // conv weight + bias
  const Checked embedding = patch + (c.pool == "cls" ? C : Checked(0)) + Tokens(c) * C;
  return FinishParameters({{"embedding", embedding},
                           {"attention", SelfAttentionParams(c) * c.num_layers},
                           {"mlp", MlpParams(c) * c.num_layers},
                           {"norm", (Checked(c.num_layers) * 2 + 1) * LayerNormParams(c)},
                           {"head", c.num_classes > 0 ? C * c.num_classes + c.num_classes : Checked(0)}},
                          embedding, out);
}

// The patch projection is a convolution (kernel = stride = patch): MACs = C x patches x (channels x patch²).
// torchvision's 17.56 GMACs for ViT-B/16 counts the same matmuls and convolution.
Status VitForwardFlops(const ModelConfig& c, int64_t batch, FlopCount* out) {
  const Checked C = c.embedding_dim;
  if (Tokens(c).overflow()) return OverflowError("image tokens ((image_size / patch_size)^2)");
  const int64_t T = Tokens(c).value();
  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = T;
  CheckedCounts parts = {
      {"patch_embedding", Checked(2) * batch * Patches(c) * C * c.channels * c.patch_size * c.patch_size}};
  for (const auto& kv : TransformerStackFlops(c, batch, T, c.num_layers)) parts.push_back(kv);
  if (c.num_classes > 0) parts.push_back({"head", Checked(2) * batch * C * c.num_classes});
  f.input = std::to_string(batch) + " × " + std::to_string(c.channels) + " × " + std::to_string(c.image_size) + " × " +
            std::to_string(c.image_size) + " image";
  return FinishFlops(parts, TransformerElementwise(c, batch, T, c.num_layers, 2 * c.num_layers + 1), &f);
}

}  // namespace engine
