// Analytic memory estimate of a scenario (count_memory.h). Element counts are overflow-checked
// (engine/checked.h) and multiplied by the bytes per element at the end.
#include "engine/count_memory.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "engine/checked.h"
#include "engine/count.h"

namespace engine {
namespace {

Checked Max(Checked a, Checked b) {
  if (a.overflow() || b.overflow()) return a.overflow() ? a : b;
  return a.value() >= b.value() ? a : b;
}

// (n + 1) / 2: the output size of a stride-2 convolution or pooling with "same" padding.
int64_t Half(int64_t n) { return n / 2 + n % 2; }

bool Decoder(const ModelConfig& c) { return TraitsOf(c).kv_cache; }

// The widths of a transformer layer.
struct Widths {
  Checked C, qkv, A, F, H;  // model width, fused q|k|v, attention output, first MLP matrix, MLP hidden
};

Widths TransformerWidths(const ModelConfig& c) {
  Widths w;
  w.C = c.embedding_dim;
  w.A = Checked(c.num_heads) * c.head_dim;
  const int64_t kv_heads = Decoder(c) ? c.num_kv_heads : c.num_heads;
  w.qkv = (Checked(c.num_heads) + Checked(2) * kv_heads) * c.head_dim;
  if (Decoder(c) && c.qk_norm) w.qkv += (Checked(c.num_heads) + kv_heads) * c.head_dim;  // the normed q and k
  if (Decoder(c) && UsesMla(c)) {
    // MLA: the q LoRA's latent and its norm, q, the compressed [c_kv; k_rope] and its normed c_kv,
    // the decompressed [k_nope; v], and the assembled keys [k_nope; k_rope] of every head.
    const Checked H = c.num_heads, qk = QkHeadDim(c);
    w.qkv = Checked(2) * c.q_lora_rank + H * qk + Checked(2) * c.kv_lora_rank + c.qk_rope_head_dim +
            H * (Checked(c.qk_nope_head_dim) + c.v_head_dim) + H * qk;
    w.A = H * c.v_head_dim;
  }
  w.H = c.hidden_dim;
  w.F = Checked(IsGated(c.activation) ? 2 : 1) * c.hidden_dim;
  return w;
}

// The feed-forward elements of one layer per token: a dense MLP (first matrix's output, the
// activation's); a mixture of experts: the router's scores, the k routed experts' input copy and
// hidden states (ExpertHiddenDim) of every token, and the shared MLP's (num_shared x ExpertHiddenDim).
Checked FeedForwardElements(const ModelConfig& c, bool moe) {
  const Widths w = TransformerWidths(c);
  if (!moe) return w.F + w.H;
  const int64_t gated = IsGated(c.activation) ? 2 : 1;
  const Checked eh = ExpertHiddenDim(c), shared = Checked(c.num_shared_experts) * eh;
  return Checked(c.num_experts) + Checked(c.experts_per_token) * (w.C + eh * gated + eh) + shared * gated + shared;
}

// Elements live at the peak of one transformer layer over N tokens: the residual stream and the
// norm output, then the larger of attention (q|k|v, the rotated q and k or the split heads, the
// attention output) and the MLP (first matrix's output, the activation's), plus the layer's output.
// moe: the router's scores, and the k experts' hidden states of every token. The largest layer
// kind (dense or MoE) of the stack.
Checked LayerWorkingSet(const ModelConfig& c, Checked N) {
  const Widths w = TransformerWidths(c);
  const bool any_dense = !TraitsOf(c).experts || c.first_dense_layers > 0;
  Checked mlp = TraitsOf(c).experts ? FeedForwardElements(c, true) : Checked(0);
  if (any_dense) mlp = Max(mlp, FeedForwardElements(c, false));
  return N * (Checked(2) * w.C + Max(Checked(2) * w.qkv + w.A, mlp) + w.C);
}

// Elements one transformer layer keeps for backward over N tokens: its input and norm outputs,
// q|k|v, the attention output, the projection's output, the MLP's hidden states; sandwich norms:
// the two extra norms' outputs. `moe`: the layer's feed-forward is a mixture of experts.
Checked LayerSaved(const ModelConfig& c, Checked N, bool moe) {
  const Widths w = TransformerWidths(c);
  const Checked sandwich = Decoder(c) && c.sandwich_norm ? Checked(2) * w.C : Checked(0);
  return N * (Checked(2) * w.C + w.qkv + w.A + w.C + w.C + FeedForwardElements(c, moe) + sandwich);
}
// LayerSaved summed over the stack (decoder, moe: dense and MoE layers apart).
Checked StackSaved(const ModelConfig& c, Checked N) {
  const int64_t moe = MoeLayers(c);
  return LayerSaved(c, N, false) * (c.num_layers - moe) + LayerSaved(c, N, true) * moe;
}

// The largest single weight tensor (elements): the buffer initialisation draws and backward's
// gradient of it.
Checked LargestWeight(const ModelConfig& c) {
  if (c.family == Family::kResNet) {
    Checked largest = Checked(c.num_classes) * ResNetPlanes(c, c.stages.empty() ? 0 : c.stages.size() - 1) *
                      (c.block == "basic" ? 1 : 4);
    for (size_t s = 0; s < c.stages.size(); ++s) {
      const Checked planes = ResNetPlanes(c, s), inner = ResNetInnerWidth(c, s);
      const Checked out = planes * (c.block == "basic" ? 1 : 4);
      largest =
          Max(largest, c.block == "basic" ? planes * planes * 9 : inner * inner / std::max<int64_t>(1, c.groups) * 9);
      largest = Max(largest, out * out);  // bottleneck conv3 / downsample bounds
    }
    return largest;
  }
  if (c.family == Family::kRecurrent) {
    const Checked g = c.cell == "gru" ? 3 : 4, H = c.hidden_dim;
    return Max(Checked(c.vocab_size) * Max(c.embedding_dim, c.hidden_dim), g * H * Max(c.embedding_dim, c.hidden_dim));
  }
  const Widths w = TransformerWidths(c);
  Checked largest = Max(Max(w.C * w.qkv, w.C * w.F), w.H * w.C);
  if (c.family == Family::kVit)
    return Max(Max(largest, w.C * c.num_classes), w.C * c.channels * c.patch_size * c.patch_size);
  return Max(largest, Checked(c.vocab_size) * w.C);
}

// Parameters of the linear layers the inference model packs (every family's Linear modules: all
// components but embeddings, norms, convolutions and recurrent cells; a tied decoder head too).
Checked PackedParameters(const ModelConfig& c, const ParameterCount& p) {
  Checked n = 0;
  for (const auto& [name, count] : p.by_component)
    if (name != "embedding" && name != "norm" && name != "frontend" && name != "stem" && name != "stages" &&
        name != "recurrent")
      n += count;
  if (Decoder(c) && c.tie_embeddings) n += Checked(c.vocab_size) * c.embedding_dim;
  if (c.family == Family::kRecurrent) n = n - c.vocab_size;  // lm_head_bias is a plain parameter
  return n;
}

// Elements live at the peak of a forward pass (inference) of `batch` inputs of T tokens;
// `last_only`: the decoder head produces the last position's logits only (prefill).
Checked ForwardWorkingSet(const ModelConfig& c, int64_t batch, int64_t T, bool last_only) {
  const Checked B = batch, C = c.embedding_dim;
  switch (c.family) {
    case Family::kDecoder:
    case Family::kMoe: {
      const Checked N = B * T;
      const Checked head = last_only ? N * C * 2 + B * c.vocab_size : N * (C * 2 + c.vocab_size);
      return Max(LayerWorkingSet(c, N), head);
    }
    case Family::kEncoder: {
      const Checked N = B * T;
      Checked head = N * C;
      if (c.head == "mlm") head = N * (C * 3 + c.vocab_size);
      return Max(LayerWorkingSet(c, N) + B * T, head);  // + the attention mask
    }
    case Family::kVit: {
      const int64_t side = c.patch_size > 0 ? c.image_size / c.patch_size : 0;
      const Checked N = B * (Checked(side) * side + (c.pool == "cls" ? 1 : 0));
      return Max(LayerWorkingSet(c, N), N * C * 2);  // patch embedding + positions
    }
    case Family::kAudio: {
      const int64_t frames = AudioFrames(c), tokens = Half(frames);
      const Checked frontend = B * C * (Checked(frames) * 2 + tokens);  // conv1, its GELU, conv2
      const Checked audio = B * tokens * C;                             // the encoder output
      Checked peak = Max(frontend, LayerWorkingSet(c, B * tokens));
      if (c.decoder_layers > 0) {
        const Checked N = B * std::max<int64_t>(1, T);
        const Checked cross = B * tokens * Checked(2) * c.num_heads * c.head_dim;  // cross-attention K, V
        peak = Max(peak, audio + cross + LayerWorkingSet(c, N));
        peak = Max(peak, audio + N * (C * 2 + c.vocab_size));
      }
      return peak;
    }
    case Family::kResNet: {
      const int64_t stem = Half(c.image_size);                       // after the stem's stride-2 convolution
      Checked peak = B * c.base_width * (Checked(stem) * stem * 2);  // stem convolution and batch norm
      int64_t in = c.base_width;
      int64_t S = Half(stem);  // max pool: its input and output
      peak = Max(peak, B * c.base_width * (Checked(stem) * stem + Checked(S) * S));
      for (size_t s = 0; s < c.stages.size(); ++s) {
        const int64_t S_in = S;
        if (s > 0) S = Half(S);
        const Checked planes = ResNetPlanes(c, s);
        const Checked inner = c.block == "basic" ? planes : Checked(ResNetInnerWidth(c, s));
        const Checked out = planes * (c.block == "basic" ? 1 : 4);
        // The block's input, two maps of its inner width (convolution, batch norm) at the input's
        // size, and its output with the downsample branch's.
        peak = Max(peak, B * (Checked(S_in) * S_in * (Checked(in) + inner * 2) + Checked(S) * S * out * 3));
        in = out.value();
      }
      return Max(peak, B * (Checked(in) * 2 + c.num_classes));
    }
    case Family::kRecurrent: {
      const Checked g = c.cell == "gru" ? 3 : 4, H = c.hidden_dim, N = B * T;
      const Checked layer_weights = g * H * (Max(c.embedding_dim, c.hidden_dim) + H);  // the cell's working copy
      const Checked head = last_only ? B * c.vocab_size : N * c.vocab_size;
      return N * c.embedding_dim + N * H * (g + 2) + layer_weights + head;
    }
  }
  return Checked(0);
}

// Elements a training step's forward pass keeps for backward (compute precision), and the
// float32 elements (log-softmax of the logits).
struct Saved {
  Checked compute, float32;
};

Saved TrainSaved(const ModelConfig& c, int64_t batch, int64_t T) {
  const Checked B = batch, C = c.embedding_dim;
  Saved s;
  switch (c.family) {
    case Family::kDecoder:
    case Family::kMoe: {
      const Checked N = B * T;
      s.compute = StackSaved(c, N) + N * (C * 2 + c.vocab_size);
      s.float32 = N * c.vocab_size;
      break;
    }
    case Family::kEncoder: {
      const Checked N = B * T;
      s.compute = LayerSaved(c, N, false) * c.num_layers + N * C * 2;
      if (c.head == "mlm") {
        s.compute += N * (C * 3 + c.vocab_size);
        s.float32 = N * c.vocab_size;
      }
      break;
    }
    case Family::kVit: {
      const int64_t side = c.patch_size > 0 ? c.image_size / c.patch_size : 0;
      const Checked N = B * (Checked(side) * side + (c.pool == "cls" ? 1 : 0));
      s.compute = LayerSaved(c, N, false) * c.num_layers + N * C * 2 + B * c.channels * c.image_size * c.image_size;
      break;
    }
    case Family::kAudio: {
      const int64_t frames = AudioFrames(c), tokens = Half(frames);
      s.compute = B * C * (Checked(frames) * 2 + tokens) + LayerSaved(c, B * tokens, false) * c.num_layers;
      if (c.decoder_layers > 0) {
        const Checked N = B * std::max<int64_t>(1, T);
        const Checked cross = B * tokens * Checked(2) * c.num_heads * c.head_dim;
        s.compute += (LayerSaved(c, N, false) + N * C * 2 + cross) * c.decoder_layers + N * (C * 2 + c.vocab_size);
        s.float32 = N * c.vocab_size;
      }
      break;
    }
    case Family::kResNet: {
      int64_t S = Half(c.image_size);
      s.compute = B * c.base_width * (Checked(S) * S * 2) + B * c.channels * c.image_size * c.image_size;
      int64_t in = c.base_width;
      S = Half(S);
      for (size_t st = 0; st < c.stages.size(); ++st) {
        const int64_t S_in = S;
        if (st > 0) S = Half(S);
        const Checked planes = ResNetPlanes(c, st);
        const Checked inner = c.block == "basic" ? planes : Checked(ResNetInnerWidth(c, st));
        const Checked out = planes * (c.block == "basic" ? 1 : 4);
        const int64_t blocks = c.stages[st];
        // Every convolution's input and its batch norm's input: 2 maps per convolution.
        const Checked block = c.block == "basic"
                                  ? Checked(S) * S * planes * 4
                                  : (Checked(S_in) * S_in * inner + Checked(S) * S * inner + Checked(S) * S * out) * 2;
        s.compute += B * (block * blocks + Checked(S) * S * out * 2);  // + the downsample branch
        in = out.value();
      }
      s.compute += B * (Checked(in) + c.num_classes);
      break;
    }
    case Family::kRecurrent: {
      const Checked g = c.cell == "gru" ? 3 : 4, H = c.hidden_dim, N = B * T;
      s.compute = N * c.embedding_dim + N * H * (g + 1) * c.num_layers + N * c.vocab_size;
      s.float32 = N * c.vocab_size;
      break;
    }
  }
  return s;
}

}  // namespace

Status EstimateMemory(const ModelConfig& c, const MemoryShape& shape, MemoryEstimate* out) {
  *out = MemoryEstimate();
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  const int64_t b = DtypeBytes(shape.dtype);
  if (b == 0) return Status::InvalidArgument("unknown dtype '" + shape.dtype + "'");
  if (shape.batch < 0 || shape.sequence_length < 0 || shape.prompt_tokens < 0 || shape.new_tokens < 0)
    return Status::InvalidArgument("a memory estimate needs non-negative batch and lengths");
  ParameterCount params;
  if (Status st = CountParameters(c, &params); !st.ok()) return st;
  const Checked P = params.total;
  const bool tokens = !TraitsOf(c).image_input;
  const int64_t T = tokens ? shape.sequence_length : 0;

  Checked weights = 0, packed = 0, activations = 0, kv = 0, gradients = 0, optimizer = 0, transient = 0;
  Checked scenario_peak = 0;
  const std::string& s = shape.scenario;
  if (s == "build" || s == "forward" || s == "generate") {
    weights = P * b;
    if (shape.packed) packed = PackedParameters(c, params) * b;
    if (s == "build") {
      transient = LargestWeight(c) * 4;  // the float32 draw of one weight at initialisation
    } else if (s == "forward") {
      activations = ForwardWorkingSet(c, shape.batch, T, false) * b;
    } else {
      const int64_t prompt = shape.prompt_tokens, total_tokens = shape.prompt_tokens + shape.new_tokens;
      if (Decoder(c)) {
        int64_t cache = 0;  // one sequence's cache, rolling buffers on local layers (CountKVCacheBytes)
        if (Status st = CountKVCacheBytes(c, total_tokens, 1, &cache); !st.ok()) return st;
        kv = Checked(cache) * shape.batch * b;
        activations = ForwardWorkingSet(c, shape.batch, prompt, /*last_only=*/true) * b;
      } else if (c.family == Family::kAudio) {  // no KV cache: every step runs the decoder over the prefix again
        activations = (ForwardWorkingSet(c, shape.batch, total_tokens, false) +
                       Checked(shape.batch) * c.n_mels * AudioFrames(c)) *
                      b;  // + the generator's mel input
      } else {            // recurrent: the state is a few vectors; the prompt's pass dominates
        activations = ForwardWorkingSet(c, shape.batch, std::max<int64_t>(1, prompt), /*last_only=*/true) * b;
      }
    }
    scenario_peak = activations + kv;
  } else if (s == "train") {
    // float32 master weights, gradients and AdamW state; autocast keeps 16-bit copies of the
    // weights for the step and runs the forward in 16 bits, log-softmax in float32.
    const bool mixed = b != 4;
    weights = P * 4;
    gradients = P * 4;
    optimizer = P * 8;
    const Saved saved = TrainSaved(c, shape.batch, T);
    activations = saved.compute * b + saved.float32 * 4 + (mixed ? P * b : Checked(0));
    transient = LargestWeight(c) * 4 * 2;
    scenario_peak = gradients + activations + transient;
  } else if (s == "preprocess") {
    // Per input, one after another: the decoded image in float32 and its resized copy; or the
    // audio chunk's STFT (complex), its power spectrum and the log-mel features.
    if (c.family == Family::kAudio) {
      const Checked frames = AudioFrames(c) + 1, bins = c.n_fft / 2 + 1;
      activations = frames * bins * 16 + frames * c.n_mels * 8;
    } else {
      activations = Checked(480) * 640 * 3 * 4 * 2;
    }
    scenario_peak = activations;
  } else {
    return Status::InvalidArgument("unknown scenario '" + s + "' for a memory estimate");
  }
  const Checked total = weights + packed + activations + kv + gradients + optimizer + transient;
  if (total.overflow() || scenario_peak.overflow())
    return Status::InvalidArgument("the memory estimate of " + s + " exceeds " + Int64LimitText() + " bytes");
  out->weights = weights.value();
  out->packed = packed.value();
  out->activations = activations.value();
  out->kv_cache = kv.value();
  out->gradients = gradients.value();
  out->optimizer = optimizer.value();
  out->transient = transient.value();
  out->total = total.value();
  out->scenario_peak = scenario_peak.value();
  return Status::OK();
}

MemoryShape MemoryShapeOf(const Run& run) {
  MemoryShape shape;
  shape.scenario = run.scenario;
  shape.dtype = run.dtype;
  shape.batch = run.batch;
  shape.sequence_length = run.sequence_length;
  shape.prompt_tokens = run.prompt_tokens;
  shape.new_tokens = run.new_tokens;
  return shape;
}

std::string MemoryBytesText(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024;
  size_t i = 0;
  while (v >= 1023.95 && i + 1 < std::size(kUnits)) v /= 1024, ++i;
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", v, kUnits[i]);
  return text;
}

std::string DescribeMemoryEstimate(const MemoryEstimate& e) {
  const std::pair<const char*, int64_t> parts[] = {{"weights", e.weights},         {"packed copies", e.packed},
                                                   {"activations", e.activations}, {"KV cache", e.kv_cache},
                                                   {"gradients", e.gradients},     {"optimizer state", e.optimizer},
                                                   {"temporaries", e.transient}};
  std::string text;
  for (const auto& [name, bytes] : parts) {
    if (bytes <= 0) continue;
    text += (text.empty() ? "" : " + ") + std::string(name) + " " + MemoryBytesText(bytes);
  }
  return text.empty() ? "nothing" : text;
}

bool ParseMemorySize(const std::string& text, int64_t* bytes) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  const std::string number = text.substr(0, i);
  if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) return false;
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit = text.substr(i);
  for (char& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  struct Unit {
    const char* name;
    double factor;
  };
  static const Unit kUnits[] = {{"", 1},
                                {"b", 1},
                                {"k", 1024.0},
                                {"kib", 1024.0},
                                {"kb", 1e3},
                                {"m", 1048576.0},
                                {"mib", 1048576.0},
                                {"mb", 1e6},
                                {"g", 1073741824.0},
                                {"gib", 1073741824.0},
                                {"gb", 1e9},
                                {"t", 1099511627776.0},
                                {"tib", 1099511627776.0},
                                {"tb", 1e12}};
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    const double v = std::strtod(number.c_str(), nullptr) * u.factor;
    if (!(v >= 1) || v >= 9.2e18) return false;
    *bytes = static_cast<int64_t>(v);
    return true;
  }
  return false;
}

}  // namespace engine
