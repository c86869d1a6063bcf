// Mixture-of-experts feed-forward layer: Mixtral (Jiang et al. 2024, "Mixtral of Experts"),
// Qwen3-MoE and DeepSeek-V3 (DeepSeek-AI 2024, "DeepSeek-V3 Technical Report", section 2.1.2).
// A linear router gives each token a score per routed expert: softmax over the experts
// (Mixtral, Qwen3-MoE) or an independent sigmoid (DeepSeek-V3). The experts_per_token highest
// are kept; the choice may see a per-expert correction bias (router_bias, a buffer: it moves the
// choice, never the weights) and may be group-limited (router_groups: experts in equal groups,
// groups ranked by the sum of their two best biased scores, only router_topk_groups compete).
// The kept scores are renormalized to sum to 1 when router_renormalize (norm_topk_prob), then
// multiplied by routed_scaling_factor. The token's output is the weighted sum of those experts'
// outputs, plus num_shared_experts always-on experts computed as one Mlp of width
// num_shared_experts x ExpertHiddenDim (transformers' shared_experts). Each expert is an Mlp of
// width ExpertHiddenDim(c) (moe_hidden_dim) with the config's activation. Only the chosen
// experts run: tokens are grouped by expert.
// The arithmetic follows transformers' MixtralSparseMoeBlock, Qwen3MoeSparseMoeBlock and
// DeepseekV3TopkRouter / DeepseekV3MoE (4.57), including the router in float32 and the masked
// groups' scores set to 0 (not -inf), as DeepseekV3TopkRouter.get_topk_indices does.
// Parameter names: router.weight (E, C), experts.{e}.fc.weight, experts.{e}.proj.weight,
// shared_experts.fc.weight, shared_experts.proj.weight; buffer router_bias (E).
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
  // The routing of `flat` (N, C): chosen experts (N, k) int64 and their weights (N, k) float32.
  std::pair<torch::Tensor, torch::Tensor> Route(const torch::Tensor& flat);

  Linear router{nullptr};  // C -> E, no bias
  torch::nn::ModuleList experts{nullptr};
  Mlp shared_experts{nullptr};  // num_shared_experts > 0
  torch::Tensor router_bias;    // (E) buffer, router_bias only (DeepSeek-V3's e_score_correction_bias)

 private:
  int64_t num_experts_, top_k_, groups_, topk_groups_;
  RouterScoring scoring_;
  bool renormalize_;
  double scaling_;
  torch::Tensor last_routing_;
};
TORCH_MODULE(MoeMlp);

// c with hidden_dim set to `hidden`: the config an expert's (or the shared experts') Mlp is built from.
ModelConfig WithHiddenDim(ModelConfig c, int64_t hidden);

}  // namespace engine
