// Analytic parameter and FLOP formulas for the decoder family.
// Conventions (DESIGN.md): FLOPs = 2 x MACs; a matmul of (M x K) by (K x N) is M*N*K MACs
// (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1, counts the same
// matmuls); attention QK^T and AV counted in full, as torch.utils.flop_counter.FlopCounterMode
// does. Non-matmul work is estimated separately in `elementwise`.
#include "engine/count.h"

#include "engine/count_families.h"

#include <string>

namespace engine {
namespace {

// Width of the fused q|k|v projection output.
int64_t QkvWidth(const ModelConfig& c) { return (c.num_heads + 2 * c.num_kv_heads) * c.head_dim; }
// Rows of the first FFN matrix: gated activations fuse gate and up projections.
int64_t FcWidth(const ModelConfig& c) { return (IsGated(c.activation) ? 2 : 1) * c.hidden_dim; }
// Experts whose feed-forward runs for each token: all of the one FFN of a dense decoder; k of E for moe.
int64_t ActiveExperts(const ModelConfig& c) { return c.family == "moe" ? c.experts_per_token : 1; }
int64_t Experts(const ModelConfig& c) { return c.family == "moe" ? c.num_experts : 1; }
// Parameters of one norm layer: weight (+ bias for LayerNorm with biases).
int64_t NormParams(const ModelConfig& c) {
  return c.embedding_dim * ((c.norm == Norm::kLayerNorm && c.bias) ? 2 : 1);
}

}  // namespace

int64_t DtypeBytes(const std::string& dtype) {
  if (dtype == "float32") return 4;
  if (dtype == "bfloat16" || dtype == "float16") return 2;
  return 0;
}

ParameterCount AnalyticParameters(const ModelConfig& c) {
  if (c.family != "decoder" && c.family != "moe") {
    ParameterCount p = c.family == "encoder"  ? EncoderParameters(c)
                       : c.family == "vit"    ? VitParameters(c)
                       : c.family == "resnet" ? ResNetParameters(c)
                       : c.family == "audio"  ? AudioParameters(c)
                                              : RecurrentParameters(c);
    if (p.active == 0) p.active = p.total;  // dense: every parameter works on every input
    return p;
  }

  const int64_t C = c.embedding_dim;
  const int64_t attn = C * QkvWidth(c) + (c.qkv_bias ? QkvWidth(c) : 0) +  // qkv
                       c.num_heads * c.head_dim * C + (c.bias ? C : 0);    // output proj
  const int64_t mlp = C * FcWidth(c) + (c.bias ? FcWidth(c) : 0) +         // fc (gate|up)
                      c.hidden_dim * C + (c.bias ? C : 0);                 // proj (down)
  const int64_t norms = 2 * NormParams(c);
  const int64_t tok = c.vocab_size * C;
  const int64_t pos = c.position == Position::kLearned ? c.context_length * C : 0;
  const int64_t head = c.tie_embeddings ? 0 : c.vocab_size * C;

  const int64_t router = c.family == "moe" ? C * c.num_experts : 0;  // gate, no bias (Mixtral)

  ParameterCount p;
  p.by_component = {{"embedding", tok + pos},
                    {"attention", attn * c.num_layers},
                    {"mlp", Experts(c) * mlp * c.num_layers},
                    {"norm", norms * c.num_layers + NormParams(c)},
                    {"lm_head", head}};
  if (c.family == "moe") p.by_component.push_back({"router", router * c.num_layers});
  for (const auto& [name, n] : p.by_component) p.total += n;
  p.active = p.total - (Experts(c) - ActiveExperts(c)) * mlp * c.num_layers;
  p.trainable = p.total;
  p.embedding = tok + pos;
  p.non_embedding = p.total - p.embedding;
  return p;
}

FlopCount AnalyticForwardFlops(const ModelConfig& c, int64_t batch, int64_t T) {
  if (c.family == "encoder") return EncoderForwardFlops(c, batch, T);
  if (c.family == "vit") return VitForwardFlops(c, batch);
  if (c.family == "resnet") return ResNetForwardFlops(c, batch);
  if (c.family == "audio") return AudioForwardFlops(c, batch, T);
  if (c.family == "recurrent") return RecurrentForwardFlops(c, batch, T);
  // decoder and moe
  const int64_t C = c.embedding_dim, L = c.num_layers, N = batch * T;
  const int64_t attn_dim = c.num_heads * c.head_dim;
  // Matmul FLOPs, per layer unless noted.
  const int64_t qkv = 2 * N * C * QkvWidth(c);
  const int64_t scores = 2 * batch * c.num_heads * T * T * c.head_dim;   // Q K^T
  const int64_t mix = 2 * batch * c.num_heads * T * T * c.head_dim;      // softmax(.) V
  const int64_t proj = 2 * N * attn_dim * C;
  const int64_t mlp = ActiveExperts(c) * (2 * N * C * FcWidth(c) + 2 * N * c.hidden_dim * C);
  const int64_t router = c.family == "moe" ? 2 * N * C * c.num_experts : 0;
  const int64_t head = 2 * N * C * c.vocab_size;                        // once

  FlopCount f;
  f.batch = batch;
  f.sequence_length = T;
  f.by_component = {{"attention_projections", L * (qkv + proj)},
                    {"attention_scores", L * (scores + mix)},
                    {"mlp", L * mlp},
                    {"lm_head", head}};
  if (c.family == "moe") f.by_component.push_back({"router", L * router});
  for (const auto& [name, n] : f.by_component) f.forward += n;
  f.forward_macs = f.forward / 2;
  f.input = std::to_string(batch) + " × " + std::to_string(T) + " tokens";

  // Elementwise estimates (FLOPs per element, stated): norm ~5 (LayerNorm) or ~4 (RMSNorm)
  // per element; softmax ~5 per score (max, sub, exp, sum, div); activation ~8 (gelu) or
  // ~5 (gated: act + mul) per hidden element; residual adds 1 per element; bias adds 1.
  const int64_t norm_per = c.norm == Norm::kLayerNorm ? 5 : 4;
  const int64_t act_per = IsGated(c.activation) ? 5 : 8;
  f.elementwise = {{"norm", norm_per * N * C * (2 * L + 1)},
                   {"softmax", 5 * batch * c.num_heads * T * T * L},
                   {"activation", act_per * N * c.hidden_dim * L * ActiveExperts(c)},
                   {"residual", 2 * N * C * L}};
  if (c.position == Position::kRoPE)
    f.elementwise.push_back({"rope", 3 * N * (c.num_heads + c.num_kv_heads) * c.head_dim * L});
  return f;
}

int64_t AnalyticDecodeStepFlops(const ModelConfig& c, int64_t batch, int64_t context_len) {
  if (c.family == "recurrent") return RecurrentForwardFlops(c, batch, 1).forward;  // independent of the length
  if (c.family == "audio")  // no decoder KV cache: a step runs the decoder over the whole prefix again
    return AudioForwardFlops(c, batch, context_len).forward - AudioForwardFlops(c, batch, 0).forward;
  const int64_t C = c.embedding_dim;
  const int64_t per_layer = 2 * batch * C * QkvWidth(c) +
                            4 * batch * c.num_heads * context_len * c.head_dim +
                            2 * batch * c.num_heads * c.head_dim * C +
                            ActiveExperts(c) * (2 * batch * C * FcWidth(c) + 2 * batch * c.hidden_dim * C) +
                            (c.family == "moe" ? 2 * batch * C * c.num_experts : 0);
  return c.num_layers * per_layer + 2 * batch * C * c.vocab_size;
}

int64_t KVCacheBytesPerToken(const ModelConfig& c, int64_t dtype_bytes) {
  return 2 * c.num_layers * c.num_kv_heads * c.head_dim * dtype_bytes;
}

}  // namespace engine
