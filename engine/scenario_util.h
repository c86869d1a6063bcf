// Small facts the measurement scenarios (profile.cc, train_step.cc, experiments/) share:
// dtype and device names, what a family's forward pass takes, and its unit of work.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>

#include "engine/config.h"

namespace engine {

// "float32" | "bfloat16" | "float16" -> *out; false for another name.
bool DtypeFromName(const std::string& name, torch::ScalarType* out);

// "cuda" -> the current CUDA device; anything else -> CPU.
torch::Device DeviceOf(const std::string& device);

// The throughput key and the work of one sample at `seq`: tokens, images, or seconds of audio.
std::pair<std::string, double> WorkUnit(const ModelConfig& c, int64_t seq);

}  // namespace engine
