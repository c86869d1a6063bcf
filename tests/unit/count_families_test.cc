// Analytic counts of the encoder, vit, resnet, audio and recurrent families against published
// numbers (no LibTorch).
#include <doctest/doctest.h>

#include "engine/count.h"
#include "generator/spec/spec_parser.h"
#include "tests/model_configs.h"

namespace {

int64_t Sum(const engine::NamedCounts& counts) {
  int64_t sum = 0;
  for (const auto& [name, n] : counts) sum += n;
  return sum;
}

}  // namespace

TEST_CASE("BERT-base-uncased with its pooler has 109,482,240 parameters") {
  const auto p = engine::AnalyticParameters(testing_configs::BertBase());
  CHECK(p.total == 109482240);
  CHECK(Sum(p.by_component) == p.total);
  CHECK(p.embedding == (30522 + 512 + 2) * 768 + 2 * 768);
  auto no_pooler = testing_configs::BertBase();
  no_pooler.pooler = false;
  CHECK(engine::AnalyticParameters(no_pooler).total == 109482240 - (768 * 768 + 768));
  // MLM head: dense 768x768 + LayerNorm + a 30522 bias; the decoder weight is the tied embedding.
  auto mlm = testing_configs::BertBase();
  mlm.head = "mlm";
  CHECK(engine::AnalyticParameters(mlm).total == 109482240 + 768 * 768 + 768 + 2 * 768 + 30522);
  const auto f = engine::AnalyticForwardFlops(testing_configs::BertBase(), 1, 128);
  CHECK(Sum(f.by_component) == f.forward);
  CHECK(f.forward_macs * 2 == f.forward);
}

TEST_CASE("ViT-B/16 with 1000 classes has 86,567,656 parameters and 17.56 GMACs at 224") {
  const auto c = testing_configs::VitB16();
  const auto p = engine::AnalyticParameters(c);
  CHECK(p.total == 86567656);
  CHECK(Sum(p.by_component) == p.total);
  const auto f = engine::AnalyticForwardFlops(c, 1, 0);
  CHECK(f.sequence_length == 197);
  CHECK(Sum(f.by_component) == f.forward);
  // torchvision lists 17.56 GFLOPS (multiply-adds) for vit_b_16; ours, every matmul + the patch conv:
  CHECK(f.forward_macs == 17563828224);  // 12 x 1,453,954,560 + patches 115,605,504 + head 768,000
  CHECK(double(f.forward_macs) / 1e9 == doctest::Approx(17.56).epsilon(0.001));
}

TEST_CASE("ResNet-50 and ResNet-18 match torchvision's parameter counts, ResNet-50 4.09 GMACs") {
  const auto r50 = testing_configs::ResNet("bottleneck", {3, 4, 6, 3});
  const auto r18 = testing_configs::ResNet("basic", {2, 2, 2, 2});
  CHECK(engine::AnalyticParameters(r50).total == 25557032);
  CHECK(engine::AnalyticParameters(r18).total == 11689512);
  CHECK(engine::AnalyticParameters(testing_configs::ResNet("basic", {3, 4, 6, 3})).total == 21797672);  // ResNet-34
  CHECK(engine::AnalyticParameters(testing_configs::ResNet("bottleneck", {3, 4, 23, 3})).total ==
        44549160);  // ResNet-101
  const auto f = engine::AnalyticForwardFlops(r50, 1, 0);
  CHECK(Sum(f.by_component) == f.forward);
  // torchvision: 4.09 GFLOPS (multiply-adds) for resnet50; convolutions and the fc layer only.
  CHECK(double(f.forward_macs) / 1e9 == doctest::Approx(4.09).epsilon(0.005));
  const auto f18 = engine::AnalyticForwardFlops(r18, 1, 0);
  CHECK(double(f18.forward_macs) / 1e9 == doctest::Approx(1.81).epsilon(0.01));  // torchvision: 1.81
}

TEST_CASE("ResNeXt and Wide ResNet specs (groups, width_per_group) match torchvision's counts and GFLOPS") {
  // torchvision.models: resnext50_32x4d 25,028,904 parameters, 4.23 GFLOPS (multiply-adds);
  // wide_resnet50_2 68,883,240, 11.4; resnext101_32x8d 88,791,336, 16.41; wide_resnet101_2
  // 126,886,696, 22.75. Counted from a spec, nothing allocated.
  const spec::ParseResult parsed = spec::ParseSpecText(
      "schema: 1\nname: R\narchitecture:\n  family: resnet\n  config: {block: bottleneck, num_classes: 1000}\n"
      "  sizes:\n"
      "    resnext50: {stages: [3, 4, 6, 3], groups: 32, width_per_group: 4}\n"
      "    wide50: {stages: [3, 4, 6, 3], width_per_group: 128}\n"
      "    resnext101: {stages: [3, 4, 23, 3], groups: 32, width_per_group: 8}\n"
      "    wide101: {stages: [3, 4, 23, 3], width_per_group: 128}\n"
      "    resnet50: {stages: [3, 4, 6, 3], groups: 1, width_per_group: 64}\n",
      "r.yaml");
  std::string errors;
  for (const auto& d : parsed.errors) errors += d.ToString() + "\n";
  REQUIRE_MESSAGE(parsed.ok(), errors);
  const auto& sizes = parsed.spec.architecture.sizes;
  REQUIRE(sizes.size() == 5);
  const int64_t params[] = {25028904, 68883240, 88791336, 126886696, 25557032};
  const double gmacs[] = {4.23, 11.4, 16.41, 22.75, 4.09};
  for (size_t i = 0; i < sizes.size(); ++i) {
    CAPTURE(sizes[i].name);
    const auto p = engine::AnalyticParameters(sizes[i].config);
    CHECK(p.total == params[i]);
    CHECK(Sum(p.by_component) == p.total);
    const auto f = engine::AnalyticForwardFlops(sizes[i].config, 1, 0);
    CHECK(Sum(f.by_component) == f.forward);
    CHECK(double(f.forward_macs) / 1e9 == doctest::Approx(gmacs[i]).epsilon(0.005));
  }
  // The grouped 3x3 convolutions, exactly: ResNeXt-50's MACs and Wide ResNet-50-2's.
  CHECK(engine::AnalyticForwardFlops(sizes[0].config, 1, 0).forward_macs == 4230479872);
  CHECK(engine::AnalyticForwardFlops(sizes[1].config, 1, 0).forward_macs == 11398021120);
}

TEST_CASE("a Whisper-tiny-shaped audio model: components sum, and the differences from the checkpoint") {
  const auto c = testing_configs::WhisperTiny();
  CHECK(engine::AudioFrames(c) == 3000);
  const auto p = engine::AnalyticParameters(c);
  CHECK(Sum(p.by_component) == p.total);
  // openai/whisper-tiny has 37,760,640 parameters in Hugging Face (its 1500 x 384 encoder position
  // table included as a frozen parameter; k projections without bias). Ours: positions are a buffer,
  // and the fused q|k|v projection has a k bias (12 attentions x 384).
  CHECK(p.total == 37760640 - 1500 * 384 + 12 * 384);
  const auto f = engine::AnalyticForwardFlops(c, 1, 0);
  CHECK(f.sequence_length == 1500);
  CHECK(Sum(f.by_component) == f.forward);
}

TEST_CASE("an LSTM language model counts PyTorch's LSTM parameters") {
  const auto c = testing_configs::LstmMedium();
  const auto p = engine::AnalyticParameters(c);
  const int64_t layer = 4 * 650 * 650 + 4 * 650 * 650 + 2 * 4 * 650;
  CHECK(p.total == 10000 * 650 + 2 * layer + 650 * 10000 + 10000);
  auto tied = c;
  tied.tie_embeddings = true;
  CHECK(engine::AnalyticParameters(tied).total == p.total - 650 * 10000);
  auto gru = c;
  gru.cell = "gru";
  CHECK(engine::AnalyticParameters(gru).by_component[1].second == 2 * (3 * 650 * 650 * 2 + 2 * 3 * 650));
  const auto f = engine::AnalyticForwardFlops(c, 2, 35);
  CHECK(f.forward == 2 * 70 * (2 * 4 * 650 * 1300) + 2 * 70 * 650 * 10000);
}
