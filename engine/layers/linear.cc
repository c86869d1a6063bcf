// Linear and Embedding: parameters created with caller-given TensorOptions (device, dtype);
// the packed path calls LibTorch's registered oneDNN ops (mkldnn::_linear_pointwise).
#include "engine/layers/linear.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include "engine/measure/cpu_kernels.h"

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

// Drops warnings while it is installed (WarningHandlerGuard).
class SilentWarnings : public c10::WarningHandler {
 public:
  void process(const c10::Warning&) override {}
};

}  // namespace

LinearImpl::LinearImpl(int64_t in_features, int64_t out_features, bool with_bias, const torch::TensorOptions& opts) {
  weight = register_parameter("weight", torch::empty({out_features, in_features}, opts));
  if (with_bias) bias = register_parameter("bias", torch::empty({out_features}, opts));
}

LinearImpl::LinearImpl(const torch::Tensor& shared_weight) : weight(shared_weight) {}

void LinearImpl::PackForInference() {
  packed_ = torch::Tensor();
  const auto dtype = weight.scalar_type();
  // bfloat16 packing needs native support (AVX-512 BW/VL/DQ or AVX-NE-CONVERT); elsewhere
  // (AVX2-only CPUs) inference stays on ATen's GEMM, which emulates bfloat16 in float32.
  if (!weight.device().is_cpu() || !PackedLinearSupported(dtype == torch::kFloat32    ? "float32"
                                                          : dtype == torch::kBFloat16 ? "bfloat16"
                                                                                      : ""))
    return;
  static const c10::OperatorHandle reorder = Op("mkldnn::_reorder_linear_weight", "");
  torch::NoGradGuard no_grad;
  packed_ = CallBoxed(reorder, {weight.detach(), c10::IValue()});
}

bool LinearImpl::QuantizeInt8() {
  DropInt8();
  if (!weight.device().is_cpu() || weight.scalar_type() != torch::kFloat32) return false;
  auto prepack = c10::Dispatcher::singleton().findSchema({"quantized::linear_prepack", ""});
  if (!prepack.has_value()) return false;
  torch::NoGradGuard no_grad;
  SilentWarnings silent;
  c10::WarningUtils::WarningHandlerGuard quiet(&silent);  // ATen's deprecation notice for qint8 tensors
  const torch::Tensor w = weight.detach();
  const int64_t out = w.size(0);
  // Symmetric per-channel scales: the largest |w| of each row maps to 127.
  torch::Tensor scales = (w.abs().amax(1) / 127.0).clamp_min(1e-12).to(torch::kDouble);
  torch::Tensor zero_points = torch::zeros({out}, torch::kLong);
  torch::Tensor q = at::quantize_per_channel(w, scales, zero_points, 0, torch::kQInt8);
  c10::IValue b = bias.defined() ? c10::IValue(bias.detach()) : c10::IValue();
  torch::jit::Stack stack{q, b};
  prepack->callBoxed(&stack);
  int8_packed_ = stack.at(0);
  int8_reduce_range_ = Int8NeedsReducedRange();
  int8_bytes_ = w.numel() + out * 16 + (bias.defined() ? bias.numel() * 4 : 0);
  return true;
}

bool LinearImpl::UseInt8(const torch::Tensor& x) const {
  return int8_bytes_ > 0 && !torch::GradMode::is_enabled() && x.scalar_type() == torch::kFloat32;
}

bool LinearImpl::UsePacked(const torch::Tensor& x) const {
  return packed_.defined() && !torch::GradMode::is_enabled() && x.scalar_type() == packed_.scalar_type() &&
         x.numel() / x.size(-1) >= kPackedMinRows;
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) {
  if (UseInt8(x)) {
    static const c10::OperatorHandle op = Op("quantized::linear_dynamic", "");
    return CallBoxed(op, {x.contiguous(), int8_packed_, int8_reduce_range_});
  }
  if (UsePacked(x)) return PackedPointwise(x, packed_, bias, "none", "");
  return at::linear(x, weight, bias);
}

torch::Tensor LinearImpl::ForwardGelu(const torch::Tensor& x, const std::string& approximate) {
  if (UseInt8(x)) {
    auto h = forward(x);
    return at::gelu_(h, approximate);
  }
  if (UsePacked(x)) return PackedPointwise(x, packed_, bias, "gelu", approximate);
  auto h = at::linear(x, weight, bias);
  return h.requires_grad() ? at::gelu(h, approximate) : at::gelu_(h, approximate);
}

torch::Tensor LinearImpl::ForwardAdd(const torch::Tensor& x, const torch::Tensor& residual) {
  if (UseInt8(x)) return forward(x).add_(residual);
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
