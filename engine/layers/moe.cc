// Top-k routed experts, shared experts and the Qwen3-MoE / DeepSeek-V3 routers (see moe.h).
#include "engine/layers/moe.h"

#include <algorithm>
#include <utility>

namespace engine {

ModelConfig WithHiddenDim(ModelConfig c, int64_t hidden) {
  c.hidden_dim = hidden;
  return c;
}

MoeMlpImpl::MoeMlpImpl(const ModelConfig& c, const torch::TensorOptions& opts)
    : num_experts_(c.num_experts),
      top_k_(c.experts_per_token),
      groups_(c.router_groups),
      topk_groups_(c.router_topk_groups),
      scoring_(c.router_scoring),
      renormalize_(c.router_renormalize),
      scaling_(c.routed_scaling_factor) {
  router = register_module("router", Linear(c.embedding_dim, c.num_experts, /*bias=*/false, opts));
  experts = register_module("experts", torch::nn::ModuleList());
  const ModelConfig expert = WithHiddenDim(c, ExpertHiddenDim(c));
  for (int64_t e = 0; e < c.num_experts; ++e) experts->push_back(Mlp(expert, opts));
  if (c.num_shared_experts > 0)
    shared_experts =
        register_module("shared_experts", Mlp(WithHiddenDim(c, c.num_shared_experts * ExpertHiddenDim(c)), opts));
  if (c.router_bias) router_bias = register_buffer("router_bias", torch::zeros({c.num_experts}, opts));
}

std::pair<torch::Tensor, torch::Tensor> MoeMlpImpl::Route(const torch::Tensor& flat) {
  // Router in float32 for stable scores (as the reference implementations).
  const torch::Tensor logits = router(flat).to(torch::kFloat32);  // (N, E)
  const torch::Tensor scores = scoring_ == RouterScoring::kSigmoid ? logits.sigmoid() : at::softmax(logits, -1);
  torch::Tensor choice = router_bias.defined() ? scores + router_bias.to(torch::kFloat32) : scores;
  if (groups_ > 0) {
    const int64_t N = choice.size(0), per_group = num_experts_ / groups_;
    auto grouped = choice.view({N, groups_, per_group});
    auto group_scores = std::get<0>(grouped.topk(std::min<int64_t>(2, per_group), -1)).sum(-1);  // (N, G)
    auto kept = std::get<1>(group_scores.topk(topk_groups_, -1));                                // (N, kg)
    auto group_mask = torch::zeros_like(group_scores).scatter_(1, kept, 1.0);
    auto expert_mask = group_mask.unsqueeze(-1).expand({N, groups_, per_group}).reshape({N, num_experts_});
    choice = choice.masked_fill(expert_mask == 0, 0.0);
  }
  torch::Tensor chosen = std::get<1>(choice.topk(top_k_, -1));  // (N, k)
  torch::Tensor weights = scores.gather(1, chosen);             // unbiased scores of the chosen
  if (renormalize_) {
    // DeepSeek-V3 guards the sum with 1e-20 (DeepseekV3TopkRouter.forward); softmax sums are positive.
    auto sum = weights.sum(-1, /*keepdim=*/true);
    weights = weights / (scoring_ == RouterScoring::kSigmoid ? sum + 1e-20 : sum);
  }
  if (scaling_ != 1.0) weights = weights * scaling_;
  return {chosen, weights};
}

torch::Tensor MoeMlpImpl::forward(const torch::Tensor& x, const torch::Tensor& residual) {
  const auto shape = x.sizes().vec();
  const int64_t C = shape.back();
  torch::Tensor flat = x.reshape({-1, C});  // (N, C)
  auto [chosen, weights] = Route(flat);     // (N, k) each
  last_routing_ = chosen;
  torch::Tensor out = torch::zeros_like(flat);
  // Group (token, slot) pairs by expert: one gather, one expert call, one scatter-add each.
  torch::Tensor flat_chosen = chosen.reshape({-1});  // (N * k)
  torch::Tensor order = flat_chosen.argsort();
  torch::Tensor counts = at::bincount(flat_chosen, {}, num_experts_).cpu();
  const int64_t* count = counts.data_ptr<int64_t>();
  torch::Tensor flat_weights = weights.reshape({-1}).to(x.scalar_type());
  int64_t start = 0;
  for (int64_t e = 0; e < num_experts_; ++e) {
    if (count[e] == 0) continue;
    torch::Tensor slots = order.narrow(0, start, count[e]);  // indices into N * k
    start += count[e];
    torch::Tensor tokens = at::floor_divide(slots, top_k_);  // token of each slot
    torch::Tensor y = experts[e]->as<MlpImpl>()->forward(flat.index_select(0, tokens));
    y.mul_(flat_weights.index_select(0, slots).unsqueeze(1));
    out.index_add_(0, tokens, y.to(out.scalar_type()));  // autocast: the expert ran in a lower precision
  }
  if (shared_experts) out = shared_experts(flat, /*residual=*/out);
  out = out.reshape(shape);
  return residual.defined() ? out.add_(residual) : out;
}

}  // namespace engine
