// Vision Transformer (the vit family; Dosovitskiy et al. 2021): a patch_size convolution with
// stride patch_size turns the image into patches, a learned [CLS] token is prepended (pool
// "cls"), learned positions are added, pre-norm blocks of non-causal attention and a GELU MLP
// follow, then a final LayerNorm, pooling ([CLS] or mean) and an optional classification head.
// Names: patch_embed.{weight,bias}, cls_token, pos_emb, blocks.{i}.*, norm_f, head.
#include <string>

#include "engine/layers/conv.h"
#include "engine/layers/linear.h"
#include "engine/layers/norms.h"
#include "engine/layers/transformer_block.h"
#include "engine/models/common.h"
#include "engine/models/family.h"

namespace engine {
namespace {

class VitImpl : public torch::nn::Module {
 public:
  VitImpl(const ModelConfig& c, const torch::TensorOptions& opts) : c_(c) {
    const int64_t C = c.embedding_dim, side = c.image_size / c.patch_size;
    const int64_t tokens = side * side + (c.pool == "cls" ? 1 : 0);
    patch_embed = register_module("patch_embed", Conv2d(c.channels, C, c.patch_size, c.patch_size, 0, true, opts));
    if (c.pool == "cls") cls_token = register_parameter("cls_token", torch::empty({1, 1, C}, opts));
    pos_emb = register_parameter("pos_emb", torch::empty({1, tokens, C}, opts));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_layers; ++i) blocks->push_back(TransformerBlock(c, true, false, false, opts));
    norm_f = register_module("norm_f", NormLayer(Norm::kLayerNorm, C, c.norm_eps, true, opts));
    if (c.num_classes > 0) head = register_module("head", Linear(C, c.num_classes, true, opts));
  }

  // images (B, channels, H, W) -> logits (B, classes), or pooled features (B, C) without a head.
  torch::Tensor forward(const torch::Tensor& images) {
    auto x = patch_embed(images).flatten(2).transpose(1, 2);  // (B, patches, C)
    if (cls_token.defined()) x = torch::cat({cls_token.expand({x.size(0), 1, x.size(2)}), x}, 1);
    x = x + pos_emb;
    x = RunTransformerBlocks(blocks, x);
    x = norm_f(x);
    auto pooled = c_.pool == "cls" ? x.select(1, 0) : x.mean(1);
    return head ? head(pooled) : pooled;
  }

  Conv2d patch_embed{nullptr};
  torch::Tensor cls_token, pos_emb;
  torch::nn::ModuleList blocks{nullptr};
  NormLayer norm_f{nullptr};
  Linear head{nullptr};

 private:
  ModelConfig c_;
};
TORCH_MODULE(Vit);

class VitFamilyModel : public FamilyModelBase<Vit> {
 public:
  using FamilyModelBase::FamilyModelBase;
  torch::Tensor ExampleInput(int64_t batch, int64_t, torch::Device device, torch::ScalarType dtype) const override {
    return ExampleImages(c_, batch, device, dtype);
  }
  std::string ComponentOf(const std::string& name) const override {
    if (name.rfind("patch_embed.", 0) == 0 || name == "cls_token" || name == "pos_emb") return "embedding";
    if (name.rfind("head.", 0) == 0) return "head";
    if (name.find(".attn.") != std::string::npos) return "attention";
    if (name.find(".mlp.") != std::string::npos) return "mlp";
    return "norm";
  }
};

}  // namespace

std::unique_ptr<FamilyModel> MakeVitModel(const ModelConfig& c, const torch::TensorOptions& opts) {
  return std::make_unique<VitFamilyModel>(c, opts);
}

}  // namespace engine
