// Analytic counts of the audio family (engine/count_families.h): a Whisper-style encoder over
// log-mel features (two convolutions, sinusoidal positions as a buffer, pre-LN blocks) and an
// optional text decoder (learned positions, causal self-attention, cross-attention, tied head).
// Differences from openai/whisper's checkpoints, by design of this engine: the fused q|k|v
// projection has a bias on k too (Whisper's k_proj has none: 1 x C per attention), and the
// encoder's sinusoidal table is a buffer (Hugging Face stores it as a frozen parameter).
#include <string>

#include "engine/count_families.h"
#include "engine/count_transformer.h"

namespace engine {

ParameterCount AudioParameters(const ModelConfig& c) {
  const int64_t C = c.embedding_dim, L = c.num_layers, D = c.decoder_layers;
  const int64_t frontend = c.n_mels * C * 3 + C + C * C * 3 + C;
  ParameterCount p;
  p.by_component = {{"frontend", frontend},
                    {"embedding", D > 0 ? (c.vocab_size + c.context_length) * C : 0},
                    {"attention", (L + D) * SelfAttentionParams(c)},
                    {"cross_attention", D * SelfAttentionParams(c)},
                    {"mlp", (L + D) * MlpParams(c)},
                    {"norm", (2 * L + 1 + (D > 0 ? 3 * D + 1 : 0)) * LayerNormParams(c)}};
  for (const auto& [name, n] : p.by_component) p.total += n;
  p.trainable = p.active = p.total;
  p.embedding = D > 0 ? (c.vocab_size + c.context_length) * C : 0;
  p.non_embedding = p.total - p.embedding;
  return p;
}

FlopCount AudioForwardFlops(const ModelConfig& c, int64_t batch, int64_t text_tokens) {
  const int64_t C = c.embedding_dim, A = c.num_heads * c.head_dim, frames = AudioFrames(c);
  const int64_t Ta = (frames - 1) / 2 + 1;  // after the stride-2 convolution
  FlopCount f;
  f.batch = batch;
  f.sequence_length = Ta;
  f.by_component = {{"frontend", 2 * batch * (C * frames * c.n_mels * 3 + C * Ta * C * 3)}};
  NamedCounts encoder = TransformerStackFlops(c, batch, Ta, c.num_layers);
  int64_t decoder_head = 0, cross = 0;
  if (c.decoder_layers > 0 && text_tokens > 0) {
    const int64_t T = text_tokens, N = batch * T, Dl = c.decoder_layers;
    const NamedCounts self = TransformerStackFlops(c, batch, T, Dl);
    for (size_t i = 0; i < encoder.size(); ++i) encoder[i].second += self[i].second;
    cross = Dl * (2 * N * C * A + 2 * batch * Ta * C * 2 * A + 2 * (2 * batch * c.num_heads * T * Ta * c.head_dim) +
                  2 * N * A * C);
    decoder_head = 2 * N * C * c.vocab_size;
  }
  for (const auto& kv : encoder) f.by_component.push_back(kv);
  if (c.decoder_layers > 0) {
    f.by_component.push_back({"cross_attention", cross});
    f.by_component.push_back({"lm_head", decoder_head});
  }
  for (const auto& [name, n] : f.by_component) f.forward += n;
  f.forward_macs = f.forward / 2;
  f.input = std::to_string(batch) + " × " + std::to_string(c.n_mels) + " × " + std::to_string(frames) +
            " log-mel frames" + (c.decoder_layers > 0 ? " + " + std::to_string(text_tokens) + " text tokens" : "");
  f.elementwise = TransformerElementwise(c, batch, Ta, c.num_layers, 2 * c.num_layers + 1);
  return f;
}

}  // namespace engine
