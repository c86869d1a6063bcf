// PreprocessImage (see image.h).
#include "engine/preprocess/image.h"

#include <stdexcept>

namespace engine {

torch::Tensor PreprocessImage(const torch::Tensor& image, const ImageTransform& t) {
  if (image.dim() != 3 || image.size(2) != 3) throw std::invalid_argument("expected an (H, W, 3) image");
  auto x = image.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32).div_(255.0);  // (1, 3, H, W) in [0, 1]
  const int64_t h = x.size(2), w = x.size(3);
  const double scale = static_cast<double>(t.resize) / static_cast<double>(std::min(h, w));
  const int64_t nh = h <= w ? t.resize : static_cast<int64_t>(h * scale);
  const int64_t nw = w < h ? t.resize : static_cast<int64_t>(w * scale);
  x = at::_upsample_bilinear2d_aa(x, {nh, nw}, /*align_corners=*/false);
  const int64_t top = (nh - t.crop) / 2, left = (nw - t.crop) / 2;
  x = x.narrow(2, top, t.crop).narrow(3, left, t.crop);
  auto mean = torch::tensor({t.mean[0], t.mean[1], t.mean[2]}, torch::kFloat32).view({1, 3, 1, 1});
  auto std = torch::tensor({t.std[0], t.std[1], t.std[2]}, torch::kFloat32).view({1, 3, 1, 1});
  return ((x - mean) / std).squeeze(0).contiguous();
}

}  // namespace engine
