// Audio preprocessing of the audio family: Whisper's log-mel spectrogram (openai/whisper
// audio.py). Periodic Hann window of n_fft samples, STFT with hop_length (centered, reflect
// padding), power spectrum without the last frame, a Slaney-scale mel filterbank with Slaney
// area normalization (librosa.filters.mel(htk=False, norm="slaney")), log10 of max(x, 1e-10),
// clamped to 8 below the maximum, then (x + 4) / 4.
#pragma once

#include <torch/torch.h>

#include "engine/config.h"

namespace engine {

// (n_mels, n_fft / 2 + 1) float32 filterbank for sample_rate, covering 0 .. sample_rate / 2.
torch::Tensor MelFilterbank(int64_t sample_rate, int64_t n_fft, int64_t n_mels);

// Centre frequency in Hz of each of the n_mels filters (the filterbank's peaks).
torch::Tensor MelCentres(int64_t sample_rate, int64_t n_mels);

// waveform: float (samples) at c.sample_rate -> (n_mels, samples / hop_length) log-mel.
torch::Tensor LogMelSpectrogram(const torch::Tensor& waveform, const ModelConfig& c);

// The model input of one chunk: the waveform padded with zeros (or trimmed) to chunk_seconds,
// then LogMelSpectrogram -> (n_mels, AudioFrames(c)).
torch::Tensor AudioChunkFeatures(const torch::Tensor& waveform, const ModelConfig& c);

}  // namespace engine
