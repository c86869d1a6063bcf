// InitRandomWeights, PackLinears and QuantizeLinearsInt8 (see common.h).
#include "engine/models/common.h"

#include <set>
#include <string>
#include <vector>

#include "engine/layers/linear.h"
#include "engine/models/decoder.h"

namespace engine {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void InitRandomWeights(torch::nn::Module& module, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& item : module.named_parameters()) {
    torch::Tensor& p = item.value();
    if (p.device().is_meta()) continue;
    const std::string& name = item.key();
    const bool norm = name.find("norm") != std::string::npos || name.find("bn") != std::string::npos;
    if (EndsWith(name, "bias") || (p.dim() == 1 && !norm)) {
      p.zero_();
    } else if (norm && p.dim() == 1) {
      p.fill_(1.0);
    } else {
      auto w = torch::empty(p.sizes(), torch::kFloat32);
      w.normal_(0.0, 0.02, gen);
      p.copy_(w);
    }
  }
  for (auto& item : module.named_buffers()) {
    if (item.value().device().is_meta()) continue;
    if (EndsWith(item.key(), "running_var")) item.value().fill_(1.0);
    if (EndsWith(item.key(), "running_mean")) item.value().zero_();
  }
}

torch::Tensor ExampleTokens(const ModelConfig& c, int64_t batch, int64_t seq_len, torch::Device device) {
  return torch::randint(c.vocab_size, {batch, seq_len}, torch::TensorOptions().dtype(torch::kLong).device(device));
}

torch::Tensor ExampleImages(const ModelConfig& c, int64_t batch, torch::Device device, torch::ScalarType dtype) {
  return torch::randn({batch, c.channels, c.image_size, c.image_size},
                      torch::TensorOptions().dtype(dtype).device(device));
}

void FamilyModel::InitWeights(uint64_t seed) {
  DropPackedLinears(module());
  InitRandomWeights(module(), seed);
}

void FamilyModel::PackForInference() { PackLinears(module()); }

int64_t QuantizeLinearsInt8(FamilyModel& model) {
  std::vector<LinearImpl*> linears;
  for (auto& m : model.module().modules(/*include_self=*/false))
    if (auto* linear = m->as<LinearImpl>()) linears.push_back(linear);
  if (DecoderImpl* d = model.decoder(); d != nullptr && d->config().tie_embeddings) linears.push_back(d->lm_head.get());
  int64_t bytes = 0;
  std::set<const void*> replaced;  // storages of the weights (and biases) an int8 copy replaces
  for (LinearImpl* linear : linears) {
    if (!linear->QuantizeInt8()) continue;
    bytes += linear->int8_bytes();
    replaced.insert(linear->weight.data_ptr());
    if (linear->bias.defined()) replaced.insert(linear->bias.data_ptr());
  }
  if (bytes == 0) return 0;
  for (const auto& p : model.module().parameters()) {
    const bool tied_embedding = model.decoder() != nullptr && p.is_same(model.decoder()->tok_emb->weight);
    if (tied_embedding || !replaced.count(p.data_ptr())) bytes += p.numel() * p.element_size();
  }
  return bytes;
}

void PackLinears(torch::nn::Module& module) {
  for (auto& m : module.modules(/*include_self=*/false))
    if (auto* linear = m->as<LinearImpl>()) linear->PackForInference();
}

void DropPackedLinears(torch::nn::Module& module) {
  for (auto& m : module.modules(/*include_self=*/false))
    if (auto* linear = m->as<LinearImpl>()) linear->DropPacked();
}

}  // namespace engine
