// The numbers `count`, `profile` and `build` take from the command line (--batch, --seq) checked
// against what a size can mean: a count is parsed exactly (never clamped), a sequence length must
// exist for the family and fit its positions, and the FLOPs it implies must fit int64. Plain C++:
// no LibTorch, no printing (the CLI prints the Status).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/config.h"
#include "engine/status.h"

namespace app {

// A positive integer given as text ("--batch", "8"): decimal digits only, 1 to int64 max.
// "--batch 99999999999999999999" is an error naming the limit, never a clamped number.
engine::Status ParsePositiveCount(const std::string& flag, const std::string& text, int64_t* out);

// What a sequence length is for `c`'s family: tokens through the positions of a text model
// (decoder, moe, encoder, recurrent), the text decoder's tokens for audio with a decoder, and
// nothing for vit, resnet and encoder-only audio (the input fixes the length); "" then.
std::string SequenceMeaning(const engine::ModelConfig& c);

// "" when `seq` tokens are a valid length for `c`; otherwise the problem, naming the limit.
// Learned and sinusoidal tables (and the audio decoder's learned one) end at context_length;
// RoPE, ALiBi and no positions extrapolate past it: allowed, with *note saying so.
std::string SequenceLengthProblem(const engine::ModelConfig& c, int64_t seq, std::string* note);

// The flags of one run for one size (`what` names it in messages, e.g. "specs/gpt2.yaml: size
// 'small'"): --seq must mean something for the family and fit (SequenceLengthProblem), and the
// forward FLOPs at (batch, seq or the default length) must fit int64 (engine::CountForwardFlops).
// *note: an extrapolation note, or "".
engine::Status CheckRunFlags(const engine::ModelConfig& c, const std::string& what, int64_t batch,
                             std::optional<int64_t> seq, std::string* note);

// What a measured run at --batch / --seq adds to CheckRunFlags: a training step's FLOPs at
// (batch, seq or the default length) when `train`, and, when `generate`, the counts of a
// generation of `new_tokens` after `prompt` tokens at `batch` (engine::CheckGenerationCounts);
// each must fit int64, checked before anything is built.
engine::Status CheckMeasuredRunFlags(const engine::ModelConfig& c, const std::string& what, int64_t batch,
                                     std::optional<int64_t> seq, bool train, bool generate, int64_t prompt,
                                     int64_t new_tokens);

// The sequence length a count uses when --seq is not given: the context length (0 where the
// family has no sequence length).
int64_t DefaultSequenceLength(const engine::ModelConfig& c);

}  // namespace app
