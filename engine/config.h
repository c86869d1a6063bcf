// ModelConfig: the model family and its hyperparameters, as the engine needs them.
// A plain struct with no LibTorch include, so the generator can fill it from a spec.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

enum class Norm { kLayerNorm, kRMSNorm };
enum class Activation { kGELU, kGELUTanh, kReLU, kSiLU, kSwiGLU, kGeGLU };
enum class Position { kLearned, kSinusoidal, kRoPE, kALiBi, kNone };

// Spec spellings ("layernorm", "swiglu", "rope", ...) <-> enums.
// *FromName return false for an unknown name and leave *out untouched.
const char* NormName(Norm n);
const char* ActivationName(Activation a);
const char* PositionName(Position p);
bool NormFromName(const std::string& name, Norm* out);
bool ActivationFromName(const std::string& name, Activation* out);
bool PositionFromName(const std::string& name, Position* out);

// True for the gated activations (swiglu, geglu): the FFN has three matrices.
inline bool IsGated(Activation a) { return a == Activation::kSwiGLU || a == Activation::kGeGLU; }

// The model families (architecture.family in a spec); one engine model each.
//   decoder    GPT-2 / Llama-style decoder-only language model
//   encoder    BERT-style bidirectional encoder
//   vit        Vision Transformer
//   resnet     ResNet (basic or bottleneck blocks)
//   audio      Whisper-style audio encoder (log-mel + conv front end), optional text decoder
//   moe        Mixtral-style decoder whose feed-forward layers are top-k mixtures of experts
//   recurrent  LSTM / GRU language model
enum class Family { kDecoder, kEncoder, kVit, kResNet, kAudio, kMoe, kRecurrent };

// What the engine, the counts and the documents need to know about a family, one row each in
// kFamilyTraits (engine/config.cc). Code asks these questions instead of comparing families:
// adding a family, or a decoder variant, is a row there plus its model, layers and count files.
// A trait that depends on the size as well (audio with a text decoder, an encoder's head) is a
// function of the ModelConfig below.
struct FamilyTraits {
  Family family;
  const char* name;          // the spec's spelling, e.g. "decoder"
  const char* display_name;  // in prose before the base: "Decoder-only" (Transformer), "ResNet" (CNN)
  const char* base;          // architecture.base as an imported spec writes it: "Transformer", "CNN", "RNN"
  const char* model_source;  // the engine's model, e.g. "engine/models/decoder.cc"
  const char* count_source;  // its analytic counts, e.g. "engine/count_transformer.h"
  bool causal_lm;            // always a next-token language model (audio: only with a text decoder)
  bool kv_cache;             // causal self-attention that generates with a per-layer KV cache
  bool attention;            // has attention layers (the attention experiments apply)
  bool token_input;          // the forward pass takes token ids (a sequence length is the spec's)
  bool image_input;          // the forward pass takes images (image_size x image_size)
  bool audio_input;          // the forward pass takes log-mel features of one audio chunk
  bool experts;              // the feed-forward layers are mixtures of experts
  bool positions_bounded;    // a sequence may not exceed context_length (false: recurrent state)
  const char* unit_of_work;  // the throughput unit: "tokens_per_s", "images_per_s", "audio_seconds_per_s"
};

// Every family's row, in kFamilies order.
extern const FamilyTraits kFamilyTraits[7];

const FamilyTraits& TraitsOf(Family f);
// The spec spelling ("decoder", ...) <-> Family; FamilyFromName returns false for an unknown
// name and leaves *out untouched.
const char* FamilyName(Family f);
bool FamilyFromName(const std::string& name, Family* out);

// One concrete model size. Every field is resolved (no "defaults to" left):
// the spec layer applies the defaults before handing a config to the engine.
// Fields a family does not use keep their defaults and are ignored by it.
struct ModelConfig {
  Family family = Family::kDecoder;
  int64_t vocab_size = 0;
  int64_t context_length = 0;  // maximum sequence length (learned positions table size);
                               // audio: the text decoder's context
  int64_t num_layers = 0;      // audio: encoder blocks
  int64_t embedding_dim = 0;   // C; recurrent: the token embedding width
  int64_t num_heads = 0;       // query heads
  int64_t num_kv_heads = 0;    // == num_heads: MHA; 1: MQA; otherwise GQA
  int64_t head_dim = 0;        // usually embedding_dim / num_heads
  int64_t hidden_dim = 0;      // FFN inner width (per branch for gated activations);
                               // recurrent: the LSTM/GRU hidden state width
  Norm norm = Norm::kLayerNorm;
  double norm_eps = 1e-5;
  Activation activation = Activation::kGELU;
  Position position = Position::kLearned;
  double rope_theta = 10000.0;
  bool bias = true;            // biases in the linear layers (and LayerNorm bias)
  bool qkv_bias = true;        // biases in the q/k/v projections
  bool tie_embeddings = true;  // LM head shares the token embedding matrix

  // encoder (BERT)
  int64_t type_vocab_size = 2;         // token type (segment) embeddings; 0 = none
  bool pooler = true;                  // tanh(W h_[CLS] + b) pooled output
  std::string norm_position = "post";  // "pre" | "post" (BERT: post-norm, plus an embedding LayerNorm)
  std::string head = "none";           // "none" | "mlm" | "classifier"
  int64_t num_classes = 0;             // encoder classifier / vit / resnet head; 0 = no head

  // vit (and resnet: image_size, channels, num_classes)
  int64_t image_size = 224;  // square input, pixels
  int64_t patch_size = 16;
  int64_t channels = 3;
  std::string pool = "cls";  // "cls" | "mean"

  // resnet
  std::string block = "bottleneck";  // "basic" | "bottleneck"
  std::vector<int64_t> stages;       // blocks per stage, e.g. {3, 4, 6, 3}
  int64_t base_width = 64;           // channels of the stem and the first stage
  // torchvision's ResNeXt / Wide ResNet keys: a bottleneck's inner width in stage s is
  // int(planes * width_per_group / 64) * groups with planes = base_width * 2^s, and its 3x3
  // convolution has `groups` groups (resnext50_32x4d: 32, 4; wide_resnet50_2: 1, 128).
  // Basic blocks require groups 1 and width_per_group 64, as torchvision's BasicBlock does.
  int64_t groups = 1;
  int64_t width_per_group = 64;

  // audio (Whisper-style)
  int64_t sample_rate = 16000;  // Hz
  int64_t n_mels = 80;
  int64_t n_fft = 400;         // STFT window, samples
  int64_t hop_length = 160;    // samples between frames
  double chunk_seconds = 30;   // audio per forward pass
  int64_t decoder_layers = 0;  // text decoder blocks with cross-attention; 0 = encoder only

  // moe (Mixtral-style)
  int64_t num_experts = 0;        // experts per feed-forward layer
  int64_t experts_per_token = 0;  // k of the top-k router

  // recurrent
  std::string cell = "lstm";  // "lstm" | "gru"
};

// The traits of c's family.
inline const FamilyTraits& TraitsOf(const ModelConfig& c) { return TraitsOf(c.family); }

// A next-token language model: the causal_lm families, and audio with a text decoder. These
// generate token by token, train on next-token cross-entropy and report perplexity.
inline bool IsCausalLM(const ModelConfig& c) {
  return TraitsOf(c).causal_lm || (TraitsOf(c).audio_input && c.decoder_layers > 0);
}

// Whether a forward pass has a sequence length to choose: token input, or the text decoder of
// an audio model. vit, resnet and encoder-only audio have none (the input fixes it).
inline bool UsesSequenceLength(const ModelConfig& c) { return TraitsOf(c).token_input || IsCausalLM(c); }

// Whether the model ends in a classification head over num_classes classes: vit and resnet
// with num_classes > 0, and the encoder with head: classifier (whose num_classes is positive).
inline bool HasClassifierHead(const ModelConfig& c) {
  if (c.num_classes <= 0) return false;
  return TraitsOf(c).image_input || (c.family == Family::kEncoder && c.head == "classifier");
}

// Mel frames of one audio chunk: chunk_seconds * sample_rate / hop_length (Whisper: 3,000).
int64_t AudioFrames(const ModelConfig& c);

// The resnet family's widths in stage s (0-based): planes = base_width * 2^s; a block's output
// is planes * 4 (bottleneck) or planes (basic); a bottleneck's inner width (conv1, conv2) is
// int(planes * width_per_group / 64) * groups, torchvision's formula.
int64_t ResNetPlanes(const ModelConfig& c, size_t stage);
int64_t ResNetInnerWidth(const ModelConfig& c, size_t stage);

// Empty string when the config is valid, otherwise the first problem found
// (e.g. "embedding_dim (770) must be divisible by num_heads (12)").
std::string ValidateConfig(const ModelConfig& c);

}  // namespace engine
