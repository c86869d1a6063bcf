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
