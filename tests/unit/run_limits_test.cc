// app/run_limits: --batch/--seq parsed exactly, sequence lengths checked against each family's
// positions, and the counts they imply checked against int64 (issue 13).
#include "generator/app/run_limits.h"

#include <doctest/doctest.h>

#include <limits>
#include <optional>
#include <string>

#include "engine/count.h"
#include "tests/model_configs.h"

TEST_CASE("--batch and --seq are parsed exactly: past int64 is an error, never clamped") {
  int64_t v = 0;
  REQUIRE(app::ParsePositiveCount("--batch", "8", &v).ok());
  CHECK(v == 8);
  REQUIRE(app::ParsePositiveCount("--batch", "9223372036854775807", &v).ok());
  CHECK(v == std::numeric_limits<int64_t>::max());
  const engine::Status over = app::ParsePositiveCount("--batch", "9223372036854775808", &v);
  CHECK(over.message() == "--batch 9223372036854775808 exceeds 9,223,372,036,854,775,807 (int64 max, about 9.2e18)");
  CHECK(app::ParsePositiveCount("--seq", "99999999999999999999", &v).message() ==
        "--seq 99999999999999999999 exceeds 9,223,372,036,854,775,807 (int64 max, about 9.2e18)");
  for (const char* bad : {"0", "-1", "1e3", "", "12a", "+4", " 4"})
    CHECK(app::ParsePositiveCount("--seq", bad, &v).message() ==
          "--seq " + std::string(bad) + ": expected a positive integer");
}

TEST_CASE("a sequence length past a learned or sinusoidal table is an error naming the limit") {
  std::string note;
  const engine::ModelConfig gpt2 = testing_configs::Gpt2(12, 768, 12);
  CHECK(app::SequenceLengthProblem(gpt2, 1024, &note).empty());
  CHECK(note.empty());
  CHECK(app::SequenceLengthProblem(gpt2, 1025, &note) ==
        "a sequence of 1,025 tokens is past the context of 1,024 learned positions (context_length)");
  engine::ModelConfig sinusoidal = gpt2;
  sinusoidal.position = engine::Position::kSinusoidal;
  CHECK(app::SequenceLengthProblem(sinusoidal, 2048, &note) ==
        "a sequence of 2,048 tokens is past the context of 1,024 sinusoidal positions (context_length)");
  CHECK(app::SequenceLengthProblem(testing_configs::BertBase(), 513, &note) ==
        "a sequence of 513 tokens is past the context of 512 learned positions (context_length)");
  // Whisper's --seq is the text decoder's tokens (its learned table: 448 positions).
  CHECK(app::SequenceLengthProblem(testing_configs::WhisperTiny(), 448, &note).empty());
  CHECK(app::SequenceLengthProblem(testing_configs::WhisperTiny(), 449, &note) ==
        "a sequence of 449 tokens is past the context of 448 learned positions (context_length)");
}

TEST_CASE("rope, alibi and no positions extrapolate past the context with a note; recurrent has no limit") {
  std::string note;
  engine::ModelConfig llama = testing_configs::Llama2(32, 4096, 32, 32, 11008);
  REQUIRE(llama.position == engine::Position::kRoPE);
  CHECK(app::SequenceLengthProblem(llama, llama.context_length, &note).empty());
  CHECK(note.empty());
  CHECK(app::SequenceLengthProblem(llama, 8192, &note).empty());
  CHECK(note ==
        "8,192 tokens is past the trained context of 4,096 (rope positions extrapolate; the count is exact, "
        "the model's quality there is not measured)");
  llama.position = engine::Position::kALiBi;
  CHECK(app::SequenceLengthProblem(llama, 8192, &note).empty());
  CHECK(note.find("(alibi positions extrapolate") != std::string::npos);
  CHECK(app::SequenceLengthProblem(testing_configs::LstmMedium(), 1000000, &note).empty());
  CHECK(note.empty());
}

TEST_CASE("--seq is an error for families whose input fixes the length") {
  std::string note;
  CHECK(app::SequenceLengthProblem(testing_configs::VitB16(), 5, &note) ==
        "family 'vit' takes images: the image_size fixes its input, there is no sequence length");
  CHECK(app::SequenceLengthProblem(testing_configs::ResNet("bottleneck", {3, 4, 6, 3}), 5, &note) ==
        "family 'resnet' takes images: the image_size fixes its input, there is no sequence length");
  engine::ModelConfig encoder_only = testing_configs::WhisperTiny();
  encoder_only.decoder_layers = 0;
  CHECK(app::SequenceLengthProblem(encoder_only, 5, &note) ==
        "family 'audio' without a text decoder has no sequence length: the encoder's length is fixed by "
        "chunk_seconds");
  CHECK(app::DefaultSequenceLength(testing_configs::VitB16()) == 0);
  CHECK(app::DefaultSequenceLength(testing_configs::WhisperTiny()) == 448);
}

TEST_CASE("CheckRunFlags: the sequence rule, then the counts the flags imply must fit int64") {
  std::string note;
  const engine::ModelConfig gpt2 = testing_configs::Gpt2(12, 768, 12);
  CHECK(app::CheckRunFlags(gpt2, "g.yaml: size 'small'", 1, 2048, &note).message() ==
        "g.yaml: size 'small': --seq 2048: a sequence of 2,048 tokens is past the context of 1,024 learned "
        "positions (context_length)");
  CHECK(app::CheckRunFlags(testing_configs::VitB16(), "v.yaml: size 'b16'", 1, 197, &note).message() ==
        "v.yaml: size 'b16': --seq 197: family 'vit' takes images: the image_size fixes its input, there is no "
        "sequence length");
  engine::FlopCount one;
  REQUIRE(engine::CountForwardFlops(gpt2, 1, 1024, &one).ok());
  const int64_t fits = std::numeric_limits<int64_t>::max() / one.forward;
  CHECK(app::CheckRunFlags(gpt2, "g.yaml: size 'small'", fits, std::nullopt, &note).ok());
  const engine::Status over = app::CheckRunFlags(gpt2, "g.yaml: size 'small'", fits + 1, std::nullopt, &note);
  CHECK(over.message().rfind("g.yaml: size 'small': batch " + std::to_string(fits + 1) + ": forward FLOPs", 0) == 0);
  CHECK(app::CheckRunFlags(testing_configs::Llama2(32, 4096, 32, 32, 11008), "l", 1, 8192, &note).ok());
  CHECK(note.rfind("8,192 tokens is past the trained context of 4,096", 0) == 0);
}

TEST_CASE("a measured run's training step and generation at --batch are checked against int64 (issue 14)") {
  const engine::ModelConfig gpt2 = testing_configs::Gpt2(12, 768, 12);
  engine::FlopCount f;
  REQUIRE(engine::CountForwardFlops(gpt2, 1, 1024, &f).ok());
  const int64_t batch = std::numeric_limits<int64_t>::max() / f.forward;  // the forward fits, 3 x does not
  std::string note;
  REQUIRE(app::CheckRunFlags(gpt2, "g.yaml: size 'small'", batch, std::nullopt, &note).ok());
  CHECK(app::CheckMeasuredRunFlags(gpt2, "g.yaml: size 'small'", batch, std::nullopt, false, false, 32, 32).ok());
  CHECK(app::CheckMeasuredRunFlags(gpt2, "g.yaml: size 'small'", batch, std::nullopt, true, false, 32, 32).message() ==
        "g.yaml: size 'small': batch " + std::to_string(batch) +
            ": training-step FLOPs (3 x forward) exceeds 9,223,372,036,854,775,807 (int64 max, about 9.2e18); hint: "
            "use a smaller batch or sequence length, or --no-train");
  // A generation of 1,000 tokens at a batch whose 1,024-token forward fits: the optimization
  // study's recompute-per-token sum (about 500 forwards) does not.
  const int64_t big = batch / 2;
  const engine::Status gen = app::CheckMeasuredRunFlags(gpt2, "g.yaml: size 'small'", big, 24, false, true, 24, 1000);
  REQUIRE_FALSE(gen.ok());
  CHECK(gen.message().find("forward FLOPs summed over lengths 24 to 1023 exceeds 9,223,372,036,854,775,807") !=
        std::string::npos);
  CHECK(gen.message().find("hint: use a smaller batch, or --no-generate") != std::string::npos);
  CHECK(app::CheckMeasuredRunFlags(gpt2, "g.yaml: size 'small'", 8, 24, true, true, 24, 1000).ok());
}
