// PyTorchListing (see listing.h): Python source assembled from the pieces this architecture
// uses. Every choice below mirrors a branch of the LibTorch model in engine/.
#include "generator/render/listing.h"

#include <string>
#include <vector>

#include "generator/render/diagrams.h"
#include "generator/render/format.h"

namespace render {
namespace {

using engine::Activation;
using engine::ModelConfig;
using engine::Norm;
using engine::Position;

std::string I(int64_t n) { return std::to_string(n); }

// The architecture (everything but the dimensions) of two configs is the same.
bool SameArchitecture(const ModelConfig& a, const ModelConfig& b) {
  return a.family == b.family && a.experts_per_token == b.experts_per_token && a.norm == b.norm && a.norm_eps == b.norm_eps && a.activation == b.activation &&
         a.position == b.position && a.rope_theta == b.rope_theta && a.bias == b.bias &&
         a.qkv_bias == b.qkv_bias && a.tie_embeddings == b.tie_embeddings;
}

std::string PyBool(bool b) { return b ? "True" : "False"; }

std::string NormExpr(const ModelConfig& c) {
  const std::string eps = FormatShortestDouble(c.norm_eps);
  if (c.norm == Norm::kRMSNorm) return "nn.RMSNorm(c.embedding_dim, eps=" + eps + ")";
  return "nn.LayerNorm(c.embedding_dim, eps=" + eps + (c.bias ? "" : ", bias=False") + ")";
}

std::string ActivationCall(Activation a, const std::string& arg) {
  switch (a) {
    case Activation::kGELU: return "F.gelu(" + arg + ")";
    case Activation::kGELUTanh: return "F.gelu(" + arg + ", approximate=\"tanh\")";
    case Activation::kReLU: return "F.relu(" + arg + ")";
    case Activation::kSiLU: return "F.silu(" + arg + ")";
    case Activation::kSwiGLU: return "F.silu(" + arg + ")";
    case Activation::kGeGLU: return "F.gelu(" + arg + ")";
  }
  return arg;
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

}  // namespace

std::string ListingMainPrologue(const std::string& run_size) {
  return "def main():\n"
         "    ok = True\n"
         "    for name, c in SIZES.items():\n"
         "        with torch.device(\"meta\"):  # shapes only, nothing allocated\n"
         "            n = sum(p.numel() for p in Model(c).parameters())\n"
         "        ok &= n == PARAMETERS[name]\n"
         "        print(f\"{name}: {n:,} parameters (card: {PARAMETERS[name]:,})\")\n"
         "    c = SIZES[\"" + run_size + "\"]\n"
         "    torch.manual_seed(0)\n"
         "    model = Model(c).eval()\n";
}

std::string PyTorchListing(const std::string& model_name, const std::string& spec_path,
                           const std::vector<ListingSize>& all_sizes, const std::string& run_size,
                           int64_t sequence_length) {
  if (all_sizes.front().config.family != engine::Family::kDecoder && all_sizes.front().config.family != engine::Family::kMoe)
    return PyTorchFamilyListing(model_name, spec_path, all_sizes, run_size, sequence_length);
  const ListingSize* run = &all_sizes.front();
  for (const auto& s : all_sizes)
    if (s.name == run_size) run = &s;
  const ModelConfig& c = run->config;
  std::vector<ListingSize> sizes;
  for (const auto& s : all_sizes)
    if (SameArchitecture(s.config, c)) sizes.push_back(s);
  bool gqa = false;
  for (const auto& s : sizes) gqa = gqa || s.config.num_kv_heads != s.config.num_heads;
  const bool gated = engine::IsGated(c.activation);
  const bool moe = c.family == engine::Family::kMoe;
  const bool rope = c.position == Position::kRoPE, alibi = c.position == Position::kALiBi;
  const int64_t T = std::min(sequence_length, c.context_length);

  std::string py;
  py += "\"\"\"" + model_name + " in PyTorch: this exact architecture, written out by modelcard from " + spec_path +
        ".\n\n";
  py += "Decoder-only transformer with " + PositionWords(c) + ", pre-norm blocks of " + AttentionLabel(c) +
        " and a " + FeedForwardLabel(c) + " (" + NormLabel(c.norm) + "), a final " + NormLabel(c.norm) + " and " +
        (c.tie_embeddings ? "an LM head tied to the token embedding" : "a separate LM head") +
        ". Parameter names and shapes are those of the measured LibTorch model (engine/models/decoder.h).\n";
  py += "Run it (needs only torch): it checks every size's parameter count on the meta device against the\n"
        "card, the shape of the logits and causality, and exits non-zero if any check fails.\n\"\"\"\n";
  py += "import sys\n";
  if (alibi) py += "import math\n";
  py += "from types import SimpleNamespace as Config\n\nimport torch\nimport torch.nn as nn\n"
        "import torch.nn.functional as F\n\n";
  py += "SIZES = {\n";
  for (const auto& s : sizes) {
    const ModelConfig& k = s.config;
    py += "    \"" + s.name + "\": Config(vocab_size=" + I(k.vocab_size) + ", context_length=" + I(k.context_length) +
          ", num_layers=" + I(k.num_layers) + ", embedding_dim=" + I(k.embedding_dim) + ",\n" +
          "                 num_heads=" + I(k.num_heads) + ", num_kv_heads=" + I(k.num_kv_heads) +
          ", head_dim=" + I(k.head_dim) + ", hidden_dim=" + I(k.hidden_dim) +
          (moe ? ",\n                 num_experts=" + I(k.num_experts) + ", experts_per_token=" + I(k.experts_per_token)
               : std::string()) +
          "),\n";
  }
  py += "}\n";
  py += "PARAMETERS = {";  // the card's exact counts
  for (size_t i = 0; i < sizes.size(); ++i)
    py += (i ? ", " : "") + std::string("\"") + sizes[i].name + "\": " + I(sizes[i].parameters);
  py += "}  # the card's exact counts, tied weights once\n\n\n";

  if (rope) {
    py += "def rope_tables(T, head_dim, device, theta=" + FormatShortestDouble(c.rope_theta) + "):\n"
          "    \"\"\"cos and sin of position * theta^(-2i/head_dim), each (T, head_dim) (RoFormer eq. 15).\"\"\"\n"
          "    inv_freq = theta ** (-torch.arange(0, head_dim, 2, device=device) / head_dim)\n"
          "    angles = torch.outer(torch.arange(T, device=device), inv_freq)\n"
          "    emb = torch.cat((angles, angles), dim=-1)\n"
          "    return emb.cos(), emb.sin()\n\n\n"
          "def apply_rope(x, cos, sin):\n"
          "    \"\"\"Rotate the two halves of every head's vector (the rotate-half layout).\"\"\"\n"
          "    x1, x2 = x.chunk(2, dim=-1)\n"
          "    return x * cos + torch.cat((-x2, x1), dim=-1) * sin\n\n\n";
  }
  if (alibi) {
    py += "def alibi_bias(num_heads, T, device):\n"
          "    \"\"\"(heads, T, T) additive attention bias: slope_h * (j - i), -inf above the diagonal.\"\"\"\n"
          "    def slopes(n):\n"
          "        start = 2 ** (-(2 ** -(math.log2(n) - 3)))\n"
          "        return [start ** (i + 1) for i in range(n)]\n"
          "    closest = 2 ** math.floor(math.log2(num_heads))\n"
          "    s = slopes(closest) + slopes(2 * closest)[0::2][: num_heads - closest]\n"
          "    pos = torch.arange(T, device=device, dtype=torch.float32)\n"
          "    dist = pos[None, :] - pos[:, None]\n"
          "    bias = torch.tensor(s, device=device)[:, None, None] * dist\n"
          "    return bias.masked_fill(dist > 0, float(\"-inf\"))\n\n\n";
  }
  if (c.position == Position::kSinusoidal) {
    py += "def sinusoidal(T, dim, device):\n"
          "    \"\"\"(T, dim) table: sin at even channels, cos at odd (Vaswani et al. 2017).\"\"\"\n"
          "    pos = torch.arange(T, device=device, dtype=torch.float32)[:, None]\n"
          "    div = torch.exp(torch.arange(0, dim, 2, device=device) * (-torch.log(torch.tensor(10000.0)) / dim))\n"
          "    table = torch.zeros(T, dim, device=device)\n"
          "    table[:, 0::2] = torch.sin(pos * div)\n"
          "    table[:, 1::2] = torch.cos(pos * div)[:, : dim // 2]\n"
          "    return table\n\n\n";
  }

  // Attention.
  py += "class Attention(nn.Module):\n";
  py += "    \"\"\"" + AttentionLabel(c) + ": one fused q|k|v projection, scaled dot-product attention.\"\"\"\n\n";
  py += "    def __init__(self, c):\n        super().__init__()\n"
        "        self.h, self.h_kv, self.d = c.num_heads, c.num_kv_heads, c.head_dim\n"
        "        self.qkv = nn.Linear(c.embedding_dim, (c.num_heads + 2 * c.num_kv_heads) * c.head_dim, bias=" +
        PyBool(c.qkv_bias) + ")\n"
        "        self.proj = nn.Linear(c.num_heads * c.head_dim, c.embedding_dim, bias=" + PyBool(c.bias) + ")\n\n";
  py += std::string("    def forward(self, x") + (rope ? ", cos, sin" : "") + (alibi ? ", bias" : "") +
        "):  # x: (B, T, C)\n"
        "        B, T, _ = x.shape\n"
        "        q, k, v = self.qkv(x).split([self.h * self.d, self.h_kv * self.d, self.h_kv * self.d], dim=-1)\n"
        "        q = q.view(B, T, self.h, self.d).transpose(1, 2)  # (B, heads, T, head_dim)\n"
        "        k = k.view(B, T, self.h_kv, self.d).transpose(1, 2)\n"
        "        v = v.view(B, T, self.h_kv, self.d).transpose(1, 2)\n";
  if (rope) py += "        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)\n";
  py += std::string("        y = F.scaled_dot_product_attention(q, k, v, ") +
        (alibi ? "attn_mask=bias" : "is_causal=True") + (gqa ? ", enable_gqa=True" : "") + ")\n"
        "        return self.proj(y.transpose(1, 2).reshape(B, T, self.h * self.d))\n\n\n";

  // Feed-forward.
  py += "class FeedForward(nn.Module):\n";
  py += "    \"\"\"" + FeedForwardLabel(c) + ".\"\"\"\n\n";
  py += "    def __init__(self, c):\n        super().__init__()\n";
  py += std::string("        self.fc = nn.Linear(c.embedding_dim, ") + (gated ? "2 * c.hidden_dim" : "c.hidden_dim") +
        ", bias=" + PyBool(c.bias) + ")" + (gated ? "  # gate | up, fused" : "") + "\n";
  py += "        self.proj = nn.Linear(c.hidden_dim, c.embedding_dim, bias=" + PyBool(c.bias) + ")\n\n";
  py += "    def forward(self, x):\n";
  if (gated) {
    py += "        gate, up = self.fc(x).chunk(2, dim=-1)\n"
          "        return self.proj(" + ActivationCall(c.activation, "gate") + " * up)\n\n\n";
  } else {
    py += "        return self.proj(" + ActivationCall(c.activation, "self.fc(x)") + ")\n\n\n";
  }

  if (moe) {
    py += "class MoE(nn.Module):\n"
          "    \"\"\"" + FeedForwardLabel(c) + ": a linear router keeps each token's top experts_per_token\n"
          "    experts and mixes their outputs with the renormalized softmax weights.\"\"\"\n\n"
          "    def __init__(self, c):\n        super().__init__()\n"
          "        self.k = c.experts_per_token\n"
          "        self.router = nn.Linear(c.embedding_dim, c.num_experts, bias=False)\n"
          "        self.experts = nn.ModuleList(FeedForward(c) for _ in range(c.num_experts))\n\n"
          "    def forward(self, x):\n"
          "        weights, chosen = F.softmax(self.router(x), dim=-1).topk(self.k, dim=-1)\n"
          "        weights = weights / weights.sum(dim=-1, keepdim=True)\n"
          "        out = torch.zeros_like(x)\n"
          "        for e, expert in enumerate(self.experts):  # every expert on every token, for clarity;\n"
          "            w = (weights * (chosen == e)).sum(dim=-1, keepdim=True)  # 0 where not chosen\n"
          "            out = out + w * expert(x)\n"
          "        return out\n\n\n";
  }

  // Block and model.
  const std::string pos_args = std::string(rope ? ", cos, sin" : "") + (alibi ? ", bias" : "");
  py += "class Block(nn.Module):\n"
        "    \"\"\"Pre-norm: x + attn(norm1(x)), then x + mlp(norm2(x)).\"\"\"\n\n"
        "    def __init__(self, c):\n        super().__init__()\n"
        "        self.norm1 = " + NormExpr(c) + "\n"
        "        self.attn = Attention(c)\n"
        "        self.norm2 = " + NormExpr(c) + "\n"
        "        self.mlp = " + std::string(moe ? "MoE(c)" : "FeedForward(c)") + "\n\n"
        "    def forward(self, x" + pos_args + "):\n"
        "        x = x + self.attn(self.norm1(x)" + pos_args + ")\n"
        "        return x + self.mlp(self.norm2(x))\n\n\n";
  py += "class Model(nn.Module):\n"
        "    def __init__(self, c):\n        super().__init__()\n"
        "        self.c = c\n"
        "        self.tok_emb = nn.Embedding(c.vocab_size, c.embedding_dim)\n";
  if (c.position == Position::kLearned)
    py += "        self.pos_emb = nn.Embedding(c.context_length, c.embedding_dim)\n";
  py += "        self.blocks = nn.ModuleList(Block(c) for _ in range(c.num_layers))\n"
        "        self.norm_f = " + NormExpr(c) + "\n";
  if (!c.tie_embeddings) py += "        self.lm_head = nn.Linear(c.embedding_dim, c.vocab_size, bias=False)\n";
  py += "\n    def forward(self, ids):  # ids: (B, T) token ids -> logits (B, T, vocab_size)\n"
        "        T = ids.shape[1]\n"
        "        x = self.tok_emb(ids)\n";
  if (c.position == Position::kLearned) py += "        x = x + self.pos_emb(torch.arange(T, device=ids.device))\n";
  if (c.position == Position::kSinusoidal) py += "        x = x + sinusoidal(T, self.c.embedding_dim, ids.device)\n";
  if (rope) py += "        cos, sin = rope_tables(T, self.c.head_dim, ids.device)\n";
  if (alibi) py += "        bias = alibi_bias(self.c.num_heads, T, ids.device)\n";
  py += "        for block in self.blocks:\n"
        "            x = block(x" + pos_args + ")\n";
  py += std::string("        return ") +
        (c.tie_embeddings ? "F.linear(self.norm_f(x), self.tok_emb.weight)  # tied LM head"
                          : "self.lm_head(self.norm_f(x))") +
        "\n\n\n";

  py += ListingMainPrologue(run->name) +
        "    ids = torch.randint(c.vocab_size, (1, " + I(T) + "))\n"
        "    with torch.no_grad():\n"
        "        logits = model(ids)\n"
        "        changed = ids.clone()\n"
        "        changed[0, -1] = (changed[0, -1] + 1) % c.vocab_size  # a different last token\n"
        "        causal = torch.allclose(model(changed)[0, :-1], logits[0, :-1], atol=1e-5)\n"
        "    print(f\"logits: {tuple(logits.shape)}; earlier positions ignore a later token: {causal}\")\n"
        "    ok &= tuple(logits.shape) == (1, " + I(T) + ", c.vocab_size) and causal\n"
        "    sys.exit(0 if ok else 1)\n\n\n"
        "if __name__ == \"__main__\":\n"
        "    main()";
  return py;
}

}  // namespace render
