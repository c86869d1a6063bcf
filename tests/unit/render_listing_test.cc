// The PyTorch listings (render/listing.h, templates/listings/): every family's listing renders
// from the bundled templates into a whole program (no mustache left, every size counted), the
// decoder's choices each print their own code, and a missing template gives a Python comment
// naming it. The listings' exact text is checked by the blog post golden files.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "generator/render/listing.h"
#include "tests/unit/render_fixtures.h"

namespace {

using engine::Family;
using engine::ModelConfig;
using test_fixtures::kRoot;

ModelConfig Config(Family f) {
  ModelConfig c;
  c.family = f;
  c.vocab_size = 100, c.context_length = 64, c.num_layers = 2, c.embedding_dim = 32;
  c.num_heads = 4, c.num_kv_heads = 4, c.head_dim = 8, c.hidden_dim = 64;
  if (f == Family::kMoe) c.num_experts = 4, c.experts_per_token = 2;
  if (f == Family::kResNet) c.stages = {1, 2};
  return c;
}

std::string Listing(const std::vector<render::ListingSize>& sizes,
                    const std::string& templates = kRoot + "/templates") {
  return render::PyTorchListing(templates, "Tiny", "specs/tiny.yaml", sizes, sizes.front().name, 32);
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("every family's listing is a whole program that counts every size") {
  for (Family f : {Family::kDecoder, Family::kMoe, Family::kEncoder, Family::kVit, Family::kResNet, Family::kAudio,
                   Family::kRecurrent}) {
    const std::string family = engine::FamilyName(f);
    CAPTURE(family);
    ModelConfig big = Config(f);
    big.num_layers = 4;
    const std::string py = Listing({{"small", Config(f), 10}, {"big", big, 20}});
    CHECK(py.rfind("\"\"\"Tiny in PyTorch: this ", 0) == 0);
    CHECK(Contains(py, "written out by modelcard from specs/tiny.yaml.\n"));
    CHECK(Contains(py, "\n    \"small\": Config("));
    CHECK(Contains(py, "\n    \"big\": Config("));
    CHECK(Contains(py, "\nPARAMETERS = {\"small\": 10, \"big\": 20}  # the card's exact counts"));
    CHECK(Contains(py, "\n    c = SIZES[\"small\"]\n"));
    const std::string end = "\n\n\nif __name__ == \"__main__\":\n    main()";
    CHECK(py.size() > end.size());
    CHECK(py.substr(py.size() - end.size()) == end);
    CHECK_FALSE(Contains(py, "{{"));
    CHECK_FALSE(Contains(py, "\x01"));
    CHECK_FALSE(Contains(py, "\n\n\n\n"));
  }
}

TEST_CASE("the decoder listing prints only the code of its own choices") {
  ModelConfig c = Config(Family::kDecoder);
  c.position = engine::Position::kALiBi;
  std::string py = Listing({{"small", c, 10}});
  CHECK(Contains(py, "\nimport sys\nimport math\nfrom types import SimpleNamespace as Config\n"));
  CHECK(Contains(py, "\ndef alibi_bias(num_heads, T, device):\n"));
  CHECK(Contains(py, "F.scaled_dot_product_attention(q, k, v, attn_mask=bias)\n"));
  CHECK_FALSE(Contains(py, "rope"));

  c.position = engine::Position::kRoPE;
  c.rope_theta = 500000;
  c.norm = engine::Norm::kRMSNorm;
  c.activation = engine::Activation::kSwiGLU;
  c.tie_embeddings = false;
  ModelConfig gqa = c;
  gqa.num_kv_heads = 2;
  ModelConfig other = c;
  other.bias = !c.bias;  // another architecture: not in this listing
  py = Listing({{"small", c, 10}, {"gqa", gqa, 20}, {"other", other, 30}});
  CHECK(Contains(py, "\ndef rope_tables(T, head_dim, device, theta=5e+05):\n"));
  CHECK(Contains(py, "    def forward(self, x, cos, sin):  # x: (B, T, C)\n"));
  CHECK(Contains(py, "F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)\n"));
  CHECK(Contains(py, "        self.norm1 = nn.RMSNorm(c.embedding_dim, eps=1e-05)\n"));
  CHECK(Contains(py, "        return self.proj(F.silu(gate) * up)\n"));
  CHECK(Contains(py, "        return self.lm_head(self.norm_f(x))\n"));
  CHECK(Contains(py, "\nPARAMETERS = {\"small\": 10, \"gqa\": 20}  # "));
  CHECK_FALSE(Contains(py, "alibi"));
  CHECK_FALSE(Contains(py, "\"other\""));

  c.position = engine::Position::kLearned;
  c.norm = engine::Norm::kLayerNorm;
  c.bias = false;
  c.activation = engine::Activation::kGELUTanh;
  py = Listing({{"small", c, 10}});
  CHECK(Contains(py, "        self.norm_f = nn.LayerNorm(c.embedding_dim, eps=1e-05, bias=False)\n"));
  CHECK(Contains(py, "        return self.proj(F.gelu(self.fc(x), approximate=\"tanh\"))\n"));
  CHECK(Contains(py, "        x = x + self.pos_emb(torch.arange(T, device=ids.device))\n"));
}

TEST_CASE("a missing listing template gives a Python comment naming it") {
  const std::string dir = kRoot + "/tests/no-such-templates";
  CHECK(Listing({{"small", Config(Family::kDecoder), 10}}, dir) ==
        "# modelcard could not render this listing: " + dir + "/listings/decoder.mustache: no such file");
  CHECK(Listing({{"small", Config(Family::kVit), 10}}, dir) ==
        "# modelcard could not render this listing: " + dir + "/listings/vit.mustache: no such file");
}

TEST_CASE("the decoder listing writes the code of each decoder feature its model uses, and only those") {
  const std::string plain = Listing({{"s", Config(Family::kDecoder), 1}});
  for (const char* feature : {"def attend(", "is_local", "softcap", "q_norm", "post_attn_norm", "embedding_dim**0.5",
                              "llama3", "YaRN", "dynamic NTK", "kv_lora_rank", "router_bias", "shared_experts"})
    CHECK_MESSAGE(!Contains(plain, feature), feature);

  ModelConfig g = Config(Family::kDecoder);  // Gemma 2-like
  g.sliding_window = 16, g.sliding_window_pattern = 2, g.attn_logit_softcap = 50, g.final_logit_softcap = 30;
  g.sandwich_norm = true, g.embedding_scale = true, g.query_pre_attn_scalar = 16, g.position = engine::Position::kRoPE;
  const std::string gemma = Listing({{"s", g, 1}});
  CHECK(Contains(gemma, "hidden_dim=64, sliding_window=16)"));  // the size's window in its Config
  CHECK(Contains(gemma, "return (layer + 1) % 2 != 0\n"));
  CHECK(Contains(gemma, "scores = (q @ k.transpose(-2, -1)) * 0.25\n"));  // 16^-1/2, not head_dim 8's
  CHECK(Contains(gemma, "scores = softcap(scores, 50.0)\n"));
  CHECK(Contains(gemma, "y = attend(q, k, v, self.window)\n"));
  CHECK(Contains(gemma, "return x + self.post_ffw_norm(self.mlp(self.norm2(x)))\n"));
  CHECK(Contains(gemma, "x = self.tok_emb(ids) * self.c.embedding_dim**0.5"));
  CHECK(Contains(gemma, "return softcap(F.linear(self.norm_f(x), self.tok_emb.weight), 30.0)  # tied LM head\n"));
  CHECK(Contains(gemma, "ok &= windowed\n"));  // the listing checks its window
  CHECK_FALSE(Contains(gemma, "F.scaled_dot_product_attention"));

  ModelConfig n = Config(Family::kDecoder);  // Pythia-like, Llama 3 scaling
  n.position = engine::Position::kRoPE, n.rotary_dim = 2, n.parallel_residual = true, n.qk_norm = true;
  n.rope_scaling = engine::RopeScaling::kLlama3, n.rope_scaling_factor = 8, n.rope_original_context = 16;
  const std::string neox = Listing({{"s", n, 1}});
  CHECK(Contains(neox, "cos, sin = rope_tables(T, self.c.rotary_dim, ids.device)\n"));
  CHECK(Contains(neox, "q = torch.cat((apply_rope(q[..., : self.r], cos, sin), q[..., self.r :]), dim=-1)\n"));
  CHECK(Contains(neox, "return x + self.attn(self.norm1(x), cos, sin) + self.mlp(self.norm2(x))\n"));
  CHECK(Contains(neox, "q, k = self.q_norm(q), self.k_norm(k)\n"));
  CHECK(Contains(neox, "factor, low, high, original = 8.0, 1.0, 4.0, 16\n"));
  CHECK(Contains(neox, "import math\n"));

  ModelConfig d = Config(Family::kMoe);  // DeepSeek-like
  d.position = engine::Position::kRoPE, d.q_lora_rank = 12, d.kv_lora_rank = 16, d.qk_nope_head_dim = 8;
  d.qk_rope_head_dim = 4, d.v_head_dim = 8, d.moe_hidden_dim = 16, d.num_shared_experts = 1, d.first_dense_layers = 1;
  d.router_scoring = engine::RouterScoring::kSigmoid, d.router_bias = true, d.router_groups = 2;
  d.router_topk_groups = 1, d.routed_scaling_factor = 2.5;
  const std::string deepseek = Listing({{"s", d, 1}});
  CHECK(Contains(deepseek,
                 "q_lora_rank=12, kv_lora_rank=16, qk_nope_head_dim=8, qk_rope_head_dim=4, v_head_dim=8, "
                 "moe_hidden_dim=16, num_shared_experts=1, first_dense_layers=1,"));
  CHECK(Contains(deepseek, "self.kv_b = nn.Linear(c.kv_lora_rank, c.num_heads * (c.qk_nope_head_dim + c.v_head_dim)"));
  CHECK(Contains(deepseek, "cos, sin = rope_tables(T, self.c.qk_rope_head_dim, ids.device)\n"));
  CHECK(Contains(deepseek, "scores = torch.sigmoid(self.router(x))\n"));
  CHECK(Contains(deepseek, "choice = scores + self.router_bias\n"));
  CHECK(Contains(deepseek, ".topk(1, dim=-1).indices\n"));
  CHECK(Contains(deepseek, "weights = weights * 2.5\n"));
  CHECK(Contains(deepseek, "self.mlp = MoE(c) if layer >= c.first_dense_layers else FeedForward(c, c.hidden_dim)\n"));
  CHECK(Contains(deepseek, "out = self.shared_experts(x)\n"));
  CHECK_FALSE(Contains(deepseek, "self.qkv"));
  d.router_renormalize = false;
  CHECK_FALSE(Contains(Listing({{"s", d, 1}}), "weights = weights / weights.sum"));
}
