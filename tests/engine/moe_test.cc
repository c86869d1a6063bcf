// The mixture-of-experts decoder (moe family): counts on `meta` equal the analytic ones
// (Mixtral 8x7B included), routing uses exactly k experts per token, the routed layer equals a
// dense reference computation, and the model stays causal with a working KV cache.
#include "tests/engine/torch_doctest.h"

#include <random>

#include "engine/count.h"
#include "engine/engine.h"
#include "engine/layers/moe.h"
#include "engine/models/decoder.h"
#include "engine/models/family.h"
#include "tests/model_configs.h"

namespace {

engine::ModelConfig SmallMoe(int64_t experts = 4, int64_t top_k = 2) {
  engine::ModelConfig c = testing_configs::Mixtral(2, 64, 4, 2, 96, experts, top_k);
  c.vocab_size = 128;
  c.context_length = 64;
  return c;
}

// Linear weights start uninitialized (the models' InitWeights fills them): draw them here.
void RandomWeights(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& p : m.parameters()) p.normal_(0.0, 0.1);
}

}  // namespace

TEST_CASE("moe: Mixtral 8x7B built on meta has the analytic total and active counts") {
  const auto c = testing_configs::Mixtral(32, 4096, 32, 8, 14336, 8, 2);
  engine::ParameterCount p;
  REQUIRE(engine::CountInstantiatedParameters(c, &p).ok());
  CHECK(p.total == 46702792704);
  CHECK(p.active == 12879925248);
  const auto analytic = engine::AnalyticParameters(c);
  CHECK(p.by_component == analytic.by_component);
}

TEST_CASE("moe: analytic equals instantiated for random small configs") {
  std::mt19937 rng(7);
  for (int i = 0; i < 30; ++i) {
    const int64_t experts = 1 + rng() % 6;
    engine::ModelConfig c = SmallMoe(experts, 1 + rng() % experts);
    c.activation = (rng() % 2) ? engine::Activation::kSwiGLU : engine::Activation::kGELU;
    c.bias = rng() % 2;
    engine::ParameterCount p;
    REQUIRE(engine::CountInstantiatedParameters(c, &p).ok());
    const auto a = engine::AnalyticParameters(c);
    CHECK(p.total == a.total);
    CHECK(p.active == a.active);
    CHECK(p.by_component == a.by_component);
  }
}

TEST_CASE("moe: every token uses exactly k distinct experts") {
  torch::manual_seed(0);
  engine::MoeMlp layer(SmallMoe(6, 2), torch::TensorOptions().dtype(torch::kFloat32));
  RandomWeights(*layer);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({3, 10, 64});
  layer->forward(x);
  const auto& routing = layer->last_routing();
  REQUIRE(routing.sizes() == std::vector<int64_t>{30, 2});
  CHECK((routing.select(1, 0) != routing.select(1, 1)).all().item<bool>());
  CHECK((routing >= 0).all().item<bool>());
  CHECK((routing < 6).all().item<bool>());
  // Across 30 tokens with random weights, more than two experts get work.
  CHECK(std::get<0>(at::_unique(routing.flatten())).numel() > 2);
}

TEST_CASE("moe: the routed layer equals a dense top-k reference (max abs diff < 1e-5)") {
  torch::manual_seed(1);
  const auto c = SmallMoe(5, 2);
  engine::MoeMlp layer(c, torch::TensorOptions().dtype(torch::kFloat32));
  RandomWeights(*layer);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({2, 7, 64});
  auto got = layer->forward(x);
  // Reference: run every expert on every token; keep the top-k renormalized softmax weights.
  auto flat = x.reshape({-1, 64});
  auto probs = torch::softmax(layer->router(flat), -1);
  auto [w, idx] = probs.topk(2, -1);
  w = w / w.sum(-1, true);
  auto dense_w = torch::zeros_like(probs).scatter(1, idx, w);  // (N, E), zero for unchosen experts
  auto want = torch::zeros_like(flat);
  for (int64_t e = 0; e < 5; ++e)
    want += dense_w.select(1, e).unsqueeze(1) * layer->experts[e]->as<engine::MlpImpl>()->forward(flat);
  const double diff = (got.reshape({-1, 64}) - want).abs().max().item<double>();
  MESSAGE("max |diff| = " << diff);
  CHECK(diff < 1e-5);
}

TEST_CASE("moe: causal, and KV-cache decoding equals recomputation") {
  torch::manual_seed(2);
  const auto c = SmallMoe(4, 2);
  auto model = engine::BuildFamilyModel(c, torch::TensorOptions().dtype(torch::kFloat32));
  model->PrepareForInference(3);
  model->module().eval();
  torch::NoGradGuard no_grad;
  auto ids = torch::randint(c.vocab_size, {1, 12});
  auto logits = model->Forward(ids);
  auto changed = ids.clone();
  changed[0][11] = (changed[0][11].item<int64_t>() + 1) % c.vocab_size;
  CHECK(torch::allclose(model->Forward(changed).narrow(1, 0, 11), logits.narrow(1, 0, 11), 1e-5, 1e-5));
  engine::DecoderImpl* decoder = model->decoder();
  REQUIRE(decoder != nullptr);
  engine::KVCache cache = decoder->NewCache(1, 12);
  decoder->ForwardCached(ids.narrow(1, 0, 8), &cache);
  torch::Tensor last;
  for (int64_t t = 8; t < 12; ++t) last = decoder->ForwardCached(ids.narrow(1, t, 1), &cache);
  const double diff = (last - logits.select(1, 11)).abs().max().item<double>();
  MESSAGE("cache vs recompute max |diff| = " << diff);
  CHECK(diff < 1e-4);
}
