// Analytic parameter and FLOP formulas for the decoder family.
// Conventions (DESIGN.md): FLOPs = 2 x MACs; a matmul of (M x K) by (K x N) is M*N*K MACs
// (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1, counts the same
// matmuls); attention QK^T and AV counted in full, as torch.utils.flop_counter.FlopCounterMode
// does. Non-matmul work is estimated separately in `elementwise`.
#include "engine/count.h"

#include "engine/count_families.h"

#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace engine {
namespace {

// Width of the fused q|k|v projection output.
Checked QkvWidth(const ModelConfig& c) { return (Checked(c.num_heads) + Checked(2) * c.num_kv_heads) * c.head_dim; }
// Rows of the first FFN matrix: gated activations fuse gate and up projections.
Checked FcWidth(const ModelConfig& c) { return Checked(IsGated(c.activation) ? 2 : 1) * c.hidden_dim; }
// Experts whose feed-forward runs for each token: all of the one FFN of a dense decoder; k of E for moe.
int64_t ActiveExperts(const ModelConfig& c) { return TraitsOf(c).experts ? c.experts_per_token : 1; }
int64_t Experts(const ModelConfig& c) { return TraitsOf(c).experts ? c.num_experts : 1; }
// Parameters of one norm layer: weight (+ bias for LayerNorm with biases).
Checked NormParams(const ModelConfig& c) {
  return Checked(c.embedding_dim) * ((c.norm == Norm::kLayerNorm && c.bias) ? 2 : 1);
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
  const Checked attn = C * QkvWidth(c) + (c.qkv_bias ? QkvWidth(c) : Checked(0)) +         // qkv
                       Checked(c.num_heads) * c.head_dim * C + (c.bias ? C : Checked(0));  // output proj
  const Checked mlp = C * FcWidth(c) + (c.bias ? FcWidth(c) : Checked(0)) +                // fc (gate|up)
                      Checked(c.hidden_dim) * C + (c.bias ? C : Checked(0));               // proj (down)
  const Checked norms = Checked(2) * NormParams(c);
  const Checked tok = Checked(c.vocab_size) * C;
  const Checked pos = c.position == Position::kLearned ? Checked(c.context_length) * C : Checked(0);
  const Checked head = c.tie_embeddings ? Checked(0) : Checked(c.vocab_size) * C;

  CheckedCounts parts = {{"embedding", tok + pos},
                         {"attention", attn * L},
                         {"mlp", Checked(Experts(c)) * mlp * L},
                         {"norm", norms * L + NormParams(c)},
                         {"lm_head", head}};
  if (TraitsOf(c).experts) parts.push_back({"router", C * c.num_experts * L});  // gate, no bias (Mixtral)
  if (Status st = FinishParameters(parts, tok + pos, out); !st.ok()) return st;
  // Every parameter but the experts a token does not reach (all of them for a dense decoder).
  out->active = (Checked(out->total) - (Checked(Experts(c)) - ActiveExperts(c)) * mlp * L).value();
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
  const Checked attn_dim = Checked(c.num_heads) * c.head_dim;
  // Matmul FLOPs, per layer unless noted.
  const Checked qkv = Checked(2) * N * C * QkvWidth(c);
  const Checked scores = Checked(2) * batch * c.num_heads * T * T * c.head_dim;  // Q K^T
  const Checked mix = Checked(2) * batch * c.num_heads * T * T * c.head_dim;     // softmax(.) V
  const Checked proj = Checked(2) * N * attn_dim * C;
  const Checked mlp = Checked(ActiveExperts(c)) * (Checked(2) * N * C * FcWidth(c) + Checked(2) * N * c.hidden_dim * C);
  const Checked router = TraitsOf(c).experts ? Checked(2) * N * C * c.num_experts : Checked(0);
  const Checked head = Checked(2) * N * C * c.vocab_size;  // once

  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = T;
  CheckedCounts parts = {{"attention_projections", L * (qkv + proj)},
                         {"attention_scores", L * (scores + mix)},
                         {"mlp", L * mlp},
                         {"lm_head", head}};
  if (TraitsOf(c).experts) parts.push_back({"router", L * router});
  f.input = std::to_string(batch) + " × " + std::to_string(T) + " tokens";

  // Elementwise estimates (FLOPs per element, stated): norm ~5 (LayerNorm) or ~4 (RMSNorm)
  // per element; softmax ~5 per score (max, sub, exp, sum, div); activation ~8 (gelu) or
  // ~5 (gated: act + mul) per hidden element; residual adds 1 per element; bias adds 1.
  const int64_t norm_per = c.norm == Norm::kLayerNorm ? 5 : 4;
  const int64_t act_per = IsGated(c.activation) ? 5 : 8;
  CheckedCounts elementwise = {{"norm", Checked(norm_per) * N * C * (L * 2 + 1)},
                               {"softmax", Checked(5) * batch * c.num_heads * T * T * L},
                               {"activation", Checked(act_per) * N * c.hidden_dim * L * ActiveExperts(c)},
                               {"residual", Checked(2) * N * C * L}};
  if (c.position == Position::kRoPE)
    elementwise.push_back({"rope", Checked(3) * N * (Checked(c.num_heads) + c.num_kv_heads) * c.head_dim * L});
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
  const Checked per_layer = B * 2 * C * QkvWidth(c) + B * 4 * c.num_heads * context_len * c.head_dim +
                            B * 2 * c.num_heads * c.head_dim * C +
                            Checked(ActiveExperts(c)) * (B * 2 * C * FcWidth(c) + B * 2 * c.hidden_dim * C) +
                            (TraitsOf(c).experts ? B * 2 * C * c.num_experts : Checked(0));
  const Checked step = per_layer * c.num_layers + B * 2 * C * c.vocab_size;
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

// Sum of g(t) over t in [from, to], where g is a polynomial of degree <= 2 in t with
// non-negative coefficients (every count here: linear terms in the tokens, T^2 in attention).
// Up to 3 terms are added directly; more are summed in closed form from g at from .. from + 3
// (the fourth value checks the degree), in 128-bit arithmetic checked against int64.
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
  // g(from + u) = A + B u + C u^2; each g(from + u), u <= 3, is one of the summed terms.
  __int128 v[4];
  for (int u = 0; u < 4; ++u) {
    int64_t x = 0;
    if (Status st = g(from + u, &x); !st.ok()) return st;
    v[u] = x;
  }
  const __int128 two_c = v[2] - 2 * v[1] + v[0];
  const __int128 C = two_c / 2, B = v[1] - v[0] - C, A = v[0];
  if (two_c < 0 || two_c % 2 != 0 || B < 0 || A + 3 * B + 9 * C != v[3])
    return Status::Internal(what + ": the count is not a polynomial of degree <= 2 in the length");
  constexpr __int128 kLimit = std::numeric_limits<int64_t>::max();
  // n A + B n(n-1)/2 + C (n-1) n (2n-1)/6, every term >= 0: a term past int64 is the sum past it.
  __int128 total = 0, term = 0, s2 = 0;
  bool over = __builtin_mul_overflow(n, A, &total) || total > kLimit;
  if (!over && B > 0)
    over = __builtin_mul_overflow(B, n * (n - 1) / 2, &term) || __builtin_add_overflow(total, term, &total);
  if (!over && C > 0)
    over = __builtin_mul_overflow(n * (n - 1), 2 * n - 1, &s2) || __builtin_mul_overflow(C, s2 / 6, &term) ||
           __builtin_add_overflow(total, term, &total);
  if (over || total > kLimit) return OverflowError(what);
  *out = static_cast<int64_t>(total);
  return Status::OK();
}

}  // namespace

Status SumForwardFlops(const ModelConfig& c, int64_t batch, int64_t from, int64_t to, int64_t* out) {
  return SumPolynomial(
      [&](int64_t t, int64_t* v) {
        FlopCount f;
        if (Status st = CountForwardFlops(c, batch, t, &f); !st.ok()) return st;
        *v = f.forward;
        return Status::OK();
      },
      from, to, "forward FLOPs summed over lengths " + std::to_string(from) + " to " + std::to_string(to), out);
}

Status SumDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t from, int64_t to, int64_t* out) {
  return SumPolynomial([&](int64_t t, int64_t* v) { return CountDecodeStepFlops(c, batch, t, v); }, from, to,
                       "decode-step FLOPs summed over contexts " + std::to_string(from) + " to " + std::to_string(to),
                       out);
}

Status CountKVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes, int64_t* out) {
  const Checked bytes = Checked(2) * c.num_layers * c.num_kv_heads * c.head_dim * dtype_bytes;
  if (bytes.overflow()) return OverflowError("KV cache bytes per token");
  *out = bytes.value();
  return Status::OK();
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
    int64_t per_token = 0;
    if (Status st = CountKVCacheBytesPerToken(c, 4, &per_token); !st.ok()) return st;
    if ((Checked(per_token) * T).overflow()) return OverflowError("float32 KV cache bytes of the full context");
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
    if ((Checked(per_token) * batch * tokens).overflow()) return OverflowError("float32 KV cache bytes");
    if ((Checked(per_token) * batch * read).overflow())
      return OverflowError("float32 KV cache bytes read over the decode steps");
  }
  return Status::OK();
}

}  // namespace engine
