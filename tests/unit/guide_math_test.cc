// The development guide's arithmetic (generator/render/guide_math.h): exact training-state and
// activation bytes for GPT-2 small, training FLOPs and time, device counts, and every branch of
// the parallelism rules; plus the accelerator table's published dense figures.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "generator/render/accelerators.h"
#include "generator/render/guide_math.h"

using namespace render;
using namespace render::guide;

namespace {
constexpr int64_t kGpt2Small = 124439808;  // parameters, tied embeddings counted once
}

TEST_CASE("GPT-2 small training state: 16 bytes/parameter, split two ways") {
  const TrainingStateBytes f32 = Float32AdamWState(kGpt2Small);
  CHECK(f32.weights == 497759232);    // 4 B/parameter
  CHECK(f32.gradients == 497759232);  // 4 B/parameter
  CHECK(f32.optimizer == 995518464);  // exp_avg + exp_avg_sq, 8 B/parameter
  CHECK(f32.total() == 1991036928);
  const TrainingStateBytes mixed = MixedPrecisionAdamWState(kGpt2Small);
  CHECK(mixed.weights == 248879616);     // 16-bit weights
  CHECK(mixed.gradients == 248879616);   // 16-bit gradients
  CHECK(mixed.optimizer == 1493277696);  // float32 master weights + two moments, 12 B/parameter
  CHECK(mixed.total() == f32.total());   // ZeRO: 16 B/parameter either way
}

TEST_CASE("activation bytes per layer follow Korthikanti et al. 2022, Eq. 1") {
  // GPT-2 small, s = 1024, b = 1, h = 768, a = 12: s b h (34 + 5 a s / h) = 786,432 x 114.
  CHECK(TransformerLayerActivationBytes(1024, 1, 768, 12, 2) == 786432LL * 114);
  CHECK(TransformerLayerActivationBytes(1024, 1, 768, 12, 2) == 89653248);
  // float32 elements: s b h (66 + 9 a s / h) = 786,432 x 210.
  CHECK(TransformerLayerActivationBytes(1024, 1, 768, 12, 4) == 165150720);
  // Linear in the micro-batch.
  CHECK(TransformerLayerActivationBytes(1024, 8, 768, 12, 2) == 8 * 89653248LL);
  // Full recomputation: 12 layer inputs of 2 s b h bytes + one layer's activations.
  CHECK(CheckpointedActivationBytes(1024, 1, 768, 12, 12, 2) == 12 * 2 * 786432LL + 89653248);
  CHECK(CheckpointedActivationBytes(1024, 1, 768, 12, 12, 2) == 108527616);
}

TEST_CASE("training FLOPs are 3x forward; time is FLOPs over the rate") {
  // GPT-2 small at its 1,024-token context: 284,812,800 forward FLOPs per token.
  CHECK(TrainingFlops(284812800.0, 1e9) == doctest::Approx(8.544384e17));
  CHECK(SecondsAt(8.544384e17, 989.5e12 * 0.4) == doctest::Approx(2158.763).epsilon(1e-6));
  CHECK(SecondsAt(1e18, 0) == 0);
}

TEST_CASE("fewest devices is the ceiling of bytes over device memory") {
  CHECK(DevicesToHold(90, 30) == 3);
  CHECK(DevicesToHold(91, 30) == 4);
  CHECK(DevicesToHold(1, 30) == 1);
  CHECK(DevicesToHold(0, 30) == 1);
  CHECK(DevicesToHold(100, 0) == 0);
  // GPT-2 small's mixed-precision state on one 80 GB device.
  CHECK(DevicesToHold(1991036928, 80LL * 1000 * 1000 * 1000) == 1);
}

TEST_CASE("parallelism rules: DP, DP + checkpointing, ZeRO-3/FSDP, TP, PP") {
  ParallelismPlan p = PlanTraining(50, 40, 10, 5, 100);
  CHECK(p.kind == Parallelism::kDataParallel);
  CHECK_FALSE(p.checkpointing);
  CHECK(p.devices() == 1);
  CHECK(PlanText(p) == "DP");

  p = PlanTraining(50, 60, 30, 5, 100);
  CHECK(p.kind == Parallelism::kDataParallel);
  CHECK(p.checkpointing);
  CHECK(PlanText(p) == "DP + checkpointing");

  // Room without checkpointing 100 - 20 - 10 = 70 -> 3 shards; with it 80 -> 3: a tie keeps
  // the activations.
  p = PlanTraining(200, 20, 10, 10, 100);
  CHECK(p.kind == Parallelism::kSharded);
  CHECK_FALSE(p.checkpointing);
  CHECK(p.shards == 3);
  CHECK(PlanText(p) == "ZeRO-3/FSDP × 3");

  // Without checkpointing 30 of room -> 7 shards; with it 80 -> 3: checkpointing wins.
  p = PlanTraining(200, 60, 10, 10, 100);
  CHECK(p.kind == Parallelism::kSharded);
  CHECK(p.checkpointing);
  CHECK(p.shards == 3);
  CHECK(PlanText(p) == "ZeRO-3/FSDP × 3 + checkpointing");

  // One sequence's checkpointed activations (300) exceed a device: t = 4 leaves
  // 100 - 75 - 10 = 15, and 400 / 4 = 100 of state over 15 -> 7 shards.
  p = PlanTraining(400, 500, 300, 40, 100);
  CHECK(p.kind == Parallelism::kTensorParallel);
  CHECK(p.tensor_parallel == 4);
  CHECK(p.shards == 7);
  CHECK(p.devices() == 28);
  CHECK(PlanText(p) == "TP 4 × FSDP 7 + checkpointing");

  p = PlanTraining(400, 5000, 1000, 40, 100);
  CHECK(p.kind == Parallelism::kPipelineParallel);
  CHECK(PlanText(p) == "PP across nodes");
}

TEST_CASE("the accelerator table holds published dense peaks with their sources") {
  const auto& table = Accelerators();
  REQUIRE(table.size() == 8);
  std::set<std::string> names;
  for (const auto& a : table) {
    names.insert(a.name);
    CHECK_MESSAGE(!a.source.empty(), a.name);
    CHECK(a.bf16_flops_per_s > 0);
    CHECK(a.memory_bytes > 0);
  }
  CHECK(names.size() == table.size());
  // Dense, not "with sparsity": the H100 SXM datasheet's 1,979 TFLOPS is with sparsity.
  CHECK(table[2].name == "NVIDIA H100 SXM");
  CHECK(table[2].bf16_flops_per_s == 989.5e12);
  CHECK(table[1].name == "NVIDIA A100 SXM 80GB");
  CHECK(table[1].bf16_flops_per_s == 312e12);
  CHECK(table[1].memory_bytes == 80LL * 1000 * 1000 * 1000);
}
