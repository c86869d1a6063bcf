// Helpers every family model uses to get ready for measurement.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace engine {

// Deterministic random weights from `seed`, drawn in float32 on the CPU (so every device and
// dtype gets the same values): matrices and convolution kernels N(0, 0.02); norm weights
// (names with "norm" or "bn", and batch-norm running variances) 1; biases and running means 0.
void InitRandomWeights(torch::nn::Module& module, uint64_t seed);

// Pre-packs every engine Linear for oneDNN inference on CPU (see LinearImpl::PackForInference).
void PackLinears(torch::nn::Module& module);

}  // namespace engine
