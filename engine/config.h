// ModelConfig: the model family and its hyperparameters, as the engine needs them.
// A plain struct with no LibTorch include, so the generator can fill it from a spec.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

enum class Norm { kLayerNorm, kRMSNorm };
// kGeGLUTanh: GELU-tanh(gate) * up, as Gemma computes it (hidden_activation gelu_pytorch_tanh).
enum class Activation { kGELU, kGELUTanh, kReLU, kSiLU, kSwiGLU, kGeGLU, kGeGLUTanh };
enum class Position { kLearned, kSinusoidal, kRoPE, kALiBi, kNone };

// RoPE frequency scaling for contexts past the trained one (Hugging Face's rope_scaling.rope_type):
//   none     plain RoPE
//   linear   position interpolation: every frequency / factor (Chen et al. 2023)
//   dynamic  dynamic NTK: theta grows with the sequence once it passes original_context
//   yarn     YaRN (Peng et al. 2023): per-frequency ramp between interpolation and extrapolation,
//            and cos/sin scaled by the attention factor
//   llama3   Llama 3.1: low frequencies / factor, high ones kept, a smooth ramp between
enum class RopeScaling { kNone, kLinear, kDynamic, kYarn, kLlama3 };
// How a mixture-of-experts router turns logits into expert scores: softmax (Mixtral, Qwen3-MoE)
// or an independent sigmoid per expert (DeepSeek-V3).
enum class RouterScoring { kSoftmax, kSigmoid };

// Spec spellings ("layernorm", "swiglu", "rope", ...) <-> enums.
// *FromName return false for an unknown name and leave *out untouched.
const char* NormName(Norm n);
const char* ActivationName(Activation a);
const char* PositionName(Position p);
bool NormFromName(const std::string& name, Norm* out);
bool ActivationFromName(const std::string& name, Activation* out);
bool PositionFromName(const std::string& name, Position* out);
const char* RopeScalingName(RopeScaling r);  // "none" | "linear" | "dynamic" | "yarn" | "llama3"
bool RopeScalingFromName(const std::string& name, RopeScaling* out);
const char* RouterScoringName(RouterScoring r);  // "softmax" | "sigmoid"
bool RouterScoringFromName(const std::string& name, RouterScoring* out);

// True for the gated activations (swiglu, geglu): the FFN has three matrices.
inline bool IsGated(Activation a) {
  return a == Activation::kSwiGLU || a == Activation::kGeGLU || a == Activation::kGeGLUTanh;
}

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
  // The checkpoint layout the weights load from (engine/weights/hf_names.h HfLayoutFor): "" = the
  // one the family and features imply (gpt2, llama, mixtral, ...); a spec names it where configs
  // alike load from different names, e.g. "phi3" (fused q|k|v and gate|up) or "gemma" (RMSNorm
  // weights stored as w - 1).
  std::string checkpoint_layout;

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

  // decoder features (decoder and moe; every default keeps the GPT-2 / Llama 2 behaviour)
  // RoPE scaling (Position::kRoPE only). original_context: the context the model was trained
  // at (Hugging Face original_max_position_embeddings); 0 = context_length.
  RopeScaling rope_scaling = RopeScaling::kNone;
  double rope_scaling_factor = 1.0;
  int64_t rope_original_context = 0;
  double rope_low_freq_factor = 1.0;   // llama3
  double rope_high_freq_factor = 4.0;  // llama3
  double rope_beta_fast = 32.0;        // yarn: ramp bounds, in rotations over the original context
  double rope_beta_slow = 1.0;
  double rope_attention_factor = 0.0;  // yarn: cos/sin multiplier; 0 = 0.1 ln(factor) + 1
  double rope_mscale_all_dim = 0.0;    // yarn (DeepSeek): softmax scale x (0.1 m ln(factor) + 1)^2; 0 = none
  int64_t rotary_dim = 0;              // leading dims of each head that rotate; 0 = all (head_dim, or MLA's qk_rope_head_dim)
  // Sliding-window attention: a local layer's query at position i sees keys (i - window, i]
  // (transformers' convention: window keys including itself). 0 = none.
  int64_t sliding_window = 0;
  // Which layers are local: 1 = all; N >= 2: layer l (0-based) is global when (l + 1) % N == 0
  // (Gemma 2: 2, local and global alternate starting with a local layer).
  int64_t sliding_window_pattern = 1;
  bool parallel_residual = false;      // x + attn(norm1(x)) + mlp(norm2(x)) (GPT-NeoX, GPT-J)
  bool qk_norm = false;                // RMSNorm over head_dim on each head's q and k, before RoPE (Qwen3, OLMo 2)
  bool sandwich_norm = false;          // a norm after attention and after the MLP too (Gemma 2)
  bool embedding_scale = false;        // token embeddings x sqrt(embedding_dim) (Gemma)
  double attn_logit_softcap = 0.0;     // scores -> cap * tanh(scores / cap); 0 = none (Gemma 2: 50)
  double final_logit_softcap = 0.0;    // logits -> cap * tanh(logits / cap); 0 = none (Gemma 2: 30)
  double query_pre_attn_scalar = 0.0;  // softmax scale = query_pre_attn_scalar^-1/2; 0 = the q.k head width

  // multi-head latent attention (DeepSeek-V2/V3), on when kv_lora_rank > 0: q = W_qb norm(W_qa x)
  // (or W_q x when q_lora_rank is 0); [c_kv; k_rope] = W_kva x; [k_nope; v] = W_kvb norm(c_kv).
  // The KV cache holds c_kv and k_rope: kv_lora_rank + qk_rope_head_dim values per token and layer.
  int64_t q_lora_rank = 0;
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;

  // moe (Mixtral-style, with the Qwen3-MoE / DeepSeek-V3 options)
  int64_t num_experts = 0;        // routed experts per feed-forward layer
  int64_t experts_per_token = 0;  // k of the top-k router
  int64_t moe_hidden_dim = 0;     // one expert's inner width; 0 = hidden_dim (dense layers use hidden_dim)
  int64_t num_shared_experts = 0;  // always-active experts, fused as one MLP of num_shared x moe_hidden_dim
  int64_t first_dense_layers = 0;  // the first k layers have a dense MLP (hidden_dim) instead of experts
  bool router_renormalize = true;  // the top-k weights are renormalized to sum to 1 (norm_topk_prob)
  RouterScoring router_scoring = RouterScoring::kSoftmax;
  bool router_bias = false;        // a per-expert correction bias added for the choice only (DeepSeek-V3; a buffer)
  int64_t router_groups = 0;       // group-limited routing: experts in n groups; 0 = none
  int64_t router_topk_groups = 0;  // groups kept per token (by their top-2 scores' sum)
  double routed_scaling_factor = 1.0;  // routed weights x this (DeepSeek-V3: 2.5)

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

// Per-layer and derived decoder quantities (decoder and moe).
// Whether layer l uses the sliding window.
inline bool LayerIsLocal(const ModelConfig& c, int64_t l) {
  if (c.sliding_window <= 0) return false;
  return c.sliding_window_pattern <= 1 || (l + 1) % c.sliding_window_pattern != 0;
}
// Whether layer l's feed-forward is a mixture of experts (moe family past first_dense_layers).
inline bool LayerIsMoe(const ModelConfig& c, int64_t l) {
  return TraitsOf(c).experts && l >= c.first_dense_layers;
}
inline bool UsesMla(const ModelConfig& c) { return c.kv_lora_rank > 0; }
// The q.k width per head (MLA: nope + rope parts) and the value width per head.
inline int64_t QkHeadDim(const ModelConfig& c) { return UsesMla(c) ? c.qk_nope_head_dim + c.qk_rope_head_dim : c.head_dim; }
inline int64_t VHeadDim(const ModelConfig& c) { return UsesMla(c) ? c.v_head_dim : c.head_dim; }
// Dims of each head that rotate: rotary_dim, else the whole rope part.
inline int64_t RotaryDim(const ModelConfig& c) {
  if (c.rotary_dim > 0) return c.rotary_dim;
  return UsesMla(c) ? c.qk_rope_head_dim : c.head_dim;
}
inline int64_t ExpertHiddenDim(const ModelConfig& c) { return c.moe_hidden_dim > 0 ? c.moe_hidden_dim : c.hidden_dim; }
// The softmax scale of attention scores: query_pre_attn_scalar^-1/2 or QkHeadDim^-1/2, times
// YaRN's mscale^2 when rope_mscale_all_dim is set (DeepSeek-V3).
double AttentionScale(const ModelConfig& c);

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
