// One built model of any family behind one interface, so counting, profiling and the tests
// treat every family alike. Each family file (engine/models/<family>.cc) implements it and
// exposes a factory; engine/models/registry.cc picks the factory by ModelConfig::family.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "engine/config.h"

namespace engine {

class DecoderImpl;

// Token-by-token generation state of one batch (a KV cache, or a recurrent state).
class TokenGenerator {
 public:
  virtual ~TokenGenerator() = default;
  // prompt (B, P) int64 -> logits of the last position (B, V); starts a new sequence.
  virtual torch::Tensor Prefill(const torch::Tensor& prompt) = 0;
  // next (B, 1) int64 -> logits (B, V) of that position, extending the sequence.
  virtual torch::Tensor Step(const torch::Tensor& next) = 0;
};

class FamilyModel {
 public:
  virtual ~FamilyModel() = default;

  // The root module: named_parameters() gives the stable names (e.g. "blocks.0.attn.qkv.weight").
  virtual torch::nn::Module& module() = 0;

  // The config the model was built from.
  virtual const ModelConfig& config() const = 0;

  // A representative input for one forward pass of `batch` samples on `device`:
  //   token families (decoder, moe, encoder, recurrent): int64 ids (batch, seq_len);
  //   vit, resnet: float images (batch, channels, image_size, image_size) in `dtype`;
  //   audio: float log-mel features (batch, n_mels, AudioFrames(c)) in `dtype`
  //          (seq_len = the text tokens of the decoder, when it has one).
  virtual torch::Tensor ExampleInput(int64_t batch, int64_t seq_len, torch::Device device,
                                     torch::ScalarType dtype) const = 0;

  // The forward pass of an ExampleInput: logits (batch, seq, vocab), class scores (batch,
  // classes), or the encoder's output features when the model has no head.
  virtual torch::Tensor Forward(const torch::Tensor& input) = 0;

  // The component a parameter belongs to (its analytic count's by_component key).
  virtual std::string ComponentOf(const std::string& parameter_name) const = 0;

  // Called once before measuring, after the module is on its device and dtype: deterministic
  // weights from `seed` (InitWeights) and the inference-only preparation (PackForInference).
  void PrepareForInference(uint64_t seed) {
    InitWeights(seed);
    PackForInference();
  }

  // Inference-only preparation of the current weights (random or loaded from a checkpoint):
  // oneDNN-packed linear weights on CPU, channels-last kernels, flattened RNN weights.
  // Default: PackLinears (engine/models/common.h). Changing the weights afterwards needs
  // InitWeights or a checkpoint load, which drop the packed copies.
  virtual void PackForInference();

  // The same deterministic weights as PrepareForInference(seed), without any inference-only
  // preparation (nothing packed): for training and for the eager baselines of experiments.
  // Default: InitRandomWeights (engine/models/common.h).
  virtual void InitWeights(uint64_t seed);

  // The decoder behind decoder and moe models; null otherwise.
  virtual DecoderImpl* decoder() { return nullptr; }

  // A generator for `batch` sequences of at most `max_len` tokens, for the families that
  // generate token by token (decoder, moe: KV cache; recurrent: carried state); null otherwise.
  virtual std::unique_ptr<TokenGenerator> NewGenerator(int64_t /*batch*/, int64_t /*max_len*/) { return nullptr; }
};

// Builds the model of `c` with parameters created with `opts` (`meta` allocates nothing;
// weights are random: the module's own initialisation, seeded by the caller).
// Throws c10::Error / std::invalid_argument for an unknown family or an invalid config.
std::unique_ptr<FamilyModel> BuildFamilyModel(const ModelConfig& c, const torch::TensorOptions& opts);

// The factories, one per family file.
std::unique_ptr<FamilyModel> MakeDecoderModel(const ModelConfig& c, const torch::TensorOptions& opts);  // decoder, moe
std::unique_ptr<FamilyModel> MakeEncoderModel(const ModelConfig& c, const torch::TensorOptions& opts);
std::unique_ptr<FamilyModel> MakeVitModel(const ModelConfig& c, const torch::TensorOptions& opts);
std::unique_ptr<FamilyModel> MakeResNetModel(const ModelConfig& c, const torch::TensorOptions& opts);
std::unique_ptr<FamilyModel> MakeAudioModel(const ModelConfig& c, const torch::TensorOptions& opts);
std::unique_ptr<FamilyModel> MakeRecurrentModel(const ModelConfig& c, const torch::TensorOptions& opts);

}  // namespace engine
