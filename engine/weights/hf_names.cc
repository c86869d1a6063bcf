// Our parameter names <-> Hugging Face GPT-2 and Llama checkpoint names.
#include "engine/weights/hf_names.h"

#include <string>
#include <utility>

namespace engine {

std::string HfLayoutFor(const ModelConfig& c) {
  return (c.position == Position::kLearned && c.norm == Norm::kLayerNorm) ? "gpt2" : "llama";
}

std::vector<WeightNameMapping> HfWeightNames(const ModelConfig& c) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim;
  const int64_t q = c.num_heads * c.head_dim, kv = c.num_kv_heads * c.head_dim, qkv = q + 2 * kv;
  const int64_t H = c.hidden_dim, fc = (IsGated(c.activation) ? 2 : 1) * H;
  const bool gpt2 = HfLayoutFor(c) == "gpt2";
  const bool norm_bias = c.norm == Norm::kLayerNorm && c.bias;
  const std::vector<int64_t> qkv_parts = {q, kv, kv}, gate_up_parts = {H, H};
  std::vector<WeightNameMapping> rows;
  auto add = [&](std::string ours, std::string hf, std::vector<int64_t> dims, std::string note = "",
                 bool transposed = false, std::vector<int64_t> parts = {}) {
    std::string shape = "(";
    for (size_t k = 0; k < dims.size(); ++k) shape += (k ? ", " : "") + std::to_string(dims[k]);
    shape += ")";
    rows.push_back({std::move(ours), std::move(hf), std::move(shape), std::move(note), std::move(dims),
                    transposed, std::move(parts)});
  };
  if (gpt2) {
    // Conv1D computes x W + b with W stored (in, out): the transpose of our (out, in).
    const std::string conv = "Conv1D: stored transposed, (in, out)";
    auto add_conv = [&](std::string ours, std::string hf, std::vector<int64_t> dims) {
      add(std::move(ours), std::move(hf), std::move(dims), conv, /*transposed=*/true);
    };
    add("tok_emb.weight", "transformer.wte.weight", {c.vocab_size, C});
    add("pos_emb.weight", "transformer.wpe.weight", {c.context_length, C});
    add("blocks.{i}.norm1.weight", "transformer.h.{i}.ln_1.weight", {C});
    if (norm_bias) add("blocks.{i}.norm1.bias", "transformer.h.{i}.ln_1.bias", {C});
    // c_attn is already fused: its output columns are q | k | v, like our qkv rows.
    add_conv("blocks.{i}.attn.qkv.weight", "transformer.h.{i}.attn.c_attn.weight", {qkv, C});
    if (c.qkv_bias) add("blocks.{i}.attn.qkv.bias", "transformer.h.{i}.attn.c_attn.bias", {qkv});
    add_conv("blocks.{i}.attn.proj.weight", "transformer.h.{i}.attn.c_proj.weight", {C, A});
    if (c.bias) add("blocks.{i}.attn.proj.bias", "transformer.h.{i}.attn.c_proj.bias", {C});
    add("blocks.{i}.norm2.weight", "transformer.h.{i}.ln_2.weight", {C});
    if (norm_bias) add("blocks.{i}.norm2.bias", "transformer.h.{i}.ln_2.bias", {C});
    add_conv("blocks.{i}.mlp.fc.weight", "transformer.h.{i}.mlp.c_fc.weight", {fc, C});
    if (c.bias) add("blocks.{i}.mlp.fc.bias", "transformer.h.{i}.mlp.c_fc.bias", {fc});
    add_conv("blocks.{i}.mlp.proj.weight", "transformer.h.{i}.mlp.c_proj.weight", {C, H});
    if (c.bias) add("blocks.{i}.mlp.proj.bias", "transformer.h.{i}.mlp.c_proj.bias", {C});
    add("norm_f.weight", "transformer.ln_f.weight", {C});
    if (norm_bias) add("norm_f.bias", "transformer.ln_f.bias", {C});
    if (!c.tie_embeddings) add("lm_head.weight", "lm_head.weight", {c.vocab_size, C});
    return rows;
  }
  // Llama / Mistral / Qwen2. Their RoPE rotates halves (rotate_half), as our RotaryEmbedding
  // does (engine/layers/positions.h), so q_proj/k_proj rows are copied without permutation.
  add("tok_emb.weight", "model.embed_tokens.weight", {c.vocab_size, C});
  if (c.position == Position::kLearned)
    add("pos_emb.weight", "model.embed_positions.weight", {c.context_length, C});
  add("blocks.{i}.norm1.weight", "model.layers.{i}.input_layernorm.weight", {C});
  if (norm_bias) add("blocks.{i}.norm1.bias", "model.layers.{i}.input_layernorm.bias", {C});
  add("blocks.{i}.attn.qkv.weight", "model.layers.{i}.self_attn.{q,k,v}_proj.weight", {qkv, C},
      "rows = concat(q_proj, k_proj, v_proj)", false, qkv_parts);
  if (c.qkv_bias)
    add("blocks.{i}.attn.qkv.bias", "model.layers.{i}.self_attn.{q,k,v}_proj.bias", {qkv},
        "concat(q, k, v)", false, qkv_parts);
  add("blocks.{i}.attn.proj.weight", "model.layers.{i}.self_attn.o_proj.weight", {C, A});
  if (c.bias) add("blocks.{i}.attn.proj.bias", "model.layers.{i}.self_attn.o_proj.bias", {C});
  add("blocks.{i}.norm2.weight", "model.layers.{i}.post_attention_layernorm.weight", {C});
  if (norm_bias)
    add("blocks.{i}.norm2.bias", "model.layers.{i}.post_attention_layernorm.bias", {C});
  if (IsGated(c.activation)) {
    // Our fc rows are [gate; up] (engine/layers/mlp.h): act(gate) * up.
    add("blocks.{i}.mlp.fc.weight", "model.layers.{i}.mlp.{gate,up}_proj.weight", {fc, C},
        "rows = concat(gate_proj, up_proj)", false, gate_up_parts);
    if (c.bias)
      add("blocks.{i}.mlp.fc.bias", "model.layers.{i}.mlp.{gate,up}_proj.bias", {fc}, "", false, gate_up_parts);
  } else {
    add("blocks.{i}.mlp.fc.weight", "model.layers.{i}.mlp.up_proj.weight", {fc, C});
    if (c.bias) add("blocks.{i}.mlp.fc.bias", "model.layers.{i}.mlp.up_proj.bias", {fc});
  }
  add("blocks.{i}.mlp.proj.weight", "model.layers.{i}.mlp.down_proj.weight", {C, H});
  if (c.bias) add("blocks.{i}.mlp.proj.bias", "model.layers.{i}.mlp.down_proj.bias", {C});
  add("norm_f.weight", "model.norm.weight", {C});
  if (norm_bias) add("norm_f.bias", "model.norm.bias", {C});
  if (!c.tie_embeddings) add("lm_head.weight", "lm_head.weight", {c.vocab_size, C});
  return rows;
}

std::vector<std::string> ExpandHfName(const std::string& pattern, int64_t layer) {
  std::string name = pattern;
  for (size_t at = name.find("{i}"); at != std::string::npos; at = name.find("{i}"))
    name.replace(at, 3, std::to_string(layer));
  const size_t open = name.find('{');
  const size_t close = open == std::string::npos ? open : name.find('}', open);
  if (close == std::string::npos) return {name};
  const std::string head = name.substr(0, open), tail = name.substr(close + 1);
  const std::string group = name.substr(open + 1, close - open - 1);
  std::vector<std::string> out;
  for (size_t begin = 0;;) {
    const size_t comma = group.find(',', begin);
    out.push_back(head + group.substr(begin, comma - begin) + tail);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return out;
}

std::vector<std::string> HfIgnoredBuffers(const ModelConfig& c) {
  if (HfLayoutFor(c) == "gpt2") return {"transformer.h.{i}.attn.bias", "transformer.h.{i}.attn.masked_bias"};
  return {"model.layers.{i}.self_attn.rotary_emb.inv_freq"};
}

}  // namespace engine
