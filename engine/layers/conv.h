// Convolution and batch norm layers whose parameters are created with TensorOptions, so a
// model can be built on `meta` (torch::nn::Conv2d always allocates on the CPU first).
// Weights follow torch.nn's layout and names (weight, bias; running_mean, running_var buffers).
#pragma once

#include <torch/torch.h>

namespace engine {

// 2-D convolution, square kernel, zero padding `padding`, `groups` groups (in and out divisible
// by it). weight (out, in / groups, k, k).
class Conv2dImpl : public torch::nn::Module {
 public:
  Conv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias,
             const torch::TensorOptions& opts, int64_t groups = 1);
  torch::Tensor forward(const torch::Tensor& x);  // (B, in, H, W) -> (B, out, H', W')
  torch::Tensor weight, bias;
  int64_t stride, padding, groups;
};
TORCH_MODULE(Conv2d);

// 1-D convolution over (B, in, T). weight (out, in, k).
class Conv1dImpl : public torch::nn::Module {
 public:
  Conv1dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias,
             const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
  int64_t stride, padding;
};
TORCH_MODULE(Conv1d);

// Batch norm over channels of (B, C, ...), eps 1e-5. Inference uses the running statistics.
class BatchNorm2dImpl : public torch::nn::Module {
 public:
  BatchNorm2dImpl(int64_t channels, const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias, running_mean, running_var;
};
TORCH_MODULE(BatchNorm2d);

}  // namespace engine
