// Benchmark (not a test): our GPT-2 small forward pass at batch 1 x 128 and 8 x 512 tokens,
// float32 and bfloat16, with the measured peak GEMM FLOP/s for MFU. Prints one JSON line per
// measurement; bench/run.sh puts them beside PyTorch's own modules (eager, torch.compile).
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/count.h"
#include "engine/engine.h"
#include "engine/measure/calibration.h"
#include "engine/measure/latency.h"
#include "engine/models/decoder.h"

int main(int argc, char** argv) {
  const int64_t threads = engine::ConfigureThreads(argc > 1 ? std::atoll(argv[1]) : 2);
  const double min_seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  engine::ModelConfig c;  // GPT-2 small, as in specs/gpt2.yaml
  c.vocab_size = 50257;
  c.context_length = 1024;
  c.num_layers = 12;
  c.embedding_dim = 768;
  c.num_heads = c.num_kv_heads = 12;
  c.head_dim = 64;
  c.hidden_dim = 3072;
  c.activation = engine::Activation::kGELUTanh;
  for (const char* dtype_name : {"float32", "bfloat16"}) {
    double peak = 0;
    if (engine::Status s = engine::MeasurePeakGemmFlops(dtype_name, "cpu", &peak); !s.ok()) {
      std::fprintf(stderr, "calibration failed: %s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("{\"impl\": \"peak GEMM\", \"dtype\": \"%s\", \"threads\": %lld, \"flops_per_s\": %.6g}\n", dtype_name,
                static_cast<long long>(threads), peak);
    const auto dtype = std::string(dtype_name) == "float32" ? torch::kFloat32 : torch::kBFloat16;
    engine::Decoder model(c, torch::TensorOptions().dtype(dtype));
    model->InitWeights(0);
    model->eval();
    model->PackForInference();
    c10::InferenceMode inference;
    for (auto [batch, seq] : {std::pair<int64_t, int64_t>{1, 128}, {8, 512}}) {
      auto ids = torch::randint(0, c.vocab_size, {batch, seq}, torch::kLong);
      engine::TimingOptions timing;
      timing.warmup = 2;
      timing.min_iterations = batch == 1 ? 10 : 3;
      timing.min_seconds = min_seconds;
      std::vector<double> samples;
      if (engine::Status s = engine::TimeIterations([&] { model->forward(ids); }, [] {}, timing, {}, &samples);
          !s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
      const auto stats = engine::SummarizeLatencies(samples);
      const double flops = static_cast<double>(engine::AnalyticForwardFlops(c, batch, seq).forward);
      std::printf(
          "{\"impl\": \"modelcard\", \"dtype\": \"%s\", \"batch\": %lld, \"seq\": %lld, \"threads\": %lld, "
          "\"mean\": %.6g, \"p50\": %.6g, \"count\": %lld, \"flops\": %.6g, \"mfu\": %.4f}\n",
          dtype_name, static_cast<long long>(batch), static_cast<long long>(seq), static_cast<long long>(threads),
          stats.mean, stats.p50, static_cast<long long>(stats.count), flops, flops / stats.mean / peak);
      std::fflush(stdout);
    }
  }
  return 0;
}
