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

Status AudioParameters(const ModelConfig& c, ParameterCount* out) {
  const Checked C = c.embedding_dim, L = c.num_layers, D = c.decoder_layers;
  const Checked frontend = Checked(c.n_mels) * C * 3 + C + C * C * 3 + C;
  const Checked embedding = c.decoder_layers > 0 ? (Checked(c.vocab_size) + c.context_length) * C : Checked(0);
  return FinishParameters(
      {{"frontend", frontend},
       {"embedding", embedding},
       {"attention", (L + D) * SelfAttentionParams(c)},
       {"cross_attention", D * SelfAttentionParams(c)},
       {"mlp", (L + D) * MlpParams(c)},
       {"norm", (L * 2 + 1 + (c.decoder_layers > 0 ? D * 3 + 1 : Checked(0))) * LayerNormParams(c)}},
      embedding, out);
}

Status AudioForwardFlops(const ModelConfig& c, int64_t batch, int64_t text_tokens, FlopCount* out) {
  const Checked C = c.embedding_dim, A = Checked(c.num_heads) * c.head_dim;
  const int64_t frames = AudioFrames(c);
  const int64_t Ta = (frames - 1) / 2 + 1;  // after the stride-2 convolution
  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = Ta;
  CheckedCounts parts = {{"frontend", Checked(2) * batch * (C * frames * c.n_mels * 3 + C * Ta * C * 3)}};
  CheckedCounts encoder = TransformerStackFlops(c, batch, Ta, c.num_layers);
  Checked decoder_head = 0, cross = 0;
  if (c.decoder_layers > 0 && text_tokens > 0) {
    const int64_t T = text_tokens;
    const Checked N = Checked(batch) * T, Dl = c.decoder_layers;
    const CheckedCounts self = TransformerStackFlops(c, batch, T, c.decoder_layers);
    for (size_t i = 0; i < encoder.size(); ++i) encoder[i].second += self[i].second;
    cross = Dl * (Checked(2) * N * C * A + Checked(2) * batch * Ta * C * 2 * A +
                  Checked(2) * (Checked(2) * batch * c.num_heads * T * Ta * c.head_dim) + Checked(2) * N * A * C);
    decoder_head = Checked(2) * N * C * c.vocab_size;
  }
  for (const auto& kv : encoder) parts.push_back(kv);
  if (c.decoder_layers > 0) {
    parts.push_back({"cross_attention", cross});
    parts.push_back({"lm_head", decoder_head});
  }
  f.input = std::to_string(batch) + " × " + std::to_string(c.n_mels) + " × " + std::to_string(frames) +
            " log-mel frames" + (c.decoder_layers > 0 ? " + " + std::to_string(text_tokens) + " text tokens" : "");
  return FinishFlops(parts, TransformerElementwise(c, batch, Ta, c.num_layers, 2 * c.num_layers + 1), &f);
}

}  // namespace engine
