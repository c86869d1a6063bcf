// TensorView (a tensor inside a mapped safetensors file) -> torch::Tensor. The one place the
// safetensors reader meets LibTorch.
#pragma once

#include <torch/torch.h>

#include "engine/status.h"
#include "engine/weights/safetensors.h"

namespace engine {

// The torch dtype of a safetensors dtype we load: F32, F16, BF16. Returns InvalidArgument
// ("<file>: tensor '<name>' has dtype I64; supported: F32, F16, BF16") for any other.
Status TorchDtypeOf(const TensorView& v, torch::ScalarType* out);

// A CPU tensor of v's dtype and shape. It BORROWS the mapped bytes when they are aligned to
// the element size (valid only while the SafetensorsFile lives: copy_ or clone() it), and is
// an owned copy otherwise.
Status TensorFromView(const TensorView& v, torch::Tensor* out);

}  // namespace engine
