// The mixture-of-experts decoder (moe family): counts on `meta` equal the analytic ones
// (Mixtral 8x7B included), routing uses exactly k experts per token, the routed layer equals a
// dense reference computation, the model stays causal with a working KV cache, and the
// DeepSeek-V3 / Qwen3-MoE routers (sigmoid scores, correction bias, group-limited choice,
// renormalization off, routed scaling, shared experts) equal a token-by-token computation.
#include "tests/engine/torch_doctest.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

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

namespace {

// The routing of one token as DeepseekV3TopkRouter.get_topk_indices / forward (transformers 4.57)
// describe it, written out with scalars: scores s = sigmoid(logits) (or softmax), choice scores
// b = s + bias; groups ranked by the sum of their two best b; experts outside the best
// `topk_groups` groups get choice score 0; the k best choice scores win; weights are the
// unbiased s of the winners, / their sum when renormalizing (+1e-20), x scaling.
struct TokenRouting {
  std::vector<int64_t> experts;  // ascending
  std::vector<double> weights;   // in the same order
};

TokenRouting RouteOneToken(const std::vector<double>& logits, const std::vector<double>& bias, bool sigmoid,
                           int64_t groups, int64_t topk_groups, int64_t k, bool renormalize, double scaling) {
  const int64_t E = static_cast<int64_t>(logits.size());
  std::vector<double> s(E), b(E);
  double z = 0;
  for (double l : logits) z += std::exp(l);
  for (int64_t e = 0; e < E; ++e) {
    s[e] = sigmoid ? 1.0 / (1.0 + std::exp(-logits[e])) : std::exp(logits[e]) / z;
    b[e] = s[e] + (bias.empty() ? 0.0 : bias[e]);
  }
  if (groups > 0) {
    const int64_t per = E / groups;
    std::vector<std::pair<double, int64_t>> ranked;  // (group score, group)
    for (int64_t g = 0; g < groups; ++g) {
      std::vector<double> members(b.begin() + g * per, b.begin() + (g + 1) * per);
      std::sort(members.rbegin(), members.rend());
      ranked.push_back({members[0] + (per > 1 ? members[1] : 0.0), g});
    }
    std::sort(ranked.rbegin(), ranked.rend());
    std::set<int64_t> kept;
    for (int64_t g = 0; g < topk_groups; ++g) kept.insert(ranked[g].second);
    for (int64_t e = 0; e < E; ++e)
      if (kept.count(e / per) == 0) b[e] = 0.0;
  }
  std::vector<int64_t> order(E);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return b[x] > b[y]; });
  TokenRouting r;
  r.experts.assign(order.begin(), order.begin() + k);
  std::sort(r.experts.begin(), r.experts.end());
  double sum = 0;
  for (int64_t e : r.experts) sum += s[e];
  for (int64_t e : r.experts) r.weights.push_back((renormalize ? s[e] / (sum + 1e-20) : s[e]) * scaling);
  return r;
}

}  // namespace

TEST_CASE("moe: DeepSeek-V3 and Qwen3-MoE routing equal a token-by-token computation") {
  struct Case {
    std::string name;
    bool sigmoid, bias;
    int64_t groups, topk_groups, k;
    bool renormalize;
    double scaling;
  };
  for (const Case& t : {Case{"deepseek-v3", true, true, 4, 2, 3, true, 2.5},
                        Case{"deepseek, renormalize off, one group", true, true, 1, 1, 2, false, 1.5},
                        Case{"qwen3-moe, renormalize off", false, false, 0, 0, 2, false, 1.0},
                        Case{"softmax with groups (DeepSeek-V2 style)", false, false, 4, 1, 2, true, 1.0}}) {
    CAPTURE(t.name);
    torch::manual_seed(11);
    engine::ModelConfig c = SmallMoe(8, t.k);
    c.router_scoring = t.sigmoid ? engine::RouterScoring::kSigmoid : engine::RouterScoring::kSoftmax;
    c.router_bias = t.bias;
    c.router_groups = t.groups;
    c.router_topk_groups = t.topk_groups;
    c.router_renormalize = t.renormalize;
    c.routed_scaling_factor = t.scaling;
    c.moe_hidden_dim = 16;
    c.num_shared_experts = t.sigmoid ? 2 : 0;
    REQUIRE(engine::ValidateConfig(c) == "");
    engine::MoeMlp layer(c, torch::TensorOptions().dtype(torch::kFloat32));
    RandomWeights(*layer);
    torch::NoGradGuard no_grad;
    if (t.bias) layer->router_bias.normal_(0.0, 0.1);  // a buffer: RandomWeights draws parameters only
    CHECK(layer->named_parameters().keys().size() ==
          static_cast<size_t>(1 + 2 * 8 + (c.num_shared_experts > 0 ? 2 : 0)));  // the bias is no parameter
    auto x = torch::randn({2, 12, 64});
    auto flat = x.reshape({-1, 64});
    auto [chosen, weights] = layer->Route(flat);
    auto logits = layer->router(flat);  // (N, E)
    std::vector<double> bias;
    if (t.bias)
      for (int64_t e = 0; e < 8; ++e) bias.push_back(layer->router_bias[e].item<double>());
    auto want_out = torch::zeros_like(flat);
    for (int64_t n = 0; n < flat.size(0); ++n) {
      std::vector<double> l;
      for (int64_t e = 0; e < 8; ++e) l.push_back(logits[n][e].item<double>());
      const TokenRouting want =
          RouteOneToken(l, bias, t.sigmoid, t.groups, t.topk_groups, t.k, t.renormalize, t.scaling);
      std::vector<std::pair<int64_t, double>> got;
      for (int64_t j = 0; j < t.k; ++j) got.push_back({chosen[n][j].item<int64_t>(), weights[n][j].item<double>()});
      std::sort(got.begin(), got.end());
      for (int64_t j = 0; j < t.k; ++j) {
        CHECK(got[j].first == want.experts[j]);
        CHECK(std::abs(got[j].second - want.weights[j]) < 1e-6);
        auto row = flat.narrow(0, n, 1);
        want_out.narrow(0, n, 1) +=
            want.weights[j] * layer->experts[want.experts[j]]->as<engine::MlpImpl>()->forward(row);
      }
    }
    if (layer->shared_experts) want_out += layer->shared_experts(flat);
    const double diff = (layer->forward(x).reshape({-1, 64}) - want_out).abs().max().item<double>();
    MESSAGE(t.name << ": layer vs token-by-token max |diff| = " << diff);
    CHECK(diff < 1e-5);
  }
}

TEST_CASE("moe: group-limited routing only picks experts of the kept groups") {
  torch::manual_seed(12);
  engine::ModelConfig c = SmallMoe(8, 2);
  c.router_scoring = engine::RouterScoring::kSigmoid;  // scores in (0, 1): a masked 0 never wins
  c.router_groups = 4;
  c.router_topk_groups = 1;
  engine::MoeMlp layer(c, torch::TensorOptions().dtype(torch::kFloat32));
  RandomWeights(*layer);
  torch::NoGradGuard no_grad;
  auto [chosen, weights] = layer->Route(torch::randn({40, 64}));
  // One group of two kept: both experts of every token come from the same group.
  CHECK(torch::equal(at::floor_divide(chosen.select(1, 0), 2), at::floor_divide(chosen.select(1, 1), 2)));
  CHECK(std::get<0>(at::_unique(at::floor_divide(chosen, 2).flatten())).numel() > 1);  // not always the same group
  CHECK(torch::allclose(weights.sum(-1), torch::ones({40})));                          // renormalized, scaling 1
}
