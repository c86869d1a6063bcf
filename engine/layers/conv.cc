// Convolutions and batch norm on any device (see conv.h).
#include "engine/layers/conv.h"

namespace engine {

Conv2dImpl::Conv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_, bool with_bias,
                       const torch::TensorOptions& opts, int64_t groups_)
    : stride(stride_), padding(padding_), groups(groups_) {
  TORCH_CHECK(groups > 0 && in % groups == 0 && out % groups == 0, "Conv2d: in (", in, ") and out (", out,
              ") must be divisible by groups (", groups, ")");
  weight = register_parameter("weight", torch::empty({out, in / groups, kernel, kernel}, opts));
  if (with_bias) bias = register_parameter("bias", torch::empty({out}, opts));
}

torch::Tensor Conv2dImpl::forward(const torch::Tensor& x) {
  return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding}, {1, 1}, groups);
}

Conv1dImpl::Conv1dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_, bool with_bias,
                       const torch::TensorOptions& opts)
    : stride(stride_), padding(padding_) {
  weight = register_parameter("weight", torch::empty({out, in, kernel}, opts));
  if (with_bias) bias = register_parameter("bias", torch::empty({out}, opts));
}

torch::Tensor Conv1dImpl::forward(const torch::Tensor& x) { return at::conv1d(x, weight, bias, {stride}, {padding}); }

BatchNorm2dImpl::BatchNorm2dImpl(int64_t channels, const torch::TensorOptions& opts) {
  weight = register_parameter("weight", torch::ones({channels}, opts));
  bias = register_parameter("bias", torch::zeros({channels}, opts));
  running_mean = register_buffer("running_mean", torch::zeros({channels}, opts));
  running_var = register_buffer("running_var", torch::ones({channels}, opts));
}

torch::Tensor BatchNorm2dImpl::forward(const torch::Tensor& x) {
  return at::batch_norm(x, weight, bias, running_mean, running_var, is_training(), 0.1, 1e-5,
                        at::globalContext().userEnabledCuDNN());
}

}  // namespace engine
