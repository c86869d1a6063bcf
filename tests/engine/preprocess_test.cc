// Preprocessing: image resize/crop/normalization and Whisper's log-mel spectrogram.
#include "tests/engine/torch_doctest.h"

#include <cmath>

#include "engine/preprocess/audio.h"
#include "engine/preprocess/image.h"

TEST_CASE("image: a constant image becomes (value / 255 - mean) / std everywhere, 3 x 224 x 224") {
  auto image = torch::full({300, 400, 3}, 128, torch::kUInt8);
  auto x = engine::PreprocessImage(image);
  REQUIRE(x.sizes() == std::vector<int64_t>{3, 224, 224});
  const double mean[] = {0.485, 0.456, 0.406}, std[] = {0.229, 0.224, 0.225};
  for (int ch = 0; ch < 3; ++ch) {
    const double want = (128.0 / 255.0 - mean[ch]) / std[ch];
    CHECK(x[ch].min().item<double>() == doctest::Approx(want).epsilon(1e-4));
    CHECK(x[ch].max().item<double>() == doctest::Approx(want).epsilon(1e-4));
  }
}

TEST_CASE("image: the shorter side is resized to 256 before the centre crop") {
  // Left half black, right half white, 100 x 1000: after resize (256 x 2560) and the centre crop,
  // the crop straddles the edge in the middle: left columns dark, right columns bright.
  auto image = torch::zeros({100, 1000, 3}, torch::kUInt8);
  image.narrow(1, 500, 500).fill_(255);
  auto x = engine::PreprocessImage(image);
  CHECK(x[0].select(1, 0).mean().item<double>() < 0);
  CHECK(x[0].select(1, 223).mean().item<double>() > 0);
}

TEST_CASE("log-mel: a pure tone peaks at the mel bin centred nearest its frequency") {
  engine::ModelConfig c;
  c.family = engine::Family::kAudio;
  for (double tone : {440.0, 1000.0, 3000.0}) {
    auto t = torch::arange(16000, torch::kFloat64) / 16000.0;
    auto wave = torch::sin(2 * M_PI * tone * t).to(torch::kFloat32);
    auto mel = engine::LogMelSpectrogram(wave, c);
    REQUIRE(mel.sizes() == std::vector<int64_t>{80, 100});
    const int64_t peak = mel.narrow(1, 10, 80).mean(1).argmax().item<int64_t>();
    const int64_t nearest = (engine::MelCentres(16000, 80) - tone).abs().argmin().item<int64_t>();
    MESSAGE(tone << " Hz: peak bin " << peak << ", nearest centre bin " << nearest);
    CHECK(std::abs(peak - nearest) <= 1);
  }
}

TEST_CASE("log-mel: Whisper's scaling and a chunk padded to 30 s gives 3000 frames") {
  engine::ModelConfig c;
  c.family = engine::Family::kAudio;
  auto wave = torch::randn({16000 * 2}) * 0.1;
  auto features = engine::AudioChunkFeatures(wave, c);
  REQUIRE(features.sizes() == std::vector<int64_t>{80, 3000});
  // (log10 x + 4) / 4 with x clamped to 8 decades below the maximum: a range of at most 2.
  CHECK((features.max() - features.min()).item<double>() <= 2.0 + 1e-6);
  // Slaney normalization: each triangle (height 2 / (upper - lower) over a base of upper - lower Hz)
  // has unit area, so sum over bins x bin width (16000 / 400 = 40 Hz) is about 1 for the wide filters.
  auto fb = engine::MelFilterbank(16000, 400, 80);
  CHECK(fb.sizes() == std::vector<int64_t>{80, 201});
  CHECK((fb >= 0).all().item<bool>());
  CHECK((fb.select(0, 79).sum() * 40.0).item<double>() == doctest::Approx(1.0).epsilon(0.05));
}
