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

ParameterCount RecurrentParameters(const ModelConfig& c) {
  const int64_t g = Gates(c), H = c.hidden_dim;
  int64_t recurrent = 0;
  for (int64_t l = 0; l < c.num_layers; ++l) {
    const int64_t in = l == 0 ? c.embedding_dim : H;
    recurrent += g * H * in + g * H * H + 2 * g * H;
  }
  ParameterCount p;
  p.by_component = {{"embedding", c.vocab_size * c.embedding_dim},
                    {"recurrent", recurrent},
                    {"lm_head", (Tied(c) ? 0 : H * c.vocab_size) + c.vocab_size}};
  for (const auto& [name, n] : p.by_component) p.total += n;
  p.trainable = p.active = p.total;
  p.embedding = c.vocab_size * c.embedding_dim;
  p.non_embedding = p.total - p.embedding;
  return p;
}

FlopCount RecurrentForwardFlops(const ModelConfig& c, int64_t batch, int64_t T) {
  const int64_t g = Gates(c), H = c.hidden_dim, N = batch * T;
  int64_t recurrent = 0;
  for (int64_t l = 0; l < c.num_layers; ++l) recurrent += 2 * N * g * H * ((l == 0 ? c.embedding_dim : H) + H);
  FlopCount f;
  f.batch = batch;
  f.sequence_length = T;
  f.by_component = {{"recurrent", recurrent}, {"lm_head", 2 * N * H * c.vocab_size}};
  for (const auto& [name, n] : f.by_component) f.forward += n;
  f.forward_macs = f.forward / 2;
  f.input = std::to_string(batch) + " × " + std::to_string(T) + " tokens";
  // Gate math per hidden unit and step: LSTM ~ 4 nonlinearities + 3 products + 1 add + bias adds.
  f.elementwise = {{"gates", N * c.num_layers * H * (c.cell == "gru" ? 10 : 12)}};
  return f;
}

}  // namespace engine
