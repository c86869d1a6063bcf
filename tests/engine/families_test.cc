// The encoder, vit, resnet, audio and recurrent families: the models built on `meta` have
// exactly the analytic counts, component by component (published sizes and small random
// configs), the outputs have the documented shapes, and each family's numerical property holds.
#include "tests/engine/torch_doctest.h"

#include <random>

#include "engine/count.h"
#include "engine/engine.h"
#include "engine/models/family.h"
#include "tests/model_configs.h"

namespace {

void CheckCounts(const engine::ModelConfig& c) {
  engine::ParameterCount p;
  const engine::Status st = engine::CountInstantiatedParameters(c, &p);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  const auto a = engine::AnalyticParameters(c);
  CHECK(p.total == a.total);
  CHECK(p.embedding == a.embedding);
  CHECK(p.by_component == a.by_component);
}

// A small model of `c`, random weights, ready for inference (float32, CPU).
std::unique_ptr<engine::FamilyModel> Small(const engine::ModelConfig& c) {
  torch::manual_seed(0);
  auto model = engine::BuildFamilyModel(c, torch::TensorOptions().dtype(torch::kFloat32));
  model->PrepareForInference(1);
  model->module().eval();
  return model;
}

engine::ModelConfig SmallTransformer(engine::Family family) {
  engine::ModelConfig c;
  c.family = family;
  c.vocab_size = 100;
  c.context_length = 32;
  c.num_layers = 2;
  c.embedding_dim = 32;
  c.num_heads = c.num_kv_heads = 4;
  c.head_dim = 8;
  c.hidden_dim = 64;
  c.image_size = 32;
  c.patch_size = 8;
  c.num_classes = 10;
  return c;
}

}  // namespace

TEST_CASE("families: published sizes built on meta equal the analytic counts") {
  CheckCounts(testing_configs::BertBase());
  CheckCounts(testing_configs::VitB16());
  CheckCounts(testing_configs::ResNet("bottleneck", {3, 4, 6, 3}));
  CheckCounts(testing_configs::ResNet("basic", {2, 2, 2, 2}));
  CheckCounts(testing_configs::WhisperTiny());
  CheckCounts(testing_configs::LstmMedium());
  engine::ParameterCount p;
  REQUIRE(engine::CountInstantiatedParameters(testing_configs::BertBase(), &p).ok());
  CHECK(p.total == 109482240);
  REQUIRE(engine::CountInstantiatedParameters(testing_configs::VitB16(), &p).ok());
  CHECK(p.total == 86567656);
  REQUIRE(engine::CountInstantiatedParameters(testing_configs::ResNet("bottleneck", {3, 4, 6, 3}), &p).ok());
  CHECK(p.total == 25557032);
  REQUIRE(engine::CountInstantiatedParameters(testing_configs::ResNet("basic", {2, 2, 2, 2}), &p).ok());
  CHECK(p.total == 11689512);
}

TEST_CASE("families: analytic equals instantiated for random small configs") {
  std::mt19937 rng(11);
  for (int i = 0; i < 12; ++i) {
    auto enc = SmallTransformer(engine::Family::kEncoder);
    enc.pooler = rng() % 2;
    enc.norm_position = rng() % 2 ? "pre" : "post";
    enc.head = std::vector<std::string>{"none", "mlm", "classifier"}[rng() % 3];
    enc.type_vocab_size = rng() % 3;
    enc.bias = rng() % 2;
    enc.qkv_bias = rng() % 2;
    CheckCounts(enc);
    auto vit = SmallTransformer(engine::Family::kVit);
    vit.pool = rng() % 2 ? "cls" : "mean";
    vit.num_classes = rng() % 2 ? 0 : 7;
    vit.activation = rng() % 2 ? engine::Activation::kGELU : engine::Activation::kSwiGLU;
    CheckCounts(vit);
    auto audio = SmallTransformer(engine::Family::kAudio);
    audio.n_mels = 8 + rng() % 8;
    audio.chunk_seconds = 0.5;
    audio.decoder_layers = rng() % 3;
    CheckCounts(audio);
    engine::ModelConfig resnet;
    resnet.family = engine::Family::kResNet;
    resnet.block = rng() % 2 ? "basic" : "bottleneck";
    resnet.stages = {1 + int64_t(rng() % 2), 1 + int64_t(rng() % 2)};
    resnet.base_width = 8;
    resnet.image_size = 32;
    resnet.num_classes = rng() % 2 ? 0 : 5;
    CheckCounts(resnet);
    engine::ModelConfig rnn;
    rnn.family = engine::Family::kRecurrent;
    rnn.cell = rng() % 2 ? "gru" : "lstm";
    rnn.vocab_size = 50;
    rnn.num_layers = 1 + rng() % 3;
    rnn.embedding_dim = 16;
    rnn.hidden_dim = rng() % 2 ? 16 : 24;
    rnn.tie_embeddings = rng() % 2;
    CheckCounts(rnn);
  }
}

TEST_CASE("encoder: every position sees every other position (not causal)") {
  auto c = SmallTransformer(engine::Family::kEncoder);
  c.pooler = false;
  auto model = Small(c);
  torch::NoGradGuard no_grad;
  auto ids = torch::randint(c.vocab_size, {1, 10});
  auto hidden = model->Forward(ids);
  REQUIRE(hidden.sizes() == std::vector<int64_t>{1, 10, 32});
  auto changed = ids.clone();
  changed[0][9] = (changed[0][9].item<int64_t>() + 1) % c.vocab_size;
  const double diff = (model->Forward(changed).select(1, 0) - hidden.select(1, 0)).abs().max().item<double>();
  MESSAGE("first position moved by " << diff << " when the last token changed");
  CHECK(diff > 1e-4);
  c.head = "mlm";
  CHECK(Small(c)->Forward(ids).sizes() == std::vector<int64_t>{1, 10, 100});
  c.head = "classifier";
  c.pooler = true;
  CHECK(Small(c)->Forward(ids).sizes() == std::vector<int64_t>{1, 10});
}

TEST_CASE("vit: class logits, and patch order matters through the positions") {
  auto c = SmallTransformer(engine::Family::kVit);
  auto model = Small(c);
  torch::NoGradGuard no_grad;
  auto image = torch::randn({2, 3, 32, 32});
  auto logits = model->Forward(image);
  REQUIRE(logits.sizes() == std::vector<int64_t>{2, 10});
  // Swap two 8x8 patches: the same pixels in another place give other logits.
  auto swapped = image.clone();
  swapped.narrow(2, 0, 8).narrow(3, 0, 8).copy_(image.narrow(2, 24, 8).narrow(3, 24, 8));
  swapped.narrow(2, 24, 8).narrow(3, 24, 8).copy_(image.narrow(2, 0, 8).narrow(3, 0, 8));
  CHECK((model->Forward(swapped) - logits).abs().max().item<double>() > 1e-5);
  c.pool = "mean";
  c.num_classes = 0;
  CHECK(Small(c)->Forward(image).sizes() == std::vector<int64_t>{2, 32});
}

TEST_CASE("resnet: class logits, eval-mode batch norm, a flipped image gives other logits") {
  engine::ModelConfig c;
  c.family = engine::Family::kResNet;
  c.block = "bottleneck";
  c.stages = {1, 1};
  c.base_width = 8;
  c.image_size = 64;
  c.num_classes = 5;
  auto model = Small(c);
  torch::NoGradGuard no_grad;
  auto image = torch::randn({2, 3, 64, 64});
  auto logits = model->Forward(image);
  REQUIRE(logits.sizes() == std::vector<int64_t>{2, 5});
  // Eval mode: each image's logits do not depend on the rest of the batch.
  CHECK(torch::allclose(model->Forward(image.narrow(0, 0, 1)), logits.narrow(0, 0, 1), 1e-4, 1e-5));
  CHECK((model->Forward(image.flip({3})) - logits).abs().max().item<double>() > 1e-6);
}

TEST_CASE("audio: the encoder halves the frames, the decoder returns text logits") {
  auto c = SmallTransformer(engine::Family::kAudio);
  c.n_mels = 16;
  c.chunk_seconds = 1;  // 16000 / 160 = 100 frames
  auto encoder_only = Small(c);
  torch::NoGradGuard no_grad;
  auto mel = encoder_only->ExampleInput(2, 0, torch::kCPU, torch::kFloat32);
  REQUIRE(mel.sizes() == std::vector<int64_t>{2, 16, 100});
  CHECK(encoder_only->Forward(mel).sizes() == std::vector<int64_t>{2, 50, 32});
  c.decoder_layers = 2;
  auto with_decoder = Small(c);
  mel = with_decoder->ExampleInput(2, 7, torch::kCPU, torch::kFloat32);
  CHECK(with_decoder->Forward(mel).sizes() == std::vector<int64_t>{2, 7, 100});
}

TEST_CASE("recurrent: logits per position, and earlier positions ignore later tokens") {
  for (const char* cell : {"lstm", "gru"}) {
    engine::ModelConfig c;
    c.family = engine::Family::kRecurrent;
    c.cell = cell;
    c.vocab_size = 50;
    c.num_layers = 2;
    c.embedding_dim = 16;
    c.hidden_dim = 16;
    auto model = Small(c);
    torch::NoGradGuard no_grad;
    auto ids = torch::randint(50, {1, 9});
    auto logits = model->Forward(ids);
    REQUIRE(logits.sizes() == std::vector<int64_t>{1, 9, 50});
    auto changed = ids.clone();
    changed[0][8] = (changed[0][8].item<int64_t>() + 1) % 50;
    auto again = model->Forward(changed);
    CHECK(torch::allclose(again.narrow(1, 0, 8), logits.narrow(1, 0, 8), 1e-5, 1e-6));
    CHECK((again.select(1, 8) - logits.select(1, 8)).abs().max().item<double>() > 1e-6);
  }
}

TEST_CASE("recurrent: generating with the carried state equals the full forward") {
  engine::ModelConfig c;
  c.family = engine::Family::kRecurrent;
  c.vocab_size = 40;
  c.num_layers = 2;
  c.embedding_dim = 12;
  c.hidden_dim = 12;
  for (const char* cell : {"lstm", "gru"}) {
    c.cell = cell;
    auto model = Small(c);
    torch::NoGradGuard no_grad;
    auto ids = torch::randint(40, {2, 10});
    auto full = model->Forward(ids);
    auto generator = model->NewGenerator(2, 10);
    REQUIRE(generator != nullptr);
    auto logits = generator->Prefill(ids.narrow(1, 0, 6));
    CHECK(torch::allclose(logits, full.select(1, 5), 1e-5, 1e-6));
    for (int64_t t = 6; t < 10; ++t) logits = generator->Step(ids.narrow(1, t, 1));
    const double diff = (logits - full.select(1, 9)).abs().max().item<double>();
    MESSAGE(std::string(cell) << ": state vs full forward max |diff| = " << diff);
    CHECK(diff < 1e-4);
  }
  // Families that do not generate token by token have no generator.
  CHECK(Small(SmallTransformer(engine::Family::kVit))->NewGenerator(1, 4) == nullptr);
}

TEST_CASE("audio: the text decoder generates token by token, a step equal to decoding the whole prefix") {
  auto c = SmallTransformer(engine::Family::kAudio);
  c.n_mels = 16;
  c.chunk_seconds = 1;
  c.decoder_layers = 2;
  auto model = Small(c);
  torch::NoGradGuard no_grad;
  auto prompt = torch::randint(c.vocab_size, {1, 3});
  torch::manual_seed(5);  // the same random audio chunk for both generators
  auto stepwise = model->NewGenerator(1, 8);
  REQUIRE(stepwise != nullptr);
  auto first = stepwise->Prefill(prompt);
  REQUIRE(first.sizes() == std::vector<int64_t>{1, c.vocab_size});
  auto next = first.argmax(-1, true);
  auto stepped = stepwise->Step(next);
  torch::manual_seed(5);
  auto whole = model->NewGenerator(1, 8)->Prefill(torch::cat({prompt, next}, 1));
  CHECK(torch::allclose(stepped, whole, 1e-5, 1e-6));
  // Without a decoder there is nothing to generate.
  c.decoder_layers = 0;
  CHECK(Small(c)->NewGenerator(1, 8) == nullptr);
}
