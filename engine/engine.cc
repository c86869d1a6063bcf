// Engine entry points that build models: instantiated parameter counts (on `meta`).
// c10::Error never crosses this boundary; it becomes a Status.
#include "engine/engine.h"

#include <torch/torch.h>

#include "engine/models/decoder.h"

namespace engine {
namespace {

// Component of a parameter by its stable name.
std::string ComponentOf(const std::string& name) {
  if (name.rfind("tok_emb.", 0) == 0 || name.rfind("pos_emb.", 0) == 0) return "embedding";
  if (name.rfind("lm_head.", 0) == 0) return "lm_head";
  if (name.find(".attn.") != std::string::npos) return "attention";
  if (name.find(".mlp.") != std::string::npos) return "mlp";
  return "norm";  // blocks.i.norm1/norm2, norm_f
}

}  // namespace

Status CountInstantiatedParameters(const ModelConfig& c, ParameterCount* out) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  try {
    Decoder model(c, torch::TensorOptions().device(torch::kMeta).dtype(torch::kFloat32));
    ParameterCount p;
    p.by_component = {{"embedding", 0}, {"attention", 0}, {"mlp", 0}, {"norm", 0}, {"lm_head", 0}};
    for (const auto& item : model->named_parameters()) {
      const int64_t n = item.value().numel();
      p.total += n;
      if (item.value().requires_grad()) p.trainable += n;
      const std::string component = ComponentOf(item.key());
      if (component == "embedding") p.embedding += n;
      for (auto& [k, v] : p.by_component)
        if (k == component) v += n;
    }
    p.non_embedding = p.total - p.embedding;
    *out = p;
    return Status::OK();
  } catch (const c10::Error& e) {
    return Status::Internal(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
}

}  // namespace engine
