// The development guide (templates/development-guide.mustache + render/guide_view.cc): a golden
// file for specs/tiny.yaml + a Report built here (train runs and experiments included), every
// heading of the seed, GPT-2 small's exact memory and FLOP numbers, the "not measured" wording
// of a report without train runs or experiments, and a test list that matches tests/.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "generator/publish/atomic_write.h"
#include "generator/render/markdown_check.h"
#include "generator/render/renderer.h"
#include "tests/unit/render_fixtures.h"

namespace fs = std::filesystem;

namespace {

using namespace test_fixtures;

std::string Guide(const spec::Spec* spec, const engine::Report* report, const std::string& path) {
  render::RenderInput in;
  in.spec = spec;
  in.report = report;
  in.templates_dir = kRoot + "/templates";
  in.spec_display_path = path;
  in.all_specs = {spec};
  in.all_reports = {report};
  std::string out;
  engine::Status s = render::RenderDocument(in, "development-guide", &out);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

spec::Spec Gpt2Spec() {
  spec::ParseResult parsed = spec::ParseSpecFile(kRoot + "/specs/gpt2.yaml");
  REQUIRE(parsed.ok());
  return parsed.spec;
}

engine::LatencyStats Latency(double mean_s) {
  engine::LatencyStats l;
  l.mean = l.p50 = mean_s;
  l.p90 = l.p99 = mean_s * 1.1;
  l.count = 10;
  l.total = 10 * mean_s;
  return l;
}

// A Report for specs/tiny.yaml with every kind of measurement the guide reads, in round numbers.
engine::Report TinyGuideReport() {
  engine::Report r;
  r.model = "Tiny GPT";
  r.slug = "tiny";
  r.environment.device = "cpu";
  r.environment.cpu_model = "Test CPU";
  r.environment.cores = 2;
  r.environment.threads = 2;
  r.environment.libtorch = "2.15.0";
  r.environment.date = "2024-01-01";
  r.environment.tool_version = "0.1.0";
  r.environment.peak_flops_per_s = {{"float32", 2e11}, {"bfloat16", 4e11}};
  engine::SizeReport size;
  size.name = "tiny";

  engine::Run forward;
  forward.scenario = "forward";
  forward.device = "cpu";
  forward.dtype = "float32";
  forward.batch = 1;
  forward.sequence_length = 16;
  forward.threads = 2;
  forward.latency_s = Latency(0.0004);
  forward.throughput = {{"tokens_per_s", 40000}};
  forward.peak_bytes = 90112;
  forward.weights_bytes = 482304;
  forward.flops = 3801088;
  forward.achieved_flops_per_s = 9.50272e9;
  forward.mfu = 0.0475136;
  size.runs.push_back(forward);

  for (const char* dtype : {"float32", "bfloat16"}) {
    const bool bf16 = std::string(dtype) == "bfloat16";
    engine::Run train;
    train.scenario = "train";
    train.device = "cpu";
    train.dtype = dtype;
    train.batch = 1;
    train.sequence_length = 16;
    train.threads = 2;
    train.latency_s = Latency(bf16 ? 0.005 : 0.01);
    train.throughput = {{"tokens_per_s", bf16 ? 3200 : 1600}};
    train.weights_bytes = 482304;
    train.gradients_bytes = 482304;
    train.optimizer_bytes = 964608 + 8;
    train.activations_bytes = bf16 ? 200000 : 300000;
    train.peak_bytes = bf16 ? 1800000 : 2000000;
    train.flops = 3 * 3801088;
    train.achieved_flops_per_s = double(train.flops) / train.latency_s.mean;
    train.mfu = train.achieved_flops_per_s / (bf16 ? 4e11 : 2e11);
    size.runs.push_back(train);
  }

  engine::Experiment ckpt;
  ckpt.id = "activation_checkpointing";
  ckpt.title = "Activation checkpointing";
  ckpt.setup = "float32, batch 1 × 16 tokens, 2 threads";
  ckpt.unit = "training step";
  engine::ExperimentVariant no_ckpt;
  no_ckpt.name = "no checkpointing";
  no_ckpt.baseline = true;
  no_ckpt.latency_s = Latency(0.01);
  no_ckpt.speedup = 1;
  no_ckpt.peak_bytes = 2000000;
  engine::ExperimentVariant every;
  every.name = "checkpoint every block";
  every.latency_s = Latency(0.0125);
  every.speedup = 0.8;
  every.peak_bytes = 1500000;
  ckpt.variants = {no_ckpt, every};
  size.experiments.push_back(ckpt);

  engine::Experiment mixed;
  mixed.id = "mixed_precision";
  mixed.title = "Mixed precision";
  mixed.setup = "batch 1 × 16 tokens, 2 threads";
  mixed.unit = "forward pass";
  engine::ExperimentVariant f32;
  f32.name = "float32";
  f32.baseline = true;
  f32.latency_s = Latency(0.0004);
  f32.speedup = 1;
  engine::ExperimentVariant bf16;
  bf16.name = "bfloat16";
  bf16.latency_s = Latency(0.0002);
  bf16.speedup = 2;
  bf16.has_accuracy = true;
  bf16.max_abs_error = 0.0125;
  bf16.top1_agreement = 0.9375;
  mixed.variants = {f32, bf16};
  size.experiments.push_back(mixed);

  r.sizes.push_back(size);
  return r;
}

// The seed's (model-development-guide.md) section and subsection headings, in order.
const char* const kSeedHeadings[] = {"## 1. Architecture Design",     "### Model Components",
                                     "### Architecture Decisions",    "### Scaling Considerations",
                                     "## 2. Training Process",        "### Training Strategy",
                                     "### Hyperparameter Selection",  "### Loss Functions",
                                     "## 3. Training Infrastructure", "### Hardware Requirements",
                                     "### Distributed Training",      "### Resource Management",
                                     "## 4. Optimization Techniques", "### Model Optimization",
                                     "### Training Optimization",     "### Memory Optimization",
                                     "## 5. Debugging and Testing",   "### Model Debugging",
                                     "### Testing Procedures",        "### Quality Assurance",
                                     "## 6. Model Evaluation",        "### Performance Metrics",
                                     "### Validation Strategy",       "### Iteration Process",
                                     "## 7. Best Practices",          "### Development Workflow",
                                     "### Code Organization",         "### Documentation",
                                     "## 8. Advanced Topics",         "### Research Integration",
                                     "### Future Considerations"};

// The seed's bullets, each of which the guide turns into a "- **Bullet:**" item.
const char* const kSeedBullets[] = {"Transformer blocks",
                                    "Attention mechanisms",
                                    "Feed-forward networks",
                                    "Embedding layers",
                                    "Output heads",
                                    "Model size selection",
                                    "Layer configuration",
                                    "Attention mechanism types",
                                    "Activation functions",
                                    "Input/output formats",
                                    "Parameter count",
                                    "Memory requirements",
                                    "Computational complexity",
                                    "Training time estimates",
                                    "Hardware constraints",
                                    "Pre-training objectives",
                                    "Fine-tuning approaches",
                                    "Multi-task learning",
                                    "Transfer learning",
                                    "Domain adaptation",
                                    "Learning rate scheduling",
                                    "Batch size optimization",
                                    "Gradient accumulation",
                                    "Warmup periods",
                                    "Weight decay",
                                    "Cross-entropy",
                                    "Adversarial losses",
                                    "Contrastive learning",
                                    "Reconstruction loss",
                                    "Custom objectives",
                                    "GPU/TPU selection",
                                    "Memory configuration",
                                    "Storage systems",
                                    "Network infrastructure",
                                    "Cooling solutions",
                                    "Data parallelism",
                                    "Model parallelism",
                                    "Pipeline parallelism",
                                    "Gradient synchronization",
                                    "Communication protocols",
                                    "Batch scheduling",
                                    "Memory optimization",
                                    "Gradient checkpointing",
                                    "Mixed precision training",
                                    "Resource monitoring",
                                    "Knowledge distillation",
                                    "Pruning strategies",
                                    "Quantization methods",
                                    "Architecture search",
                                    "Ensemble techniques",
                                    "Gradient clipping",
                                    "Loss scaling",
                                    "Adaptive methods",
                                    "Curriculum learning",
                                    "Early stopping",
                                    "Activation checkpointing",
                                    "Memory-efficient attention",
                                    "Model sharding",
                                    "Loss analysis",
                                    "Gradient inspection",
                                    "Activation patterns",
                                    "Attention visualization",
                                    "Error analysis",
                                    "Unit tests",
                                    "Integration tests",
                                    "Performance benchmarks",
                                    "Regression testing",
                                    "Stress testing",
                                    "Output validation",
                                    "Performance metrics",
                                    "Resource utilization",
                                    "Error handling",
                                    "Safety checks",
                                    "Task-specific metrics",
                                    "Generation quality",
                                    "Inference speed",
                                    "Memory usage",
                                    "Throughput",
                                    "Cross-validation",
                                    "Hold-out sets",
                                    "A/B testing",
                                    "Human evaluation",
                                    "Automated testing",
                                    "Model refinement",
                                    "Architecture updates",
                                    "Training adjustments",
                                    "Performance tuning",
                                    "Version control",
                                    "Experiment tracking",
                                    "Documentation",
                                    "Code review",
                                    "Collaboration",
                                    "Modular design",
                                    "Configuration management",
                                    "Logging systems",
                                    "Testing frameworks",
                                    "Deployment pipelines",
                                    "Architecture specs",
                                    "Training procedures",
                                    "Evaluation results",
                                    "Known limitations",
                                    "Usage guidelines",
                                    "Latest architectures",
                                    "Novel optimization",
                                    "Efficient training",
                                    "Scaling techniques",
                                    "Emerging methods",
                                    "Model scaling",
                                    "Efficiency improvements",
                                    "New architectures",
                                    "Training innovations",
                                    "Hardware advances"};

}  // namespace

TEST_CASE("the tiny development guide matches its golden file and is clean Markdown") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyGuideReport();
  const std::string doc = Guide(&spec, &report, "specs/tiny.yaml");
  CompareWithGolden(doc, "tiny.guide.md");
  CHECK(render::CheckMarkdown(doc).empty());
  CHECK_FALSE(Contains(doc, "{{"));
  CHECK(Guide(&spec, &report, "specs/tiny.yaml") == doc);  // deterministic
}

TEST_CASE("the guide has every heading and every bullet of the seed, in order") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyGuideReport();
  const std::string doc = Guide(&spec, &report, "specs/tiny.yaml");
  CHECK(doc.rfind("# Tiny GPT — Model Development Guide\n", 0) == 0);
  size_t at = 0;
  for (const char* heading : kSeedHeadings) {
    const size_t found = doc.find(std::string("\n") + heading + "\n", at);
    CHECK_MESSAGE(found != std::string::npos, std::string(heading));
    if (found != std::string::npos) at = found;
  }
  for (const char* bullet : kSeedBullets)
    CHECK_MESSAGE(Contains(doc, std::string("- **") + bullet), std::string(bullet));
}

TEST_CASE("measured train runs and experiments are reported as MEASURED, with their numbers") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyGuideReport();
  const std::string doc = Guide(&spec, &report, "specs/tiny.yaml");
  CHECK(Contains(doc,
                 "- **MEASURED**: from `results/tiny.json`, measured on cpu (Test CPU) on 2024-01-01 "
                 "with LibTorch 2.15.0.\n"));
  CHECK(Contains(doc,
                 "| tiny | bfloat16 mixed precision | cpu | batch 1 × 16 tokens | 471.0 KiB | 471.0 KiB | "
                 "942.0 KiB | 195.3 KiB | 1.72 MiB | 5.00 ms | 0.57% |"));
  CHECK(Contains(doc,
                 "**Mixed precision training:** **MEASURED** (`tiny`, batch 1 × 16 tokens on cpu, "
                 "2024-01-01): training step 10.0 ms in float32, 5.00 ms in bfloat16 mixed precision "
                 "(speedup 2.00×); peak 1.91 MiB → 1.72 MiB.\n"));
  CHECK(Contains(doc,
                 "**Gradient checkpointing:** **MEASURED** (float32, batch 1 × 16 tokens, 2 threads, "
                 "training step on cpu, 2024-01-01): no checkpointing peaks at 1.91 MiB in 10.0 ms; "
                 "checkpoint every block peaks at 1.43 MiB (−25.0%) in 12.5 ms (+25.0% time)."));
  CHECK(Contains(doc, "bfloat16 200.0 µs (speedup 2.00×); max |Δ| against float32 0.0125, top-1 agreement 93.8%"));
  // The training-time estimate at this machine's measured rate: the bfloat16 step, 2.28 GFLOP/s.
  CHECK(Contains(doc,
                 "**MEASURED rate, ESTIMATED time:** this machine's fastest training step for `tiny` "
                 "(bfloat16, batch 1 × 16 tokens, cpu) ran at 2.28 GFLOP/s"));
  // Experiments the report does not hold still read "not measured yet".
  CHECK(Contains(doc, "Measured int8 result: not measured yet — the results hold no `int8_weights` experiment."));
  CHECK_FALSE(Contains(doc, "no `train` run"));
  CHECK_FALSE(Contains(doc, "no `activation_checkpointing` experiment"));
  CHECK_FALSE(Contains(doc, "no `mixed_precision` experiment"));
}

TEST_CASE("GPT-2 small: exact parameter, memory and FLOP numbers, and 'not measured' without results") {
  const spec::Spec spec = Gpt2Spec();
  for (const bool with_report : {false, true}) {
    engine::Report count_only;  // sizes counted, nothing run: no train runs, no experiments
    const std::string doc = Guide(&spec, with_report ? &count_only : nullptr, "specs/gpt2.yaml");
    CHECK(render::CheckMarkdown(doc).empty());
    CHECK(Contains(doc,
                   "| small | 124,439,808 (124.4M) | 85,056,000 (85.1M) | 124,439,808 (124.4M) | "
                   "474.7 MiB | 237.4 MiB | 118.7 MiB |"));
    // 16 B/parameter state; Korthikanti activations of 12 layers x 1,024 tokens.
    CHECK(Contains(doc,
                   "| small | 474.7 MiB | 474.7 MiB | 949.4 MiB | 1.85 GiB | 1.85 GiB | 1.00 GiB | "
                   "103.5 MiB | 3.70 GiB | 2.86 GiB |"));
    CHECK(Contains(doc, "| small | 474.7 MiB | 237.4 MiB | 118.7 MiB | 36,864 B (36.0 KiB) | 36.0 MiB |"));
    CHECK(Contains(doc,
                   "a forward pass of `small` costs 284.8 MFLOPs per token (284,812,800 FLOPs), "
                   "training 3 × that = 854.4 MFLOPs per token"));
    CHECK(Contains(doc, "| 1,024 | 284.8 MFLOPs | 37.7 MFLOPs | 13.3% | 854.4 MFLOPs |"));
    CHECK(Contains(doc, "for 10⁹ tokens (a reference amount: the spec gives no `training.tokens`)"));
    CHECK(Contains(doc, "| Training FLOPs | 854.4 PFLOPs | 2.42 EFLOPs | 5.20 EFLOPs | 10.3 EFLOPs |"));
    CHECK(Contains(doc, "| NVIDIA H100 SXM | 989.5 TFLOP/s | 36.0 minutes |"));
    CHECK(
        Contains(doc, "| NVIDIA L4 | 24 GB GDDR6 | 1 / 1 (DP) | 1 / 1 (DP) | 1 / 1 (DP) | 2 / 1 (ZeRO-3/FSDP × 2) |"));
    CHECK(Contains(doc, "10.82 nats (ln of the 50,257-token vocabulary)"));
    // Nothing measured: every measured item says so, and no number is invented.
    CHECK(Contains(doc, "- **MEASURED**: nothing measured yet — run `modelcard build specs/gpt2.yaml` to measure"));
    CHECK(Contains(doc,
                   "Training memory, **MEASURED**: not measured yet — the results hold no `train` run; "
                   "run `modelcard build specs/gpt2.yaml`."));
    CHECK(Contains(doc,
                   "- **Gradient checkpointing:** not measured yet — the results hold no "
                   "`activation_checkpointing` experiment."));
    CHECK(Contains(doc, "- **Mixed precision training:** not measured yet — no `train` runs in the results.\n"));
    CHECK(Contains(doc, "- **Inference speed:** not measured yet — run `modelcard build specs/gpt2.yaml`.\n"));
    CHECK(Contains(doc, "This machine: not measured yet — no `train` run in `results/gpt2.json`"));
    CHECK_FALSE(Contains(doc, "MEASURED rate"));
  }
}

TEST_CASE("the test list in the guide names exactly the test files of the repository") {
  const std::string tmpl = ReadTextFile(kRoot + "/templates/development-guide.mustache");
  std::set<std::string> listed, on_disk;
  const std::regex name("`([a-z0-9_]+_test\\.cc|[a-z0-9_]+\\.sh)`");
  for (std::sregex_iterator it(tmpl.begin(), tmpl.end(), name), end; it != end; ++it) listed.insert((*it)[1]);
  for (const char* dir : {"unit", "engine", "e2e"})
    for (const auto& entry : fs::directory_iterator(kTests + "/" + dir)) {
      const std::string file = entry.path().filename().string();
      const bool test = file.size() > 8 && file.compare(file.size() - 8, 8, "_test.cc") == 0;
      if (test || entry.path().extension() == ".sh") on_disk.insert(file);
    }
  for (const auto& f : on_disk) CHECK_MESSAGE(listed.count(f) == 1, f << " is not in the guide's test list");
  for (const auto& f : listed) CHECK_MESSAGE(on_disk.count(f) == 1, f << " is listed but does not exist");
}

TEST_CASE("the guide of a Gemma-2-like model: sandwich blocks, windowed attention term and rolling KV cache") {
  spec::Spec spec = TinySpec();
  engine::ModelConfig& c = spec.architecture.sizes[0].config;
  c.num_layers = 4, c.num_kv_heads = 2, c.position = engine::Position::kRoPE, c.norm = engine::Norm::kRMSNorm;
  c.sliding_window = 16, c.sliding_window_pattern = 2, c.sandwich_norm = true;
  const std::string doc = Guide(&spec, nullptr, "specs/tiny.yaml");
  CHECK(render::CheckMarkdown(doc).empty());
  CHECK(Contains(doc, "decoder blocks with sandwich norms (norm → causal self-attention → norm → residual"));
  CHECK(Contains(doc, "sliding window 16 on 2 of 4 layers"));
  CHECK(Contains(doc, "the 2 global layers read all T keys"));
  CHECK(Contains(doc, "the 2 local layers read at most 16 keys per query"));
  CHECK(Contains(doc, "is counted against min(p, 16) keys"));  // the FLOP convention
  // KV cache, bfloat16: 4 layers x 2 x 2 heads x 16 dims x 2 B = 512 B per token; 64 tokens:
  // (2 local x 16 + 2 global x 64) positions x 64 values x 2 B = 20,480 B = 20.0 KiB.
  CHECK(Contains(doc, "| 512 B | 20.0 KiB |"));
  c.sliding_window = 0, c.sandwich_norm = false, c.parallel_residual = true;
  const std::string neox = Guide(&spec, nullptr, "specs/tiny.yaml");
  CHECK(Contains(neox, "pre-norm decoder blocks with a parallel residual"));
  CHECK_FALSE(Contains(neox, "sliding window"));
}
