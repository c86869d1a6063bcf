// Normalization layers: LayerNorm (Ba et al. 2016) and RMSNorm (Zhang & Sennrich 2019).
#pragma once

#include <torch/torch.h>

#include "engine/config.h"

namespace engine {

// One module for both kinds so blocks can hold either; parameters: weight (C) [+ bias (C)].
class NormLayerImpl : public torch::nn::Module {
 public:
  NormLayerImpl(Norm kind, int64_t dim, double eps, bool bias, const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x);  // (..., C) -> (..., C)

  torch::Tensor weight;
  torch::Tensor bias;  // LayerNorm with bias only

 private:
  Norm kind_;
  int64_t dim_;
  double eps_;
};
TORCH_MODULE(NormLayer);

}  // namespace engine
