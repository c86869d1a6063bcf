// Our parameter names <-> checkpoint names of the Hugging Face and torchvision layouts.
#include "engine/weights/hf_names.h"

#include <cctype>
#include <string>
#include <utility>

namespace engine {
namespace {

std::string ShapeText(const std::vector<int64_t>& dims) {
  std::string shape = "(";
  for (size_t k = 0; k < dims.size(); ++k) shape += (k ? ", " : "") + std::to_string(dims[k]);
  return shape + ")";
}

// Rows under construction.
struct Rows {
  std::vector<WeightNameMapping> rows;
  void Add(std::string ours, std::string hf, std::vector<int64_t> dims, std::string note = "", bool transposed = false,
           std::vector<int64_t> parts = {}) {
    WeightNameMapping m;
    m.shape = ShapeText(dims);
    m.ours = std::move(ours);
    m.hf = std::move(hf);
    m.note = std::move(note);
    m.dims = std::move(dims);
    m.hf_transposed = transposed;
    m.part_rows = std::move(parts);
    rows.push_back(std::move(m));
  }
  // A row whose rope rows the checkpoint interleaves (WeightNameMapping::interleave_period).
  void AddInterleaved(std::string ours, std::string hf, std::vector<int64_t> dims, std::string note, int64_t period,
                      int64_t start, int64_t count) {
    Add(std::move(ours), std::move(hf), std::move(dims), std::move(note));
    rows.back().interleave_period = period;
    rows.back().interleave_start = start;
    rows.back().interleave_rows = count;
  }
  // A row whose shape varies (ResNet stages): the loader takes the parameter's own shape.
  void AddSymbolic(std::string ours, std::string hf, std::string shape, std::string note = "") {
    WeightNameMapping m;
    m.ours = std::move(ours);
    m.hf = std::move(hf);
    m.shape = std::move(shape);
    m.note = std::move(note);
    rows.push_back(std::move(m));
  }
  // weight (and bias) of a LayerNorm: ours.{weight,bias} <- hf.{weight,bias}.
  void AddNorm(const std::string& ours, const std::string& hf, int64_t dim, bool bias = true) {
    Add(ours + ".weight", hf + ".weight", {dim});
    if (bias) Add(ours + ".bias", hf + ".bias", {dim});
  }
  void AddLinear(const std::string& ours, const std::string& hf, int64_t out, int64_t in, bool bias) {
    Add(ours + ".weight", hf + ".weight", {out, in});
    if (bias) Add(ours + ".bias", hf + ".bias", {out});
  }
};

void Gpt2Rows(const ModelConfig& c, Rows* r) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim;
  const int64_t qkv = (c.num_heads + 2 * c.num_kv_heads) * c.head_dim;
  const int64_t H = c.hidden_dim, fc = (IsGated(c.activation) ? 2 : 1) * H;
  const bool norm_bias = c.bias;
  // Conv1D computes x W + b with W stored (in, out): the transpose of our (out, in).
  const std::string conv = "Conv1D: stored transposed, (in, out)";
  auto add_conv = [&](std::string ours, std::string hf, std::vector<int64_t> dims) {
    r->Add(std::move(ours), std::move(hf), std::move(dims), conv, /*transposed=*/true);
  };
  r->Add("tok_emb.weight", "transformer.wte.weight", {c.vocab_size, C});
  r->Add("pos_emb.weight", "transformer.wpe.weight", {c.context_length, C});
  r->AddNorm("blocks.{i}.norm1", "transformer.h.{i}.ln_1", C, norm_bias);
  // c_attn is already fused: its output columns are q | k | v, like our qkv rows.
  add_conv("blocks.{i}.attn.qkv.weight", "transformer.h.{i}.attn.c_attn.weight", {qkv, C});
  if (c.qkv_bias) r->Add("blocks.{i}.attn.qkv.bias", "transformer.h.{i}.attn.c_attn.bias", {qkv});
  add_conv("blocks.{i}.attn.proj.weight", "transformer.h.{i}.attn.c_proj.weight", {C, A});
  if (c.bias) r->Add("blocks.{i}.attn.proj.bias", "transformer.h.{i}.attn.c_proj.bias", {C});
  r->AddNorm("blocks.{i}.norm2", "transformer.h.{i}.ln_2", C, norm_bias);
  add_conv("blocks.{i}.mlp.fc.weight", "transformer.h.{i}.mlp.c_fc.weight", {fc, C});
  if (c.bias) r->Add("blocks.{i}.mlp.fc.bias", "transformer.h.{i}.mlp.c_fc.bias", {fc});
  add_conv("blocks.{i}.mlp.proj.weight", "transformer.h.{i}.mlp.c_proj.weight", {C, H});
  if (c.bias) r->Add("blocks.{i}.mlp.proj.bias", "transformer.h.{i}.mlp.c_proj.bias", {C});
  r->AddNorm("norm_f", "transformer.ln_f", C, norm_bias);
  if (!c.tie_embeddings) r->Add("lm_head.weight", "lm_head.weight", {c.vocab_size, C});
}

// Llama / Mistral / Qwen2 / Qwen3, Gemma and Gemma 2 ("gemma", "gemma2": RMSNorm weights stored
// as w - 1, and Gemma 2's four norms per layer), and Mixtral (moe: the feed-forward rows are the experts').
void LlamaRows(const ModelConfig& c, const std::string& layout, Rows* r) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim;
  const int64_t q = c.num_heads * c.head_dim, kv = c.num_kv_heads * c.head_dim, qkv = q + 2 * kv;
  const int64_t H = c.hidden_dim, fc = (IsGated(c.activation) ? 2 : 1) * H;
  const bool norm_bias = c.norm == Norm::kLayerNorm && c.bias;
  const std::vector<int64_t> qkv_parts = {q, kv, kv}, gate_up_parts = {H, H};
  const bool gemma = layout == "gemma" || layout == "gemma2";
  // GemmaRMSNorm computes norm(x) * (1 + w): our plain RMSNorm weight is the stored one + 1.
  auto add_norm = [&](const std::string& ours, const std::string& hf, int64_t dim) {
    if (!gemma) return r->AddNorm(ours, hf, dim, norm_bias);
    r->Add(ours + ".weight", hf + ".weight", {dim}, "stored as w - 1 (Gemma): + 1 on load");
    r->rows.back().add = 1.0;
  };
  // Their RoPE rotates halves (rotate_half), as our RotaryEmbedding does
  // (engine/layers/positions.h), so q_proj/k_proj rows are copied without permutation.
  r->Add("tok_emb.weight", "model.embed_tokens.weight", {c.vocab_size, C});
  if (c.position == Position::kLearned) r->Add("pos_emb.weight", "model.embed_positions.weight", {c.context_length, C});
  add_norm("blocks.{i}.norm1", "model.layers.{i}.input_layernorm", C);
  r->Add("blocks.{i}.attn.qkv.weight", "model.layers.{i}.self_attn.{q,k,v}_proj.weight", {qkv, C},
         "rows = concat(q_proj, k_proj, v_proj)", false, qkv_parts);
  if (c.qkv_bias)
    r->Add("blocks.{i}.attn.qkv.bias", "model.layers.{i}.self_attn.{q,k,v}_proj.bias", {qkv}, "concat(q, k, v)", false,
           qkv_parts);
  if (c.qk_norm) {  // Qwen3: RMSNorm over head_dim, one weight vector shared by the heads
    r->Add("blocks.{i}.attn.q_norm.weight", "model.layers.{i}.self_attn.q_norm.weight", {c.head_dim});
    r->Add("blocks.{i}.attn.k_norm.weight", "model.layers.{i}.self_attn.k_norm.weight", {c.head_dim});
  }
  r->Add("blocks.{i}.attn.proj.weight", "model.layers.{i}.self_attn.o_proj.weight", {C, A});
  if (c.bias) r->Add("blocks.{i}.attn.proj.bias", "model.layers.{i}.self_attn.o_proj.bias", {C});
  if (c.sandwich_norm) {  // Gemma 2: post_attention_layernorm after attention, pre_feedforward_layernorm before the MLP
    add_norm("blocks.{i}.post_attn_norm", "model.layers.{i}.post_attention_layernorm", C);
    add_norm("blocks.{i}.norm2", "model.layers.{i}.pre_feedforward_layernorm", C);
  } else {
    add_norm("blocks.{i}.norm2", "model.layers.{i}.post_attention_layernorm", C);
  }
  if (TraitsOf(c).experts) {
    // Mixtral: router = block_sparse_moe.gate; expert e's w1 (gate), w3 (up), w2 (down).
    const std::string moe = "model.layers.{i}.block_sparse_moe";
    r->Add("blocks.{i}.mlp.router.weight", moe + ".gate.weight", {c.num_experts, C}, "router");
    r->Add("blocks.{i}.mlp.experts.{e}.fc.weight", moe + ".experts.{e}.{w1,w3}.weight", {fc, C},
           "rows = concat(w1 (gate), w3 (up))", false, gate_up_parts);
    r->Add("blocks.{i}.mlp.experts.{e}.proj.weight", moe + ".experts.{e}.w2.weight", {C, H}, "w2 (down)");
  } else if (IsGated(c.activation)) {
    // Our fc rows are [gate; up] (engine/layers/mlp.h): act(gate) * up.
    r->Add("blocks.{i}.mlp.fc.weight", "model.layers.{i}.mlp.{gate,up}_proj.weight", {fc, C},
           "rows = concat(gate_proj, up_proj)", false, gate_up_parts);
    if (c.bias)
      r->Add("blocks.{i}.mlp.fc.bias", "model.layers.{i}.mlp.{gate,up}_proj.bias", {fc}, "", false, gate_up_parts);
  } else {
    r->Add("blocks.{i}.mlp.fc.weight", "model.layers.{i}.mlp.up_proj.weight", {fc, C});
    if (c.bias) r->Add("blocks.{i}.mlp.fc.bias", "model.layers.{i}.mlp.up_proj.bias", {fc});
  }
  if (!TraitsOf(c).experts) {
    r->Add("blocks.{i}.mlp.proj.weight", "model.layers.{i}.mlp.down_proj.weight", {C, H});
    if (c.bias) r->Add("blocks.{i}.mlp.proj.bias", "model.layers.{i}.mlp.down_proj.bias", {C});
  }
  if (c.sandwich_norm) add_norm("blocks.{i}.post_ffw_norm", "model.layers.{i}.post_feedforward_layernorm", C);
  add_norm("norm_f", "model.norm", C);
  if (!c.tie_embeddings) r->Add("lm_head.weight", "lm_head.weight", {c.vocab_size, C});
}

// A SwiGLU feed-forward of width `hidden` under `ours` <- `hf`.{gate,up,down}_proj (Qwen3-MoE,
// DeepSeek-V3: dense layers, each expert, the shared experts).
void GatedMlpRows(const std::string& ours, const std::string& hf, int64_t C, int64_t hidden, const std::string& note,
                  Rows* r) {
  r->Add(ours + ".fc.weight", hf + ".{gate,up}_proj.weight", {2 * hidden, C},
         "rows = concat(gate_proj, up_proj)" + (note.empty() ? "" : "; " + note), false, {hidden, hidden});
  r->Add(ours + ".proj.weight", hf + ".down_proj.weight", {C, hidden}, note);
}

// The feed-forward rows of a Qwen3-MoE / DeepSeek-V3 layer: a dense MLP in the first
// first_dense_layers layers, experts (and shared experts) after. Our names tell them apart
// (mlp.fc vs mlp.experts.{e}.fc), so one row each serves every layer.
void MoeFeedForwardRows(const ModelConfig& c, bool correction_bias, Rows* r) {
  const int64_t C = c.embedding_dim, E = ExpertHiddenDim(c);
  const std::string mlp = "model.layers.{i}.mlp";
  const bool dense = !TraitsOf(c).experts || c.first_dense_layers > 0;
  if (dense) {
    const std::string which = TraitsOf(c).experts ? "layers i < " + std::to_string(c.first_dense_layers) : "";
    GatedMlpRows("blocks.{i}.mlp", mlp, C, c.hidden_dim, which, r);
  }
  if (!TraitsOf(c).experts || c.first_dense_layers >= c.num_layers) return;
  r->Add("blocks.{i}.mlp.router.weight", mlp + ".gate.weight", {c.num_experts, C}, "router");
  if (correction_bias && c.router_bias)
    r->Add("blocks.{i}.mlp.router_bias", mlp + ".gate.e_score_correction_bias", {c.num_experts},
           "buffer: added to the scores for the choice only");
  GatedMlpRows("blocks.{i}.mlp.experts.{e}", mlp + ".experts.{e}", C, E, "", r);
  if (c.num_shared_experts > 0)
    GatedMlpRows("blocks.{i}.mlp.shared_experts", mlp + ".shared_experts", C, c.num_shared_experts * E,
                 std::to_string(c.num_shared_experts) + " shared experts as one MLP", r);
}

// Qwen3-MoE (Qwen3MoeForCausalLM): Llama attention with RMSNorm on each head's q and k
// (q_norm, k_norm over head_dim), softmax top-k experts without shared experts.
void Qwen3MoeRows(const ModelConfig& c, Rows* r) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim;
  const int64_t q = c.num_heads * c.head_dim, kv = c.num_kv_heads * c.head_dim, qkv = q + 2 * kv;
  const std::string attn = "model.layers.{i}.self_attn";
  r->Add("tok_emb.weight", "model.embed_tokens.weight", {c.vocab_size, C});
  r->AddNorm("blocks.{i}.norm1", "model.layers.{i}.input_layernorm", C, false);
  r->Add("blocks.{i}.attn.qkv.weight", attn + ".{q,k,v}_proj.weight", {qkv, C}, "rows = concat(q_proj, k_proj, v_proj)",
         false, {q, kv, kv});
  if (c.qkv_bias)
    r->Add("blocks.{i}.attn.qkv.bias", attn + ".{q,k,v}_proj.bias", {qkv}, "concat(q, k, v)", false, {q, kv, kv});
  if (c.qk_norm) {
    r->Add("blocks.{i}.attn.q_norm.weight", attn + ".q_norm.weight", {c.head_dim}, "RMSNorm of each head's q");
    r->Add("blocks.{i}.attn.k_norm.weight", attn + ".k_norm.weight", {c.head_dim}, "RMSNorm of each head's k");
  }
  r->Add("blocks.{i}.attn.proj.weight", attn + ".o_proj.weight", {C, A});
  if (c.bias) r->Add("blocks.{i}.attn.proj.bias", attn + ".o_proj.bias", {C});
  r->AddNorm("blocks.{i}.norm2", "model.layers.{i}.post_attention_layernorm", C, false);
  MoeFeedForwardRows(c, /*correction_bias=*/false, r);
  r->AddNorm("norm_f", "model.norm", C, false);
  if (!c.tie_embeddings) r->Add("lm_head.weight", "lm_head.weight", {c.vocab_size, C});
}

// DeepSeek-V3 (DeepseekV3ForCausalLM, without the multi-token-prediction layer): multi-head
// latent attention (engine/layers/mla.h), dense SwiGLU in the first layers, then sigmoid-routed
// experts with a correction bias and shared experts. transformers rotates the rope part of q and
// k as interleaved pairs (rope_interleave, the default): the rope rows of q_b_proj (q_proj) in
// every head and of kv_a_proj_with_mqa are reordered on load, so our rotate-half RoPE gives
// identical scores.
void DeepseekV3Rows(const ModelConfig& c, Rows* r) {
  const int64_t C = c.embedding_dim, H = c.num_heads, qk = QkHeadDim(c), rank = c.kv_lora_rank;
  const int64_t nope = c.qk_nope_head_dim, rope = c.qk_rope_head_dim, v = c.v_head_dim;
  const std::string attn = "model.layers.{i}.self_attn";
  const std::string pairs = "rope rows interleaved -> halves";
  r->Add("tok_emb.weight", "model.embed_tokens.weight", {c.vocab_size, C});
  r->AddNorm("blocks.{i}.norm1", "model.layers.{i}.input_layernorm", C, false);
  if (c.q_lora_rank > 0) {
    r->AddLinear("blocks.{i}.attn.q_a", attn + ".q_a_proj", c.q_lora_rank, C, c.qkv_bias);
    r->AddNorm("blocks.{i}.attn.q_a_norm", attn + ".q_a_layernorm", c.q_lora_rank, false);
    r->AddInterleaved("blocks.{i}.attn.q_b.weight", attn + ".q_b_proj.weight", {H * qk, c.q_lora_rank},
                      "per head: " + pairs, qk, nope, rope);
  } else {
    r->AddInterleaved("blocks.{i}.attn.q.weight", attn + ".q_proj.weight", {H * qk, C}, "per head: " + pairs, qk, nope,
                      rope);
  }
  r->AddInterleaved("blocks.{i}.attn.kv_a.weight", attn + ".kv_a_proj_with_mqa.weight", {rank + rope, C},
                    "rows = [c_kv; k_rope]; " + pairs, rank + rope, rank, rope);
  if (c.qkv_bias)
    r->AddInterleaved("blocks.{i}.attn.kv_a.bias", attn + ".kv_a_proj_with_mqa.bias", {rank + rope}, pairs, rank + rope,
                      rank, rope);
  r->AddNorm("blocks.{i}.attn.kv_a_norm", attn + ".kv_a_layernorm", rank, false);
  r->Add("blocks.{i}.attn.kv_b.weight", attn + ".kv_b_proj.weight", {H * (nope + v), rank}, "per head: [k_nope; v]");
  r->AddLinear("blocks.{i}.attn.proj", attn + ".o_proj", C, H * v, c.bias);
  r->AddNorm("blocks.{i}.norm2", "model.layers.{i}.post_attention_layernorm", C, false);
  MoeFeedForwardRows(c, /*correction_bias=*/true, r);
  r->AddNorm("norm_f", "model.norm", C, false);
  if (!c.tie_embeddings) r->Add("lm_head.weight", "lm_head.weight", {c.vocab_size, C});
}

// Phi-3: Llama's names, but q|k|v and gate|up are single fused matrices, in our row order.
void Phi3Rows(const ModelConfig& c, Rows* r) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim, H = c.hidden_dim;
  const int64_t qkv = (c.num_heads + 2 * c.num_kv_heads) * c.head_dim;
  r->Add("tok_emb.weight", "model.embed_tokens.weight", {c.vocab_size, C});
  r->Add("blocks.{i}.norm1.weight", "model.layers.{i}.input_layernorm.weight", {C});
  r->Add("blocks.{i}.attn.qkv.weight", "model.layers.{i}.self_attn.qkv_proj.weight", {qkv, C},
         "fused rows q | k | v, as ours");
  r->Add("blocks.{i}.attn.proj.weight", "model.layers.{i}.self_attn.o_proj.weight", {C, A});
  r->Add("blocks.{i}.norm2.weight", "model.layers.{i}.post_attention_layernorm.weight", {C});
  r->Add("blocks.{i}.mlp.fc.weight", "model.layers.{i}.mlp.gate_up_proj.weight", {2 * H, C},
         "fused rows [gate; up], as ours");
  r->Add("blocks.{i}.mlp.proj.weight", "model.layers.{i}.mlp.down_proj.weight", {C, H});
  r->Add("norm_f.weight", "model.norm.weight", {C});
  if (!c.tie_embeddings) r->Add("lm_head.weight", "lm_head.weight", {c.vocab_size, C});
}

// GPT-NeoX / Pythia (GPTNeoXForCausalLM): LayerNorms with biases, biases everywhere, and a fused
// query_key_value whose rows are grouped per head, [h0: q, k, v; h1: q, k, v; ...]
// (GPTNeoXAttention views its output as (..., heads, 3 hs)): permuted to our q | k | v on load.
void GptNeoxRows(const ModelConfig& c, Rows* r) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim, H = c.hidden_dim;
  const std::string layer = "gpt_neox.layers.{i}";
  const std::string per_head = "rows per head [q_h; k_h; v_h]: permuted to q | k | v";
  r->Add("tok_emb.weight", "gpt_neox.embed_in.weight", {c.vocab_size, C});
  r->AddNorm("blocks.{i}.norm1", layer + ".input_layernorm", C, c.bias);
  r->Add("blocks.{i}.attn.qkv.weight", layer + ".attention.query_key_value.weight", {3 * A, C}, per_head);
  r->rows.back().interleaved_heads = c.num_heads;
  if (c.qkv_bias) {
    r->Add("blocks.{i}.attn.qkv.bias", layer + ".attention.query_key_value.bias", {3 * A}, per_head);
    r->rows.back().interleaved_heads = c.num_heads;
  }
  r->AddLinear("blocks.{i}.attn.proj", layer + ".attention.dense", C, A, c.bias);
  r->AddNorm("blocks.{i}.norm2", layer + ".post_attention_layernorm", C, c.bias);
  r->AddLinear("blocks.{i}.mlp.fc", layer + ".mlp.dense_h_to_4h", H, C, c.bias);
  r->AddLinear("blocks.{i}.mlp.proj", layer + ".mlp.dense_4h_to_h", C, H, c.bias);
  r->AddNorm("norm_f", "gpt_neox.final_layer_norm", C, c.bias);
  if (!c.tie_embeddings) r->Add("lm_head.weight", "embed_out.weight", {c.vocab_size, C});
}

// A BERT / ViT encoder layer: separate query/key/value into our qkv rows.
void EncoderLayerRows(const ModelConfig& c, const std::string& layer, const std::string& self, const std::string& norm1,
                      const std::string& norm2, Rows* r) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim, H = c.hidden_dim;
  r->Add("blocks.{i}.attn.qkv.weight", layer + "." + self + ".{query,key,value}.weight", {3 * A, C},
         "rows = concat(query, key, value)", false, {A, A, A});
  if (c.qkv_bias)
    r->Add("blocks.{i}.attn.qkv.bias", layer + "." + self + ".{query,key,value}.bias", {3 * A}, "concat(q, k, v)",
           false, {A, A, A});
  r->AddLinear("blocks.{i}.attn.proj", layer + ".attention.output.dense", C, A, c.bias);
  r->AddNorm("blocks.{i}.norm1", layer + "." + norm1, C);
  r->AddLinear("blocks.{i}.mlp.fc", layer + ".intermediate.dense", H, C, c.bias);
  r->AddLinear("blocks.{i}.mlp.proj", layer + ".output.dense", C, H, c.bias);
  r->AddNorm("blocks.{i}.norm2", layer + "." + norm2, C);
}

void BertRows(const ModelConfig& c, Rows* r) {
  const int64_t C = c.embedding_dim;
  r->Add("tok_emb.weight", "bert.embeddings.word_embeddings.weight", {c.vocab_size, C});
  r->Add("pos_emb.weight", "bert.embeddings.position_embeddings.weight", {c.context_length, C});
  if (c.type_vocab_size > 0)
    r->Add("type_emb.weight", "bert.embeddings.token_type_embeddings.weight", {c.type_vocab_size, C});
  r->AddNorm("emb_norm", "bert.embeddings.LayerNorm", C);
  // Post-norm: attention.output.LayerNorm follows attention, output.LayerNorm the MLP.
  EncoderLayerRows(c, "bert.encoder.layer.{i}", "attention.self", "attention.output.LayerNorm", "output.LayerNorm", r);
  if (c.pooler) r->AddLinear("pooler", "bert.pooler.dense", C, C, true);
  if (c.head == "mlm") {
    r->AddLinear("head.dense", "cls.predictions.transform.dense", C, C, true);
    r->AddNorm("head.norm", "cls.predictions.transform.LayerNorm", C);
    r->Add("head.bias", "cls.predictions.bias", {c.vocab_size}, "decoder weight tied to word_embeddings");
  } else if (c.head == "classifier") {
    r->AddLinear("head", "classifier", c.num_classes, C, true);
  }
}

void VitRows(const ModelConfig& c, Rows* r) {
  const int64_t C = c.embedding_dim, side = c.image_size / c.patch_size;
  r->Add("patch_embed.weight", "vit.embeddings.patch_embeddings.projection.weight",
         {C, c.channels, c.patch_size, c.patch_size});
  r->Add("patch_embed.bias", "vit.embeddings.patch_embeddings.projection.bias", {C});
  r->Add("cls_token", "vit.embeddings.cls_token", {1, 1, C});
  r->Add("pos_emb", "vit.embeddings.position_embeddings", {1, side * side + 1, C});
  EncoderLayerRows(c, "vit.encoder.layer.{i}", "attention.attention", "layernorm_before", "layernorm_after", r);
  r->AddNorm("norm_f", "vit.layernorm", C);
  if (c.num_classes > 0) r->AddLinear("head", "classifier", c.num_classes, C, true);
}

void ResNetRows(const ModelConfig& c, Rows* r) {
  const int64_t w = c.base_width, expansion = c.block == "bottleneck" ? 4 : 1;
  const int64_t final_width = (w << (c.stages.empty() ? 0 : c.stages.size() - 1)) * expansion;
  r->Add("stem.conv.weight", "conv1.weight", {w, c.channels, 7, 7});
  auto bn = [&](const std::string& ours, const std::string& tv, const std::string& shape, bool symbolic, int64_t dim) {
    for (const char* part : {"weight", "bias", "running_mean", "running_var"}) {
      const std::string note = std::string(part).rfind("running", 0) == 0 ? "batch-norm statistics (buffer)" : "";
      if (symbolic)
        r->AddSymbolic(ours + "." + part, tv + "." + part, shape, note);
      else
        r->Add(ours + "." + part, tv + "." + part, {dim}, note);
    }
  };
  bn("stem.bn", "bn1", "", false, w);
  const std::string block = "stages.{s}.{b}", tv = "layer{s+1}.{b}";
  const std::string widths = "W_s = " + std::to_string(w) + " x 2^s";
  if (expansion == 4 && (c.groups != 1 || c.width_per_group != 64)) {
    // ResNeXt / Wide ResNet: inner width D_s = int(W_s x width_per_group / 64) x groups, grouped 3x3.
    const std::string g = std::to_string(c.groups);
    r->AddSymbolic(block + ".conv1.weight", tv + ".conv1.weight", "(D_s, in, 1, 1)",
                   widths + "; D_s = int(W_s x " + std::to_string(c.width_per_group) + " / 64) x " + g);
    bn(block + ".bn1", tv + ".bn1", "(D_s)", true, 0);
    r->AddSymbolic(block + ".conv2.weight", tv + ".conv2.weight",
                   c.groups == 1 ? "(D_s, D_s, 3, 3)" : "(D_s, D_s / " + g + ", 3, 3)",
                   (c.groups == 1 ? "" : g + " groups; ") + std::string("stride 2 in block 0 of s > 0"));
    bn(block + ".bn2", tv + ".bn2", "(D_s)", true, 0);
    r->AddSymbolic(block + ".conv3.weight", tv + ".conv3.weight", "(4 W_s, D_s, 1, 1)");
    bn(block + ".bn3", tv + ".bn3", "(4 W_s)", true, 0);
  } else if (expansion == 4) {
    r->AddSymbolic(block + ".conv1.weight", tv + ".conv1.weight", "(W_s, in, 1, 1)", widths);
    bn(block + ".bn1", tv + ".bn1", "(W_s)", true, 0);
    r->AddSymbolic(block + ".conv2.weight", tv + ".conv2.weight", "(W_s, W_s, 3, 3)", "stride 2 in block 0 of s > 0");
    bn(block + ".bn2", tv + ".bn2", "(W_s)", true, 0);
    r->AddSymbolic(block + ".conv3.weight", tv + ".conv3.weight", "(4 W_s, W_s, 1, 1)");
    bn(block + ".bn3", tv + ".bn3", "(4 W_s)", true, 0);
  } else {
    r->AddSymbolic(block + ".conv1.weight", tv + ".conv1.weight", "(W_s, in, 3, 3)",
                   widths + "; stride 2 in block 0 of s > 0");
    bn(block + ".bn1", tv + ".bn1", "(W_s)", true, 0);
    r->AddSymbolic(block + ".conv2.weight", tv + ".conv2.weight", "(W_s, W_s, 3, 3)");
    bn(block + ".bn2", tv + ".bn2", "(W_s)", true, 0);
  }
  r->AddSymbolic(block + ".downsample.conv.weight", tv + ".downsample.0.weight", "(out, in, 1, 1)",
                 "block 0 where the shape changes");
  bn(block + ".downsample.bn", tv + ".downsample.1", "(out)", true, 0);
  if (c.num_classes > 0) r->AddLinear("fc", "fc", c.num_classes, final_width, true);
}

bool IsPlaceholder(const std::string& inner) {
  if (inner.empty() || !std::isalpha(static_cast<unsigned char>(inner[0]))) return false;
  for (char ch : inner)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '_')) return false;
  return true;
}

// "s+1" -> ("s", 1); "i" -> ("i", 0).
std::pair<std::string, int64_t> SplitShift(const std::string& inner) {
  const size_t plus = inner.find('+');
  if (plus == std::string::npos) return {inner, 0};
  return {inner.substr(0, plus), std::stoll(inner.substr(plus + 1))};
}

}  // namespace

namespace {

// The decoder family's layout: the spec's checkpoint_layout, or the one today's configs imply.
std::string DecoderLayout(const ModelConfig& c) {
  if (!c.checkpoint_layout.empty()) return c.checkpoint_layout;
  if (UsesMla(c)) return "deepseek_v3";  // every layer dense (first_k_dense_replace = num_hidden_layers)
  return (c.position == Position::kLearned && c.norm == Norm::kLayerNorm) ? "gpt2" : "llama";
}

// Why a decoder config cannot load from its layout's checkpoints ("" when it can): each feature
// whose weights (or absence of weights) only some layouts name.
std::string DecoderLayoutProblem(const ModelConfig& c) {
  const std::string layout = DecoderLayout(c);
  static const char* const kLayouts[] = {"gpt2", "llama", "gemma", "gemma2", "phi3", "qwen3", "gpt_neox", "deepseek_v3"};
  bool known = false;
  for (const char* name : kLayouts) known = known || layout == name;
  if (!known)
    return "checkpoint_layout '" + layout +
           "' is not a decoder checkpoint layout (gpt2, llama, gemma, gemma2, phi3, qwen3, gpt_neox, deepseek_v3)";
  const std::string named = "the " + layout + " layout";
  if (UsesMla(c) && layout != "deepseek_v3")
    return "multi-head latent attention (kv_lora_rank) has checkpoint names only in the deepseek_v3 layout";
  if (!UsesMla(c) && layout == "deepseek_v3")
    return "deepseek_v3 checkpoints have multi-head latent attention; this config has kv_lora_rank 0";
  if (c.qk_norm && layout != "qwen3")
    return "qk_norm (q_norm / k_norm weights) has checkpoint names only in the qwen3 layout";
  // Features that change no weight name but that only some reference classes compute: a layout
  // names its reference class (HfReferenceClass), so a config it does not compute has none.
  auto computed_by = [&](bool on, const std::string& key, const std::vector<std::string>& layouts) -> std::string {
    if (!on) return "";
    std::string names;
    for (const std::string& name : layouts) {
      if (layout == name) return "";
      names += (names.empty() ? "" : ", ") + name;
    }
    return key + " is computed only by the reference models of the " + names + " layouts";
  };
  const bool gemma = layout == "gemma" || layout == "gemma2";
  if (gemma && !c.embedding_scale)
    return named + " scales the embeddings by sqrt(C); this config has embedding_scale: false";
  for (const std::string& problem :
       {computed_by(c.sliding_window > 0, "sliding_window", {"llama", "phi3", "gemma2", "qwen3"}),
        computed_by(c.rotary_dim > 0 && c.rotary_dim != c.head_dim, "rotary_dim", {"phi3", "gpt_neox"}),
        computed_by(c.parallel_residual, "parallel_residual", {"gpt_neox"}),
        computed_by(c.embedding_scale, "embedding_scale", {"gemma", "gemma2"}),
        computed_by(c.attn_logit_softcap > 0, "attn_logit_softcap", {"gemma2"}),
        computed_by(c.final_logit_softcap > 0, "final_logit_softcap", {"gemma2"}),
        computed_by(c.query_pre_attn_scalar > 0, "query_pre_attn_scalar", {"gemma2"})}) {
    if (!problem.empty()) return problem;
  }
  if (c.sandwich_norm != (layout == "gemma2"))
    return c.sandwich_norm ? "sandwich_norm (post-attention and post-feed-forward norms) has checkpoint names only in "
                             "the gemma2 layout"
                           : "gemma2 checkpoints have post-attention and post-feed-forward norms; this config has "
                             "sandwich_norm: false";
  if (layout == "gpt2" && (c.position != Position::kLearned || c.norm != Norm::kLayerNorm))
    return "GPT-2 checkpoints have learned positions and LayerNorm; this config differs";
  if ((layout == "gemma" || layout == "gemma2" || layout == "phi3" || layout == "qwen3") && c.norm != Norm::kRMSNorm)
    return named + " stores RMSNorm weights; this config has norm: " + NormName(c.norm);
  if (layout == "phi3" && (c.bias || c.qkv_bias || !IsGated(c.activation)))
    return "Phi-3 checkpoints have fused gated MLPs and no biases; this config differs";
  if (layout == "gpt_neox") {
    if (c.num_kv_heads != c.num_heads)
      return "GPT-NeoX checkpoints have one key/value head per query head; this config has num_kv_heads " +
             std::to_string(c.num_kv_heads);
    if (c.norm != Norm::kLayerNorm || IsGated(c.activation) || c.position != Position::kRoPE)
      return "GPT-NeoX checkpoints have LayerNorm, an ungated MLP and RoPE; this config differs";
    if (c.bias != c.qkv_bias)
      return "GPT-NeoX checkpoints have biases on every linear layer or none; this config differs";
  }
  return "";
}

}  // namespace

std::string HfLayoutProblem(const ModelConfig& c) {
  switch (c.family) {
    case Family::kDecoder: return DecoderLayoutProblem(c);
    case Family::kResNet: return "";
    case Family::kMoe:
      if (c.norm != Norm::kRMSNorm || c.position != Position::kRoPE || c.activation != Activation::kSwiGLU || c.bias ||
          c.qkv_bias)
        return "Mixtral checkpoints have RMSNorm, RoPE, SwiGLU experts and no biases; this config differs";
      return "";
    case Family::kEncoder:
      if (c.norm_position != "post") return "BERT checkpoints are post-norm; this config uses norm_position: pre";
      if (c.head == "classifier" && !c.pooler)
        return "BertForSequenceClassification classifies the pooled output; this config has pooler: false";
      return "";
    case Family::kVit:
      if (c.pool != "cls") return "ViT checkpoints pool the [CLS] token; this config uses pool: " + c.pool;
      return "";
    case Family::kAudio:
    case Family::kRecurrent: break;
  }
  return "the " + std::string(FamilyName(c.family)) + " family has no checkpoint mapping yet";
}

std::string HfLayoutFor(const ModelConfig& c) {
  if (!HfLayoutProblem(c).empty()) return "";
  if (!c.checkpoint_layout.empty()) return c.checkpoint_layout;
  switch (c.family) {
    case Family::kDecoder: return DecoderLayout(c);
    case Family::kMoe:
      if (UsesMla(c)) return "deepseek_v3";
      return c.qk_norm ? "qwen3_moe" : "mixtral";
    case Family::kEncoder: return "bert";
    case Family::kVit: return "vit";
    case Family::kResNet: return "torchvision-resnet";
    case Family::kAudio:
    case Family::kRecurrent: break;
  }
  return "";
}

std::string HfReferenceClass(const ModelConfig& c) {
  const std::string layout = HfLayoutFor(c);
  if (layout == "gpt2") return "GPT2LMHeadModel";
  if (layout == "llama") return c.sliding_window > 0 ? "MistralForCausalLM" : "LlamaForCausalLM";
  if (layout == "gemma") return "GemmaForCausalLM";
  if (layout == "gemma2") return "Gemma2ForCausalLM";
  if (layout == "phi3") return "Phi3ForCausalLM";
  if (layout == "qwen3") return "Qwen3ForCausalLM";
  if (layout == "gpt_neox") return "GPTNeoXForCausalLM";
  if (layout == "mixtral") return "MixtralForCausalLM";
  if (layout == "qwen3_moe") return "Qwen3MoeForCausalLM";
  if (layout == "deepseek_v3") return "DeepseekV3ForCausalLM";
  if (layout == "bert")
    return c.head == "mlm" ? "BertForMaskedLM" : c.head == "classifier" ? "BertForSequenceClassification" : "BertModel";
  if (layout == "vit") return c.num_classes > 0 ? "ViTForImageClassification" : "ViTModel";
  if (layout == "torchvision-resnet") return "torchvision.models.ResNet";
  return "";
}

std::vector<WeightNameMapping> HfWeightNames(const ModelConfig& c) {
  Rows r;
  const std::string layout = HfLayoutFor(c);
  if (layout == "gpt2") Gpt2Rows(c, &r);
  if (layout == "llama" || layout == "gemma" || layout == "gemma2" || layout == "qwen3" || layout == "mixtral")
    LlamaRows(c, layout, &r);
  if (layout == "phi3") Phi3Rows(c, &r);
  if (layout == "gpt_neox") GptNeoxRows(c, &r);
  if (layout == "qwen3_moe") Qwen3MoeRows(c, &r);
  if (layout == "deepseek_v3") DeepseekV3Rows(c, &r);
  if (layout == "bert") BertRows(c, &r);
  if (layout == "vit") VitRows(c, &r);
  if (layout == "torchvision-resnet") ResNetRows(c, &r);
  return std::move(r.rows);
}

bool MatchNamePattern(const std::string& pattern, const std::string& name, NameCaptures* captures) {
  NameCaptures found;
  size_t p = 0, n = 0;
  while (p < pattern.size()) {
    if (pattern[p] != '{') {
      if (n >= name.size() || name[n] != pattern[p]) return false;
      ++p, ++n;
      continue;
    }
    const size_t close = pattern.find('}', p);
    if (close == std::string::npos) return false;
    const std::string inner = pattern.substr(p + 1, close - p - 1);
    if (!IsPlaceholder(inner)) return false;
    size_t end = n;
    while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
    if (end == n || end - n > 12) return false;
    const auto [key, shift] = SplitShift(inner);
    const int64_t value = std::stoll(name.substr(n, end - n)) - shift;
    if (value < 0) return false;
    auto [it, inserted] = found.emplace(key, value);
    if (!inserted && it->second != value) return false;
    p = close + 1;
    n = end;
  }
  if (n != name.size()) return false;
  if (captures != nullptr) *captures = std::move(found);
  return true;
}

std::vector<std::string> ExpandHfName(const std::string& pattern, const NameCaptures& captures) {
  std::string head;  // the name before a group
  std::vector<std::string> group;
  std::string tail;
  std::string* out = &head;
  for (size_t p = 0; p < pattern.size();) {
    const size_t open = pattern.find('{', p);
    if (open == std::string::npos) {
      *out += pattern.substr(p);
      break;
    }
    *out += pattern.substr(p, open - p);
    const size_t close = pattern.find('}', open);
    if (close == std::string::npos) {
      *out += pattern.substr(open);
      break;
    }
    const std::string inner = pattern.substr(open + 1, close - open - 1);
    if (IsPlaceholder(inner)) {
      const auto [key, shift] = SplitShift(inner);
      auto it = captures.find(key);
      *out += it == captures.end() ? "{" + inner + "}" : std::to_string(it->second + shift);
    } else if (group.empty() && inner.find(',') != std::string::npos) {
      for (size_t begin = 0;;) {
        const size_t comma = inner.find(',', begin);
        group.push_back(inner.substr(begin, comma - begin));
        if (comma == std::string::npos) break;
        begin = comma + 1;
      }
      out = &tail;
    } else {
      *out += "{" + inner + "}";
    }
    p = close + 1;
  }
  if (group.empty()) return {head};
  std::vector<std::string> names;
  for (const std::string& part : group) names.push_back(head + part + tail);
  return names;
}

std::vector<std::string> ExpandHfName(const std::string& pattern, int64_t layer) {
  return ExpandHfName(pattern, NameCaptures{{"i", layer}});
}

std::vector<std::string> HfIgnoredBuffers(const ModelConfig& c) {
  const std::string layout = HfLayoutFor(c);
  if (layout == "gpt2") return {"transformer.h.{i}.attn.bias", "transformer.h.{i}.attn.masked_bias"};
  if (layout == "llama" || layout == "mixtral" || layout == "gemma" || layout == "gemma2" || layout == "phi3" ||
      layout == "qwen3" || layout == "qwen3_moe" || layout == "deepseek_v3")
    return {"model.layers.{i}.self_attn.rotary_emb.inv_freq"};
  if (layout == "gpt_neox")  // older exports keep the causal mask and the rotary table as buffers
    return {"gpt_neox.layers.{i}.attention.bias", "gpt_neox.layers.{i}.attention.masked_bias",
            "gpt_neox.layers.{i}.attention.rotary_emb.inv_freq"};
  if (layout == "bert") return {"bert.embeddings.position_ids"};
  if (layout == "vit") return {"vit.pooler.dense.weight", "vit.pooler.dense.bias"};
  if (layout == "torchvision-resnet")
    return {"bn1.num_batches_tracked", "layer{s}.{b}.bn{k}.num_batches_tracked",
            "layer{s}.{b}.downsample.1.num_batches_tracked"};
  return {};
}

std::vector<std::pair<std::string, std::string>> HfTiedCopies(const ModelConfig& c) {
  const std::string layout = HfLayoutFor(c);
  if (layout == "gpt_neox" && c.tie_embeddings) return {{"embed_out.weight", "gpt_neox.embed_in.weight"}};
  if ((layout == "gpt2" || layout == "llama" || layout == "mixtral" || layout == "gemma" || layout == "gemma2" ||
       layout == "phi3" || layout == "qwen3" || layout == "qwen3_moe" || layout == "deepseek_v3") &&
      c.tie_embeddings)
    return {{"lm_head.weight", layout == "gpt2" ? "transformer.wte.weight" : "model.embed_tokens.weight"}};
  if (layout == "bert" && c.head == "mlm")
    return {{"cls.predictions.decoder.weight", "bert.embeddings.word_embeddings.weight"},
            {"cls.predictions.decoder.bias", "cls.predictions.bias"}};
  return {};
}

}  // namespace engine
