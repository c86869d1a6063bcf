// Our parameter names <-> Hugging Face GPT-2 and Llama checkpoint names.
#include "engine/weights/hf_names.h"

#include <string>

namespace engine {
namespace {

std::string Shape(int64_t a) { return "(" + std::to_string(a) + ")"; }
std::string Shape(int64_t a, int64_t b) {
  return "(" + std::to_string(a) + ", " + std::to_string(b) + ")";
}

}  // namespace

std::string HfLayoutFor(const ModelConfig& c) {
  return (c.position == Position::kLearned && c.norm == Norm::kLayerNorm) ? "gpt2" : "llama";
}

std::vector<WeightNameMapping> HfWeightNames(const ModelConfig& c) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim;
  const int64_t qkv = (c.num_heads + 2 * c.num_kv_heads) * c.head_dim;
  const int64_t fc = (IsGated(c.activation) ? 2 : 1) * c.hidden_dim;
  const bool gpt2 = HfLayoutFor(c) == "gpt2";
  const bool norm_bias = c.norm == Norm::kLayerNorm && c.bias;
  std::vector<WeightNameMapping> rows;
  auto add = [&](std::string ours, std::string hf, std::string shape, std::string note = "") {
    rows.push_back({std::move(ours), std::move(hf), std::move(shape), std::move(note)});
  };
  if (gpt2) {
    const std::string conv = "Conv1D: stored transposed, (in, out)";
    add("tok_emb.weight", "transformer.wte.weight", Shape(c.vocab_size, C));
    add("pos_emb.weight", "transformer.wpe.weight", Shape(c.context_length, C));
    add("blocks.{i}.norm1.weight", "transformer.h.{i}.ln_1.weight", Shape(C));
    if (norm_bias) add("blocks.{i}.norm1.bias", "transformer.h.{i}.ln_1.bias", Shape(C));
    add("blocks.{i}.attn.qkv.weight", "transformer.h.{i}.attn.c_attn.weight", Shape(qkv, C), conv);
    if (c.qkv_bias) add("blocks.{i}.attn.qkv.bias", "transformer.h.{i}.attn.c_attn.bias", Shape(qkv));
    add("blocks.{i}.attn.proj.weight", "transformer.h.{i}.attn.c_proj.weight", Shape(C, A), conv);
    if (c.bias) add("blocks.{i}.attn.proj.bias", "transformer.h.{i}.attn.c_proj.bias", Shape(C));
    add("blocks.{i}.norm2.weight", "transformer.h.{i}.ln_2.weight", Shape(C));
    if (norm_bias) add("blocks.{i}.norm2.bias", "transformer.h.{i}.ln_2.bias", Shape(C));
    add("blocks.{i}.mlp.fc.weight", "transformer.h.{i}.mlp.c_fc.weight", Shape(fc, C), conv);
    if (c.bias) add("blocks.{i}.mlp.fc.bias", "transformer.h.{i}.mlp.c_fc.bias", Shape(fc));
    add("blocks.{i}.mlp.proj.weight", "transformer.h.{i}.mlp.c_proj.weight", Shape(C, c.hidden_dim), conv);
    if (c.bias) add("blocks.{i}.mlp.proj.bias", "transformer.h.{i}.mlp.c_proj.bias", Shape(C));
    add("norm_f.weight", "transformer.ln_f.weight", Shape(C));
    if (norm_bias) add("norm_f.bias", "transformer.ln_f.bias", Shape(C));
    if (!c.tie_embeddings) add("lm_head.weight", "lm_head.weight", Shape(c.vocab_size, C));
    return rows;
  }
  add("tok_emb.weight", "model.embed_tokens.weight", Shape(c.vocab_size, C));
  if (c.position == Position::kLearned)
    add("pos_emb.weight", "model.embed_positions.weight", Shape(c.context_length, C));
  add("blocks.{i}.norm1.weight", "model.layers.{i}.input_layernorm.weight", Shape(C));
  if (norm_bias) add("blocks.{i}.norm1.bias", "model.layers.{i}.input_layernorm.bias", Shape(C));
  add("blocks.{i}.attn.qkv.weight", "model.layers.{i}.self_attn.{q,k,v}_proj.weight", Shape(qkv, C),
      "rows = concat(q_proj, k_proj, v_proj)");
  if (c.qkv_bias)
    add("blocks.{i}.attn.qkv.bias", "model.layers.{i}.self_attn.{q,k,v}_proj.bias", Shape(qkv),
        "concat(q, k, v)");
  add("blocks.{i}.attn.proj.weight", "model.layers.{i}.self_attn.o_proj.weight", Shape(C, A));
  if (c.bias) add("blocks.{i}.attn.proj.bias", "model.layers.{i}.self_attn.o_proj.bias", Shape(C));
  add("blocks.{i}.norm2.weight", "model.layers.{i}.post_attention_layernorm.weight", Shape(C));
  if (norm_bias)
    add("blocks.{i}.norm2.bias", "model.layers.{i}.post_attention_layernorm.bias", Shape(C));
  if (IsGated(c.activation)) {
    add("blocks.{i}.mlp.fc.weight", "model.layers.{i}.mlp.{gate,up}_proj.weight", Shape(fc, C),
        "rows = concat(gate_proj, up_proj)");
  } else {
    add("blocks.{i}.mlp.fc.weight", "model.layers.{i}.mlp.up_proj.weight", Shape(fc, C));
  }
  if (c.bias) add("blocks.{i}.mlp.fc.bias", "model.layers.{i}.mlp.{gate,up}_proj.bias", Shape(fc));
  add("blocks.{i}.mlp.proj.weight", "model.layers.{i}.mlp.down_proj.weight", Shape(C, c.hidden_dim));
  if (c.bias) add("blocks.{i}.mlp.proj.bias", "model.layers.{i}.mlp.down_proj.bias", Shape(C));
  add("norm_f.weight", "model.norm.weight", Shape(C));
  if (norm_bias) add("norm_f.bias", "model.norm.bias", Shape(C));
  if (!c.tie_embeddings) add("lm_head.weight", "lm_head.weight", Shape(c.vocab_size, C));
  return rows;
}

}  // namespace engine
