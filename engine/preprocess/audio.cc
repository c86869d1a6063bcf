// Whisper's log-mel spectrogram (see audio.h).
#include "engine/preprocess/audio.h"

#include <cmath>

namespace engine {
namespace {

// Slaney's mel scale (librosa, htk=False): linear below 1 kHz, logarithmic above.
double HzToMel(double hz) {
  const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp, logstep = std::log(6.4) / 27.0;
  return hz < min_log_hz ? hz / f_sp : min_log_mel + std::log(hz / min_log_hz) / logstep;
}

double MelToHz(double mel) {
  const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp, logstep = std::log(6.4) / 27.0;
  return mel < min_log_mel ? mel * f_sp : min_log_hz * std::exp(logstep * (mel - min_log_mel));
}

// n_mels + 2 points evenly spaced in mel between 0 and sample_rate / 2, in Hz.
std::vector<double> MelPoints(int64_t sample_rate, int64_t n_mels) {
  const double top = HzToMel(sample_rate / 2.0);
  std::vector<double> hz(n_mels + 2);
  for (int64_t i = 0; i < n_mels + 2; ++i) hz[i] = MelToHz(top * i / double(n_mels + 1));
  return hz;
}

}  // namespace

torch::Tensor MelFilterbank(int64_t sample_rate, int64_t n_fft, int64_t n_mels) {
  const int64_t bins = n_fft / 2 + 1;
  const std::vector<double> hz = MelPoints(sample_rate, n_mels);
  auto fb = torch::zeros({n_mels, bins}, torch::kFloat64);
  auto acc = fb.accessor<double, 2>();
  for (int64_t m = 0; m < n_mels; ++m) {
    const double lower = hz[m], centre = hz[m + 1], upper = hz[m + 2];
    const double norm = 2.0 / (upper - lower);  // Slaney: constant energy per channel
    for (int64_t k = 0; k < bins; ++k) {
      const double f = k * double(sample_rate) / double(n_fft);
      const double w = std::max(0.0, std::min((f - lower) / (centre - lower), (upper - f) / (upper - centre)));
      acc[m][k] = w * norm;
    }
  }
  return fb.to(torch::kFloat32);
}

torch::Tensor MelCentres(int64_t sample_rate, int64_t n_mels) {
  const std::vector<double> hz = MelPoints(sample_rate, n_mels);
  return torch::tensor(std::vector<double>(hz.begin() + 1, hz.end() - 1), torch::kFloat64);
}

torch::Tensor LogMelSpectrogram(const torch::Tensor& waveform, const ModelConfig& c) {
  auto audio = waveform.to(torch::kFloat32).flatten();
  auto window = torch::hann_window(c.n_fft, /*periodic=*/true, torch::kFloat32);
  auto stft = torch::stft(audio, c.n_fft, c.hop_length, c.n_fft, window, /*center=*/true, "reflect",
                          /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
  auto power = stft.narrow(1, 0, stft.size(1) - 1).abs().pow(2);  // drop the last frame, as Whisper
  auto mel = torch::matmul(MelFilterbank(c.sample_rate, c.n_fft, c.n_mels), power);
  auto log_spec = torch::clamp_min(mel, 1e-10).log10();
  log_spec = torch::maximum(log_spec, log_spec.max() - 8.0);
  return (log_spec + 4.0) / 4.0;
}

torch::Tensor AudioChunkFeatures(const torch::Tensor& waveform, const ModelConfig& c) {
  const int64_t samples = AudioFrames(c) * c.hop_length;
  auto audio = waveform.to(torch::kFloat32).flatten();
  if (audio.size(0) >= samples)
    audio = audio.narrow(0, 0, samples);
  else
    audio = torch::cat({audio, torch::zeros({samples - audio.size(0)}, torch::kFloat32)});
  return LogMelSpectrogram(audio, c);
}

}  // namespace engine
