// Mixture-of-experts feed-forward layer (Mixtral; Jiang et al. 2024, "Mixtral of Experts"):
// a linear router scores num_experts experts per token, the top experts_per_token are kept and
// their softmax weights renormalized over the kept ones, and the token's output is the weighted
// sum of those experts' outputs. Each expert is an Mlp of the config's activation (SwiGLU in
// Mixtral). Only the chosen experts run: tokens are grouped by expert.
// Parameter names: router.weight (E, C), experts.{e}.fc.weight, experts.{e}.proj.weight.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"
#include "engine/layers/linear.h"
#include "engine/layers/mlp.h"

namespace engine {

class MoeMlpImpl : public torch::nn::Module {
 public:
  MoeMlpImpl(const ModelConfig& c, const torch::TensorOptions& opts);
  // (B, T, C) -> (B, T, C); adds `residual` when it is defined.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual = {});
  // The experts each token of the last forward used: (B * T, experts_per_token) int64.
  const torch::Tensor& last_routing() const { return last_routing_; }

  Linear router{nullptr};  // C -> E, no bias
  torch::nn::ModuleList experts{nullptr};

 private:
  int64_t num_experts_, top_k_;
  torch::Tensor last_routing_;
};
TORCH_MODULE(MoeMlp);

}  // namespace engine
