// The ModelConfig fields issue 16 added (decoder features, multi-head latent attention, the
// Qwen3-MoE / DeepSeek-V3 MoE options, checkpoint_layout) as JSON, for the results JSON
// (results_json.cc) and the measured-inputs fingerprint (measured_inputs.cc). A field is written
// only when it differs from its ModelConfig default, so every config that predates them (every
// committed results/*.json and its fingerprint) serializes byte for byte as before; a reader
// leaves an absent field at its default. Header-only: both nlohmann::json and ordered_json use it.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

#include "engine/config.h"

namespace results {

// Calls visit(name, field) for every issue-16 field, in the fixed order JSON writes them:
// int64_t, double, bool and std::string members, and the two enums.
template <typename Config, typename Visit>
void ForEachDecoderFeature(Config& c, Visit&& visit) {
  visit("rope_scaling", c.rope_scaling);
  visit("rope_scaling_factor", c.rope_scaling_factor);
  visit("rope_original_context", c.rope_original_context);
  visit("rope_low_freq_factor", c.rope_low_freq_factor);
  visit("rope_high_freq_factor", c.rope_high_freq_factor);
  visit("rope_beta_fast", c.rope_beta_fast);
  visit("rope_beta_slow", c.rope_beta_slow);
  visit("rope_attention_factor", c.rope_attention_factor);
  visit("rope_mscale_all_dim", c.rope_mscale_all_dim);
  visit("rotary_dim", c.rotary_dim);
  visit("sliding_window", c.sliding_window);
  visit("sliding_window_pattern", c.sliding_window_pattern);
  visit("parallel_residual", c.parallel_residual);
  visit("qk_norm", c.qk_norm);
  visit("sandwich_norm", c.sandwich_norm);
  visit("embedding_scale", c.embedding_scale);
  visit("attn_logit_softcap", c.attn_logit_softcap);
  visit("final_logit_softcap", c.final_logit_softcap);
  visit("query_pre_attn_scalar", c.query_pre_attn_scalar);
  visit("q_lora_rank", c.q_lora_rank);
  visit("kv_lora_rank", c.kv_lora_rank);
  visit("qk_nope_head_dim", c.qk_nope_head_dim);
  visit("qk_rope_head_dim", c.qk_rope_head_dim);
  visit("v_head_dim", c.v_head_dim);
  visit("moe_hidden_dim", c.moe_hidden_dim);
  visit("num_shared_experts", c.num_shared_experts);
  visit("first_dense_layers", c.first_dense_layers);
  visit("router_renormalize", c.router_renormalize);
  visit("router_scoring", c.router_scoring);
  visit("router_bias", c.router_bias);
  visit("router_groups", c.router_groups);
  visit("router_topk_groups", c.router_topk_groups);
  visit("routed_scaling_factor", c.routed_scaling_factor);
  visit("checkpoint_layout", c.checkpoint_layout);
}

namespace config_features_internal {
inline std::string Name(engine::RopeScaling r) { return engine::RopeScalingName(r); }
inline std::string Name(engine::RouterScoring r) { return engine::RouterScoringName(r); }
template <typename T>
const T& Name(const T& v) {
  return v;
}
}  // namespace config_features_internal

// Adds to the JSON object *j every issue-16 field of c that differs from its default (enums by
// their spec names).
template <typename Json>
void WriteDecoderFeatures(const engine::ModelConfig& c, Json* j) {
  const engine::ModelConfig defaults;
  auto changed = [&](const char* name, const auto& value) {
    bool differs = true;
    ForEachDecoderFeature(defaults, [&](const char* n, const auto& d) {
      if constexpr (std::is_same_v<std::decay_t<decltype(d)>, std::decay_t<decltype(value)>>)
        if (std::string(n) == name) differs = !(d == value);
    });
    return differs;
  };
  ForEachDecoderFeature(c, [&](const char* name, const auto& value) {
    if (changed(name, value)) (*j)[name] = config_features_internal::Name(value);
  });
}

// Reads back what WriteDecoderFeatures wrote: an absent field keeps its default. Returns "" or
// the first problem as "<name>: expected ..." (the caller prefixes the path).
template <typename Json>
std::string ReadDecoderFeatures(const Json& j, engine::ModelConfig* c) {
  std::string problem;
  ForEachDecoderFeature(*c, [&](const char* name, auto& field) {
    if (!problem.empty() || !j.contains(name)) return;
    const Json& v = j.at(name);
    using T = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_boolean())
        problem = std::string(name) + ": expected true or false";
      else
        field = v.template get<bool>();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      if (!v.is_number_integer())
        problem = std::string(name) + ": expected an integer";
      else
        field = v.template get<int64_t>();
    } else if constexpr (std::is_same_v<T, double>) {
      if (!v.is_number())
        problem = std::string(name) + ": expected a number";
      else
        field = v.template get<double>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!v.is_string())
        problem = std::string(name) + ": expected a string";
      else
        field = v.template get<std::string>();
    } else if constexpr (std::is_same_v<T, engine::RopeScaling>) {
      if (!v.is_string() || !engine::RopeScalingFromName(v.template get<std::string>(), &field))
        problem = std::string(name) + ": expected none | linear | dynamic | yarn | llama3";
    } else {
      if (!v.is_string() || !engine::RouterScoringFromName(v.template get<std::string>(), &field))
        problem = std::string(name) + ": expected softmax | sigmoid";
    }
  });
  return problem;
}

}  // namespace results
