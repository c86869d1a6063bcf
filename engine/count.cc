// Analytic parameter and FLOP formulas for the decoder family.
// Conventions (DESIGN.md): FLOPs = 2 x MACs; a matmul of (M x K) by (K x N) is M*N*K MACs
// (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1, counts the same
// matmuls); attention QK^T and AV counted in full, as torch.utils.flop_counter.FlopCounterMode
// does. Non-matmul work is estimated separately in `elementwise`.
#include "engine/count.h"

#include "engine/count_families.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace engine {
namespace {

// Width of the fused q|k|v projection output.
Checked QkvWidth(const ModelConfig& c) { return (Checked(c.num_heads) + Checked(2) * c.num_kv_heads) * c.head_dim; }
// Rows of the first FFN matrix: gated activations fuse gate and up projections.
Checked FcWidth(const ModelConfig& c) { return Checked(IsGated(c.activation) ? 2 : 1) * c.hidden_dim; }
// Experts whose feed-forward runs for each token: all of the one FFN of a dense decoder; k of E for moe.
int64_t ActiveExperts(const ModelConfig& c) { return c.family == "moe" ? c.experts_per_token : 1; }
int64_t Experts(const ModelConfig& c) { return c.family == "moe" ? c.num_experts : 1; }
// Parameters of one norm layer: weight (+ bias for LayerNorm with biases).
Checked NormParams(const ModelConfig& c) {
  return Checked(c.embedding_dim) * ((c.norm == Norm::kLayerNorm && c.bias) ? 2 : 1);
}

// A broken precondition of the Analytic* wrappers (count.h): never a wrapped number.
[[noreturn]] void Abort(const Status& st) {
  std::fprintf(stderr, "modelcard: internal error: unchecked count: %s\n", st.ToString().c_str());
  std::abort();
}

}  // namespace

int64_t DtypeBytes(const std::string& dtype) {
  if (dtype == "float32") return 4;
  if (dtype == "bfloat16" || dtype == "float16") return 2;
  return 0;
}

Status CountParameters(const ModelConfig& c, ParameterCount* out) {
  *out = ParameterCount();
  if (c.family == "encoder") return EncoderParameters(c, out);
  if (c.family == "vit") return VitParameters(c, out);
  if (c.family == "resnet") return ResNetParameters(c, out);
  if (c.family == "audio") return AudioParameters(c, out);
  if (c.family == "recurrent") return RecurrentParameters(c, out);

  const Checked C = c.embedding_dim, L = c.num_layers;
  const Checked attn = C * QkvWidth(c) + (c.qkv_bias ? QkvWidth(c) : Checked(0)) +   // qkv
                       Checked(c.num_heads) * c.head_dim * C + (c.bias ? C : Checked(0));  // output proj
  const Checked mlp = C * FcWidth(c) + (c.bias ? FcWidth(c) : Checked(0)) +           // fc (gate|up)
                      Checked(c.hidden_dim) * C + (c.bias ? C : Checked(0));             // proj (down)
  const Checked norms = Checked(2) * NormParams(c);
  const Checked tok = Checked(c.vocab_size) * C;
  const Checked pos = c.position == Position::kLearned ? Checked(c.context_length) * C : Checked(0);
  const Checked head = c.tie_embeddings ? Checked(0) : Checked(c.vocab_size) * C;

  CheckedCounts parts = {{"embedding", tok + pos},
                         {"attention", attn * L},
                         {"mlp", Checked(Experts(c)) * mlp * L},
                         {"norm", norms * L + NormParams(c)},
                         {"lm_head", head}};
  if (c.family == "moe") parts.push_back({"router", C * c.num_experts * L});  // gate, no bias (Mixtral)
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
  if (c.family == "encoder") return EncoderForwardFlops(c, batch, T, out);
  if (c.family == "vit") return VitForwardFlops(c, batch, out);
  if (c.family == "resnet") return ResNetForwardFlops(c, batch, out);
  if (c.family == "audio") return AudioForwardFlops(c, batch, T, out);
  if (c.family == "recurrent") return RecurrentForwardFlops(c, batch, T, out);
  // decoder and moe
  const Checked C = c.embedding_dim, L = c.num_layers, N = Checked(batch) * T;
  const Checked attn_dim = Checked(c.num_heads) * c.head_dim;
  // Matmul FLOPs, per layer unless noted.
  const Checked qkv = Checked(2) * N * C * QkvWidth(c);
  const Checked scores = Checked(2) * batch * c.num_heads * T * T * c.head_dim;  // Q K^T
  const Checked mix = Checked(2) * batch * c.num_heads * T * T * c.head_dim;     // softmax(.) V
  const Checked proj = Checked(2) * N * attn_dim * C;
  const Checked mlp =
      Checked(ActiveExperts(c)) * (Checked(2) * N * C * FcWidth(c) + Checked(2) * N * c.hidden_dim * C);
  const Checked router = c.family == "moe" ? Checked(2) * N * C * c.num_experts : Checked(0);
  const Checked head = Checked(2) * N * C * c.vocab_size;  // once

  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = T;
  CheckedCounts parts = {{"attention_projections", L * (qkv + proj)},
                         {"attention_scores", L * (scores + mix)},
                         {"mlp", L * mlp},
                         {"lm_head", head}};
  if (c.family == "moe") parts.push_back({"router", L * router});
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
    elementwise.push_back(
        {"rope", Checked(3) * N * (Checked(c.num_heads) + c.num_kv_heads) * c.head_dim * L});
  return FinishFlops(parts, elementwise, &f);
}

FlopCount AnalyticForwardFlops(const ModelConfig& c, int64_t batch, int64_t T) {
  FlopCount f;
  if (Status st = CountForwardFlops(c, batch, T, &f); !st.ok()) Abort(st);
  return f;
}

Status CountDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len, int64_t* out) {
  FlopCount f;
  if (c.family == "recurrent") {  // independent of the length
    if (Status st = RecurrentForwardFlops(c, batch, 1, &f); !st.ok()) return st;
    *out = f.forward;
    return Status::OK();
  }
  if (c.family == "audio") {  // no decoder KV cache: a step runs the decoder over the whole prefix again
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
                            (c.family == "moe" ? B * 2 * C * c.num_experts : Checked(0));
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

int64_t KVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes) {
  return 2 * c.num_layers * c.num_kv_heads * c.head_dim * dtype_bytes;
}

}  // namespace engine
