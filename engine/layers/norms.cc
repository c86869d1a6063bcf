// LayerNorm / RMSNorm forward through ATen's fused kernels.
#include "engine/layers/norms.h"

namespace engine {

NormLayerImpl::NormLayerImpl(Norm kind, int64_t dim, double eps, bool with_bias, const torch::TensorOptions& opts)
    : kind_(kind), dim_(dim), eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}, opts));
  if (kind == Norm::kLayerNorm && with_bias) bias = register_parameter("bias", torch::zeros({dim}, opts));
}

torch::Tensor NormLayerImpl::forward(const torch::Tensor& x) {
  if (kind_ == Norm::kLayerNorm) return at::layer_norm(x, {dim_}, weight, bias, eps_);
  return at::rms_norm(x, {dim_}, weight, eps_);
}

}  // namespace engine
