// BERT-style bidirectional encoder (the encoder family): token + position + token-type
// embeddings with a LayerNorm, post- or pre-norm blocks of non-causal attention and an MLP,
// an optional tanh pooler on [CLS], and an optional head (masked-LM tied to the token
// embedding, or a classifier). Names: tok_emb, pos_emb, type_emb, emb_norm, blocks.{i}.*,
// pooler, head.{dense,norm,bias} (mlm) or head.{weight,bias} (classifier).
#include <string>

#include "engine/layers/linear.h"
#include "engine/layers/norms.h"
#include "engine/layers/transformer_block.h"
#include "engine/models/common.h"
#include "engine/models/family.h"

namespace engine {
namespace {

class EncoderImpl : public torch::nn::Module {
 public:
  EncoderImpl(const ModelConfig& c, const torch::TensorOptions& opts) : c_(c) {
    const int64_t C = c.embedding_dim;
    tok_emb = register_module("tok_emb", Embedding(c.vocab_size, C, opts));
    pos_emb = register_module("pos_emb", Embedding(c.context_length, C, opts));
    if (c.type_vocab_size > 0) type_emb = register_module("type_emb", Embedding(c.type_vocab_size, C, opts));
    emb_norm = register_module("emb_norm", NormLayer(Norm::kLayerNorm, C, c.norm_eps, true, opts));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_layers; ++i)
      blocks->push_back(TransformerBlock(c, c.norm_position == "pre", /*causal=*/false, /*cross=*/false, opts));
    if (c.norm_position == "pre")
      norm_f = register_module("norm_f", NormLayer(Norm::kLayerNorm, C, c.norm_eps, true, opts));
    if (c.pooler) pooler = register_module("pooler", Linear(C, C, true, opts));
    if (c.head == "mlm") {
      auto head = register_module("head", std::make_shared<torch::nn::Module>());
      head_dense = head->register_module("dense", Linear(C, C, true, opts));
      head_norm = head->register_module("norm", NormLayer(Norm::kLayerNorm, C, c.norm_eps, true, opts));
      head_bias = head->register_parameter("bias", torch::empty({c.vocab_size}, opts));
    } else if (c.head == "classifier") {
      classifier = register_module("head", Linear(C, c.num_classes, true, opts));
    }
  }

  // ids (B, T) -> mlm: (B, T, V); classifier: (B, classes); none: pooled (B, C) or hidden (B, T, C).
  torch::Tensor forward(const torch::Tensor& ids) {
    const int64_t T = ids.size(1);
    auto positions = torch::arange(T, ids.options());
    auto x = tok_emb(ids) + pos_emb(positions);
    if (type_emb) x = x + type_emb(torch::zeros_like(ids));  // one segment
    x = emb_norm(x);
    x = RunTransformerBlocks(blocks, x);
    if (norm_f) x = norm_f(x);
    if (c_.head == "mlm") {
      auto h = head_dense(x);
      h = c_.activation == Activation::kReLU ? at::relu(h) : at::gelu(h);
      return at::linear(head_norm(h), tok_emb->weight, head_bias);
    }
    auto cls = x.select(1, 0);
    if (pooler) cls = at::tanh(pooler(cls));
    if (classifier) return classifier(cls);
    return pooler ? cls : x;
  }

  Embedding tok_emb{nullptr}, pos_emb{nullptr}, type_emb{nullptr};
  NormLayer emb_norm{nullptr}, norm_f{nullptr}, head_norm{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  Linear pooler{nullptr}, head_dense{nullptr}, classifier{nullptr};
  torch::Tensor head_bias;

 private:
  ModelConfig c_;
};
TORCH_MODULE(Encoder);

class EncoderFamilyModel : public FamilyModelBase<Encoder> {
 public:
  using FamilyModelBase::FamilyModelBase;
  torch::Tensor ExampleInput(int64_t batch, int64_t seq_len, torch::Device device, torch::ScalarType) const override {
    return ExampleTokens(c_, batch, seq_len, device);
  }
  std::string ComponentOf(const std::string& name) const override {
    if (name.rfind("tok_emb.", 0) == 0 || name.rfind("pos_emb.", 0) == 0 || name.rfind("type_emb.", 0) == 0 ||
        name.rfind("emb_norm.", 0) == 0)
      return "embedding";
    if (name.rfind("pooler.", 0) == 0) return "pooler";
    if (name.rfind("head.", 0) == 0) return "head";
    if (name.find(".attn.") != std::string::npos) return "attention";
    if (name.find(".mlp.") != std::string::npos) return "mlp";
    return "norm";
  }
};

}  // namespace

std::unique_ptr<FamilyModel> MakeEncoderModel(const ModelConfig& c, const torch::TensorOptions& opts) {
  return std::make_unique<EncoderFamilyModel>(c, opts);
}

}  // namespace engine
