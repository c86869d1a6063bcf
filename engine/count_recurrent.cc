// Analytic counts of the recurrent family (engine/count_families.h): PyTorch's LSTM/GRU
// parameterization (weight_ih, weight_hh, bias_ih, bias_hh per layer; 4 gates for LSTM, 3 for
// GRU) and an LM head with a bias, whose weight is the embedding's when tied.
#include <string>

#include "engine/count_families.h"

namespace engine {
namespace {

int64_t Gates(const ModelConfig& c) { return c.cell == "gru" ? 3 : 4; }
bool Tied(const ModelConfig& c) { return c.tie_embeddings && c.embedding_dim == c.hidden_dim; }

}  // namespace

Status RecurrentParameters(const ModelConfig& c, ParameterCount* out) {
  const Checked g = Gates(c), H = c.hidden_dim;
  // Layer 0 reads the embedding, every later one the hidden state below it: closed form, so the
  // cost does not grow with num_layers.
  auto layer = [&](Checked in) { return g * H * in + g * H * H + Checked(2) * g * H; };
  const Checked recurrent =
      c.num_layers < 1 ? Checked(0) : layer(c.embedding_dim) + Checked(c.num_layers - 1) * layer(c.hidden_dim);
  const Checked embedding = Checked(c.vocab_size) * c.embedding_dim;
  return FinishParameters({{"embedding", embedding},
                           {"recurrent", recurrent},
                           {"lm_head", (Tied(c) ? Checked(0) : H * c.vocab_size) + c.vocab_size}},
                          embedding, out);
}

Status RecurrentForwardFlops(const ModelConfig& c, int64_t batch, int64_t T, FlopCount* out) {
  const Checked g = Gates(c), H = c.hidden_dim, N = Checked(batch) * T;
  auto layer = [&](Checked in) { return Checked(2) * N * g * H * (in + H); };
  const Checked recurrent =
      c.num_layers < 1 ? Checked(0) : layer(c.embedding_dim) + Checked(c.num_layers - 1) * layer(c.hidden_dim);
  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = T;
  f.input = std::to_string(batch) + " × " + std::to_string(T) + " tokens";
  // Gate math per hidden unit and step: LSTM ~ 4 nonlinearities + 3 products + 1 add + bias adds.
  return FinishFlops({{"recurrent", recurrent}, {"lm_head", Checked(2) * N * H * c.vocab_size}},
                     {{"gates", N * c.num_layers * H * (c.cell == "gru" ? 10 : 12)}}, &f);
}

}  // namespace engine
