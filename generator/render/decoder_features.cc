// Document text for the decoder features (see decoder_features.h). TeX in raw strings, numbers
// through M() (thousands as "{,}"); every formula follows the Hugging Face transformers code it
// cites (modeling_rope_utils.py for the RoPE scalings, the model files for the rest).
#include "generator/render/decoder_features.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/count.h"
#include "generator/render/format.h"
#include "generator/render/view_helpers.h"

namespace render {
namespace {

using engine::ModelConfig;
using internal::N;

constexpr double kPi = 3.14159265358979323846;

std::string M(int64_t n) {
  std::string out;
  for (char ch : N(n)) out += ch == ',' ? std::string("{,}") : std::string(1, ch);
  return out;
}
std::string Im(const std::string& tex) { return "$`" + tex + "`$"; }
std::string D(double v) { return FormatShortestDouble(v); }
// A double rounded to 4 significant digits, for derived constants (0.0884, 1.139).
std::string D4(double v) {
  if (v == 0) return "0";
  const double mag = std::pow(10.0, 3 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return FormatShortestDouble(std::round(v * mag) / mag);
}

int64_t OriginalContext(const ModelConfig& c) {
  return c.rope_original_context > 0 ? c.rope_original_context : c.context_length;
}

// YaRN's cos/sin multiplier: rope_attention_factor, else 0.1 ln(s) + 1 (transformers'
// get_mscale), 1 for s <= 1.
double YarnAttentionFactor(const ModelConfig& c) {
  if (c.rope_attention_factor > 0) return c.rope_attention_factor;
  return c.rope_scaling_factor <= 1 ? 1.0 : 0.1 * std::log(c.rope_scaling_factor) + 1.0;
}

// YaRN's ramp bounds (transformers _compute_yarn_parameters, find_correction_range with
// truncation): the frequency indices where beta_fast and beta_slow rotations fit the original context.
void YarnBounds(const ModelConfig& c, double* low, double* high) {
  const double dim = static_cast<double>(engine::RotaryDim(c));
  auto correction = [&](double rotations) {
    return dim * std::log(static_cast<double>(OriginalContext(c)) / (rotations * 2 * kPi)) /
           (2 * std::log(c.rope_theta));
  };
  *low = std::max(std::floor(correction(c.rope_beta_fast)), 0.0);
  *high = std::min(std::ceil(correction(c.rope_beta_slow)), dim - 1);
  if (*low == *high) *high += 0.001;
}

bool SoftmaxScaleDiffers(const ModelConfig& c) {
  return c.query_pre_attn_scalar > 0 || engine::UsesMla(c) ||
         (c.rope_scaling == engine::RopeScaling::kYarn && c.rope_mscale_all_dim > 0);
}

std::string LocalLayersText(const ModelConfig& c) {
  const int64_t local = LocalLayerCount(c);
  if (local == c.num_layers) return "all " + N(c.num_layers) + " layers";
  return N(local) + " of " + N(c.num_layers) + " layers; layer " + Im("\\ell") + ", counted from 0, is global when " +
         Im("(\\ell + 1) \\bmod " + M(c.sliding_window_pattern) + " = 0") + ", local otherwise";
}

BlogComponent RopeScalingComponent(const ModelConfig& c) {
  const std::string s = D(c.rope_scaling_factor), T0 = M(OriginalContext(c)), d = M(engine::RotaryDim(c));
  const std::string theta = "\\theta_i = " + D(c.rope_theta) + "^{-2i/" + d + "}";
  BlogComponent b;
  b.where.push_back(Im(theta) + " are the unscaled frequencies, " + Im("s = " + s) + " the scaling factor and " +
                    Im("T_0 = " + T0) + " the context the model was trained at");
  switch (c.rope_scaling) {
    case engine::RopeScaling::kLinear:
      b.name = "RoPE Scaling (linear position interpolation)";
      b.text = "Every frequency is divided by the factor, so positions up to " + Im("s \\cdot T_0") +
               " fall in the trained range (Chen et al. 2023, Position Interpolation).";
      b.math = "\\theta'_i = \\frac{\\theta_i}{s} = \\frac{\\theta_i}{" + s + "}, \\qquad " + theta;
      break;
    case engine::RopeScaling::kDynamic:
      b.name = "RoPE Scaling (dynamic NTK)";
      b.text =
          "The base grows with the sequence once it passes the trained context (transformers' "
          "_compute_dynamic_ntk_parameters); up to " +
          Im("T_0") + " RoPE is unchanged.";
      b.math = "b' = " + D(c.rope_theta) + " \\left(\\frac{s\\,T}{T_0} - (s - 1)\\right)^{" + d + "/(" + d +
               " - 2)}, \\qquad \\theta'_i = b'^{-2i/" + d + "}, \\qquad T > T_0 = " + T0;
      break;
    case engine::RopeScaling::kYarn: {
      double low = 0, high = 0;
      YarnBounds(c, &low, &high);
      b.name = "RoPE Scaling (YaRN)";
      b.text =
          "YaRN (Peng et al. 2023) interpolates the low frequencies, keeps the high ones, ramps between them, "
          "and scales cos and sin by an attention factor.";
      b.math =
          "\\theta'_i = (1 - \\gamma_i)\\,\\frac{\\theta_i}{s} + \\gamma_i\\,\\theta_i, \\qquad \\gamma_i = 1 - "
          "\\mathrm{clamp}\\left(\\frac{i - " +
          D4(low) + "}{" + D4(high) + " - " + D4(low) + "},\\ 0,\\ 1\\right)\n" +
          "\\cos(t\\theta'_i),\\ \\sin(t\\theta'_i) \\ \\text{scaled by}\\ a = " + D4(YarnAttentionFactor(c));
      b.where.push_back("the ramp runs between the frequencies that turn " +
                        Im("\\beta_{\\mathrm{fast}} = " + D(c.rope_beta_fast)) + " and " +
                        Im("\\beta_{\\mathrm{slow}} = " + D(c.rope_beta_slow)) + " times over " + Im("T_0") + ": " +
                        Im("i_{\\mathrm{low}} = " + D4(low)) + ", " + Im("i_{\\mathrm{high}} = " + D4(high)) +
                        " (transformers' find_correction_range)");
      b.where.push_back(Im("a") + (c.rope_attention_factor > 0 ? " is the configured attention factor"
                                                               : " = " + Im("0.1 \\ln s + 1")));
      if (c.rope_mscale_all_dim > 0)
        b.where.push_back("the softmax scale is multiplied by " +
                          Im("(0.1 \\cdot " + D(c.rope_mscale_all_dim) + " \\ln s + 1)^2") +
                          " as well (DeepSeek-V3's mscale_all_dim)");
      break;
    }
    case engine::RopeScaling::kLlama3:
      b.name = "RoPE Scaling (Llama 3)";
      b.text =
          "Llama 3.1's rule (Dubey et al. 2024): long wavelengths are divided by the factor, short ones kept, "
          "and a smooth ramp between.";
      b.math =
          "\\lambda_i = \\frac{2\\pi}{\\theta_i}, \\qquad \\theta'_i = \\begin{cases} \\theta_i & \\lambda_i < "
          "T_0 / " +
          D(c.rope_high_freq_factor) + " \\\\ \\theta_i / s & \\lambda_i > T_0 / " + D(c.rope_low_freq_factor) +
          " \\\\ (1 - \\gamma_i)\\,\\theta_i / s + \\gamma_i\\,\\theta_i & \\text{otherwise} \\end{cases}\n" +
          "\\gamma_i = \\frac{T_0 / \\lambda_i - " + D(c.rope_low_freq_factor) + "}{" + D(c.rope_high_freq_factor) +
          " - " + D(c.rope_low_freq_factor) + "}";
      b.where.push_back("low- and high-frequency factors " + D(c.rope_low_freq_factor) + " and " +
                        D(c.rope_high_freq_factor));
      break;
    case engine::RopeScaling::kNone: break;
  }
  return b;
}

BlogComponent SlidingWindowComponent(const ModelConfig& c) {
  const std::string W = M(c.sliding_window);
  const int64_t local = LocalLayerCount(c);
  BlogComponent b{"Sliding-Window Attention (" + N(c.sliding_window) + " tokens)",
                  "A local layer's query sees only the last " + N(c.sliding_window) +
                      " positions, itself included (Beltagy et al. 2020, Longformer; Jiang et al. 2023, Mistral 7B" +
                      (local < c.num_layers ? "; Gemma Team 2024, Gemma 2, alternates local and global layers" : "") +
                      ").",
                  "M^{\\mathrm{local}}_{ij} = \\begin{cases} 0 & i - " + W +
                      " < j \\le i \\\\ -\\infty & \\text{otherwise} \\end{cases}",
                  {"local layers: " + LocalLayersText(c),
                   "a local layer's KV cache is a rolling buffer of at most " + N(c.sliding_window) +
                       " positions; the cache of " + Im("n") + " tokens holds " + Im("\\sum_\\ell \\min(n, W_\\ell)") +
                       " positions of " + N(KvValuesPerTokenLayer(c)) + " values each (" + Im("W_\\ell = " + W) +
                       " on a local layer, unbounded on a global one)"}};
  return b;
}

BlogComponent MlaComponent(const ModelConfig& c) {
  const int64_t H = c.num_heads, qk = engine::QkHeadDim(c), dv = engine::VHeadDim(c);
  const std::string C = M(c.embedding_dim), r = M(c.kv_lora_rank), dr = M(c.qk_rope_head_dim),
                    dn = M(c.qk_nope_head_dim);
  std::string math;
  if (c.q_lora_rank > 0)
    math = "q = \\mathrm{RMSNorm}(x W^{DQ}) W^{UQ}, \\qquad W^{DQ} \\in \\mathbb{R}^{" + C + " \\times " +
           M(c.q_lora_rank) + "},\\ W^{UQ} \\in \\mathbb{R}^{" + M(c.q_lora_rank) + " \\times " + M(H * qk) + "}\n";
  else
    math = "q = x W^{Q}, \\qquad W^{Q} \\in \\mathbb{R}^{" + C + " \\times " + M(H * qk) + "}\n";
  math += "\\left[c^{KV};\\ k^{R}\\right] = x W^{DKV}, \\qquad W^{DKV} \\in \\mathbb{R}^{" + C + " \\times (" + r +
          " + " + dr + ")}\n";
  math += "\\left[k^{C}_h;\\ v_h\\right] = \\mathrm{RMSNorm}(c^{KV}) W^{UKV}, \\qquad W^{UKV} \\in \\mathbb{R}^{" + r +
          " \\times " + M(H) + " \\cdot (" + dn + " + " + M(dv) + ")}\n";
  math +=
      "q_h = \\left[q^{C}_h;\\ \\mathrm{RoPE}(q^{R}_h)\\right],\\quad k_h = \\left[k^{C}_h;\\ "
      "\\mathrm{RoPE}(k^{R})\\right],\\quad o_h = \\mathrm{softmax}\\left(\\lambda\\, q_h k_h^\\top + M\\right) "
      "v_h";
  const int64_t per_token = c.num_layers * KvValuesPerTokenLayer(c);
  const int64_t standard = StandardKvValuesPerToken(c);
  return {"Multi-Head Latent Attention (MLA)",
          "DeepSeek-V2/V3 (DeepSeek-AI 2024): keys and values are decompressed from a " + N(c.kv_lora_rank) +
              "-wide latent, and a separate " + N(c.qk_rope_head_dim) +
              "-wide part carries the rotary position, shared by all heads.",
          math,
          {"each of the " + N(H) + " heads scores with " + Im("d_{qk} = " + dn + " + " + dr + " = " + M(qk)) +
               " dims and mixes values of " + Im("d_v = " + M(dv)) + " dims; " +
               Im("\\lambda = " + D4(engine::AttentionScale(c))),
           "the cache holds " + Im("c^{KV}") + " and " + Im("k^{R}") + ": " +
               Im(r + " + " + dr + " = " + M(KvValuesPerTokenLayer(c))) + " values per token and layer, " +
               N(per_token) + " per token over " + N(c.num_layers) + " layers (" + FormatBytes(per_token * 2) +
               " in bfloat16), where a standard cache of the same heads would hold " +
               Im(M(c.num_layers) + " \\cdot " + M(H) + " \\cdot (" + M(qk) + " + " + M(dv) + ") = " + M(standard)) +
               " (" + FormatBytes(standard * 2) + ")"}};
}

}  // namespace

bool UsesExtendedMoe(const ModelConfig& c) {
  if (!engine::TraitsOf(c).experts) return false;
  return c.moe_hidden_dim > 0 || c.num_shared_experts > 0 || c.first_dense_layers > 0 || !c.router_renormalize ||
         c.router_scoring != engine::RouterScoring::kSoftmax || c.router_bias || c.router_groups > 0 ||
         c.routed_scaling_factor != 1.0;
}

bool UsesDecoderFeatures(const ModelConfig& c) {
  if (!engine::TraitsOf(c).kv_cache) return false;
  return c.rope_scaling != engine::RopeScaling::kNone || c.rotary_dim > 0 || c.sliding_window > 0 ||
         c.parallel_residual || c.qk_norm || c.sandwich_norm || c.embedding_scale || c.attn_logit_softcap > 0 ||
         c.final_logit_softcap > 0 || c.query_pre_attn_scalar > 0 || engine::UsesMla(c) || UsesExtendedMoe(c);
}

int64_t LocalLayerCount(const ModelConfig& c) { return engine::LocalLayers(c); }

// The engine's cache counts (engine/count.h) at one byte per value.
int64_t KvValuesPerTokenLayer(const ModelConfig& c) { return engine::KVCacheBytesPerToken(c, 1) / c.num_layers; }

int64_t KvCacheValues(const ModelConfig& c, int64_t n) { return engine::KVCacheBytes(c, n, 1); }

int64_t StandardKvValuesPerToken(const ModelConfig& c) {
  return c.num_layers * c.num_heads * (engine::QkHeadDim(c) + engine::VHeadDim(c));
}

std::vector<std::string> FeatureFlopNotes(const ModelConfig& c) {
  std::vector<std::string> notes;
  if (!UsesDecoderFeatures(c)) return notes;
  const int64_t T = c.context_length;
  if (c.sliding_window > 0 && T > 0) {
    ModelConfig full = c;
    full.sliding_window = 0;
    engine::FlopCount windowed, dense;
    const bool ok =
        engine::CountForwardFlops(c, 1, T, &windowed).ok() && engine::CountForwardFlops(full, 1, T, &dense).ok();
    std::string s = "Sliding-window attention: on a local layer (" + LocalLayersText(c) +
                    ") the query at position p (from 1) is counted against min(p, " + N(c.sliding_window) +
                    ") keys, the scores a windowed kernel computes, and a decode step at context S against min(S, " +
                    N(c.sliding_window) + ")";
    if (ok)
      s += "; one forward pass over T = " + N(T) + " tokens is " + N(windowed.forward) + " FLOPs so counted, " +
           N(dense.forward) + " FLOPs with attention in full on every layer";
    notes.push_back(s + ".");
  }
  if (engine::UsesMla(c))
    notes.push_back(
        "Multi-head latent attention is counted as computed: the query projection" +
        std::string(c.q_lora_rank > 0 ? "s (W_qa, then W_qb)" : " (W_q)") +
        ", W_kva over the new tokens, W_kvb over every position whose keys and values are used (in a decode step all "
        "S cached positions are decompressed again), scores at the q·k width " +
        N(engine::QkHeadDim(c)) + ", AV at the value width " + N(engine::VHeadDim(c)) + ", and o_proj.");
  if (UsesExtendedMoe(c)) {
    std::string s = "Mixture of experts: each expert layer counts its router (2 × C × " + N(c.num_experts) +
                    " per token), the " + N(c.experts_per_token) + " routed experts a token reaches at width " +
                    N(engine::ExpertHiddenDim(c));
    if (c.num_shared_experts > 0)
      s += " and the " + N(c.num_shared_experts) + " shared expert" + (c.num_shared_experts > 1 ? "s" : "") +
           " as one MLP of width " + N(c.num_shared_experts * engine::ExpertHiddenDim(c));
    if (c.first_dense_layers > 0)
      s += (c.first_dense_layers > 1 ? "; the first " + N(c.first_dense_layers) + " layers count"
                                     : std::string("; the first layer counts")) +
           " a dense MLP of width " + N(c.hidden_dim);
    notes.push_back(s + ".");
  }
  return notes;
}

std::vector<std::string> KvFeatureNotes(const ModelConfig& c) {
  std::vector<std::string> notes;
  if (!engine::TraitsOf(c).kv_cache) return notes;
  if (engine::UsesMla(c))
    notes.push_back(
        "With multi-head latent attention the cache holds the latent c_kv and the shared rotary key "
        "instead: kv_lora_rank + qk_rope_head_dim = " +
        N(KvValuesPerTokenLayer(c)) + " values per token and layer.");
  if (c.sliding_window > 0)
    notes.push_back("A local layer keeps a rolling buffer of its last " + N(c.sliding_window) + " positions (" +
                    N(LocalLayerCount(c)) + " of " + N(c.num_layers) +
                    " layers), so the cache of n tokens holds min(n, " + N(c.sliding_window) +
                    ") positions on those layers and n on the others.");
  return notes;
}

std::vector<std::string> FeatureSummary(const ModelConfig& c) {
  std::vector<std::string> out;
  if (!UsesDecoderFeatures(c)) return out;
  if (engine::UsesMla(c))
    out.push_back("MLA (latent " + N(c.kv_lora_rank) + ", q·k " + N(engine::QkHeadDim(c)) + ", v " +
                  N(engine::VHeadDim(c)) + ")");
  if (c.rope_scaling != engine::RopeScaling::kNone)
    out.push_back(std::string(engine::RopeScalingName(c.rope_scaling)) + " RoPE scaling ×" + D(c.rope_scaling_factor));
  if (c.position == engine::Position::kRoPE && engine::RotaryDim(c) < engine::QkHeadDim(c) && !engine::UsesMla(c))
    out.push_back("rotary on " + N(engine::RotaryDim(c)) + " of " + N(engine::QkHeadDim(c)) + " head dims");
  if (c.sliding_window > 0) {
    const int64_t local = LocalLayerCount(c);
    out.push_back(
        "sliding window " + N(c.sliding_window) +
        (local == c.num_layers ? " on every layer" : " on " + N(local) + " of " + N(c.num_layers) + " layers"));
  }
  if (c.parallel_residual) out.push_back("parallel attention and MLP");
  if (c.qk_norm) out.push_back("QK-norm");
  if (c.sandwich_norm) out.push_back("sandwich norms");
  if (c.embedding_scale) out.push_back("embeddings × √C");
  if (c.attn_logit_softcap > 0) out.push_back("attention soft-cap " + D(c.attn_logit_softcap));
  if (c.final_logit_softcap > 0) out.push_back("final soft-cap " + D(c.final_logit_softcap));
  if (UsesExtendedMoe(c)) {
    std::string e = N(c.experts_per_token) + " of " + N(c.num_experts) + " routed";
    if (c.num_shared_experts > 0) e += " + " + N(c.num_shared_experts) + " shared";
    e += " experts";
    if (c.first_dense_layers > 0)
      e += c.first_dense_layers == 1 ? ", first layer dense" : ", first " + N(c.first_dense_layers) + " layers dense";
    out.push_back(e);
  }
  return out;
}

std::string FeatureAttentionScoreMath(const ModelConfig& c) {
  if (!SoftmaxScaleDiffers(c) && c.attn_logit_softcap <= 0 && c.sliding_window <= 0) return "";
  const std::string score = SoftmaxScaleDiffers(c) ? "\\lambda\\, Q K^\\top" : "\\frac{Q K^\\top}{ \\sqrt{d_k} }";
  const std::string capped = c.attn_logit_softcap > 0 ? D(c.attn_logit_softcap) + " \\tanh\\left(\\frac{" + score +
                                                            "}{" + D(c.attn_logit_softcap) + "}\\right)"
                                                      : score;
  const std::string mask = c.sliding_window > 0 ? "M_\\ell" : "M";
  std::string m = "\\mathrm{Attention}(Q, K, V) = \\mathrm{softmax}\\left(" + capped + " + " + mask + "\\right) V";
  if (SoftmaxScaleDiffers(c))
    m += ", \\qquad \\lambda = " + D4(engine::AttentionScale(c));
  else
    m += ", \\qquad d_k = " + M(c.head_dim);
  return m;
}

std::vector<std::string> FeatureAttentionWhere(const ModelConfig& c) {
  std::vector<std::string> w;
  if (c.query_pre_attn_scalar > 0)
    w.push_back(Im("\\lambda") + " is " + Im("1/\\sqrt{" + D(c.query_pre_attn_scalar) + "}") +
                " (query_pre_attn_scalar), not " + Im("1/\\sqrt{d_k}"));
  else if (SoftmaxScaleDiffers(c) && !engine::UsesMla(c))
    w.push_back(Im("\\lambda") + " is " + Im("1/\\sqrt{" + M(engine::QkHeadDim(c)) + "}") +
                " times YaRN's mscale squared");
  if (c.attn_logit_softcap > 0)
    w.push_back("the scores are soft-capped at " + D(c.attn_logit_softcap) + ", " +
                Im("s \\mapsto " + D(c.attn_logit_softcap) + " \\tanh(s / " + D(c.attn_logit_softcap) + ")") +
                ", before the mask (Gemma Team 2024)");
  if (c.sliding_window > 0)
    w.push_back(Im("M_\\ell") +
                " is the causal mask on a global layer and the sliding-window mask below on a local "
                "one (" +
                LocalLayersText(c) + ")");
  return w;
}

std::vector<BlogComponent> DecoderFeatureComponents(const ModelConfig& c) {
  std::vector<BlogComponent> out;
  if (!UsesDecoderFeatures(c)) return out;
  const std::string C = M(c.embedding_dim);
  if (c.rope_scaling != engine::RopeScaling::kNone && c.position == engine::Position::kRoPE)
    out.push_back(RopeScalingComponent(c));
  if (c.position == engine::Position::kRoPE && c.rotary_dim > 0 && !engine::UsesMla(c))
    out.push_back({"Partial Rotary Embedding",
                   "Only the leading " + N(engine::RotaryDim(c)) + " of each head's " + N(c.head_dim) +
                       " dims rotate (GPT-NeoX, Black et al. 2022); the rest carry no position.",
                   "q = \\left[\\mathrm{RoPE}(q_{1:" + M(engine::RotaryDim(c)) + "});\\ q_{" +
                       M(engine::RotaryDim(c) + 1) + ":" + M(c.head_dim) +
                       "}\\right], \\qquad \\theta_i = " + D(c.rope_theta) + "^{-2i/" + M(engine::RotaryDim(c)) + "}",
                   {"the same split applies to " + Im("k")}});
  if (c.sliding_window > 0) out.push_back(SlidingWindowComponent(c));
  if (engine::UsesMla(c)) out.push_back(MlaComponent(c));
  if (c.qk_norm)
    out.push_back({"QK-Norm",
                   "Each head's query and key are RMS-normalized over its " + N(engine::QkHeadDim(c)) +
                       " dims before RoPE (Qwen3, Qwen Team 2025; OLMo 2).",
                   "q_h \\leftarrow \\gamma_q \\odot \\frac{q_h}{ \\sqrt{\\frac{1}{" + M(engine::QkHeadDim(c)) +
                       "} \\lVert q_h \\rVert^2 + \\epsilon} }, \\qquad k_h \\leftarrow \\gamma_k \\odot \\frac{k_h}{ "
                       "\\sqrt{\\frac{1}{" +
                       M(engine::QkHeadDim(c)) + "} \\lVert k_h \\rVert^2 + \\epsilon} }",
                   {Im("\\gamma_q, \\gamma_k") + " are " + N(engine::QkHeadDim(c)) +
                    " learned values each, shared by the heads"}});
  if (c.parallel_residual || c.sandwich_norm) {
    const std::string norm = c.norm == engine::Norm::kRMSNorm ? "\\mathrm{RMSNorm}" : "\\mathrm{LN}";
    if (c.parallel_residual)
      out.push_back({"Parallel Residual",
                     "Attention and the MLP read the same input and are added together (GPT-NeoX, Black et al. 2022; "
                     "GPT-J).",
                     "x_{\\ell+1} = x_\\ell + \\mathrm{Attn}\\left(" + norm +
                         "_1(x_\\ell)\\right) + \\mathrm{MLP}\\left(" + norm + "_2(x_\\ell)\\right)",
                     {}});
    else
      out.push_back({"Sandwich Norms",
                     "Each sub-layer's output is normalized again before the residual add (Gemma Team 2024, Gemma 2).",
                     "h = x + " + norm + "_{\\mathrm{post}}\\left(\\mathrm{Attn}\\left(" + norm +
                         "_{\\mathrm{pre}}(x)\\right)\\right), \\qquad x' = h + " + norm +
                         "_{\\mathrm{post}}'\\left(\\mathrm{MLP}\\left(" + norm +
                         "_{\\mathrm{pre}}'(h)\\right)\\right)",
                     {"four norms per layer of " + N(c.embedding_dim) + " learned values each"}});
  }
  if (c.embedding_scale || c.final_logit_softcap > 0) {
    std::string math;
    if (c.embedding_scale)
      math += "h^{(0)}_t = \\sqrt{" + C + "}\\, E[x_t] = " + D4(std::sqrt(static_cast<double>(c.embedding_dim))) +
              "\\, E[x_t]";
    if (c.final_logit_softcap > 0)
      math += std::string(math.empty() ? "" : "\n") + "z_t \\leftarrow " + D(c.final_logit_softcap) +
              " \\tanh\\left(\\frac{z_t}{" + D(c.final_logit_softcap) + "}\\right)";
    out.push_back({c.embedding_scale && c.final_logit_softcap > 0 ? "Embedding Scale and Final Soft-Cap"
                   : c.embedding_scale                            ? "Embedding Scale"
                                                                  : "Final Logit Soft-Cap",
                   "As Gemma computes them (Gemma Team 2024).",
                   math,
                   {}});
  }
  return out;
}

std::string ExtendedRouterText(const ModelConfig& c) {
  const bool sigmoid = c.router_scoring == engine::RouterScoring::kSigmoid;
  std::string text = "A linear router (`mlp.router`, " + N(c.embedding_dim) + " → " + N(c.num_experts) +
                     ", no bias) scores every expert with a " + (sigmoid ? "sigmoid" : "softmax");
  if (c.router_bias) text += "; a per-expert correction bias (a buffer) is added for the choice only";
  if (c.router_groups > 0)
    text += "; the experts form " + N(c.router_groups) + " groups and a token chooses within its " +
            N(c.router_topk_groups) + " best groups (by the sum of each group's top-2 scores)";
  text += ". The top " + N(c.experts_per_token) + " experts run, weighted by their scores" +
          std::string(c.router_renormalize ? " renormalized to sum to 1" : " as they are (not renormalized)") +
          (c.routed_scaling_factor != 1.0 ? " times " + D(c.routed_scaling_factor) : "") + ", each " +
          N(engine::ExpertHiddenDim(c)) + " wide.";
  if (c.num_shared_experts > 0)
    text += " " + N(c.num_shared_experts) + " shared expert" + (c.num_shared_experts > 1 ? "s run" : " runs") +
            " on every token (`mlp.shared_experts`, " + N(c.num_shared_experts * engine::ExpertHiddenDim(c)) +
            " wide).";
  if (c.first_dense_layers > 0)
    text += " The first " + N(c.first_dense_layers) + " layers have a dense " + N(c.hidden_dim) +
            "-wide feed-forward network instead.";
  return text;
}

BlogComponent ExtendedRouterComponent(const ModelConfig& c) {
  const bool sigmoid = c.router_scoring == engine::RouterScoring::kSigmoid;
  const std::string k = M(c.experts_per_token), E = M(c.num_experts);
  std::string math = std::string("s(x) = ") + (sigmoid ? "\\sigma" : "\\mathrm{softmax}") +
                     "(x W_r), \\qquad W_r \\in \\mathbb{R}^{" + M(c.embedding_dim) + " \\times " + E + "}\n";
  math += "\\mathcal{K} = \\mathrm{TopK}_{" + k + "}\\left(s(x)" + (c.router_bias ? " + b" : "") + "\\right)" +
          (c.router_groups > 0 ? "\\ \\text{within the top-}" + M(c.router_topk_groups) + "\\ \\text{of}\\ " +
                                     M(c.router_groups) + "\\ \\text{groups}"
                               : "") +
          "\n";
  const std::string rho = c.routed_scaling_factor != 1.0 ? D(c.routed_scaling_factor) + "\\, " : "";
  math += "g_e = " + rho + (c.router_renormalize ? "\\frac{s_e}{\\sum_{e' \\in \\mathcal{K}} s_{e'}}" : "s_e") +
          ", \\qquad \\mathrm{MoE}(x) = \\sum_{e \\in \\mathcal{K}} g_e\\, \\mathrm{FFN}_e(x)" +
          (c.num_shared_experts > 0 ? " + \\mathrm{FFN}_{\\mathrm{shared}}(x)" : "");
  std::vector<std::string> where;
  where.push_back("each " + Im("\\mathrm{FFN}_e") + " is a " + N(engine::ExpertHiddenDim(c)) +
                  "-wide gated MLP; only the chosen " + N(c.experts_per_token) + " run for a token");
  if (c.router_bias)
    where.push_back(Im("b") + " is a per-expert correction bias that affects the choice only, not " + Im("g_e") +
                    " (DeepSeek-V3's auxiliary-loss-free balancing; a buffer, not a parameter)");
  if (c.router_groups > 0)
    where.push_back("group-limited routing: the " + N(c.num_experts) + " experts form " + N(c.router_groups) +
                    " groups of " + N(c.num_experts / c.router_groups) + "; a group scores the sum of its top-2 " +
                    Im("s_e" + std::string(c.router_bias ? " + b_e" : "")) +
                    ", and a token chooses among the experts of its " + N(c.router_topk_groups) +
                    " best groups (DeepSeek-V3)");
  where.push_back(c.router_renormalize ? "the chosen scores are renormalized to sum to 1"
                                       : "the chosen scores are used as they are, not renormalized");
  if (c.routed_scaling_factor != 1.0)
    where.push_back("the routed weights are multiplied by " + D(c.routed_scaling_factor));
  if (c.num_shared_experts > 0)
    where.push_back(Im("\\mathrm{FFN}_{\\mathrm{shared}}") + " is " + N(c.num_shared_experts) +
                    " always-active shared expert" + (c.num_shared_experts > 1 ? "s" : "") + ", one MLP " +
                    N(c.num_shared_experts * engine::ExpertHiddenDim(c)) + " wide");
  if (c.first_dense_layers > 0)
    where.push_back("the first " + N(c.first_dense_layers) + " of " + N(c.num_layers) + " layers have a dense " +
                    N(c.hidden_dim) + "-wide MLP instead of experts");
  return {"Router (top-" + N(c.experts_per_token) + " of " + N(c.num_experts) + " experts" +
              (c.num_shared_experts > 0 ? " + " + N(c.num_shared_experts) + " shared" : "") + ")",
          std::string("The router scores every expert with a ") + (sigmoid ? "sigmoid" : "softmax") +
              (sigmoid ? " (DeepSeek-V3, DeepSeek-AI 2024)" : "") + " and mixes the chosen experts' outputs.",
          math, where};
}

}  // namespace render
