// app/plan: what a measurement of a spec runs under the flags (devices, dtypes, sizes, each size's
// scenarios, the study, evaluation.measure's data sets) and the scope a re-measure replaces, as pure
// functions of the spec and the options (issue 15).
#include "generator/app/plan.h"

#include <doctest/doctest.h>

#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "generator/spec/spec_parser.h"

namespace {

// A bundled spec, parsed as if from "specs/<name>.yaml" (its messages name that path).
spec::Spec Bundled(const std::string& name) {
  std::ifstream in(std::string(MODELCARD_SOURCE_DIR_FOR_TESTS) + "/specs/" + name + ".yaml");
  std::stringstream text;
  text << in.rdbuf();
  spec::ParseResult r = spec::ParseSpecText(text.str(), "specs/" + name + ".yaml");
  REQUIRE(r.ok());
  return r.spec;
}

spec::Size* SizeNamed(spec::Spec* s, const std::string& name) {
  for (auto& size : s->architecture.sizes)
    if (size.name == name) return &size;
  FAIL("no size " << name);
  return nullptr;
}

}  // namespace

TEST_CASE("the plan follows the spec's profile, narrowed by --size, --dtype and --device") {
  const spec::Spec gpt2 = Bundled("gpt2");
  app::MeasureArgs a;
  app::ProfilePlan plan = app::PlanProfile(gpt2, a);
  CHECK(plan.devices == std::vector<std::string>{"cpu"});
  CHECK(plan.dtypes == std::vector<std::string>{"float32", "bfloat16"});
  CHECK(plan.sizes == std::vector<std::string>{"small"});
  CHECK(plan.calibration_dtypes == plan.dtypes);
  CHECK(plan.experiment_size.empty());  // profile without --experiments runs no study

  a.size = "medium";
  a.dtype = "float16";
  a.devices = {"cuda", "cpu"};  // modelcard.yaml's devices replace the spec's ...
  plan = app::PlanProfile(gpt2, a);
  CHECK(plan.sizes == std::vector<std::string>{"medium"});
  CHECK(plan.dtypes == std::vector<std::string>{"float16"});
  CHECK(plan.devices == std::vector<std::string>{"cuda", "cpu"});
  a.device = "cpu";  // ... and --device replaces both
  CHECK(app::PlanProfile(gpt2, a).devices == std::vector<std::string>{"cpu"});
}

TEST_CASE("the study runs on the first profiled size and calibrates both peaks its MFU needs") {
  spec::Spec gpt2 = Bundled("gpt2");
  gpt2.profile.sizes = {"medium", "small"};
  app::MeasureArgs a;
  a.experiments = true;
  a.dtype = "float16";
  app::ProfilePlan plan = app::PlanProfile(gpt2, a);
  CHECK(plan.experiment_size == "medium");
  CHECK(plan.dtypes == std::vector<std::string>{"float16"});
  CHECK(plan.calibration_dtypes == std::vector<std::string>{"float16", "float32", "bfloat16"});
  gpt2.experiments.enabled = false;  // experiments: {enabled: false} wins over build's default
  plan = app::PlanProfile(gpt2, a);
  CHECK(plan.experiment_size.empty());
  CHECK(plan.calibration_dtypes == std::vector<std::string>{"float16"});
}

TEST_CASE("a size's scenarios: --batch replaces both batch lists, the flags and modelcard.yaml the timing") {
  spec::Spec gpt2 = Bundled("gpt2");
  gpt2.profile.train_batch_sizes = {2};
  SizeNamed(&gpt2, "small")->weights_path = "/ckpt/gpt2";
  app::MeasureArgs a;
  app::ProfilePlan plan = app::PlanProfile(gpt2, a);
  engine::ProfileOptions o = app::ProfileOptionsFor(gpt2, a, plan, "cpu", *gpt2.FindSize("small"));
  CHECK(o.device == "cpu");
  CHECK(o.dtypes == std::vector<std::string>{"float32", "bfloat16"});
  CHECK(o.batch_sizes == std::vector<int64_t>{1, 8});
  CHECK(o.train_batch_sizes == std::vector<int64_t>{2});
  CHECK(o.sequence_lengths == std::vector<int64_t>{128});
  CHECK(o.generate);
  CHECK(o.train);
  CHECK(o.prompt_tokens == 32);
  CHECK(o.new_tokens == 32);
  CHECK(o.warmup == gpt2.profile.warmup);
  CHECK(o.min_iterations == gpt2.profile.min_iterations);
  CHECK(o.weights_path == "/ckpt/gpt2");
  CHECK(o.max_memory_bytes == 0);

  a.batch = 4;
  a.seq = 64;
  a.no_generate = true;
  a.no_train = true;
  a.warmup = 0;
  a.min_iterations = 3;
  a.min_seconds = 0.5;
  a.max_memory = 1 << 20;
  o = app::ProfileOptionsFor(gpt2, a, plan, "cuda", *gpt2.FindSize("small"));
  CHECK(o.device == "cuda");
  CHECK(o.batch_sizes == std::vector<int64_t>{4});
  CHECK(o.train_batch_sizes == std::vector<int64_t>{4});
  CHECK(o.sequence_lengths == std::vector<int64_t>{64});
  CHECK_FALSE(o.generate);
  CHECK_FALSE(o.train);
  CHECK(o.warmup == 0);
  CHECK(o.min_iterations == 3);
  CHECK(o.min_seconds == 0.5);
  CHECK(o.max_memory_bytes == 1 << 20);
  CHECK_FALSE(o.progress);  // the measurement adds its own
}

TEST_CASE("--batch and --seq are checked against each size before anything is measured") {
  spec::Spec gpt2 = Bundled("gpt2");
  const engine::ModelConfig& small = gpt2.FindSize("small")->config;
  app::MeasureArgs a;
  std::string note = "stale";
  CHECK(app::CheckSizeFlags(gpt2, a, "small", small, &note).ok());  // no flags: nothing to check
  CHECK(note.empty());
  a.seq = 2048;
  const engine::Status past = app::CheckSizeFlags(gpt2, a, "small", small, &note);
  CHECK(past.message() ==
        "specs/gpt2.yaml: size 'small': --seq 2048: a sequence of 2,048 tokens is past the "
        "context of 1,024 learned positions (context_length)");
  CHECK(note.empty());

  // RoPE extrapolates: a note, and every batch of the profile is still checked after it.
  spec::Spec llama = Bundled("llama2");
  const engine::ModelConfig& mini = llama.FindSize("mini")->config;
  a.seq = mini.context_length * 2;
  REQUIRE(app::CheckSizeFlags(llama, a, "mini", mini, &note).ok());
  CHECK(note.find("past the trained context") != std::string::npos);
  llama.profile.batch_sizes = {1, std::numeric_limits<int64_t>::max() / 2};
  const engine::Status later = app::CheckSizeFlags(llama, a, "mini", mini, &note);
  REQUIRE_FALSE(later.ok());
  CHECK(later.message().find("specs/llama2.yaml: size 'mini': batch 4611686018427387903") == 0);
  CHECK(note.find("past the trained context") != std::string::npos);  // shown before the error
  // Refused at --batch itself: the error alone, no note beside it.
  a.batch = std::numeric_limits<int64_t>::max() / 2;
  REQUIRE_FALSE(app::CheckSizeFlags(llama, a, "mini", mini, &note).ok());
  CHECK(note.empty());
}

TEST_CASE("the study's options and the shapes its memory guard checks") {
  spec::Spec gpt2 = Bundled("gpt2");
  gpt2.experiments.sequence_length = 0;  // 0: 128 tokens
  gpt2.experiments.batch = 2;
  gpt2.experiments.batch_sizes = {1, 4};
  gpt2.experiments.latency_budget_ms = 250;
  gpt2.experiments.new_tokens = 5;
  app::MeasureArgs a;
  a.min_iterations = 7;
  const app::ProfilePlan plan = app::PlanProfile(gpt2, a);
  const engine::ProfileOptions o = app::ProfileOptionsFor(gpt2, a, plan, "cpu", *gpt2.FindSize("small"));
  const engine::ExperimentOptions x = app::ExperimentOptionsFor(gpt2, o);
  CHECK(x.device == "cpu");
  CHECK(x.batch == 2);
  CHECK(x.sequence_length == 128);
  CHECK(x.batch_sizes == std::vector<int64_t>{1, 4});
  CHECK(x.latency_budget_s == doctest::Approx(0.25));
  CHECK(x.prompt_tokens == 32);
  CHECK(x.new_tokens == 5);
  CHECK(x.min_iterations == 7);
  const engine::ProfileOptions study = app::StudyMemoryOptions(o, x);
  CHECK(study.dtypes == std::vector<std::string>{"float32", "bfloat16"});
  CHECK(study.batch_sizes == std::vector<int64_t>{1, 4, 2});
  CHECK(study.sequence_lengths == std::vector<int64_t>{128});
  CHECK(study.train_batch_sizes == std::vector<int64_t>{2});
  CHECK(study.generate);
  CHECK(study.train);
  CHECK_FALSE(study.preprocess);
  CHECK(study.new_tokens == 5);
}

TEST_CASE("evaluation.measure: each data set on the profiled sizes with weights, or on the size it names") {
  spec::Spec gpt2 = Bundled("gpt2");
  SizeNamed(&gpt2, "small")->weights_path = "/ckpt/small";
  SizeNamed(&gpt2, "medium")->weights_path = "/ckpt/medium";  // not profiled
  spec::MeasuredDataset wiki;
  wiki.data = "data/wiki.bin";
  wiki.data_path = "specs/data/wiki.bin";
  wiki.dtype = "bfloat16";
  wiki.window = 99;
  spec::MeasuredDataset named = wiki;
  named.data = "data/other.txt";
  named.data_path = "specs/data/other.txt";
  named.name = "Other";
  named.size = "medium";
  gpt2.evaluation.measure = {wiki, named};
  const std::vector<app::PlannedEvaluation> jobs = app::PlanEvaluations(gpt2, {"small", "large"});
  REQUIRE(jobs.size() == 2);  // large has no weights
  CHECK(jobs[0].size == "small");
  CHECK(jobs[0].data == "data/wiki.bin");
  CHECK(jobs[0].request.data == "specs/data/wiki.bin");
  CHECK(jobs[0].request.name == "wiki.bin");
  CHECK(jobs[0].request.options.dtype == "bfloat16");
  CHECK(jobs[0].request.options.window == 99);
  CHECK(jobs[1].size == "medium");
  CHECK(jobs[1].request.name == "Other");
  CHECK(app::PlanEvaluations(gpt2, {"large"}).size() == 1);  // only the entry naming medium
}

TEST_CASE("the measured scope: the devices that gave rows, the flags' narrowing, the study's size") {
  const spec::Spec gpt2 = Bundled("gpt2");
  engine::Report measured;
  measured.sizes.resize(1);
  measured.sizes[0].runs.resize(2);
  measured.sizes[0].runs[0].device = "cuda";
  measured.sizes[0].runs[1].device = "cuda";
  measured.sizes[0].failures.resize(1);
  measured.sizes[0].failures[0].device = "cpu";
  app::MeasureArgs a;
  a.batch = 4;
  a.dtype = "bfloat16";
  a.no_train = true;
  a.experiments = true;
  results::MeasuredScope scope = app::MeasuredScopeOf(gpt2, a, measured);
  CHECK(scope.devices == std::vector<std::string>{"cpu", "cuda"});
  CHECK(scope.sizes == std::vector<std::string>{"small"});
  CHECK(scope.dtypes == std::vector<std::string>{"bfloat16"});
  CHECK(scope.batch_sizes == std::vector<int64_t>{4});
  CHECK(scope.train_batch_sizes == std::vector<int64_t>{4});
  CHECK(scope.sequence_lengths == std::vector<int64_t>{128});
  CHECK(scope.generate);
  CHECK_FALSE(scope.train);
  CHECK(scope.experiment_sizes == std::vector<std::string>{"small"});
  a.experiments = false;
  CHECK(app::MeasuredScopeOf(gpt2, a, measured).experiment_sizes.empty());

  a.devices = {"cuda"};
  const results::RowOrder order = app::RowOrderOf(gpt2, a);
  CHECK(order.devices == std::vector<std::string>{"cuda"});
  CHECK(order.dtypes == std::vector<std::string>{"float32", "bfloat16"});  // the full measurement's order
  CHECK(order.batch_sizes == std::vector<int64_t>{1, 8});
}

TEST_CASE("--no-generate is an error when no spec given generates token by token") {
  const std::vector<spec::Spec> images = {Bundled("vit"), Bundled("resnet50")};
  app::MeasureArgs a;
  CHECK(app::CheckMeasureFlagsApply(images, a).ok());
  a.no_generate = true;
  CHECK(app::CheckMeasureFlagsApply(images, a).message() ==
        "--no-generate does not apply: no spec here generates token by token (vit is vit, resnet50 is resnet; "
        "only the decoder, moe, recurrent and audio-with-decoder families do)");
  CHECK(app::CheckMeasureFlagsApply({Bundled("vit"), Bundled("tiny")}, a).ok());
}
