// LSTM / GRU language model (the recurrent family): token embedding, num_layers stacked
// LSTM or GRU layers (torch::nn's implementation, batch-first; PyTorch's parameter layout
// weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}), and an LM head with a bias whose
// weight is the embedding matrix when tied (tie_embeddings and embedding_dim == hidden_dim).
// Names: tok_emb.weight, rnn.*, lm_head.weight (untied), lm_head_bias.
#include <string>

#include "engine/layers/linear.h"
#include "engine/models/common.h"
#include "engine/models/family.h"

namespace engine {
namespace {

class RecurrentLmImpl : public torch::nn::Module {
 public:
  RecurrentLmImpl(const ModelConfig& c, const torch::TensorOptions& opts) : gru_(c.cell == "gru") {
    tok_emb = register_module("tok_emb", Embedding(c.vocab_size, c.embedding_dim, opts));
    // torch::nn's RNN modules allocate on the CPU in float32; they are moved to opts' device and
    // dtype, except to `meta` (set_data cannot change a CPU tensor into a meta one): there the
    // float32 CPU copy stays, which costs little for these sizes and is only counted.
    const bool move = !opts.device().is_meta();
    if (gru_) {
      gru = register_module(
          "rnn", torch::nn::GRU(
                     torch::nn::GRUOptions(c.embedding_dim, c.hidden_dim).num_layers(c.num_layers).batch_first(true)));
      if (move) gru->to(opts.device(), opts.dtype().toScalarType());
    } else {
      lstm = register_module(
          "rnn", torch::nn::LSTM(
                     torch::nn::LSTMOptions(c.embedding_dim, c.hidden_dim).num_layers(c.num_layers).batch_first(true)));
      if (move) lstm->to(opts.device(), opts.dtype().toScalarType());
    }
    if (c.tie_embeddings && c.embedding_dim == c.hidden_dim)
      lm_head = Linear(tok_emb->weight);
    else
      lm_head = register_module("lm_head", Linear(c.hidden_dim, c.vocab_size, false, opts));
    lm_head_bias = register_parameter("lm_head_bias", torch::empty({c.vocab_size}, opts));
  }

  // ids (B, T) -> logits (B, T, V).
  torch::Tensor forward(const torch::Tensor& ids) {
    auto x = tok_emb(ids);
    auto h = gru_ ? std::get<0>(gru->forward(x)) : std::get<0>(lstm->forward(x));
    return lm_head(h) + lm_head_bias;
  }

  // Incremental: ids (B, T) continuing from `state` (undefined = zeros at the start); returns the
  // logits of the last position (B, V) and replaces `state` ((h, c) for LSTM; h for GRU, in h).
  torch::Tensor ForwardState(const torch::Tensor& ids, torch::Tensor* h, torch::Tensor* c) {
    auto x = tok_emb(ids);
    torch::Tensor out;
    if (gru_) {
      auto [y, hn] = h->defined() ? gru->forward(x, *h) : gru->forward(x);
      out = y;
      *h = hn;
    } else {
      auto [y, state] = h->defined() ? lstm->forward(x, std::make_tuple(*h, *c)) : lstm->forward(x);
      out = y;
      *h = std::get<0>(state);
      *c = std::get<1>(state);
    }
    return lm_head(out.select(1, out.size(1) - 1)) + lm_head_bias;
  }

  Embedding tok_emb{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::GRU gru{nullptr};
  Linear lm_head{nullptr};
  torch::Tensor lm_head_bias;

 private:
  bool gru_;
};
TORCH_MODULE(RecurrentLm);

// Generation carries the recurrent state: every step costs the same whatever the length.
class StateGenerator : public TokenGenerator {
 public:
  explicit StateGenerator(RecurrentLmImpl* model) : model_(model) {}
  torch::Tensor Prefill(const torch::Tensor& prompt) override {
    h_ = torch::Tensor();
    c_ = torch::Tensor();
    return model_->ForwardState(prompt, &h_, &c_);
  }
  torch::Tensor Step(const torch::Tensor& next) override { return model_->ForwardState(next, &h_, &c_); }

 private:
  RecurrentLmImpl* model_;
  torch::Tensor h_, c_;
};

class RecurrentFamilyModel : public FamilyModelBase<RecurrentLm> {
 public:
  using FamilyModelBase::FamilyModelBase;
  torch::Tensor ExampleInput(int64_t batch, int64_t seq_len, torch::Device device, torch::ScalarType) const override {
    return ExampleTokens(c_, batch, seq_len, device);
  }
  std::string ComponentOf(const std::string& name) const override {
    if (name.rfind("tok_emb.", 0) == 0) return "embedding";
    if (name.rfind("rnn.", 0) == 0) return "recurrent";
    return "lm_head";
  }
  std::unique_ptr<TokenGenerator> NewGenerator(int64_t, int64_t) override {
    return std::make_unique<StateGenerator>(model_.get());
  }
  void PackForInference() override {
    if (model_->lstm) model_->lstm->flatten_parameters();
    if (model_->gru) model_->gru->flatten_parameters();
  }
};

}  // namespace

std::unique_ptr<FamilyModel> MakeRecurrentModel(const ModelConfig& c, const torch::TensorOptions& opts) {
  return std::make_unique<RecurrentFamilyModel>(c, opts);
}

}  // namespace engine
