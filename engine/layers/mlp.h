// Position-wise feed-forward network: fc -> activation -> proj. Gated activations (SwiGLU,
// GeGLU; Shazeer 2020) fuse the gate and up projections into one fc matrix of 2*hidden rows.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"
#include "engine/layers/linear.h"

namespace engine {

class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(const ModelConfig& c, const torch::TensorOptions& opts);
  // (B, T, C) -> (B, T, C); adds `residual` (B, T, C) to the output when it is defined.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual = {});

  Linear fc{nullptr};    // C -> hidden (or 2*hidden: [gate; up])
  Linear proj{nullptr};  // hidden -> C

 private:
  Activation activation_;
  int64_t hidden_;
};
TORCH_MODULE(Mlp);

}  // namespace engine
