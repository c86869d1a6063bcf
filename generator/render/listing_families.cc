// PyTorch listings of the encoder, vit, resnet, audio and recurrent families (see listing.h):
// the same modules, parameter shapes and counts as the engine's LibTorch models, as a program
// that checks itself (every size's count on `meta` against the card, the output shape, and the
// family's property: bidirectional for the encoder, causal for the recurrent model).
#include <string>
#include <vector>

#include "generator/render/format.h"
#include "generator/render/listing.h"

namespace render {
namespace {

using engine::ModelConfig;

std::string I(int64_t n) { return std::to_string(n); }
std::string B(bool b) { return b ? "True" : "False"; }
std::string Q(const std::string& s) { return "\"" + s + "\""; }

std::string ConfigLiteral(const ModelConfig& k) {
  std::string out = "Config(";
  auto add = [&](const std::string& key, const std::string& value) {
    out += (out.size() > 7 ? ", " : "") + key + "=" + value;
  };
  const engine::Family f = k.family;
  if (f == engine::Family::kResNet) {
    std::string stages;
    for (size_t i = 0; i < k.stages.size(); ++i) stages += (i ? ", " : "") + I(k.stages[i]);
    add("block", Q(k.block)), add("stages", "[" + stages + "]"), add("base_width", I(k.base_width)),
        add("channels", I(k.channels)), add("image_size", I(k.image_size)), add("num_classes", I(k.num_classes));
    add("groups", I(k.groups)), add("width_per_group", I(k.width_per_group));
  } else if (f == engine::Family::kRecurrent) {
    add("cell", Q(k.cell)), add("vocab_size", I(k.vocab_size)), add("num_layers", I(k.num_layers)),
        add("embedding_dim", I(k.embedding_dim)), add("hidden_dim", I(k.hidden_dim)),
        add("tie_embeddings", B(k.tie_embeddings));
  } else {
    add("num_layers", I(k.num_layers)), add("embedding_dim", I(k.embedding_dim)), add("num_heads", I(k.num_heads)),
        add("head_dim", I(k.head_dim)), add("hidden_dim", I(k.hidden_dim)),
        add("norm_eps", FormatShortestDouble(k.norm_eps)), add("bias", B(k.bias)), add("qkv_bias", B(k.qkv_bias));
    if (f == engine::Family::kEncoder)
      add("vocab_size", I(k.vocab_size)), add("context_length", I(k.context_length)),
          add("type_vocab_size", I(k.type_vocab_size)), add("pooler", B(k.pooler)),
          add("norm_position", Q(k.norm_position)), add("head", Q(k.head)), add("num_classes", I(k.num_classes));
    if (f == engine::Family::kVit)
      add("image_size", I(k.image_size)), add("patch_size", I(k.patch_size)), add("channels", I(k.channels)),
          add("pool", Q(k.pool)), add("num_classes", I(k.num_classes));
    if (f == engine::Family::kAudio)
      add("n_mels", I(k.n_mels)), add("frames", I(engine::AudioFrames(k))), add("decoder_layers", I(k.decoder_layers)),
          add("vocab_size", I(k.vocab_size)), add("context_length", I(k.context_length));
  }
  return out + ")";
}

// Attention, cross-attention, MLP and the pre/post-norm block shared by encoder, vit and audio.
std::string TransformerPieces(const ModelConfig& c) {
  const std::string act = c.activation == engine::Activation::kReLU ? "F.relu(self.fc(x))" : "F.gelu(self.fc(x))";
  return "class Attention(nn.Module):\n"
         "    \"\"\"Multi-head self-attention with one fused q|k|v projection.\"\"\"\n\n"
         "    def __init__(self, c, causal=False):\n        super().__init__()\n"
         "        self.h, self.d, self.causal = c.num_heads, c.head_dim, causal\n"
         "        self.qkv = nn.Linear(c.embedding_dim, 3 * c.num_heads * c.head_dim, bias=c.qkv_bias)\n"
         "        self.proj = nn.Linear(c.num_heads * c.head_dim, c.embedding_dim, bias=c.bias)\n\n"
         "    def forward(self, x):  # (B, T, C)\n"
         "        B, T, _ = x.shape\n"
         "        q, k, v = (t.view(B, T, self.h, self.d).transpose(1, 2) for t in self.qkv(x).chunk(3, dim=-1))\n"
         "        y = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal)\n"
         "        return self.proj(y.transpose(1, 2).reshape(B, T, -1))\n\n\n"
         "class CrossAttention(nn.Module):\n"
         "    \"\"\"Queries from x, keys and values from the encoder output.\"\"\"\n\n"
         "    def __init__(self, c):\n        super().__init__()\n"
         "        self.h, self.d = c.num_heads, c.head_dim\n"
         "        self.q = nn.Linear(c.embedding_dim, c.num_heads * c.head_dim, bias=c.qkv_bias)\n"
         "        self.kv = nn.Linear(c.embedding_dim, 2 * c.num_heads * c.head_dim, bias=c.qkv_bias)\n"
         "        self.proj = nn.Linear(c.num_heads * c.head_dim, c.embedding_dim, bias=c.bias)\n\n"
         "    def forward(self, x, memory):\n"
         "        B, T, _ = x.shape\n"
         "        q = self.q(x).view(B, T, self.h, self.d).transpose(1, 2)\n"
         "        k, v = (t.view(B, -1, self.h, self.d).transpose(1, 2) for t in self.kv(memory).chunk(2, dim=-1))\n"
         "        y = F.scaled_dot_product_attention(q, k, v)\n"
         "        return self.proj(y.transpose(1, 2).reshape(B, T, -1))\n\n\n"
         "class MLP(nn.Module):\n"
         "    def __init__(self, c):\n        super().__init__()\n"
         "        self.fc = nn.Linear(c.embedding_dim, c.hidden_dim, bias=c.bias)\n"
         "        self.proj = nn.Linear(c.hidden_dim, c.embedding_dim, bias=c.bias)\n\n"
         "    def forward(self, x):\n"
         "        return self.proj(" + act + ")\n\n\n"
         "class Block(nn.Module):\n"
         "    \"\"\"Pre-norm: x + f(norm(x)); post-norm (BERT): norm(x + f(x)).\"\"\"\n\n"
         "    def __init__(self, c, pre_norm=True, causal=False, cross=False):\n        super().__init__()\n"
         "        self.pre_norm = pre_norm\n"
         "        self.norm1 = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n"
         "        self.attn = Attention(c, causal)\n"
         "        if cross:\n"
         "            self.norm_cross = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n"
         "            self.cross_attn = CrossAttention(c)\n"
         "        self.norm2 = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n"
         "        self.mlp = MLP(c)\n\n"
         "    def forward(self, x, memory=None):\n"
         "        if self.pre_norm:\n"
         "            x = x + self.attn(self.norm1(x))\n"
         "            if memory is not None:\n"
         "                x = x + self.cross_attn(self.norm_cross(x), memory)\n"
         "            return x + self.mlp(self.norm2(x))\n"
         "        x = self.norm1(x + self.attn(x))\n"
         "        return self.norm2(x + self.mlp(x))\n\n\n";
}

std::string ModelCode(const ModelConfig& c) {
  const engine::Family f = c.family;
  if (f == engine::Family::kRecurrent) {
    return "class Model(nn.Module):\n"
           "    def __init__(self, c):\n        super().__init__()\n"
           "        self.tok_emb = nn.Embedding(c.vocab_size, c.embedding_dim)\n"
           "        rnn = nn.GRU if c.cell == \"gru\" else nn.LSTM\n"
           "        self.rnn = rnn(c.embedding_dim, c.hidden_dim, num_layers=c.num_layers, batch_first=True)\n"
           "        self.tied = c.tie_embeddings and c.embedding_dim == c.hidden_dim\n"
           "        if not self.tied:\n"
           "            self.lm_head = nn.Linear(c.hidden_dim, c.vocab_size, bias=False)\n"
           "        self.lm_head_bias = nn.Parameter(torch.zeros(c.vocab_size))\n\n"
           "    def forward(self, ids):  # (B, T) -> (B, T, vocab_size)\n"
           "        h, _ = self.rnn(self.tok_emb(ids))\n"
           "        weight = self.tok_emb.weight if self.tied else self.lm_head.weight\n"
           "        return F.linear(h, weight, self.lm_head_bias)\n\n\n";
  }
  if (f == engine::Family::kResNet) {
    // The engine's names (engine/models/resnet.cc), so the weight map of the documentation page
    // (torchvision's names) applies to this module too.
    return "class ConvBN(nn.Module):\n"
           "    def __init__(self, cin, cout, k, stride=1):\n        super().__init__()\n"
           "        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)\n"
           "        self.bn = nn.BatchNorm2d(cout)\n\n"
           "    def forward(self, x):\n        return self.bn(self.conv(x))\n\n\n"
           "class Block(nn.Module):\n"
           "    \"\"\"Residual block: ReLU(F(x) + shortcut(x)); bottleneck = 1x1, 3x3 (with the stride, in `groups`\n"
           "    groups), 1x1 (x4) at an inner width (ResNeXt / Wide ResNet: int(width * width_per_group / 64) * groups).\"\"\"\n\n"
           "    def __init__(self, cin, width, inner, groups, stride, bottleneck):\n        super().__init__()\n"
           "        cout, k1 = width * (4 if bottleneck else 1), 1 if bottleneck else 3\n"
           "        self.bottleneck = bottleneck\n"
           "        self.conv1 = nn.Conv2d(cin, inner, k1, 1 if bottleneck else stride, k1 // 2, bias=False)\n"
           "        self.bn1 = nn.BatchNorm2d(inner)\n"
           "        self.conv2 = nn.Conv2d(inner, inner, 3, stride if bottleneck else 1, 1, groups=groups, bias=False)\n"
           "        self.bn2 = nn.BatchNorm2d(inner)\n"
           "        if bottleneck:\n"
           "            self.conv3 = nn.Conv2d(inner, cout, 1, bias=False)\n"
           "            self.bn3 = nn.BatchNorm2d(cout)\n"
           "        self.downsample = ConvBN(cin, cout, 1, stride) if stride != 1 or cin != cout else None\n\n"
           "    def forward(self, x):\n"
           "        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))\n"
           "        if self.bottleneck:\n"
           "            y = self.bn3(self.conv3(F.relu(y)))\n"
           "        return F.relu(y + (x if self.downsample is None else self.downsample(x)))\n\n\n"
           "class Model(nn.Module):\n"
           "    def __init__(self, c):\n        super().__init__()\n"
           "        self.stem = ConvBN(c.channels, c.base_width, 7, 2)\n"
           "        bottleneck, cin = c.block == \"bottleneck\", c.base_width\n"
           "        self.stages = nn.ModuleList()\n"
           "        for i, blocks in enumerate(c.stages):\n"
           "            width, stage = c.base_width * 2**i, nn.ModuleList()\n"
           "            inner = int(width * (c.width_per_group / 64.0)) * c.groups if bottleneck else width\n"
           "            for j in range(blocks):\n"
           "                stage.append(Block(cin, width, inner, c.groups, 2 if i > 0 and j == 0 else 1, bottleneck))\n"
           "                cin = width * (4 if bottleneck else 1)\n"
           "            self.stages.append(stage)\n"
           "        self.fc = nn.Linear(cin, c.num_classes) if c.num_classes > 0 else nn.Identity()\n\n"
           "    def forward(self, images):  # (B, channels, H, W) -> (B, num_classes)\n"
           "        x = F.max_pool2d(F.relu(self.stem(images)), 3, 2, 1)\n"
           "        for stage in self.stages:\n"
           "            for block in stage:\n"
           "                x = block(x)\n"
           "        return self.fc(x.mean((2, 3)))\n\n\n";
  }
  std::string py = TransformerPieces(c);
  if (f == engine::Family::kVit) {
    py += "class Model(nn.Module):\n"
          "    def __init__(self, c):\n        super().__init__()\n"
          "        self.c = c\n"
          "        tokens = (c.image_size // c.patch_size) ** 2 + (1 if c.pool == \"cls\" else 0)\n"
          "        self.patch_embed = nn.Conv2d(c.channels, c.embedding_dim, c.patch_size, c.patch_size)\n"
          "        if c.pool == \"cls\":\n"
          "            self.cls_token = nn.Parameter(torch.zeros(1, 1, c.embedding_dim))\n"
          "        self.pos_emb = nn.Parameter(torch.zeros(1, tokens, c.embedding_dim))\n"
          "        self.blocks = nn.ModuleList(Block(c) for _ in range(c.num_layers))\n"
          "        self.norm_f = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n"
          "        self.head = nn.Linear(c.embedding_dim, c.num_classes) if c.num_classes > 0 else nn.Identity()\n\n"
          "    def forward(self, images):  # (B, channels, H, W) -> (B, num_classes)\n"
          "        x = self.patch_embed(images).flatten(2).transpose(1, 2)  # (B, patches, C)\n"
          "        if self.c.pool == \"cls\":\n"
          "            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)\n"
          "        x = x + self.pos_emb\n"
          "        for block in self.blocks:\n"
          "            x = block(x)\n"
          "        x = self.norm_f(x)\n"
          "        return self.head(x[:, 0] if self.c.pool == \"cls\" else x.mean(1))\n\n\n";
  } else if (f == engine::Family::kEncoder) {
    py += "class Model(nn.Module):\n"
          "    def __init__(self, c):\n        super().__init__()\n"
          "        self.c = c\n"
          "        self.tok_emb = nn.Embedding(c.vocab_size, c.embedding_dim)\n"
          "        self.pos_emb = nn.Embedding(c.context_length, c.embedding_dim)\n"
          "        if c.type_vocab_size > 0:\n"
          "            self.type_emb = nn.Embedding(c.type_vocab_size, c.embedding_dim)\n"
          "        self.emb_norm = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n"
          "        pre = c.norm_position == \"pre\"\n"
          "        self.blocks = nn.ModuleList(Block(c, pre_norm=pre) for _ in range(c.num_layers))\n"
          "        if pre:\n"
          "            self.norm_f = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n"
          "        if c.pooler:\n"
          "            self.pooler = nn.Linear(c.embedding_dim, c.embedding_dim)\n"
          "        if c.head == \"mlm\":\n"
          "            self.head = nn.ModuleDict(dict(dense=nn.Linear(c.embedding_dim, c.embedding_dim),\n"
          "                                           norm=nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)))\n"
          "            self.head_bias = nn.Parameter(torch.zeros(c.vocab_size))  # decoder weight: tied\n"
          "        elif c.head == \"classifier\":\n"
          "            self.head = nn.Linear(c.embedding_dim, c.num_classes)\n\n"
          "    def hidden(self, ids):  # (B, T) -> (B, T, C): every position sees every position\n"
          "        positions = torch.arange(ids.shape[1], device=ids.device)\n"
          "        x = self.tok_emb(ids) + self.pos_emb(positions)\n"
          "        if self.c.type_vocab_size > 0:\n"
          "            x = x + self.type_emb(torch.zeros_like(ids))\n"
          "        x = self.emb_norm(x)\n"
          "        for block in self.blocks:\n"
          "            x = block(x)\n"
          "        return self.norm_f(x) if self.c.norm_position == \"pre\" else x\n\n"
          "    def forward(self, ids):\n"
          "        x = self.hidden(ids)\n"
          "        if self.c.head == \"mlm\":\n"
          "            h = self.head[\"norm\"](F.gelu(self.head[\"dense\"](x)))\n"
          "            return F.linear(h, self.tok_emb.weight, self.head_bias)\n"
          "        cls = torch.tanh(self.pooler(x[:, 0])) if self.c.pooler else x[:, 0]\n"
          "        return self.head(cls) if self.c.head == \"classifier\" else (cls if self.c.pooler else x)\n\n\n";
  } else {  // audio
    py += "def sinusoids(length, channels):\n"
          "    \"\"\"Whisper's fixed encoder positions: [sin(t / 10000^(i / (C/2 - 1))), cos(...)].\"\"\"\n"
          "    inv = torch.exp(-math.log(10000) / (channels // 2 - 1) * torch.arange(channels // 2))\n"
          "    t = torch.arange(length)[:, None] * inv[None, :]\n"
          "    return torch.cat([t.sin(), t.cos()], dim=1)\n\n\n"
          "class Model(nn.Module):\n"
          "    def __init__(self, c):\n        super().__init__()\n"
          "        self.c = c\n"
          "        self.frontend = nn.ModuleDict(dict(conv1=nn.Conv1d(c.n_mels, c.embedding_dim, 3, padding=1),\n"
          "                                           conv2=nn.Conv1d(c.embedding_dim, c.embedding_dim, 3, stride=2, padding=1)))\n"
          "        self.register_buffer(\"positions\", sinusoids((c.frames - 1) // 2 + 1, c.embedding_dim))\n"
          "        self.encoder = nn.ModuleList(Block(c) for _ in range(c.num_layers))\n"
          "        self.encoder_norm = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n"
          "        if c.decoder_layers > 0:\n"
          "            self.tok_emb = nn.Embedding(c.vocab_size, c.embedding_dim)\n"
          "            self.pos_emb = nn.Embedding(c.context_length, c.embedding_dim)\n"
          "            self.decoder = nn.ModuleList(Block(c, causal=True, cross=True) for _ in range(c.decoder_layers))\n"
          "            self.decoder_norm = nn.LayerNorm(c.embedding_dim, eps=c.norm_eps)\n\n"
          "    def encode(self, mel):  # (B, n_mels, frames) -> (B, frames / 2, C)\n"
          "        x = F.gelu(self.frontend[\"conv2\"](F.gelu(self.frontend[\"conv1\"](mel)))).transpose(1, 2)\n"
          "        x = x + self.positions\n"
          "        for block in self.encoder:\n"
          "            x = block(x)\n"
          "        return self.encoder_norm(x)\n\n"
          "    def forward(self, mel, ids):  # text ids (B, T) -> logits (B, T, vocab_size)\n"
          "        audio = self.encode(mel)\n"
          "        x = self.tok_emb(ids) + self.pos_emb(torch.arange(ids.shape[1], device=ids.device))\n"
          "        for block in self.decoder:\n"
          "            x = block(x, audio)\n"
          "        return F.linear(self.decoder_norm(x), self.tok_emb.weight)  # tied head\n\n\n";
  }
  return py;
}

// main(): counts on meta, then one forward of the run size with its property check.
std::string MainCode(const ModelConfig& c, const std::string& run, int64_t T) {
  std::string py = ListingMainPrologue(run) + "    with torch.no_grad():\n";
  const engine::Family f = c.family;
  if (engine::TraitsOf(f).image_input) {
    py += "        out = model(torch.randn(1, c.channels, c.image_size, c.image_size))\n"
          "    print(f\"output: {tuple(out.shape)}\")\n"
          "    ok &= tuple(out.shape) == (1, c.num_classes if c.num_classes > 0 else out.shape[1])\n";
  } else if (f == engine::Family::kEncoder) {
    py += "        ids = torch.randint(c.vocab_size, (1, " + I(T) + "))\n"
          "        changed = ids.clone()\n"
          "        changed[0, -1] = (changed[0, -1] + 1) % c.vocab_size  # a different last token\n"
          "        first_moves = not torch.allclose(model.hidden(changed)[0, 0], model.hidden(ids)[0, 0], atol=1e-6)\n"
          "        out = model(ids)\n"
          "    print(f\"output: {tuple(out.shape)}; the first position sees the last token: {first_moves}\")\n"
          "    ok &= first_moves\n";
  } else if (f == engine::Family::kAudio) {
    py += "        mel = torch.randn(1, c.n_mels, c.frames)\n"
          "        audio = model.encode(mel)\n"
          "        ok &= tuple(audio.shape) == (1, (c.frames - 1) // 2 + 1, c.embedding_dim)\n"
          "        if c.decoder_layers > 0:\n"
          "            out = model(mel, torch.randint(c.vocab_size, (1, " + I(T) + ")))\n"
          "            ok &= tuple(out.shape) == (1, " + I(T) + ", c.vocab_size)\n"
          "    print(f\"audio features: {tuple(audio.shape)}\")\n";
  } else {  // recurrent
    py += "        ids = torch.randint(c.vocab_size, (1, " + I(T) + "))\n"
          "        logits = model(ids)\n"
          "        changed = ids.clone()\n"
          "        changed[0, -1] = (changed[0, -1] + 1) % c.vocab_size\n"
          "        causal = torch.allclose(model(changed)[0, :-1], logits[0, :-1], atol=1e-5)\n"
          "    print(f\"logits: {tuple(logits.shape)}; earlier positions ignore a later token: {causal}\")\n"
          "    ok &= causal and tuple(logits.shape) == (1, " + I(T) + ", c.vocab_size)\n";
  }
  py += "    sys.exit(0 if ok else 1)\n\n\n"
        "if __name__ == \"__main__\":\n"
        "    main()";
  return py;
}

}  // namespace

std::string PyTorchFamilyListing(const std::string& model_name, const std::string& spec_path,
                                 const std::vector<ListingSize>& sizes, const std::string& run_size,
                                 int64_t sequence_length) {
  const ListingSize* run = &sizes.front();
  for (const auto& s : sizes)
    if (s.name == run_size) run = &s;
  const ModelConfig& c = run->config;
  const int64_t T = std::min<int64_t>(sequence_length, c.family == engine::Family::kRecurrent ? sequence_length : c.context_length);
  std::string py = "\"\"\"" + model_name + " in PyTorch: this architecture (the " + std::string(engine::FamilyName(c.family)) +
                   " family), written out by modelcard from " + spec_path +
                   ".\n\nThe same modules, parameter shapes and counts as the measured LibTorch model (" +
                   engine::TraitsOf(c).model_source + ").\nRun it (needs only torch): it checks every size's parameter count on the meta "
                   "device against the\ncard and one forward pass of size \"" + run->name +
                   "\", and exits non-zero if a check fails.\n\"\"\"\n";
  py += std::string(c.family == engine::Family::kAudio ? "import math\n" : "") + "import sys\n" +
        "from types import SimpleNamespace as Config\n\nimport torch\nimport torch.nn as nn\n"
        "import torch.nn.functional as F\n\n";
  py += "SIZES = {\n";
  for (const auto& s : sizes) py += "    \"" + s.name + "\": " + ConfigLiteral(s.config) + ",\n";
  py += "}\nPARAMETERS = {";
  for (size_t i = 0; i < sizes.size(); ++i)
    py += (i ? ", " : "") + std::string("\"") + sizes[i].name + "\": " + I(sizes[i].parameters);
  py += "}  # the card's exact counts\n\n\n";
  py += ModelCode(c);
  py += MainCode(c, run->name, T > 0 ? T : 16);
  return py;
}

}  // namespace render
