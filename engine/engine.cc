// Engine entry points that build models: instantiated parameter counts (on `meta`).
// c10::Error never crosses this boundary; it becomes a Status.
#include "engine/torch_error.h"
#include "engine/engine.h"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

#include "engine/count.h"
#include "engine/models/family.h"

namespace engine {
namespace {

// The expert index in a moe parameter name ("blocks.3.mlp.experts.5.fc.weight" -> 5), or -1.
int64_t ExpertIndex(const std::string& name) {
  const std::string marker = ".experts.";
  const size_t at = name.find(marker);
  if (at == std::string::npos) return -1;
  return std::stoll(name.substr(at + marker.size()));
}

}  // namespace

Status CountInstantiatedParameters(const ModelConfig& c, ParameterCount* out) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  try {
    std::unique_ptr<FamilyModel> model =
        BuildFamilyModel(c, torch::TensorOptions().device(torch::kMeta).dtype(torch::kFloat32));
    ParameterCount p;
    // The analytic count's components, in its order, so the two can be compared key by key.
    for (const auto& [name, n] : AnalyticParameters(c).by_component) p.by_component.push_back({name, 0});
    int64_t inactive = 0;
    for (const auto& item : model->module().named_parameters()) {
      const int64_t n = item.value().numel();
      p.total += n;
      if (item.value().requires_grad()) p.trainable += n;
      const std::string component = model->ComponentOf(item.key());
      if (component == "embedding") p.embedding += n;
      bool known = false;
      for (auto& [k, v] : p.by_component)
        if (k == component) v += n, known = true;
      if (!known) p.by_component.push_back({component, n});
      if (TraitsOf(c).experts && ExpertIndex(item.key()) >= c.experts_per_token) inactive += n;
    }
    p.non_embedding = p.total - p.embedding;
    p.active = p.total - inactive;
    *out = p;
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace engine
