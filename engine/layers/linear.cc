// Linear and Embedding: parameters created with caller-given TensorOptions (device, dtype);
// the packed path calls LibTorch's registered oneDNN ops (mkldnn::_linear_pointwise).
#include "engine/layers/linear.h"

#include <ATen/core/dispatch/Dispatcher.h>

namespace engine {
namespace {

c10::OperatorHandle Op(const char* name, const char* overload) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, overload);
}

torch::Tensor CallBoxed(const c10::OperatorHandle& op, torch::jit::Stack stack) {
  op.callBoxed(&stack);
  return stack.at(0).toTensor();
}

// mkldnn::_linear_pointwise(X, W, B?, attr, scalars, algorithm?) on a packed W.
torch::Tensor PackedPointwise(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b,
                              const std::string& attr, const std::string& algorithm) {
  static const c10::OperatorHandle op = Op("mkldnn::_linear_pointwise", "");
  c10::IValue bias = b.defined() ? c10::IValue(b) : c10::IValue();
  return CallBoxed(op, {x, w, bias, attr, c10::List<std::optional<at::Scalar>>(), algorithm});
}

}  // namespace

LinearImpl::LinearImpl(int64_t in_features, int64_t out_features, bool with_bias,
                       const torch::TensorOptions& opts) {
  weight = register_parameter("weight", torch::empty({out_features, in_features}, opts));
  if (with_bias) bias = register_parameter("bias", torch::empty({out_features}, opts));
}

LinearImpl::LinearImpl(const torch::Tensor& shared_weight) : weight(shared_weight) {}

void LinearImpl::PackForInference() {
  packed_ = torch::Tensor();
  const auto dtype = weight.scalar_type();
  if (!weight.device().is_cpu() || !at::hasMKLDNN() || (dtype != torch::kFloat32 && dtype != torch::kBFloat16))
    return;
  static const c10::OperatorHandle reorder = Op("mkldnn::_reorder_linear_weight", "");
  torch::NoGradGuard no_grad;
  packed_ = CallBoxed(reorder, {weight.detach(), c10::IValue()});
}

bool LinearImpl::UsePacked(const torch::Tensor& x) const {
  return packed_.defined() && !torch::GradMode::is_enabled() && x.scalar_type() == packed_.scalar_type() &&
         x.numel() / x.size(-1) >= kPackedMinRows;
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) {
  if (UsePacked(x)) return PackedPointwise(x, packed_, bias, "none", "");
  return at::linear(x, weight, bias);
}

torch::Tensor LinearImpl::ForwardGelu(const torch::Tensor& x, const std::string& approximate) {
  if (UsePacked(x)) return PackedPointwise(x, packed_, bias, "gelu", approximate);
  auto h = at::linear(x, weight, bias);
  return h.requires_grad() ? at::gelu(h, approximate) : at::gelu_(h, approximate);
}

torch::Tensor LinearImpl::ForwardAdd(const torch::Tensor& x, const torch::Tensor& residual) {
  if (UsePacked(x)) {
    static const c10::OperatorHandle op = Op("mkldnn::_linear_pointwise", "binary");
    c10::IValue b = bias.defined() ? c10::IValue(bias) : c10::IValue();
    return CallBoxed(op, {x, residual, packed_, b, std::string("add")});
  }
  auto y = at::linear(x, weight, bias);
  return y.requires_grad() || residual.requires_grad() ? y + residual : y.add_(residual);
}

EmbeddingImpl::EmbeddingImpl(int64_t num_embeddings, int64_t dim, const torch::TensorOptions& opts) {
  weight = register_parameter("weight", torch::empty({num_embeddings, dim}, opts));
}

torch::Tensor EmbeddingImpl::forward(const torch::Tensor& ids) { return at::embedding(weight, ids); }

}  // namespace engine
