// Helpers every family model uses to get ready for measurement.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "engine/config.h"
#include "engine/models/family.h"

namespace engine {

// The FamilyModel plumbing most families share: holds the TORCH_MODULE holder `Holder` built
// from (config, options), forwards Forward to its forward(), and prepares it with
// InitRandomWeights + PackLinears (the FamilyModel defaults). A family adds ExampleInput and ComponentOf.
template <typename Holder>
class FamilyModelBase : public FamilyModel {
 public:
  FamilyModelBase(const ModelConfig& c, const torch::TensorOptions& opts) : c_(c), model_(c, opts) {}
  torch::nn::Module& module() override { return *model_; }
  const ModelConfig& config() const override { return c_; }
  torch::Tensor Forward(const torch::Tensor& input) override { return model_->forward(input); }

 protected:
  ModelConfig c_;
  Holder model_;
};

// Random token ids (batch, seq_len) in [0, c.vocab_size).
torch::Tensor ExampleTokens(const ModelConfig& c, int64_t batch, int64_t seq_len, torch::Device device);
// Random images (batch, channels, image_size, image_size).
torch::Tensor ExampleImages(const ModelConfig& c, int64_t batch, torch::Device device, torch::ScalarType dtype);

// Deterministic random weights from `seed`, drawn in float32 on the CPU (so every device and
// dtype gets the same values): matrices and convolution kernels N(0, 0.02); norm weights
// (names with "norm" or "bn", and batch-norm running variances) 1; biases and running means 0.
void InitRandomWeights(torch::nn::Module& module, uint64_t seed);

// Pre-packs every engine Linear for oneDNN inference on CPU (see LinearImpl::PackForInference).
void PackLinears(torch::nn::Module& module);
// Forgets those packed copies (before the weights change: InitWeights, a checkpoint load).
void DropPackedLinears(torch::nn::Module& module);

// Int8 copies (LinearImpl::QuantizeInt8) of every engine Linear of `model`, the decoder's tied
// LM head included. Returns the bytes int8 inference stores: the int8 linears plus every
// parameter no quantized linear replaces (embeddings, norms, convolutions; a tied embedding
// stays float for the lookup). 0 when nothing could be quantized.
int64_t QuantizeLinearsInt8(FamilyModel& model);

}  // namespace engine
