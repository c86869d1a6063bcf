// The documents' text for the decoder features of issue 16 (engine/config.h "decoder features",
// MLA and the Qwen3-MoE / DeepSeek-V3 router options): blog equations, the FLOP convention they
// follow, summary fragments and the KV cache they hold. Every function returns nothing for a
// model that uses none of them, so the documents of such a model do not change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"
#include "generator/render/blog_families.h"

namespace render {

// Whether c uses any feature below (false for every model written before them).
bool UsesDecoderFeatures(const engine::ModelConfig& c);
// Whether the moe router or expert layout differs from Mixtral's (shared experts, dense first
// layers, an expert width of its own, sigmoid scores, a correction bias, group-limited routing,
// no renormalization or a routed scaling factor).
bool UsesExtendedMoe(const engine::ModelConfig& c);

// Layers that use the sliding window (LayerIsLocal), 0 without one.
int64_t LocalLayerCount(const engine::ModelConfig& c);
// KV-cache values one token adds to one layer: MLA's c_kv and k_rope (kv_lora_rank +
// qk_rope_head_dim), else K and V (2 x num_kv_heads x head_dim).
int64_t KvValuesPerTokenLayer(const engine::ModelConfig& c);
// KV-cache values of n tokens over all layers: sum over layers of min(n, W_l) x the above (a
// local layer keeps a rolling buffer of its W positions; a global one every position).
int64_t KvCacheValues(const engine::ModelConfig& c, int64_t n);
// What a standard cache of the same heads would hold per token (MLA comparison):
// layers x num_heads x (QkHeadDim + VHeadDim) values.
int64_t StandardKvValuesPerToken(const engine::ModelConfig& c);

// The FLOP convention for the features c uses, one sentence each (empty when none): the
// sliding window's min(p, W) keys with the full-attention figure beside it (T = context_length),
// MLA's projections as computed, MoE's shared + routed experts and dense first layers.
std::vector<std::string> FeatureFlopNotes(const engine::ModelConfig& c);

// How the KV cache departs from 2 x layers x KV heads x head dim per token, one sentence each
// (empty when it does not): MLA's latent, the local layers' rolling windows.
std::vector<std::string> KvFeatureNotes(const engine::ModelConfig& c);

// Short fragments for one-line summaries ("sliding window 4,096 on 13 of 26 layers", "QK-norm").
std::vector<std::string> FeatureSummary(const engine::ModelConfig& c);

// Key components of the post for the features (after attention, FFN, position and norm):
// RoPE scaling, partial rotary, sliding window, residual layout (parallel, sandwich), QK-norm,
// embedding scale, soft-capping, MLA.
std::vector<BlogComponent> DecoderFeatureComponents(const engine::ModelConfig& c);
// The moe router for UsesExtendedMoe configs (replaces the Mixtral router component).
BlogComponent ExtendedRouterComponent(const engine::ModelConfig& c);

// The doc page's sentences on an UsesExtendedMoe router (after the experts' FFN text).
std::string ExtendedRouterText(const engine::ModelConfig& c);

// The attention-score line of the post's attention equation for configs whose scale, caps or
// window differ from softmax(QK^T / sqrt(d_k) + M): empty otherwise.
std::string FeatureAttentionScoreMath(const engine::ModelConfig& c);
// "Where:" bullets of the attention equation for the features (window mask, scale, cap).
std::vector<std::string> FeatureAttentionWhere(const engine::ModelConfig& c);

}  // namespace render
