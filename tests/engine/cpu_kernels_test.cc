// The kernel choice per CPU (engine/measure/cpu_kernels.h): bfloat16 runs on every x86-64 CPU,
// packed through oneDNN where it has native bfloat16 and on ATen's emulated GEMM elsewhere; the
// calibration measures the path the scenarios use; int8 stays within the error bound its kernel
// guarantees. ctest runs this file twice: as found, and with MODELCARD_CPU_ISA=avx2 (plus oneDNN's,
// ATen's and MKL's own switches), so the AVX2 path is proven on AVX-512 hardware too.
#include "tests/engine/torch_doctest.h"

#include <ATen/Version.h>

#include <cstdlib>
#include <string>

#include "engine/engine.h"
#include "engine/layers/linear.h"
#include "engine/measure/calibration.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/models/family.h"
#include "tests/model_configs.h"

namespace {

bool ForcedAvx2() {
  const char* v = std::getenv("MODELCARD_CPU_ISA");
  return v != nullptr && std::string(v) == "avx2";
}

engine::ModelConfig TinyLlama() {
  engine::ModelConfig c = testing_configs::Llama2(2, 64, 4, 2, 96);
  c.vocab_size = 97;
  c.context_length = 32;
  return c;
}

}  // namespace

TEST_CASE("CPU kernels come from capability queries, and the AVX2 switch reaches oneDNN and ATen") {
  const engine::CpuKernels& k = engine::DetectCpuKernels();
  MESSAGE("CPU: " << engine::CpuFeatureSummary() << "; bfloat16: " << engine::GemmPath("bfloat16"));
  CHECK(k.aten_level == at::get_cpu_capability());
  CHECK(k.forced == ForcedAvx2());
  if (k.forced) {
    CHECK(!k.onednn_bf16);
    CHECK(!k.avx512);
    CHECK(k.aten_level == "AVX2");  // ATEN_CPU_CAPABILITY=avx2 took effect
    CHECK(engine::Int8NeedsReducedRange());
    CHECK(engine::GemmPath("bfloat16").find("emulated") != std::string::npos);
    CHECK(engine::CpuFeatureSummary().find("forced") != std::string::npos);
  }
  // Native bfloat16 in oneDNN needs AVX-512 BW/VL/DQ (or AVX-NE-CONVERT, which cpuinfo lists too).
  if (k.onednn_bf16) CHECK(k.avx512);
  CHECK(engine::PackedLinearSupported("bfloat16") == k.onednn_bf16);
  CHECK(engine::PackedLinearSupported("float32") == k.onednn);
}

TEST_CASE("bfloat16 linears pack only where oneDNN runs bfloat16, and compute the same either way") {
  torch::manual_seed(0);
  const torch::Tensor w = torch::randn({96, 64});
  const torch::Tensor x = torch::randn({32, 64});
  engine::Linear lin(w.to(torch::kBFloat16));
  lin->PackForInference();  // must not throw on any CPU (it did on AVX2-only CPUs)
  CHECK(lin->packed() == engine::PackedLinearSupported("bfloat16"));
  c10::InferenceMode inference;
  const torch::Tensor got = lin(x.to(torch::kBFloat16)).to(torch::kFloat32);
  const torch::Tensor want =
      torch::linear(x.to(torch::kBFloat16).to(torch::kFloat32), w.to(torch::kBFloat16).to(torch::kFloat32));
  // bfloat16 output rounding (8 bits of mantissa): |err| <= 2^-8 |y| + accumulation slack.
  const double err = (got - want).abs().max().item<double>();
  const double scale = want.abs().max().item<double>();
  MESSAGE("packed " << lin->packed() << ": max |bf16 - f32| = " << err << " of max |y| " << scale);
  CHECK(err <= scale * std::ldexp(1.0, -7));
}

TEST_CASE("a bfloat16 model runs inference and a calibration on whichever path this CPU has") {
  engine::ConfigureThreads(1);
  const engine::ModelConfig c = TinyLlama();
  c10::InferenceMode inference;
  auto m32 = engine::BuildFamilyModel(c, torch::TensorOptions().dtype(torch::kFloat32));
  m32->PrepareForInference(3);
  auto m16 = engine::BuildFamilyModel(c, torch::TensorOptions().dtype(torch::kBFloat16));
  m16->PrepareForInference(3);
  const torch::Tensor ids = torch::randint(c.vocab_size, {2, 16}, torch::kLong);
  const torch::Tensor want = m32->Forward(ids);
  const torch::Tensor got = m16->Forward(ids).to(torch::kFloat32);
  const double rel = (got - want).abs().max().item<double>() / want.abs().max().item<double>();
  const double agree = (got.argmax(-1) == want.argmax(-1)).to(torch::kFloat32).mean().item<double>();
  MESSAGE("bfloat16 vs float32 logits: max rel error " << rel << ", top-1 agreement " << agree);
  CHECK(rel < 0.1);
  CHECK(agree > 0.8);
  double peak = 0;
  REQUIRE(engine::MeasurePeakGemmFlops("bfloat16", "cpu", &peak).ok());
  CHECK(peak > 0);
}

TEST_CASE("int8 linear stays within the error bound of its quantization, with the activation range this CPU needs") {
  // quantized::linear_dynamic computes y_j = s_x s_j sum_k (q_x,k - z_x) q_w,jk + b_j in int32
  // (exact: no saturation, since 7-bit activations are used where FBGEMM's int16 pair sums could
  // overflow). Its only error is rounding x and w to their grids: |w - w^| <= s_j / 2 (symmetric,
  // max |w_j| maps to 127 exactly) and |x - x^| <= s_x (half a step, plus up to half a step where
  // the integer zero point shifts the grid and an extreme value is clamped), so
  // |y_j - y^_j| <= sum_k (|x_k| s_j / 2 + |w_jk| s_x + s_x s_j / 2), plus float32 rounding of the
  // sums. A saturating kernel breaks this bound by orders of magnitude.
  torch::manual_seed(1);
  const int64_t in = 256, out = 64, rows = 24;
  const torch::Tensor w = torch::randn({out, in}) * 0.05;
  const torch::Tensor x = torch::randn({rows, in}) * 3 + 1;  // asymmetric activations: zero point != 0
  engine::Linear lin(w.clone());
  REQUIRE(lin->QuantizeInt8());
  CHECK(lin->int8_reduce_range() == engine::Int8NeedsReducedRange());
  c10::InferenceMode inference;
  const torch::Tensor got = lin(x);
  const torch::Tensor want = torch::linear(x, w);
  const double levels = lin->int8_reduce_range() ? 127.0 : 255.0;
  const double s_x = (std::max(x.max().item<double>(), 0.0) - std::min(x.min().item<double>(), 0.0)) / levels;
  const torch::Tensor s_w = w.abs().amax(1) / 127.0;                         // (out)
  const torch::Tensor bound = x.abs().sum(1, true) * s_w.unsqueeze(0) / 2 +  // (rows, out)
                              w.abs().sum(1).unsqueeze(0) * s_x + in * s_x * s_w.unsqueeze(0) / 2;
  const torch::Tensor slack = 1e-5 * (x.abs().matmul(w.abs().t()) + 1);
  const torch::Tensor err = (got - want).abs();
  const double worst = (err / (bound + slack)).max().item<double>();
  MESSAGE("reduce_range " << lin->int8_reduce_range() << ": max |err| / bound = " << worst << " (max |err| "
                          << err.max().item<double>() << ")");
  CHECK(worst <= 1.0);
  CHECK(err.max().item<double>() > 0);  // the int8 path really ran
}
