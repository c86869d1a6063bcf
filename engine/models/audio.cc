// Whisper-style audio model (the audio family; Radford et al. 2022): log-mel features
// (engine/preprocess/audio.h) -> conv1 (n_mels -> C, k3) + GELU -> conv2 (C -> C, k3, stride 2)
// + GELU -> fixed sinusoidal positions -> pre-norm encoder blocks -> LayerNorm; and, when
// decoder_layers > 0, a text decoder: token + learned positions, pre-norm blocks of causal
// self-attention, cross-attention to the audio features and an MLP, a final LayerNorm and
// logits through the tied token embedding.
// Names: frontend.conv{1,2}, encoder.blocks.{i}.*, encoder.norm_f, decoder.{tok_emb,pos_emb},
// decoder.blocks.{i}.* (attn, cross_attn, mlp, norm1/norm_cross/norm2), decoder.norm_f.
// The encoder's positions are a buffer (encoder.positions), not a parameter.
#include <cmath>
#include <string>

#include "engine/layers/conv.h"
#include "engine/layers/linear.h"
#include "engine/layers/norms.h"
#include "engine/layers/transformer_block.h"
#include "engine/models/common.h"
#include "engine/models/family.h"

namespace engine {
namespace {

// Whisper's sinusoids(length, channels): [sin(t * inc^-i), cos(t * inc^-i)], log-timescale 10000.
torch::Tensor Sinusoids(int64_t length, int64_t channels, const torch::TensorOptions& opts) {
  const int64_t half = channels / 2;
  const double increment = std::log(10000.0) / static_cast<double>(std::max<int64_t>(1, half - 1));
  auto f32 = opts.dtype(torch::kFloat32);
  auto inv = torch::exp(-increment * torch::arange(half, f32));
  auto scaled = torch::arange(length, f32).unsqueeze(1) * inv.unsqueeze(0);  // (length, half)
  return torch::cat({scaled.sin(), scaled.cos()}, 1).to(opts.dtype());
}

class AudioModelImpl : public torch::nn::Module {
 public:
  AudioModelImpl(const ModelConfig& c, const torch::TensorOptions& opts) : c_(c) {
    const int64_t C = c.embedding_dim;
    auto frontend = register_module("frontend", std::make_shared<torch::nn::Module>());
    conv1 = frontend->register_module("conv1", Conv1d(c.n_mels, C, 3, 1, 1, true, opts));
    conv2 = frontend->register_module("conv2", Conv1d(C, C, 3, 2, 1, true, opts));
    auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
    const int64_t audio_tokens = (AudioFrames(c) - 1) / 2 + 1;
    positions = encoder->register_buffer("positions", Sinusoids(audio_tokens, C, opts));
    encoder_blocks = encoder->register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_layers; ++i) encoder_blocks->push_back(TransformerBlock(c, true, false, false, opts));
    encoder_norm = encoder->register_module("norm_f", NormLayer(Norm::kLayerNorm, C, c.norm_eps, true, opts));
    if (c.decoder_layers > 0) {
      auto decoder = register_module("decoder", std::make_shared<torch::nn::Module>());
      tok_emb = decoder->register_module("tok_emb", Embedding(c.vocab_size, C, opts));
      pos_emb = decoder->register_module("pos_emb", Embedding(c.context_length, C, opts));
      decoder_blocks = decoder->register_module("blocks", torch::nn::ModuleList());
      for (int64_t i = 0; i < c.decoder_layers; ++i)
        decoder_blocks->push_back(TransformerBlock(c, true, true, true, opts));
      decoder_norm = decoder->register_module("norm_f", NormLayer(Norm::kLayerNorm, C, c.norm_eps, true, opts));
    }
  }

  // mel (B, n_mels, frames) -> audio features (B, frames / 2, C).
  torch::Tensor Encode(const torch::Tensor& mel) {
    auto x = at::gelu(conv2(at::gelu(conv1(mel)))).transpose(1, 2);  // (B, T_audio, C)
    x = x + positions;
    x = RunTransformerBlocks(encoder_blocks, x);
    return encoder_norm(x);
  }

  torch::Tensor forward(const torch::Tensor& mel) { return Encode(mel); }

  // text ids (B, T) attending to audio features (B, S, C) -> logits (B, T, V).
  torch::Tensor Decode(const torch::Tensor& ids, const torch::Tensor& audio) {
    auto x = tok_emb(ids) + pos_emb(torch::arange(ids.size(1), ids.options()));
    for (auto& block : *decoder_blocks) x = block->as<TransformerBlockImpl>()->forward(x, audio);
    return at::linear(decoder_norm(x), tok_emb->weight);
  }

  Conv1d conv1{nullptr}, conv2{nullptr};
  torch::Tensor positions;
  torch::nn::ModuleList encoder_blocks{nullptr}, decoder_blocks{nullptr};
  NormLayer encoder_norm{nullptr}, decoder_norm{nullptr};
  Embedding tok_emb{nullptr}, pos_emb{nullptr};

 private:
  ModelConfig c_;
};
TORCH_MODULE(AudioModel);

// Generation of the text decoder: the audio is encoded once (a random chunk of log-mel features,
// as in the forward scenario); each step runs the decoder over the whole prefix again, because
// the decoder has no KV cache yet, so a step costs more as the text grows.
class AudioGenerator : public TokenGenerator {
 public:
  AudioGenerator(AudioModelImpl* model, const torch::Tensor& mel) : model_(model), audio_(model->Encode(mel)) {}
  torch::Tensor Prefill(const torch::Tensor& prompt) override {
    ids_ = prompt;
    return Last();
  }
  torch::Tensor Step(const torch::Tensor& next) override {
    ids_ = torch::cat({ids_, next}, 1);
    return Last();
  }

 private:
  torch::Tensor Last() {
    auto logits = model_->Decode(ids_, audio_);
    return logits.select(1, logits.size(1) - 1);
  }
  AudioModelImpl* model_;
  torch::Tensor audio_, ids_;
};

// Forward takes the mel features; with a text decoder it decodes the text prompt that
// ExampleInput drew alongside (seq_len token ids, kept here), returning the decoder logits.
class AudioFamilyModel : public FamilyModelBase<AudioModel> {
 public:
  using FamilyModelBase::FamilyModelBase;
  torch::Tensor ExampleInput(int64_t batch, int64_t seq_len, torch::Device device,
                             torch::ScalarType dtype) const override {
    if (c_.decoder_layers > 0)
      text_ = torch::randint(c_.vocab_size, {batch, std::max<int64_t>(1, std::min(seq_len, c_.context_length))},
                             torch::TensorOptions().dtype(torch::kLong).device(device));
    return torch::randn({batch, c_.n_mels, AudioFrames(c_)}, torch::TensorOptions().dtype(dtype).device(device));
  }
  torch::Tensor Forward(const torch::Tensor& mel) override {
    auto audio = model_->Encode(mel);
    if (c_.decoder_layers == 0) return audio;
    auto ids = text_.defined() && text_.size(0) == mel.size(0)
                   ? text_
                   : torch::zeros({mel.size(0), 1}, torch::TensorOptions().dtype(torch::kLong).device(mel.device()));
    return model_->Decode(ids, audio);
  }
  std::unique_ptr<TokenGenerator> NewGenerator(int64_t batch, int64_t) override {
    if (c_.decoder_layers == 0) return nullptr;
    const auto weight = model_->conv1->weight;
    auto mel = torch::randn({batch, c_.n_mels, AudioFrames(c_)}, weight.options());
    return std::make_unique<AudioGenerator>(model_.get(), mel);
  }
  std::string ComponentOf(const std::string& name) const override {
    if (name.rfind("frontend.", 0) == 0) return "frontend";
    if (name.rfind("decoder.tok_emb.", 0) == 0 || name.rfind("decoder.pos_emb.", 0) == 0) return "embedding";
    if (name.find(".cross_attn.") != std::string::npos) return "cross_attention";
    if (name.find(".attn.") != std::string::npos) return "attention";
    if (name.find(".mlp.") != std::string::npos) return "mlp";
    return "norm";
  }

 private:
  mutable torch::Tensor text_;
};

}  // namespace

std::unique_ptr<FamilyModel> MakeAudioModel(const ModelConfig& c, const torch::TensorOptions& opts) {
  return std::make_unique<AudioFamilyModel>(c, opts);
}

}  // namespace engine
