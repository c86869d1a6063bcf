// Shared scenario facts (see scenario_util.h).
#include "engine/scenario_util.h"

namespace engine {

bool DtypeFromName(const std::string& name, torch::ScalarType* out) {
  if (name == "float32") *out = torch::kFloat32;
  else if (name == "bfloat16") *out = torch::kBFloat16;
  else if (name == "float16") *out = torch::kFloat16;
  else return false;
  return true;
}

torch::Device DeviceOf(const std::string& device) { return device == "cuda" ? torch::kCUDA : torch::kCPU; }

bool UsesSequenceLength(const ModelConfig& c) {
  return c.family == "decoder" || c.family == "moe" || c.family == "encoder" || c.family == "recurrent" ||
         (c.family == "audio" && c.decoder_layers > 0);
}

std::pair<std::string, double> WorkUnit(const ModelConfig& c, int64_t seq) {
  if (c.family == "vit" || c.family == "resnet") return {"images_per_s", 1.0};
  if (c.family == "audio") return {"audio_seconds_per_s", c.chunk_seconds};
  return {"tokens_per_s", static_cast<double>(seq)};
}

}  // namespace engine
