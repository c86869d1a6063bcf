// Top-k routed experts (see moe.h).
#include "engine/layers/moe.h"

namespace engine {

MoeMlpImpl::MoeMlpImpl(const ModelConfig& c, const torch::TensorOptions& opts)
    : num_experts_(c.num_experts), top_k_(c.experts_per_token) {
  router = register_module("router", Linear(c.embedding_dim, c.num_experts, /*bias=*/false, opts));
  experts = register_module("experts", torch::nn::ModuleList());
  for (int64_t e = 0; e < c.num_experts; ++e) experts->push_back(Mlp(c, opts));
}

torch::Tensor MoeMlpImpl::forward(const torch::Tensor& x, const torch::Tensor& residual) {
  const auto shape = x.sizes().vec();
  const int64_t C = shape.back();
  torch::Tensor flat = x.reshape({-1, C});  // (N, C)
  // Router in float32 for stable probabilities (as Mixtral's reference code).
  torch::Tensor probs = at::softmax(router(flat).to(torch::kFloat32), -1);  // (N, E)
  auto [weights, chosen] = probs.topk(top_k_, -1);                          // (N, k)
  weights = weights / weights.sum(-1, /*keepdim=*/true);
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
  out = out.reshape(shape);
  return residual.defined() ? out.add_(residual) : out;
}

}  // namespace engine
