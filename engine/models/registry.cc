// BuildFamilyModel: the family factories behind one switch, and the decoder's (and moe's)
// FamilyModel adapter.
#include <stdexcept>
#include <string>

#include "engine/models/decoder.h"
#include "engine/models/family.h"

namespace engine {
namespace {

class KVCacheGenerator : public TokenGenerator {
 public:
  KVCacheGenerator(DecoderImpl* model, int64_t batch, int64_t max_len)
      : model_(model), cache_(model->NewCache(batch, max_len)) {}
  torch::Tensor Prefill(const torch::Tensor& prompt) override { return model_->ForwardCached(prompt, &cache_); }
  torch::Tensor Step(const torch::Tensor& next) override { return model_->ForwardCached(next, &cache_); }

 private:
  DecoderImpl* model_;
  KVCache cache_;
};

class DecoderFamilyModel : public FamilyModel {
 public:
  DecoderFamilyModel(const ModelConfig& c, const torch::TensorOptions& opts) : model_(c, opts) {}

  torch::nn::Module& module() override { return *model_; }

  torch::Tensor ExampleInput(int64_t batch, int64_t seq_len, torch::Device device,
                             torch::ScalarType /*dtype*/) const override {
    return torch::randint(model_->config().vocab_size, {batch, seq_len},
                          torch::TensorOptions().dtype(torch::kLong).device(device));
  }

  torch::Tensor Forward(const torch::Tensor& input) override { return model_->forward(input); }

  std::string ComponentOf(const std::string& name) const override {
    if (name.rfind("tok_emb.", 0) == 0 || name.rfind("pos_emb.", 0) == 0) return "embedding";
    if (name.rfind("lm_head.", 0) == 0) return "lm_head";
    if (name.find(".attn.") != std::string::npos) return "attention";
    if (name.find(".mlp.router.") != std::string::npos) return "router";
    if (name.find(".mlp.") != std::string::npos) return "mlp";
    return "norm";  // blocks.i.norm1/norm2, norm_f
  }

  const ModelConfig& config() const override { return model_->config(); }

  // oneDNN-packed weights on CPU (not counted in weights_bytes), the tied head included.
  void PackForInference() override { model_->PackForInference(); }

  void InitWeights(uint64_t seed) override { model_->InitWeights(seed); }

  DecoderImpl* decoder() override { return model_.get(); }

  std::unique_ptr<TokenGenerator> NewGenerator(int64_t batch, int64_t max_len) override {
    return std::make_unique<KVCacheGenerator>(model_.get(), batch, max_len);
  }

 private:
  Decoder model_;
};

}  // namespace

std::unique_ptr<FamilyModel> MakeDecoderModel(const ModelConfig& c, const torch::TensorOptions& opts) {
  return std::make_unique<DecoderFamilyModel>(c, opts);
}

std::unique_ptr<FamilyModel> BuildFamilyModel(const ModelConfig& c, const torch::TensorOptions& opts) {
  if (std::string problem = ValidateConfig(c); !problem.empty()) throw std::invalid_argument(problem);
  switch (c.family) {
    case Family::kDecoder:
    case Family::kMoe: return MakeDecoderModel(c, opts);
    case Family::kEncoder: return MakeEncoderModel(c, opts);
    case Family::kVit: return MakeVitModel(c, opts);
    case Family::kResNet: return MakeResNetModel(c, opts);
    case Family::kAudio: return MakeAudioModel(c, opts);
    case Family::kRecurrent: return MakeRecurrentModel(c, opts);
  }
  throw std::invalid_argument("unknown family");
}

}  // namespace engine
