// The experiments README (seed experiments-readme.template.md): a byte-for-byte golden file for
// specs/tiny.yaml + the results fixture, every seed heading, the not-measured and not-applicable
// paths, and the key-insight sentences worded from the numbers (faster / slower, saves / needs).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "generator/render/experiments_view.h"
#include "generator/render/markdown_check.h"
#include "generator/render/renderer.h"
#include "tests/unit/render_fixtures.h"

namespace {

using namespace test_fixtures;
namespace insight = render::exp_insight;

std::string RenderReadme(const render::RenderInput& in) {
  std::string out;
  engine::Status s = render::RenderDocument(in, "experiments-readme", &out);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

bool Has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// The fixture plus one training step (the fixture holds no train run yet: the card and the
// documentation page would list it as a forward run). Added only when absent, so the golden
// file stays the same once the fixture gets one.
engine::Report TinyReportWithTrain() {
  engine::Report r = TinyReport();
  for (const auto& run : r.sizes[0].runs)
    if (run.scenario == "train") return r;
  engine::Run train;
  train.scenario = "train";
  train.device = "cpu";
  train.dtype = "float32";
  train.batch = 1;
  train.sequence_length = 16;
  train.threads = 1;
  train.latency_s = {0.0012, 0.001176, 0.001296, 0.00138, 7.2e-05, 0.06, 3, 0.0036};
  train.throughput = {{"tokens_per_s", 13333.3}};
  train.peak_bytes = 262144;
  train.weights_bytes = 482304;
  train.gradients_bytes = 482304;
  train.optimizer_bytes = 964864;
  train.activations_bytes = 131072;
  train.flops = 11403264;
  train.achieved_flops_per_s = 9502720000.0;
  train.mfu = 0.032768;
  r.sizes[0].runs.push_back(train);
  return r;
}

engine::LatencyStats Mean(double mean_s) {
  engine::LatencyStats l;
  l.mean = l.p50 = l.p90 = l.p99 = mean_s;
  l.count = 10;
  l.total = 10 * mean_s;
  return l;
}

engine::ExperimentVariant Variant(const std::string& name, double mean_s, int64_t peak_bytes, bool baseline = false) {
  engine::ExperimentVariant v;
  v.name = name;
  v.baseline = baseline;
  v.latency_s = Mean(mean_s);
  v.peak_bytes = peak_bytes;
  v.throughput = {{"tokens_per_s", 16 / mean_s}};
  return v;
}

engine::Experiment TwoArm(const std::string& id, const engine::ExperimentVariant& base,
                          engine::ExperimentVariant variant) {
  engine::Experiment e;
  e.id = id;
  e.title = id;
  e.unit = "forward pass";
  variant.speedup = base.latency_s.mean / variant.latency_s.mean;
  e.variants = {base, variant};
  return e;
}

}  // namespace

TEST_CASE("tiny experiments README matches the golden file byte for byte") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReportWithTrain();
  const render::RenderInput in = Input(&spec, &report);
  const std::string doc = RenderReadme(in);
  CompareWithGolden(doc, "tiny.experiments.md");
  CHECK(RenderReadme(in) == doc);  // deterministic
  CHECK(render::CheckMarkdown(doc).empty());
}

TEST_CASE("the README has every section of the seed, in the seed's order, filled in") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReportWithTrain();
  const std::string doc = RenderReadme(Input(&spec, &report));
  size_t at = 0;
  for (const char* heading : {"# Tiny GPT Experiments\n",
                              "\n## Overview\n",
                              "\n**Key Features:**\n",
                              "\n## Table of Contents\n",
                              "\n## Architecture Components\n",
                              "\n### Core Modules\n",
                              "\n## Optimization Techniques\n",
                              "\n### 1. Fused attention\n",
                              "\n### 8. Combined optimizations\n",
                              "\n## Project Structure\n",
                              "\n## Installation\n",
                              "\n### Requirements\n",
                              "\n### Setup\n",
                              "\n## Usage\n",
                              "\n### Running Core Tiny GPT Exploration\n",
                              "\n### Running Optimization Experiments\n",
                              "\n### Using Individual Components\n",
                              "\n### Using Optimized Components\n",
                              "\n## Key Insights\n",
                              "\n### From Exploration Experiments\n",
                              "\n### From Optimization Experiments\n",
                              "\n## Performance Benchmarks\n",
                              "\n### Benchmark Hardware Specifications\n",
                              "\n### Core Architecture Performance\n",
                              "\n### Optimization Techniques\n",
                              "\n**1. Fused attention**\n",
                              "\n**7. Activation checkpointing**\n",
                              "\n**8. Combined optimizations**\n",
                              "\n### Summary\n",
                              "\n## Key Innovations\n",
                              "\n## References\n",
                              "\n## Acknowledgments\n"}) {
    const size_t found = doc.find(heading, at);
    CHECK_MESSAGE(found != std::string::npos, "missing or out of order: " << heading);
    if (found != std::string::npos) at = found;
  }
  // The seed's table of contents points at the adapted heading.
  CHECK(Has(doc, "  - [Running Core Tiny GPT Exploration](#running-core-tiny-gpt-exploration)\n"));
  // No seed placeholder is left.
  for (const std::string placeholder : {"[X]", "XX", "[MODEL_NAME]", "[value]", ".py", "[OPTIMIZATION",
                                        "[Optimization 1", "[Config", "[COMPONENT", "Acer", "RTX"})
    CHECK_MESSAGE(!Has(doc, placeholder), placeholder);
  // Real files and commands.
  CHECK(Has(doc, "1. **Tiny GPT model** (`engine/models/decoder.cc`)\n"));
  CHECK(Has(doc,
            "The `engine/experiments/experiments.cc` module (interface in "
            "`engine/experiments/experiments.h`) implements 8 optimization experiments, 8 of "
            "which apply to Tiny GPT:\n"));
  CHECK(Has(doc, "- Code: `engine/experiments/experiments.cc`, `engine/layers/attention_kernel.cc`\n"));
  CHECK(Has(doc, "- Code: `engine/experiments/experiments.cc`, `engine/layers/checkpoint.cc`\n"));
  CHECK(Has(doc, "\nbuild/modelcard build specs/tiny.yaml\n"));
  CHECK(Has(doc, "build/modelcard render specs/tiny.yaml   # re-renders this README from results/tiny.json only\n"));
  CHECK(Has(doc, "scripts/setup.sh"));
  CHECK(Has(doc, "torch==2.15.0"));
  // Fixture: bfloat16 is slower than float32, 2 threads faster than 1.
  CHECK(
      Has(doc, "build/modelcard profile specs/tiny.yaml --size tiny --dtype float32 --batch 1 --seq 16 --threads 2\n"));
  // Hardware from the environment, conventions stated.
  CHECK(Has(
      doc, "- **CPU**: fixture: hand-written test data, not a measurement (2 logical CPUs, 1 intra-op thread used)\n"));
  CHECK(Has(doc, "- **RAM**: 24.0 GiB\n"));
  CHECK(Has(doc, "- **Measured peak GEMM**: 1.30 TFLOP/s bfloat16, 290.0 GFLOP/s float32\n"));
  CHECK(Has(doc, "speedup = baseline mean latency / variant mean latency"));
  CHECK(Has(doc, "accuracy is measured against the float32 eager model on the same input"));
  CHECK(Has(doc, "MFU = achieved FLOP/s / measured peak GEMM FLOP/s of the same device and dtype"));
  // Tables from the measurements.
  CHECK(Has(doc,
            "| Variant | Time (ms) | Speedup | Throughput | Peak memory | MFU | Max abs error | Max rel "
            "error | Top-1 agreement |\n"));
  CHECK(Has(doc, "| bfloat16 | 0.520 | 0.77× | 30,769 tokens/s | 48.0 KiB | 0.56% | 0.0312 | 0.0118 | 93.8% |\n"));
  CHECK(Has(doc,
            "| Decode (one new token) | batch 1, 4-token prompt + 4 new tokens | float32 (cpu) | "
            "0.123 | 8,108 tokens/s | 0.65% | 23.3% | 44.0 KiB |\n"));
  CHECK(Has(doc, "| Batch | Time (ms) | Throughput | Throughput vs baseline | Peak memory | MFU | Within 100 ms |\n"));
  CHECK(Has(doc, "| Setup | First call (ms) | Time (ms, steady state) |"));
  CHECK(Has(doc, "| Optimization | Best Speedup | Memory Savings | Accuracy Impact |\n"));
  // Insights from the numbers.
  CHECK(Has(doc,
            "- **Mixed precision**: bfloat16 is 1.30× slower than float32 per forward pass (0.520 ms vs "
            "0.400 ms mean) and saves 40.0 KiB of peak memory (45.5%), with a max abs error of 0.0312"));
  CHECK(Has(doc, "- **Training step (float32, batch 1)**: One training step of batch 1 × 16 tokens takes 1.20 ms"));
}

TEST_CASE("a report without experiments renders with not-measured text and tables that parse") {
  const spec::Spec spec = TinySpec();
  engine::Report no_experiments = TinyReport();
  for (auto& size : no_experiments.sizes) size.experiments.clear();
  engine::Report count_only = no_experiments;
  for (auto& size : count_only.sizes) size.runs.clear();
  count_only.environment = engine::Environment();
  const std::vector<const engine::Report*> reports = {&no_experiments, &count_only, nullptr};
  for (const engine::Report* report : reports) {
    const std::string doc = RenderReadme(Input(&spec, report));
    CHECK(render::CheckMarkdown(doc).empty());
    CHECK(Has(doc,
              "\n### From Optimization Experiments\n\nNot measured yet — run `modelcard build "
              "specs/tiny.yaml`.\n"));
    CHECK(Has(doc, "\n### Summary\n\nNot measured yet — run `modelcard build specs/tiny.yaml`.\n"));
    CHECK(Has(doc, "\n### 1. Fused attention\n"));  // the techniques are still described
    CHECK(Has(doc, "- Measured: Not measured yet"));
    CHECK_FALSE(Has(doc, "| Optimization | Best Speedup |"));
    CHECK_FALSE(Has(doc, "{{"));
  }
  const std::string bare = RenderReadme(Input(&spec, nullptr));
  CHECK(Has(bare, "\n### Benchmark Hardware Specifications\n\nNot measured yet"));
  CHECK(Has(bare, "\n### Core Architecture Performance\n\nNot measured yet"));
  CHECK(Has(bare, "torch                     # the version pinned in scripts/setup.sh\n"));
}

TEST_CASE("a non-applicable experiment shows its reason instead of a table") {
  const spec::Spec spec = TinySpec();
  engine::Report report = TinyReport();
  engine::Experiment& fused = report.sizes[0].experiments[0];
  REQUIRE(fused.id == "fused_attention");
  fused.applicable = false;
  fused.reason = "ResNet has no attention";
  fused.variants.clear();
  const std::string doc = RenderReadme(Input(&spec, &report));
  CHECK(render::CheckMarkdown(doc).empty());
  CHECK(Has(doc, "\n**1. Fused attention**\n\nNot applicable: ResNet has no attention.\n\n**2. Mixed precision**\n"));
  CHECK(Has(doc, "- **Fused attention**: Not applicable: ResNet has no attention.\n"));
  CHECK(Has(doc, "| Fused attention | — | — | Not applicable: ResNet has no attention. |\n"));
  CHECK(Has(doc, "7 of which apply to Tiny GPT"));
  CHECK(Has(doc, "1. Fused attention (not applicable here)\n"));
  CHECK_FALSE(Has(doc, "explicit attention (matmul, softmax, matmul)"));
}

TEST_CASE("insight wording follows the numbers: faster or slower, saves or needs memory") {
  CHECK(insight::SpeedPhrase(4.1) == "4.10× faster");
  CHECK(insight::SpeedPhrase(0.5) == "2.00× slower");
  CHECK(insight::SpeedPhrase(12.34) == "12.3× faster");
  CHECK(insight::SpeedPhrase(1.01) == "as fast (1.01×)");
  CHECK(insight::PeakMemoryPhrase(4096, 3072) == "saves 1.00 KiB of peak memory (25.0%)");
  CHECK(insight::PeakMemoryPhrase(4096, 6144) == "needs 2.00 KiB more peak memory (+50.0%)");
  CHECK(insight::PeakMemoryPhrase(4096, 4096) == "needs the same peak memory");
  CHECK(insight::ErrorValue(0.03125) == "0.0312");
  CHECK(insight::ErrorValue(3.2e-6) == "3.20e-06");
  CHECK(insight::ErrorValue(9.999e-5) == "1.00e-04");
  CHECK(insight::ErrorValue(1.5) == "1.50");
  CHECK(insight::ErrorValue(0) == "0");
  CHECK(insight::Milliseconds(0.0004) == "0.400");
  CHECK(insight::Milliseconds(0.0123) == "12.3");
  CHECK(insight::Milliseconds(1.2374) == "1,237");

  const engine::ExperimentVariant fp32 = Variant("float32", 0.004, 4096, true);
  engine::ExperimentVariant bf16 = Variant("bfloat16", 0.001, 2048);
  bf16.has_accuracy = true;
  bf16.max_abs_error = 0.031;
  bf16.max_rel_error = 0.004;
  bf16.top1_agreement = 0.992;
  CHECK(insight::MixedPrecision(TwoArm("mixed_precision", fp32, bf16)) ==
        "bfloat16 is 4.00× faster than float32 per forward pass (1.00 ms vs 4.00 ms mean) and saves "
        "2.00 KiB of peak memory (50.0%), with a max abs error of 0.0310 (max rel error 0.00400) and "
        "99.2% top-1 agreement with float32 eager.");
  // The same experiment with a slower, hungrier variant says so.
  engine::ExperimentVariant slow = Variant("bfloat16", 0.006, 8192);
  const std::string slower = insight::MixedPrecision(TwoArm("mixed_precision", fp32, slow));
  CHECK(Has(slower, "bfloat16 is 1.50× slower than float32"));
  CHECK(Has(slower, "needs 4.00 KiB more peak memory (+100.0%)"));
  CHECK_FALSE(Has(slower, "faster"));

  const std::string fused = insight::FusedAttention(
      TwoArm("fused_attention", Variant("explicit attention", 0.002, 4096, true), Variant("SDPA", 0.001, 1024)));
  CHECK(Has(fused, "SDPA is 2.00× faster than explicit attention"));
  CHECK(Has(fused, "saves 3.00 KiB of peak memory (75.0%)"));

  engine::Experiment kv =
      TwoArm("kv_cache", Variant("full recomputation", 0.010, 4096, true), Variant("KV cache", 0.002, 4096));
  kv.unit = "generating 16 new tokens";
  kv.variants[1].has_accuracy = true;
  kv.variants[1].top1_agreement = 1;
  CHECK(insight::KvCache(kv) ==
        "KV cache is 5.00× faster than full recomputation for generating 16 new tokens (2.00 ms vs "
        "10.0 ms), 8,000 tokens/s vs 1,600 tokens/s, and needs the same peak memory; 100.0% of the "
        "generated tokens are the same.");

  engine::ExperimentVariant f32w = Variant("float32", 0.001, 4096, true);
  f32w.weights_bytes = 4 * 1048576;
  engine::ExperimentVariant int8 = Variant("int8 weights", 0.002, 4096);
  int8.weights_bytes = 1048576;
  CHECK(Has(insight::Int8Weights(TwoArm("int8_weights", f32w, int8)),
            "int8 weights store 1.00 MiB of weights instead of 4.00 MiB (4.00× smaller) and are "
            "2.00× slower per forward pass"));

  engine::Experiment ckpt = TwoArm("activation_checkpointing", Variant("no checkpointing", 0.010, 8192, true),
                                   Variant("checkpoint every block", 0.0125, 4096));
  ckpt.unit = "training step";
  CHECK(insight::ActivationCheckpointing(ckpt) ==
        "Checkpoint every block saves 4.00 KiB of peak memory (50.0%) per training step (4.00 KiB "
        "vs 8.00 KiB) and adds 25.0% to its time (12.5 ms vs 10.0 ms).");
  ckpt.variants[1].peak_bytes = 8192;
  CHECK(Has(insight::ActivationCheckpointing(ckpt), "needs the same peak memory"));

  engine::Experiment threads;
  threads.id = "thread_scaling";
  threads.unit = "forward pass";
  threads.variants = {Variant("1 thread", 0.004, 0, true), Variant("2 threads", 0.0025, 0),
                      Variant("4 threads", 0.003, 0)};
  threads.variants[0].value = 1;
  threads.variants[1].value = 2;
  threads.variants[2].value = 4;
  CHECK(insight::ThreadScaling(threads) ==
        "2 threads are 1.60× faster than 1 thread per forward pass (2.50 ms vs 4.00 ms), a parallel "
        "efficiency of 80.0%. The largest count, 4 threads, is 1.33× faster than 1 thread.");

  engine::Experiment batch;
  batch.id = "batch_scaling";
  batch.unit = "forward pass";
  batch.latency_budget_s = 0.005;
  batch.variants = {Variant("batch 1", 0.001, 0, true), Variant("batch 4", 0.002, 0), Variant("batch 8", 0.008, 0)};
  batch.variants[0].value = 1;
  batch.variants[1].value = 4;
  batch.variants[2].value = 8;
  batch.variants[1].throughput = {{"tokens_per_s", 32000}};
  batch.variants[2].throughput = {{"tokens_per_s", 16000}};
  batch.best_batch = 4;
  CHECK(insight::BatchScaling(batch) ==
        "Throughput grows from 16,000 tokens/s at batch 1 to 32,000 tokens/s at batch 4 (2.00×), while the "
        "latency of one forward pass goes from 1.00 ms to 2.00 ms. The largest batch whose mean latency "
        "fits the 5.00 ms budget is 4 (2.00 ms mean).");
  batch.best_batch = 0;
  CHECK(Has(insight::BatchScaling(batch), "No measured batch fits the 5.00 ms latency budget."));

  engine::Experiment combined =
      TwoArm("combined", Variant("baseline (float32 eager)", 0.004, 0, true), Variant("bfloat16 + SDPA", 0.001, 0));
  combined.variants[1].first_call_s = 0.05;
  CHECK(Has(insight::Combined(combined),
            "In steady state, bfloat16 + SDPA is 4.00× faster than the baseline (float32 eager) (1.00 ms vs "
            "4.00 ms per forward pass). Its first call after building takes 50.0 ms, 50.0× its "
            "steady-state latency."));

  engine::Experiment na;
  na.id = "fused_attention";
  na.applicable = false;
  na.reason = "the model has no attention";
  CHECK(insight::Insight(na) == "Not applicable: the model has no attention.");
  engine::Experiment empty;
  empty.id = "mixed_precision";
  CHECK(Has(insight::Insight(empty), "Not measured"));
}

TEST_CASE("the template's fixed sentences: checkpoint weights, no references, no memory saving") {
  spec::Spec spec = TinySpec();
  spec.architecture.references.clear();
  engine::Report report = TinyReport();
  report.sizes[0].weights_load.weights = "ckpt.safetensors";
  for (auto& e : report.sizes[0].experiments) {
    int64_t most = 0;
    for (const auto& var : e.variants) most = std::max(most, var.peak_bytes + var.weights_bytes);
    for (auto& var : e.variants) var.peak_bytes = most - var.weights_bytes;  // no variant saves memory
  }
  const std::string doc = RenderReadme(Input(&spec, &report));
  CHECK(render::CheckMarkdown(doc).empty());
  CHECK(Has(doc,
            "- Weights: loaded from the checkpoint `ckpt.safetensors` (the size's `weights:`), for the "
            "baselines and every variant\n"));
  CHECK(Has(doc, "- **Model Selection Tradeoffs**: Of the single optimizations, "));
  CHECK(Has(doc, "; none of them reduces weights + peak memory.\n"));
  CHECK(Has(doc, "\n## Acknowledgments\n\nThis implementation follows the " + spec.name +
                     " specification in `specs/tiny.yaml`; the optimizations measured here follow "));
  CHECK(Has(doc, ". The model runs on LibTorch, the C++ distribution of PyTorch.\n"));
  CHECK_FALSE(Has(doc, "{{"));
}
