// ResNet (the resnet family; He et al. 2016), exactly torchvision's layout (v1.5: the stride of
// a bottleneck sits on its 3x3 convolution): stem conv 7x7/2 + BN + ReLU + max-pool 3x3/2,
// stages of basic or bottleneck blocks, global average pool, fully connected head. ResNeXt and
// Wide ResNet (groups, width_per_group): a bottleneck's 1x1 / grouped 3x3 / 1x1 run at its inner
// width int(planes * width_per_group / 64) * groups (engine/config.h ResNetInnerWidth).
// Names follow torchvision (conv1, bn1, layer{1..4}.{j}.conv{1,2,3}/bn{1,2,3}/downsample.{0,1}, fc)
// under our components: stem.{conv,bn}, stages.{i}.{j}.*, fc.
// On CPU the activations run channels-last (oneDNN's preferred layout for convolutions).
#include <string>

#include "engine/layers/conv.h"
#include "engine/layers/linear.h"
#include "engine/models/common.h"
#include "engine/models/family.h"

namespace engine {
namespace {

class ResidualBlockImpl : public torch::nn::Module {
 public:
  // width: the stage's planes; inner: a bottleneck's inner width; groups: of its 3x3 convolution.
  ResidualBlockImpl(bool bottleneck, int64_t in, int64_t width, int64_t inner, int64_t groups, int64_t stride,
                    const torch::TensorOptions& opts)
      : bottleneck_(bottleneck) {
    const int64_t out = width * (bottleneck ? 4 : 1);
    if (bottleneck) {
      conv1 = register_module("conv1", Conv2d(in, inner, 1, 1, 0, false, opts));
      bn1 = register_module("bn1", BatchNorm2d(inner, opts));
      conv2 = register_module("conv2", Conv2d(inner, inner, 3, stride, 1, false, opts, groups));
      bn2 = register_module("bn2", BatchNorm2d(inner, opts));
      conv3 = register_module("conv3", Conv2d(inner, out, 1, 1, 0, false, opts));
      bn3 = register_module("bn3", BatchNorm2d(out, opts));
    } else {
      conv1 = register_module("conv1", Conv2d(in, width, 3, stride, 1, false, opts));
      bn1 = register_module("bn1", BatchNorm2d(width, opts));
      conv2 = register_module("conv2", Conv2d(width, width, 3, 1, 1, false, opts));
      bn2 = register_module("bn2", BatchNorm2d(width, opts));
    }
    if (stride != 1 || in != out) {
      auto ds = register_module("downsample", std::make_shared<torch::nn::Module>());
      down_conv = ds->register_module("conv", Conv2d(in, out, 1, stride, 0, false, opts));
      down_bn = ds->register_module("bn", BatchNorm2d(out, opts));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = bn1(conv1(x));
    y.relu_();
    y = bn2(conv2(y));
    if (bottleneck_) {
      y.relu_();
      y = bn3(conv3(y));
    }
    y.add_(down_conv ? down_bn(down_conv(x)) : x);
    return y.relu_();
  }

  Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr}, down_conv{nullptr};
  BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr}, down_bn{nullptr};

 private:
  bool bottleneck_;
};
TORCH_MODULE(ResidualBlock);

class ResNetImpl : public torch::nn::Module {
 public:
  ResNetImpl(const ModelConfig& c, const torch::TensorOptions& opts) {
    auto stem = register_module("stem", std::make_shared<torch::nn::Module>());
    stem_conv = stem->register_module("conv", Conv2d(c.channels, c.base_width, 7, 2, 3, false, opts));
    stem_bn = stem->register_module("bn", BatchNorm2d(c.base_width, opts));
    stages = register_module("stages", torch::nn::ModuleList());
    const bool bottleneck = c.block == "bottleneck";
    int64_t in = c.base_width;
    for (size_t s = 0; s < c.stages.size(); ++s) {
      auto stage = torch::nn::ModuleList();
      const int64_t width = ResNetPlanes(c, s), inner = ResNetInnerWidth(c, s);
      for (int64_t b = 0; b < c.stages[s]; ++b) {
        stage->push_back(ResidualBlock(bottleneck, in, width, inner, c.groups, (s > 0 && b == 0) ? 2 : 1, opts));
        in = width * (bottleneck ? 4 : 1);
      }
      stages->push_back(stage);
    }
    if (c.num_classes > 0) fc = register_module("fc", Linear(in, c.num_classes, true, opts));
  }

  // images (B, channels, H, W) -> logits (B, classes), or pooled features without a head.
  torch::Tensor forward(const torch::Tensor& images) {
    auto x = images.device().is_cpu() ? images.contiguous(at::MemoryFormat::ChannelsLast) : images;
    x = stem_bn(stem_conv(x));
    x.relu_();
    x = at::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
    for (auto& stage : *stages)
      for (auto& block : *stage->as<torch::nn::ModuleList>()) x = block->as<ResidualBlockImpl>()->forward(x);
    x = x.mean({2, 3});
    return fc ? fc(x) : x;
  }

  Conv2d stem_conv{nullptr};
  BatchNorm2d stem_bn{nullptr};
  torch::nn::ModuleList stages{nullptr};
  Linear fc{nullptr};
};
TORCH_MODULE(ResNet);

class ResNetFamilyModel : public FamilyModelBase<ResNet> {
 public:
  using FamilyModelBase::FamilyModelBase;
  torch::Tensor ExampleInput(int64_t batch, int64_t, torch::Device device, torch::ScalarType dtype) const override {
    return ExampleImages(c_, batch, device, dtype);
  }
  std::string ComponentOf(const std::string& name) const override {
    if (name.rfind("stem.", 0) == 0) return "stem";
    if (name.rfind("fc.", 0) == 0) return "head";
    return "stages";
  }
  void PackForInference() override {
    torch::NoGradGuard no_grad;
    for (auto& p : model_->parameters())  // channels-last kernels for oneDNN
      if (p.dim() == 4 && p.device().is_cpu()) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
  }
};

}  // namespace

std::unique_ptr<FamilyModel> MakeResNetModel(const ModelConfig& c, const torch::TensorOptions& opts) {
  return std::make_unique<ResNetFamilyModel>(c, opts);
}

}  // namespace engine
