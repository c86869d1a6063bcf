// Shared scenario facts (see scenario_util.h).
#include "engine/scenario_util.h"

namespace engine {

bool DtypeFromName(const std::string& name, torch::ScalarType* out) {
  if (name == "float32")
    *out = torch::kFloat32;
  else if (name == "bfloat16")
    *out = torch::kBFloat16;
  else if (name == "float16")
    *out = torch::kFloat16;
  else
    return false;
  return true;
}

torch::Device DeviceOf(const std::string& device) { return device == "cuda" ? torch::kCUDA : torch::kCPU; }

std::pair<std::string, double> WorkUnit(const ModelConfig& c, int64_t seq) {
  const FamilyTraits& t = TraitsOf(c);
  return {t.unit_of_work, t.image_input ? 1.0 : t.audio_input ? c.chunk_seconds : static_cast<double>(seq)};
}

}  // namespace engine
