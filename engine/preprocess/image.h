// Image preprocessing of the vision families (vit, resnet), torchvision's standard
// evaluation transform: resize the shorter side to `resize` (bilinear, antialiased), center
// crop `crop` x `crop`, scale to [0, 1], normalize each channel with (x - mean) / std.
#pragma once

#include <torch/torch.h>

#include <array>

namespace engine {

struct ImageTransform {
  int64_t resize = 256;
  int64_t crop = 224;
  std::array<double, 3> mean = {0.485, 0.456, 0.406};  // ImageNet statistics
  std::array<double, 3> std = {0.229, 0.224, 0.225};
};

// image: uint8 (H, W, 3), HWC as decoded from a file -> float32 (3, crop, crop).
torch::Tensor PreprocessImage(const torch::Tensor& image, const ImageTransform& t = {});

}  // namespace engine
