// Feed-forward network with in-place activations on the fc output (saves a full-size buffer).
#include "engine/layers/mlp.h"

namespace engine {

MlpImpl::MlpImpl(const ModelConfig& c, const torch::TensorOptions& opts)
    : activation_(c.activation), hidden_(c.hidden_dim) {
  fc = register_module("fc", Linear(c.embedding_dim, (IsGated(c.activation) ? 2 : 1) * c.hidden_dim, c.bias, opts));
  proj = register_module("proj", Linear(c.hidden_dim, c.embedding_dim, c.bias, opts));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x, const torch::Tensor& residual) {
  torch::Tensor h;  // (B, T, hidden) after the activation
  if (activation_ == Activation::kGELU || activation_ == Activation::kGELUTanh) {
    h = fc->ForwardGelu(x, activation_ == Activation::kGELU ? "none" : "tanh");
    return residual.defined() ? proj->ForwardAdd(h, residual) : proj(h);
  }
  h = fc(x);  // (B, T, hidden) or (B, T, 2 hidden)
  const bool inplace = !h.requires_grad();
  switch (activation_) {
    case Activation::kGELU:
    case Activation::kGELUTanh: break;  // handled above
    case Activation::kReLU: h = inplace ? at::relu_(h) : at::relu(h); break;
    case Activation::kSiLU: h = inplace ? at::silu_(h) : at::silu(h); break;
    case Activation::kSwiGLU: {
      auto gate = h.narrow(-1, 0, hidden_), up = h.narrow(-1, hidden_, hidden_);
      h = at::silu(gate).mul_(up);
      break;
    }
    case Activation::kGeGLU:
    case Activation::kGeGLUTanh: {
      auto gate = h.narrow(-1, 0, hidden_), up = h.narrow(-1, hidden_, hidden_);
      h = at::gelu(gate, activation_ == Activation::kGeGLU ? "none" : "tanh").mul_(up);
      break;
    }
  }
  return residual.defined() ? proj->ForwardAdd(h, residual) : proj(h);
}

}  // namespace engine
