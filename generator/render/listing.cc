// PyTorchListing (see listing.h): the values of this architecture for its listing template.
// Every value below mirrors a branch of the LibTorch model in engine/.
#include "generator/render/listing.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/status.h"
#include "generator/render/decoder_features.h"
#include "generator/render/diagrams.h"
#include "generator/render/format.h"
#include "generator/render/renderer.h"
#include "generator/render/view_helpers.h"

namespace render {
namespace {

using engine::Activation;
using engine::ModelConfig;
using engine::Norm;
using engine::Position;
using internal::View;

std::string I(int64_t n) { return std::to_string(n); }

// The architecture (everything but the dimensions) of two configs is the same.
bool SameArchitecture(const ModelConfig& a, const ModelConfig& b) {
  return a.family == b.family && a.experts_per_token == b.experts_per_token && a.norm == b.norm &&
         a.norm_eps == b.norm_eps && a.activation == b.activation && a.position == b.position &&
         a.rope_theta == b.rope_theta && a.bias == b.bias && a.qkv_bias == b.qkv_bias &&
         a.tie_embeddings == b.tie_embeddings && a.rope_scaling == b.rope_scaling &&
         a.rope_scaling_factor == b.rope_scaling_factor && a.rope_original_context == b.rope_original_context &&
         a.rope_low_freq_factor == b.rope_low_freq_factor && a.rope_high_freq_factor == b.rope_high_freq_factor &&
         a.rope_beta_fast == b.rope_beta_fast && a.rope_beta_slow == b.rope_beta_slow &&
         a.rope_attention_factor == b.rope_attention_factor && (a.rotary_dim > 0) == (b.rotary_dim > 0) &&
         (a.sliding_window > 0) == (b.sliding_window > 0) && a.sliding_window_pattern == b.sliding_window_pattern &&
         a.parallel_residual == b.parallel_residual && a.qk_norm == b.qk_norm && a.sandwich_norm == b.sandwich_norm &&
         a.embedding_scale == b.embedding_scale && a.attn_logit_softcap == b.attn_logit_softcap &&
         a.final_logit_softcap == b.final_logit_softcap && a.query_pre_attn_scalar == b.query_pre_attn_scalar &&
         engine::UsesMla(a) == engine::UsesMla(b) && (a.q_lora_rank > 0) == (b.q_lora_rank > 0) &&
         a.num_shared_experts == b.num_shared_experts && (a.first_dense_layers > 0) == (b.first_dense_layers > 0) &&
         a.router_renormalize == b.router_renormalize && a.router_scoring == b.router_scoring &&
         a.router_bias == b.router_bias && a.router_groups == b.router_groups &&
         a.router_topk_groups == b.router_topk_groups && a.routed_scaling_factor == b.routed_scaling_factor;
}

// The Config fields of the decoder features a size sets (", sliding_window=4096, ..."): empty
// for a model that uses none, so its listing is unchanged.
std::string FeatureConfigFields(const ModelConfig& k) {
  std::string out;
  auto add = [&](const char* key, int64_t v) { out += std::string(", ") + key + "=" + I(v); };
  if (k.rotary_dim > 0) add("rotary_dim", k.rotary_dim);
  if (k.sliding_window > 0) add("sliding_window", k.sliding_window);
  if (engine::UsesMla(k)) {
    if (k.q_lora_rank > 0) add("q_lora_rank", k.q_lora_rank);
    add("kv_lora_rank", k.kv_lora_rank);
    add("qk_nope_head_dim", k.qk_nope_head_dim);
    add("qk_rope_head_dim", k.qk_rope_head_dim);
    add("v_head_dim", k.v_head_dim);
  }
  if (UsesExtendedMoe(k)) {
    add("moe_hidden_dim", engine::ExpertHiddenDim(k));
    if (k.num_shared_experts > 0) add("num_shared_experts", k.num_shared_experts);
    if (k.first_dense_layers > 0) add("first_dense_layers", k.first_dense_layers);
  }
  return out;
}

// A double as a Python literal ("8.0", "0.125"): FormatShortestDouble plus ".0" for integers.
std::string PyFloat(double v) {
  std::string s = FormatShortestDouble(v);
  return s.find_first_of(".e") == std::string::npos ? s + ".0" : s;
}

// The listing's keys for the decoder features (all false / empty for a model without them).
void AddFeatureListingValues(const ModelConfig& c, View* v) {
  const bool mla = engine::UsesMla(c), moe_ext = UsesExtendedMoe(c);
  const bool custom_scale =
      c.query_pre_attn_scalar > 0 || mla || (c.rope_scaling == engine::RopeScaling::kYarn && c.rope_mscale_all_dim > 0);
  const bool windowed = c.sliding_window > 0;
  const bool custom_attention = windowed || c.attn_logit_softcap > 0 || custom_scale || mla;
  const int64_t original = c.rope_original_context > 0 ? c.rope_original_context : c.context_length;
  const double yarn_factor = c.rope_attention_factor > 0  ? c.rope_attention_factor
                             : c.rope_scaling_factor <= 1 ? 1.0
                                                          : 0.1 * std::log(c.rope_scaling_factor) + 1.0;
  const bool rope = c.position == Position::kRoPE;
  v->Flag("custom_attention", custom_attention)
      .Flag("sdpa_attention", !custom_attention)
      .Text("attention_scale", PyFloat(engine::AttentionScale(c)))
      .Flag("custom_scale", custom_scale)
      .Flag("attn_softcap", c.attn_logit_softcap > 0)
      .Text("attn_softcap_value", PyFloat(c.attn_logit_softcap))
      .Flag("final_softcap", c.final_logit_softcap > 0)
      .Text("final_softcap_value", PyFloat(c.final_logit_softcap))
      .Flag("any_softcap", c.attn_logit_softcap > 0 || c.final_logit_softcap > 0)
      .Flag("windowed", windowed)
      .Text("window_pattern", I(c.sliding_window_pattern))
      .Flag("window_every_layer", c.sliding_window_pattern <= 1)
      .Flag("per_layer", windowed || (moe_ext && c.first_dense_layers > 0))
      .Flag("qk_norm", c.qk_norm)
      .Flag("sandwich", c.sandwich_norm && !c.parallel_residual)
      .Flag("parallel", c.parallel_residual)
      .Flag("sequential_residual", !c.sandwich_norm && !c.parallel_residual)
      .Flag("embed_scale", c.embedding_scale)
      .Flag("partial_rotary", rope && c.rotary_dim > 0 && !mla)
      .Text("rope_dim_expr", mla                        ? "self.c.qk_rope_head_dim"
                             : rope && c.rotary_dim > 0 ? "self.c.rotary_dim"
                                                        : "self.c.head_dim")
      .Flag("rope_linear", rope && c.rope_scaling == engine::RopeScaling::kLinear)
      .Flag("rope_dynamic", rope && c.rope_scaling == engine::RopeScaling::kDynamic)
      .Flag("rope_yarn", rope && c.rope_scaling == engine::RopeScaling::kYarn)
      .Flag("rope_llama3", rope && c.rope_scaling == engine::RopeScaling::kLlama3)
      .Flag("needs_math",
            rope && (c.rope_scaling == engine::RopeScaling::kYarn || c.rope_scaling == engine::RopeScaling::kLlama3))
      .Text("rope_factor", PyFloat(c.rope_scaling_factor))
      .Text("rope_original", I(original))
      .Text("rope_low", PyFloat(c.rope_low_freq_factor))
      .Text("rope_high", PyFloat(c.rope_high_freq_factor))
      .Text("rope_beta_fast", PyFloat(c.rope_beta_fast))
      .Text("rope_beta_slow", PyFloat(c.rope_beta_slow))
      .Text("yarn_attention_factor", PyFloat(yarn_factor))
      .Flag("mla", mla)
      .Flag("plain_attention", !mla)
      .Flag("q_lora", mla && c.q_lora_rank > 0)
      .Flag("moe_ext", moe_ext)
      .Flag("moe_plain", c.family == engine::Family::kMoe && !moe_ext)
      .Text("ffn_width", moe_ext ? "hidden" : "c.hidden_dim")
      .Flag("sigmoid", c.router_scoring == engine::RouterScoring::kSigmoid)
      .Flag("router_bias", moe_ext && c.router_bias)
      .Flag("router_groups", moe_ext && c.router_groups > 0)
      .Text("router_groups_value", I(c.router_groups))
      .Text("router_topk_groups", I(c.router_topk_groups))
      .Flag("renormalize", c.router_renormalize)
      .Flag("routed_scaling", c.routed_scaling_factor != 1.0)
      .Text("routed_scaling_value", PyFloat(c.routed_scaling_factor))
      .Flag("shared_experts", moe_ext && c.num_shared_experts > 0)
      .Flag("dense_first", moe_ext && c.first_dense_layers > 0);
}

std::string PyBool(bool b) { return b ? "True" : "False"; }

// The activation as `function(argument + options)`: "F.gelu" and ", approximate=\"tanh\"".
std::string ActivationFunction(Activation a) {
  switch (a) {
    case Activation::kGELU: return "F.gelu";
    case Activation::kGELUTanh: return "F.gelu";
    case Activation::kReLU: return "F.relu";
    case Activation::kSiLU: return "F.silu";
    case Activation::kSwiGLU: return "F.silu";
    case Activation::kGeGLU: return "F.gelu";
    case Activation::kGeGLUTanh: return "F.gelu";
  }
  return "";
}

std::string ActivationOptions(Activation a) {
  return a == Activation::kGELUTanh || a == Activation::kGeGLUTanh ? ", approximate=\"tanh\"" : "";
}

std::string PositionWords(const ModelConfig& c) {
  switch (c.position) {
    case Position::kLearned: return "learned absolute positions";
    case Position::kSinusoidal: return "sinusoidal positions";
    case Position::kRoPE: return "rotary positions (RoPE, theta " + FormatShortestDouble(c.rope_theta) + ")";
    case Position::kALiBi: return "ALiBi attention biases";
    case Position::kNone: return "no position encoding";
  }
  return "";
}

// The values of templates/listings/decoder.mustache: `sizes` share the architecture of `c`, the
// run size's config; T is the sequence length main() runs.
kainjow::mustache::data DecoderListingValues(const std::vector<ListingSize>& sizes, const ModelConfig& c, int64_t T) {
  bool gqa = false;
  for (const auto& s : sizes) gqa = gqa || s.config.num_kv_heads != s.config.num_heads;
  const bool moe = c.family == engine::Family::kMoe;
  std::vector<View> size_views;
  for (const auto& s : sizes) {
    const ModelConfig& k = s.config;
    View size;
    size.Text("name", s.name)
        .Text("vocab_size", I(k.vocab_size))
        .Text("context_length", I(k.context_length))
        .Text("num_layers", I(k.num_layers))
        .Text("embedding_dim", I(k.embedding_dim))
        .Text("num_heads", I(k.num_heads))
        .Text("num_kv_heads", I(k.num_kv_heads))
        .Text("head_dim", I(k.head_dim))
        .Text("hidden_dim", I(k.hidden_dim))
        .Text("feature_fields", FeatureConfigFields(k));
    if (moe) size.Text("num_experts", I(k.num_experts)).Text("experts_per_token", I(k.experts_per_token));
    size_views.push_back(size);
  }
  View v;
  v.Items("sizes", size_views)
      .Text("position_words", PositionWords(c))
      .Text("attention_label", AttentionLabel(c))
      .Text("feed_forward_label", FeedForwardLabel(c))
      .Text("norm_label", NormLabel(c.norm))
      .Flag("learned", c.position == Position::kLearned)
      .Flag("sinusoidal", c.position == Position::kSinusoidal)
      .Flag("rope", c.position == Position::kRoPE)
      .Flag("alibi", c.position == Position::kALiBi)
      .Text("rope_theta", FormatShortestDouble(c.rope_theta))
      .Flag("rms_norm", c.norm == Norm::kRMSNorm)
      .Text("norm_eps", FormatShortestDouble(c.norm_eps))
      .Flag("bias", c.bias)
      .Text("bias_literal", PyBool(c.bias))
      .Text("qkv_bias_literal", PyBool(c.qkv_bias))
      .Flag("gated", engine::IsGated(c.activation))
      .Text("activation", ActivationFunction(c.activation))
      .Text("activation_options", ActivationOptions(c.activation))
      .Flag("gqa", gqa)
      .Flag("moe", moe)
      .Flag("tied", c.tie_embeddings)
      .Text("sequence_length", I(T));
  AddFeatureListingValues(c, &v);
  return v.data();
}

}  // namespace

std::string PyTorchListing(const std::string& templates_dir, const std::string& model_name,
                           const std::string& spec_path, const std::vector<ListingSize>& all_sizes,
                           const std::string& run_size, int64_t sequence_length) {
  const ListingSize* run = &all_sizes.front();
  for (const auto& s : all_sizes)
    if (s.name == run_size) run = &s;
  const ModelConfig& c = run->config;
  const bool decoder = c.family == engine::Family::kDecoder || c.family == engine::Family::kMoe;
  std::vector<ListingSize> sizes;  // a decoder listing holds the sizes of the run size's architecture
  for (const auto& s : all_sizes)
    if (!decoder || SameArchitecture(s.config, c)) sizes.push_back(s);

  kainjow::mustache::data data = decoder ? DecoderListingValues(sizes, c, std::min(sequence_length, c.context_length))
                                         : FamilyListingValues(sizes, *run, sequence_length);
  kainjow::mustache::data parameters(kainjow::mustache::data::type::list);
  for (size_t i = 0; i < sizes.size(); ++i)
    parameters.push_back(View()
                             .Text("name", sizes[i].name)
                             .Text("count", I(sizes[i].parameters))
                             .Flag("last", i + 1 == sizes.size())
                             .data());
  data.set("parameters", parameters);
  data.set("model_name", model_name);
  data.set("spec_path", spec_path);
  data.set("run_size", run->name);

  std::string py;
  const engine::Status s = RenderTemplate(
      templates_dir + "/listings", decoder ? "decoder" : engine::FamilyName(c.family), [&] { return data; }, &py);
  if (!s.ok()) return "# modelcard could not render this listing: " + s.message();
  if (!py.empty() && py.back() == '\n') py.pop_back();
  return py;
}

}  // namespace render
