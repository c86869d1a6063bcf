#include "generator/app/run_limits.h"

#include <charconv>

#include "engine/count.h"
#include "engine/report.h"
#include "generator/render/format.h"

namespace app {

engine::Status ParsePositiveCount(const std::string& flag, const std::string& text, int64_t* out) {
  bool digits = !text.empty();
  for (char ch : text) digits = digits && ch >= '0' && ch <= '9';
  if (!digits) return engine::Status::InvalidArgument(flag + " " + text + ": expected a positive integer");
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range)
    return engine::Status::InvalidArgument(flag + " " + text +
                                           " exceeds 9,223,372,036,854,775,807 (int64 max, about 9.2e18)");
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 1)
    return engine::Status::InvalidArgument(flag + " " + text + ": expected a positive integer");
  *out = value;
  return engine::Status::OK();
}

std::string SequenceMeaning(const engine::ModelConfig& c) {
  if (engine::TraitsOf(c).image_input) return "";
  if (c.family == engine::Family::kAudio) return c.decoder_layers > 0 ? "text decoder tokens" : "";
  return "tokens";
}

int64_t DefaultSequenceLength(const engine::ModelConfig& c) {
  return SequenceMeaning(c).empty() ? 0 : c.context_length;
}

std::string SequenceLengthProblem(const engine::ModelConfig& c, int64_t seq, std::string* note) {
  note->clear();
  if (SequenceMeaning(c).empty()) {
    if (c.family == engine::Family::kAudio)
      return "family 'audio' without a text decoder has no sequence length: the encoder's length is fixed by "
             "chunk_seconds";
    return "family '" + std::string(engine::FamilyName(c.family)) +
           "' takes images: the image_size fixes its input, there is no sequence length";
  }
  if (seq < 1) return "a sequence length must be positive, got " + std::to_string(seq);
  if (c.family == engine::Family::kRecurrent || seq <= c.context_length)
    return "";  // an LSTM/GRU carries state: no limit
  const std::string context = render::FormatThousands(c.context_length);
  // Tables that end at the context: the encoder's and audio decoder's learned positions, and a
  // decoder's learned or sinusoidal ones.
  if (c.family == engine::Family::kEncoder || c.family == engine::Family::kAudio ||
      c.position == engine::Position::kLearned)
    return "a sequence of " + render::FormatThousands(seq) + " tokens is past the context of " + context +
           " learned positions (context_length)";
  if (c.position == engine::Position::kSinusoidal)
    return "a sequence of " + render::FormatThousands(seq) + " tokens is past the context of " + context +
           " sinusoidal positions (context_length)";
  *note = render::FormatThousands(seq) + " tokens is past the trained context of " + context + " (" +
          engine::PositionName(c.position) +
          " positions extrapolate; the count is exact, the model's quality there is not measured)";
  return "";
}

engine::Status CheckRunFlags(const engine::ModelConfig& c, const std::string& what, int64_t batch,
                             std::optional<int64_t> seq, std::string* note) {
  note->clear();
  if (seq) {
    if (std::string problem = SequenceLengthProblem(c, *seq, note); !problem.empty())
      return engine::Status::InvalidArgument(what + ": --seq " + std::to_string(*seq) + ": " + problem);
  }
  engine::FlopCount flops;
  if (engine::Status st = engine::CountForwardFlops(c, batch, seq.value_or(DefaultSequenceLength(c)), &flops); !st.ok())
    return engine::Status::InvalidArgument(what + ": batch " + std::to_string(batch) +
                                           (seq ? ", --seq " + std::to_string(*seq) : std::string()) + ": " +
                                           st.message() + "; hint: use a smaller batch or sequence length");
  return engine::Status::OK();
}

engine::Status CheckMeasuredRunFlags(const engine::ModelConfig& c, const std::string& what, int64_t batch,
                                     std::optional<int64_t> seq, bool train, bool generate, int64_t prompt,
                                     int64_t new_tokens) {
  const std::string flags =
      what + ": batch " + std::to_string(batch) + (seq ? ", --seq " + std::to_string(*seq) : std::string()) + ": ";
  if (train) {
    int64_t flops = 0;
    if (engine::Status st = engine::CountTrainingFlops(c, batch, seq.value_or(DefaultSequenceLength(c)), &flops);
        !st.ok())
      return engine::Status::InvalidArgument(flags + st.message() +
                                             "; hint: use a smaller batch or sequence length, or --no-train");
  }
  if (generate) {
    if (engine::Status st = engine::CheckGenerationCounts(c, batch, prompt, new_tokens); !st.ok())
      return engine::Status::InvalidArgument(flags + st.message() + "; hint: use a smaller batch, or --no-generate");
  }
  return engine::Status::OK();
}

}  // namespace app
