// Analytic parameter and FLOP formulas for the decoder family.
// Conventions (DESIGN.md): FLOPs = 2 x MACs; a matmul of (M x K) by (K x N) is M*N*K MACs
// (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1, counts the same
// matmuls); attention QK^T and AV counted in full, as torch.utils.flop_counter.FlopCounterMode
// does. Non-matmul work is estimated separately in `elementwise`.
#include "engine/count.h"

#include "engine/count_families.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace engine {
namespace {

// Width of the fused q|k|v projection output (non-MLA attention).
Checked QkvWidth(const ModelConfig& c) { return (Checked(c.num_heads) + Checked(2) * c.num_kv_heads) * c.head_dim; }
// Parameters of one norm layer over `width` values: weight (+ bias for LayerNorm with biases).
Checked NormParams(const ModelConfig& c, Checked width) {
  return width * ((c.norm == Norm::kLayerNorm && c.bias) ? 2 : 1);
}
Checked NormParams(const ModelConfig& c) { return NormParams(c, c.embedding_dim); }
// One MLP of inner width h: fc (gate|up when gated) + proj (down), with biases when c.bias; none
// when h is 0 (no shared experts).
Checked MlpParams(const ModelConfig& c, Checked h) {
  if (!h.overflow() && h.value() == 0) return Checked(0);
  const Checked C = c.embedding_dim, F = Checked(IsGated(c.activation) ? 2 : 1) * h;
  return C * F + (c.bias ? F : Checked(0)) + h * C + (c.bias ? C : Checked(0));
}
// Matmul FLOPs of one MLP of inner width h over n tokens.
Checked MlpFlops(const ModelConfig& c, Checked n, Checked h) {
  const Checked C = c.embedding_dim, F = Checked(IsGated(c.activation) ? 2 : 1) * h;
  return Checked(2) * n * C * F + Checked(2) * n * h * C;
}
}  // namespace

// The first_dense_layers of a moe model keep a dense MLP; every later layer is a mixture.
int64_t MoeLayers(const ModelConfig& c) {
  if (!TraitsOf(c).experts || c.num_layers <= 0) return 0;
  return c.num_layers - std::min(c.num_layers, std::max<int64_t>(c.first_dense_layers, 0));
}

// Layers that use the sliding window (LayerIsLocal), in closed form (no walk over the layers): all
// with pattern 1, else all but the floor(L / N) layers l with (l + 1) % N == 0.
int64_t LocalLayers(const ModelConfig& c) {
  if (c.sliding_window <= 0 || c.num_layers <= 0) return 0;
  if (c.sliding_window_pattern <= 1) return c.num_layers;
  return c.num_layers - c.num_layers / c.sliding_window_pattern;
}

namespace {

// Parameters of one attention layer.
//   GQA/MHA: q|k|v (qkv_bias) and the output projection (bias); qk_norm adds q_norm and k_norm over
//     head_dim (Qwen3: Qwen3RMSNorm(head_dim) each; RMSNorm, weights only, whatever c.norm).
//   MLA (transformers' DeepseekV3Attention): q_a_proj C x q_lora_rank (qkv_bias), q_a_layernorm,
//     q_b_proj q_lora_rank x H (nope + rope), or q_proj C x H (nope + rope) when q_lora_rank is 0;
//     kv_a_proj_with_mqa C x (kv_lora_rank + rope) (qkv_bias), kv_a_layernorm, kv_b_proj
//     kv_lora_rank x H (nope + v); o_proj H v x C (bias). Both latent norms are RMSNorms (weights only).
Checked AttentionParams(const ModelConfig& c) {
  const Checked C = c.embedding_dim, H = c.num_heads;
  if (!UsesMla(c)) {
    return C * QkvWidth(c) + (c.qkv_bias ? QkvWidth(c) : Checked(0)) +  // q|k|v
           H * c.head_dim * C + (c.bias ? C : Checked(0)) +             // output projection
           (c.qk_norm ? Checked(2) * c.head_dim : Checked(0));          // RMSNorm weights whatever c.norm
  }
  const Checked qk = QkHeadDim(c), kva = Checked(c.kv_lora_rank) + c.qk_rope_head_dim;
  const Checked q = c.q_lora_rank > 0 ? C * c.q_lora_rank + (c.qkv_bias ? Checked(c.q_lora_rank) : Checked(0)) +
                                            Checked(c.q_lora_rank) + Checked(c.q_lora_rank) * H * qk
                                      : C * H * qk;
  const Checked kv = C * kva + (c.qkv_bias ? kva : Checked(0)) + Checked(c.kv_lora_rank) +
                     Checked(c.kv_lora_rank) * H * (Checked(c.qk_nope_head_dim) + c.v_head_dim);
  return q + kv + H * c.v_head_dim * C + (c.bias ? C : Checked(0));
}
// Matmul FLOPs of one layer's attention projections for `n` new tokens, of which W_kvb (MLA)
// decompresses `kv_positions` positions (prefill: the n tokens; a decode step: every cached one).
Checked AttentionProjectionFlops(const ModelConfig& c, Checked n, Checked kv_positions) {
  const Checked C = c.embedding_dim, H = c.num_heads;
  if (!UsesMla(c)) return Checked(2) * n * C * QkvWidth(c) + Checked(2) * n * H * c.head_dim * C;
  const Checked qk = QkHeadDim(c);
  const Checked q = c.q_lora_rank > 0 ? Checked(2) * n * C * c.q_lora_rank + Checked(2) * n * c.q_lora_rank * H * qk
                                      : Checked(2) * n * C * H * qk;
  return q + Checked(2) * n * C * (Checked(c.kv_lora_rank) + c.qk_rope_head_dim) +
         Checked(2) * kv_positions * c.kv_lora_rank * H * (Checked(c.qk_nope_head_dim) + c.v_head_dim) +
         Checked(2) * n * H * c.v_head_dim * C;
}
// Query-key pairs one head of one sequence computes over a T-token forward pass: T^2 with full
// attention (counted in full, as today); a local layer computes min(p, W) keys for the query at
// 1-based position p: T(T+1)/2 up to T = W, then W(W+1)/2 + (T - W) W.
Checked ForwardPairs(const ModelConfig& c, bool local, int64_t T) {
  if (!local) return Checked(T) * T;
  const int64_t W = c.sliding_window;
  if (T <= W) return Checked(T) * (Checked(T) + 1) / 2;
  return Checked(W) * (Checked(W) + 1) / 2 + (Checked(T) - W) * W;
}
// Keys one query of a decode step at context S attends to: S, or min(S, W) on a local layer.
int64_t DecodeKeys(const ModelConfig& c, bool local, int64_t S) { return local ? std::min(S, c.sliding_window) : S; }
// Matmul FLOPs of QK^T (QkHeadDim) and AV (VHeadDim) over `pairs` query-key pairs of `batch` x heads.
Checked ScoreFlops(const ModelConfig& c, int64_t batch, Checked pairs) {
  return Checked(2) * batch * c.num_heads * pairs * QkHeadDim(c) +
         Checked(2) * batch * c.num_heads * pairs * VHeadDim(c);
}
// Feed-forward matmul FLOPs of every layer over n tokens: dense layers at hidden_dim; MoE layers
// run experts_per_token routed experts and the shared MLP (num_shared x ExpertHiddenDim).
Checked FeedForwardFlops(const ModelConfig& c, Checked n) {
  const int64_t moe = MoeLayers(c);
  const Checked dense = Checked(c.num_layers - moe) * MlpFlops(c, n, c.hidden_dim);
  if (moe == 0) return dense;
  const Checked eh = ExpertHiddenDim(c);
  return dense + Checked(moe) * (Checked(c.experts_per_token) * MlpFlops(c, n, eh) +
                                 MlpFlops(c, n, Checked(c.num_shared_experts) * eh));
}
// Inner-width elements the activation runs on per token, summed over layers.
Checked ActivationWidth(const ModelConfig& c) {
  const int64_t moe = MoeLayers(c);
  return Checked(c.num_layers - moe) * c.hidden_dim +
         Checked(moe) * (Checked(c.experts_per_token) + c.num_shared_experts) * ExpertHiddenDim(c);
}

// A broken precondition of the Analytic* wrappers (count.h): never a wrapped number. Thrown, not
// printed: nothing below main.cc writes to the terminal, and an uncaught logic_error still ends
// the process with this message.
[[noreturn]] void Abort(const Status& st) { throw std::logic_error("unchecked count: " + st.ToString()); }

}  // namespace

int64_t DtypeBytes(const std::string& dtype) {
  if (dtype == "float32") return 4;
  if (dtype == "bfloat16" || dtype == "float16") return 2;
  return 0;
}

Status CountParameters(const ModelConfig& c, ParameterCount* out) {
  *out = ParameterCount();
  switch (c.family) {
    case Family::kEncoder: return EncoderParameters(c, out);
    case Family::kVit: return VitParameters(c, out);
    case Family::kResNet: return ResNetParameters(c, out);
    case Family::kAudio: return AudioParameters(c, out);
    case Family::kRecurrent: return RecurrentParameters(c, out);
    case Family::kDecoder:
    case Family::kMoe: break;  // below
  }

  const Checked C = c.embedding_dim, L = c.num_layers;
  const int64_t moe_layers = MoeLayers(c), dense_layers = c.num_layers - moe_layers;
  const Checked norms = Checked(c.sandwich_norm ? 4 : 2) * NormParams(c);  // Gemma 2: pre and post, twice
  const Checked tok = Checked(c.vocab_size) * C;
  const Checked pos = c.position == Position::kLearned ? Checked(c.context_length) * C : Checked(0);
  const Checked head = c.tie_embeddings ? Checked(0) : Checked(c.vocab_size) * C;
  // Dense layers: one MLP of hidden_dim (every layer of a decoder, the first_dense_layers of moe).
  // MoE layers: num_experts routed experts and the shared MLP (num_shared x ExpertHiddenDim).
  const Checked expert = MlpParams(c, ExpertHiddenDim(c));
  const Checked moe_mlp =
      Checked(c.num_experts) * expert + MlpParams(c, Checked(c.num_shared_experts) * ExpertHiddenDim(c));
  const Checked mlp = Checked(dense_layers) * MlpParams(c, c.hidden_dim) + Checked(moe_layers) * moe_mlp;

  CheckedCounts parts = {{"embedding", tok + pos},
                         {"attention", AttentionParams(c) * L},
                         {"mlp", mlp},
                         {"norm", norms * L + NormParams(c)},
                         {"lm_head", head}};
  // Gate, no bias (Mixtral, Qwen3-MoE, DeepSeek-V3; DeepSeek's e_score_correction_bias is a buffer).
  if (TraitsOf(c).experts) parts.push_back({"router", C * c.num_experts * moe_layers});
  if (Status st = FinishParameters(parts, tok + pos, out); !st.ok()) return st;
  // Every parameter but the routed experts a token does not reach (all of them for a dense decoder).
  const Checked unreached =
      TraitsOf(c).experts ? (Checked(c.num_experts) - c.experts_per_token) * expert * moe_layers : Checked(0);
  const Checked active = Checked(out->total) - unreached;
  if (active.overflow()) return OverflowError("active parameters");
  out->active = active.value();
  return Status::OK();
}

ParameterCount AnalyticParameters(const ModelConfig& c) {
  ParameterCount p;
  if (Status st = CountParameters(c, &p); !st.ok()) Abort(st);
  return p;
}

Status CountForwardFlops(const ModelConfig& c, int64_t batch, int64_t T, FlopCount* out) {
  switch (c.family) {
    case Family::kEncoder: return EncoderForwardFlops(c, batch, T, out);
    case Family::kVit: return VitForwardFlops(c, batch, out);
    case Family::kResNet: return ResNetForwardFlops(c, batch, out);
    case Family::kAudio: return AudioForwardFlops(c, batch, T, out);
    case Family::kRecurrent: return RecurrentForwardFlops(c, batch, T, out);
    case Family::kDecoder:
    case Family::kMoe: break;  // below
  }
  const Checked C = c.embedding_dim, L = c.num_layers, N = Checked(batch) * T;
  const int64_t local = LocalLayers(c), global = c.num_layers - local;
  // Query-key pairs per sequence and head, summed over the layers.
  const Checked pairs = Checked(global) * ForwardPairs(c, false, T) + Checked(local) * ForwardPairs(c, true, T);
  const Checked router = Checked(2) * N * C * c.num_experts * MoeLayers(c);
  const Checked head = Checked(2) * N * C * c.vocab_size;  // once

  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = T;
  CheckedCounts parts = {{"attention_projections", L * AttentionProjectionFlops(c, N, N)},
                         {"attention_scores", ScoreFlops(c, batch, pairs)},
                         {"mlp", FeedForwardFlops(c, N)},
                         {"lm_head", head}};
  if (TraitsOf(c).experts) parts.push_back({"router", router});
  f.input = std::to_string(batch) + " × " + std::to_string(T) + " tokens";

  // Elementwise estimates (FLOPs per element, stated): norm ~5 (LayerNorm) or ~4 (RMSNorm)
  // per element (QK-norm of every q and k head, and MLA's two latent norms: RMSNorm, ~4); softmax ~5 per
  // score (max, sub, exp, sum, div); activation ~8 (gelu) or ~5 (gated: act + mul) per hidden
  // element; residual adds 1 per element; bias adds 1; soft-capping cap * tanh(x / cap) ~5 per
  // score or logit (divide, tanh ~3, multiply).
  const int64_t norm_per = c.norm == Norm::kLayerNorm ? 5 : 4;
  const int64_t act_per = IsGated(c.activation) ? 5 : 8;
  Checked norm = Checked(norm_per) * N * C * (L * (c.sandwich_norm ? 4 : 2) + 1);
  if (c.qk_norm) norm += Checked(4) * N * (Checked(c.num_heads) + c.num_kv_heads) * c.head_dim * L;  // RMSNorm
  if (UsesMla(c)) norm += Checked(4) * N * (Checked(c.q_lora_rank) + c.kv_lora_rank) * L;            // RMSNorm
  CheckedCounts elementwise = {{"norm", norm},
                               {"softmax", Checked(5) * batch * c.num_heads * pairs},
                               {"activation", Checked(act_per) * N * ActivationWidth(c)},
                               {"residual", Checked(2) * N * C * L}};
  if (c.position == Position::kRoPE) {
    // Rotated q and k values: every head's rotary part (MLA: the queries' and the one shared k_rope).
    const Checked rotated =
        UsesMla(c) ? (Checked(c.num_heads) + 1) * RotaryDim(c) : (Checked(c.num_heads) + c.num_kv_heads) * RotaryDim(c);
    elementwise.push_back({"rope", Checked(3) * N * rotated * L});
  }
  if (c.attn_logit_softcap > 0) elementwise.push_back({"softcap", Checked(5) * batch * c.num_heads * pairs});
  if (c.final_logit_softcap > 0) elementwise.push_back({"logit_softcap", Checked(5) * N * c.vocab_size});
  return FinishFlops(parts, elementwise, &f);
}

FlopCount AnalyticForwardFlops(const ModelConfig& c, int64_t batch, int64_t T) {
  FlopCount f;
  if (Status st = CountForwardFlops(c, batch, T, &f); !st.ok()) Abort(st);
  return f;
}

Status CountDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len, int64_t* out) {
  FlopCount f;
  if (c.family == Family::kRecurrent) {  // independent of the length
    if (Status st = RecurrentForwardFlops(c, batch, 1, &f); !st.ok()) return st;
    *out = f.forward;
    return Status::OK();
  }
  if (c.family == Family::kAudio) {  // no decoder KV cache: a step runs the decoder over the whole prefix again
    FlopCount encoder_only;
    if (Status st = AudioForwardFlops(c, batch, context_len, &f); !st.ok()) return st;
    if (Status st = AudioForwardFlops(c, batch, 0, &encoder_only); !st.ok()) return st;
    *out = f.forward - encoder_only.forward;
    return Status::OK();
  }
  const Checked C = c.embedding_dim, B = batch;
  const int64_t local = LocalLayers(c), global = c.num_layers - local;
  // One query per sequence: S keys on a global layer, min(S, W) on a local one. MLA decompresses
  // every cached position through W_kvb at each step (B x S positions).
  const Checked keys =
      Checked(global) * DecodeKeys(c, false, context_len) + Checked(local) * DecodeKeys(c, true, context_len);
  const Checked step = AttentionProjectionFlops(c, B, B * context_len) * c.num_layers + ScoreFlops(c, batch, keys) +
                       FeedForwardFlops(c, B) + B * 2 * C * c.num_experts * MoeLayers(c) + B * 2 * C * c.vocab_size;
  if (step.overflow()) return OverflowError("decode-step FLOPs");
  *out = step.value();
  return Status::OK();
}

int64_t AnalyticDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len) {
  int64_t flops = 0;
  if (Status st = CountDecodeStepFlops(c, batch, context_len, &flops); !st.ok()) Abort(st);
  return flops;
}

Status CountTrainingFlops(const ModelConfig& c, int64_t batch, int64_t seq_len, int64_t* out) {
  FlopCount f;
  if (Status st = CountForwardFlops(c, batch, seq_len, &f); !st.ok()) return st;
  const Checked training = Checked(3) * f.forward;
  if (training.overflow()) return OverflowError("training-step FLOPs (3 x forward)");
  *out = training.value();
  return Status::OK();
}

namespace {

// Sum of g(t) over t in [from, to], where g is a non-decreasing polynomial of degree <= 2 in t
// (every count on one piece of the lengths: linear terms in the tokens, T^2 or T(T+1)/2 in
// attention). Up to 3 terms are added directly; more are summed in closed form by Newton's
// forward differences, sum_{u<n} g(from + u) = n g0 + C(n,2) d1 + C(n,3) d2 (exact in integers
// even where g's coefficients are halves), from g at from .. from + 3 (the fourth value checks
// the degree), in 128-bit arithmetic checked against int64.
Status SumPolynomial(const std::function<Status(int64_t, int64_t*)>& g, int64_t from, int64_t to,
                     const std::string& what, int64_t* out) {
  *out = 0;
  if (to < from) return Status::OK();
  const __int128 n = static_cast<__int128>(to) - from + 1;
  if (n <= 3) {
    Checked sum;
    for (int64_t t = from;; ++t) {
      int64_t v = 0;
      if (Status st = g(t, &v); !st.ok()) return st;
      sum += v;
      if (t == to) break;
    }
    if (sum.overflow()) return OverflowError(what);
    *out = sum.value();
    return Status::OK();
  }
  // Each g(from + u), u <= 3, is one of the summed terms.
  __int128 v[4];
  for (int u = 0; u < 4; ++u) {
    int64_t x = 0;
    if (Status st = g(from + u, &x); !st.ok()) return st;
    v[u] = x;
  }
  const __int128 d1 = v[1] - v[0], d2 = v[2] - 2 * v[1] + v[0], d3 = v[3] - 3 * v[2] + 3 * v[1] - v[0];
  if (d1 < 0 || d2 < 0 || d3 != 0)
    return Status::Internal(what + ": the count is not a polynomial of degree <= 2 in the length");
  constexpr __int128 kLimit = std::numeric_limits<int64_t>::max();
  // Every term >= 0: a term past int64 is the sum past it. n <= 2^32, so C(n,2) and
  // n (n-1) (n-2) fit 128 bits.
  const __int128 choose2 = n * (n - 1) / 2, choose3 = n * (n - 1) * (n - 2) / 6;
  __int128 total = 0, term = 0;
  bool over = __builtin_mul_overflow(n, v[0], &total) || total > kLimit;
  if (!over && d1 > 0) over = __builtin_mul_overflow(d1, choose2, &term) || __builtin_add_overflow(total, term, &total);
  if (!over && d2 > 0) over = __builtin_mul_overflow(d2, choose3, &term) || __builtin_add_overflow(total, term, &total);
  if (over || total > kLimit) return OverflowError(what);
  *out = static_cast<int64_t>(total);
  return Status::OK();
}

// SumPolynomial over [from, to] split where the count changes formula: a sliding window W makes
// the forward and decode-step counts piecewise polynomials (lengths up to W, and past W), each
// piece of degree <= 2, so each piece is summed in closed form and the pieces are added.
Status SumPiecewise(const ModelConfig& c, const std::function<Status(int64_t, int64_t*)>& g, int64_t from, int64_t to,
                    const std::string& what, int64_t* out) {
  const int64_t W = c.sliding_window;
  const bool windowed = (c.family == Family::kDecoder || c.family == Family::kMoe) && W > 0 && LocalLayers(c) > 0;
  if (!windowed || to <= W || from > W) return SumPolynomial(g, from, to, what, out);
  int64_t below = 0, above = 0;
  if (Status st = SumPolynomial(g, from, W, what, &below); !st.ok()) return st;
  if (Status st = SumPolynomial(g, W + 1, to, what, &above); !st.ok()) return st;
  const Checked sum = Checked(below) + above;
  if (sum.overflow()) return OverflowError(what);
  *out = sum.value();
  return Status::OK();
}

}  // namespace

Status SumForwardFlops(const ModelConfig& c, int64_t batch, int64_t from, int64_t to, int64_t* out) {
  return SumPiecewise(
      c,
      [&](int64_t t, int64_t* v) {
        FlopCount f;
        if (Status st = CountForwardFlops(c, batch, t, &f); !st.ok()) return st;
        *v = f.forward;
        return Status::OK();
      },
      from, to, "forward FLOPs summed over lengths " + std::to_string(from) + " to " + std::to_string(to), out);
}

Status SumDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t from, int64_t to, int64_t* out) {
  return SumPiecewise(
      c, [&](int64_t t, int64_t* v) { return CountDecodeStepFlops(c, batch, t, v); }, from, to,
      "decode-step FLOPs summed over contexts " + std::to_string(from) + " to " + std::to_string(to), out);
}

namespace {
// KV cache bytes one layer keeps per token: MLA's c_kv and k_rope (kv_lora_rank +
// qk_rope_head_dim values), else K and V of every KV head.
Checked KVBytesPerLayerToken(const ModelConfig& c, int64_t dtype_bytes) {
  if (UsesMla(c)) return (Checked(c.kv_lora_rank) + c.qk_rope_head_dim) * dtype_bytes;
  return Checked(2) * c.num_kv_heads * c.head_dim * dtype_bytes;
}
}  // namespace

Status CountKVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes, int64_t* out) {
  const Checked bytes = KVBytesPerLayerToken(c, dtype_bytes) * c.num_layers;
  if (bytes.overflow()) return OverflowError("KV cache bytes per token");
  *out = bytes.value();
  return Status::OK();
}

Status CountKVCacheBytes(const ModelConfig& c, int64_t tokens, int64_t dtype_bytes, int64_t* out) {
  const int64_t local = LocalLayers(c), global = c.num_layers - local;
  const Checked held = Checked(global) * tokens + Checked(local) * std::min(tokens, c.sliding_window);
  const Checked bytes = KVBytesPerLayerToken(c, dtype_bytes) * held;
  if (bytes.overflow()) return OverflowError("KV cache bytes of " + std::to_string(tokens) + " tokens");
  *out = bytes.value();
  return Status::OK();
}

int64_t KVCacheBytes(const ModelConfig& c, int64_t tokens, int64_t dtype_bytes) {
  int64_t bytes = 0;
  if (Status st = CountKVCacheBytes(c, tokens, dtype_bytes, &bytes); !st.ok()) Abort(st);
  return bytes;
}

int64_t KVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes) {
  int64_t bytes = 0;
  if (Status st = CountKVCacheBytesPerToken(c, dtype_bytes, &bytes); !st.ok()) Abort(st);
  return bytes;
}

Status CheckSizeCounts(const ModelConfig& c) {
  ParameterCount p;
  if (Status st = CountParameters(c, &p); !st.ok()) return st;
  if ((Checked(16) * p.total).overflow())
    return OverflowError("float32 training state (16 bytes per parameter: weights, gradients, AdamW moments)");
  const int64_t T = c.context_length;
  int64_t flops = 0;
  if (Status st = CountTrainingFlops(c, 1, T, &flops); !st.ok()) return st;  // checks the forward too
  if (IsCausalLM(c) && T > 0) {
    if (Status st = CountDecodeStepFlops(c, 1, T, &flops); !st.ok()) return st;
  }
  if (TraitsOf(c).kv_cache) {
    int64_t per_token = 0, full = 0;
    if (Status st = CountKVCacheBytesPerToken(c, 4, &per_token); !st.ok()) return st;
    if ((Checked(per_token) * T).overflow() || !CountKVCacheBytes(c, T, 4, &full).ok())
      return OverflowError("float32 KV cache bytes of the full context");
  }
  return Status::OK();
}

Status CheckGenerationCounts(const ModelConfig& c, int64_t batch, int64_t prompt, int64_t new_tokens) {
  if (new_tokens < 1 || !IsCausalLM(c)) return Status::OK();
  FlopCount prefill;
  if (Status st = CountForwardFlops(c, batch, prompt, &prefill); !st.ok()) return st;
  int64_t decode = 0, recompute = 0;
  if (Status st = SumDecodeStepFlops(c, batch, prompt + 1, prompt + new_tokens, &decode); !st.ok()) return st;
  if ((Checked(prefill.forward) + decode).overflow()) return OverflowError("generation FLOPs (prefill + decode steps)");
  if (Status st = SumForwardFlops(c, batch, prompt, prompt + new_tokens - 1, &recompute); !st.ok()) return st;
  if (TraitsOf(c).kv_cache) {
    int64_t per_token = 0;
    if (Status st = CountKVCacheBytesPerToken(c, 4, &per_token); !st.ok()) return st;
    // The cache at the end, and the bytes the N steps read from it: per token x batch x (N P + N(N+1)/2).
    const Checked tokens = Checked(prompt) + new_tokens;
    const Checked read = Checked(new_tokens) * prompt + Checked(new_tokens) * (Checked(new_tokens) + 1) / 2;
    // The windowed cache (CountKVCacheBytes) is at most the unwindowed one: checking the latter
    // bounds both.
    if ((Checked(per_token) * batch * tokens).overflow()) return OverflowError("float32 KV cache bytes");
    if ((Checked(per_token) * batch * read).overflow())
      return OverflowError("float32 KV cache bytes read over the decode steps");
  }
  return Status::OK();
}

}  // namespace engine
