// The results store on disk and the atomic writes it relies on (publish/atomic_write),
// plus the output locations every document is written to (publish/outputs).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "generator/publish/atomic_write.h"
#include "generator/publish/outputs.h"
#include "generator/results/results_json.h"
#include "generator/results/results_store.h"
#include "tests/test_files.h"

namespace fs = std::filesystem;

namespace {

using testing_files::TempDir;

using testing_files::Slurp;

// A fresh directory, removed again when the test ends.
}  // namespace

TEST_CASE("WriteFileAtomic creates parent directories and replaces the file") {
  TempDir dir;
  const std::string path = dir / "a/b/doc.md";
  REQUIRE(publish::WriteFileAtomic(path, "first\n").ok());
  CHECK(Slurp(path) == "first\n");
  REQUIRE(publish::WriteFileAtomic(path, "second\n").ok());
  CHECK(Slurp(path) == "second\n");
  CHECK(!fs::exists(path + ".tmp." + std::to_string(::getpid())));
}

TEST_CASE("a failed WriteFileAtomic removes its temporary file and keeps the old target") {
  TempDir dir;
  // The target is a non-empty directory, so the final rename fails.
  const std::string target = dir / "target";
  fs::create_directories(target);
  std::ofstream(target + "/keep.txt") << "kept";
  engine::Status s = publish::WriteFileAtomic(target, "new bytes");
  CHECK_FALSE(s.ok());
  CHECK(s.message().rfind(target + ": cannot replace file: ", 0) == 0);
  CHECK(!fs::exists(target + ".tmp." + std::to_string(::getpid())));
  CHECK(Slurp(target + "/keep.txt") == "kept");

  // A parent that is a file cannot become a directory.
  std::ofstream(dir / "plain") << "x";
  s = publish::WriteFileAtomic(dir / "plain/doc.md", "y");
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("cannot create directory") != std::string::npos);
}

TEST_CASE("SaveReport then LoadReport gives the same report") {
  TempDir dir;
  engine::Report in;
  in.model = "Tiny GPT";
  in.slug = "tiny";
  in.sizes.resize(1);
  in.sizes[0].name = "tiny";
  in.sizes[0].parameters.total = 136960;
  in.environment.peak_flops_per_s["float32"] = 1.0 / 7.0;
  const std::string path = dir / "results/tiny.json";
  REQUIRE(results::SaveReport(path, in).ok());
  CHECK(Slurp(path) == results::ReportToJson(in));
  engine::Report out;
  REQUIRE(results::LoadReport(path, &out).ok());
  CHECK(out.sizes[0].parameters.total == 136960);
  CHECK(out.environment.peak_flops_per_s["float32"] == 1.0 / 7.0);
}

TEST_CASE("LoadReport errors start with the path") {
  TempDir dir;
  engine::Report out;
  const std::string missing = dir / "nope.json";
  engine::Status s = results::LoadReport(missing, &out);
  CHECK(s.message() == missing + ": no such file");

  const std::string bad = dir / "bad.json";
  std::ofstream(bad) << "{\"schema\": 1, \"model\": 7}";
  s = results::LoadReport(bad, &out);
  CHECK(s.message() == bad + ": model: expected a string");
}

TEST_CASE("documents go to cards/, docs/ and site/content/posts/, results to results/") {
  CHECK(publish::SpecificationCardPath("gpt2") == "cards/gpt2.md");
  CHECK(publish::DocumentationPagePath("gpt2") == "docs/gpt2.md");
  CHECK(publish::ResultsPath("gpt2") == "results/gpt2.json");
  const auto outputs = publish::DocumentOutputs("llama2");
  REQUIRE(outputs.size() == 5);
  CHECK(outputs[0].template_name == "model-specification");
  CHECK(outputs[0].relative_path == "cards/llama2.md");
  CHECK(outputs[1].template_name == "model-documentation");
  CHECK(outputs[1].relative_path == "docs/llama2.md");
  CHECK(outputs[3].template_name == "experiments-readme");
  CHECK(outputs[3].relative_path == "docs/experiments/llama2/README.md");
  CHECK(outputs[4].template_name == "development-guide");
  CHECK(outputs[4].relative_path == "docs/guides/llama2.md");
  CHECK(outputs[2].template_name == "hugo-blog-post");
  CHECK(outputs[2].relative_path == "site/content/posts/llama2/index.md");
  CHECK(publish::UnderRoot("out", "docs/x.md") == "out/docs/x.md");
  CHECK(publish::UnderRoot("out/", "docs/x.md") == "out/docs/x.md");
  CHECK(publish::UnderRoot("", "docs/x.md") == "docs/x.md");
}

TEST_CASE("shards: every spec lands in exactly one shard, the same one whatever the other specs") {
  const std::vector<std::string> slugs = {"gpt2",    "llama2",  "bert", "vit", "resnet50",
                                          "whisper", "mixtral", "lstm", "tiny"};
  for (int64_t n : {1, 2, 3, 4}) {
    std::vector<int> per_shard(n + 1, 0);
    for (const auto& slug : slugs) {
      const int64_t shard = publish::ShardOf(slug, n);
      REQUIRE(shard >= 1);
      REQUIRE(shard <= n);
      per_shard[shard]++;
      CHECK(publish::ShardOf(slug, n) == shard);  // stable
    }
    int total = 0;
    for (int count : per_shard) total += count;
    CHECK(total == static_cast<int>(slugs.size()));  // a partition: no spec twice, none left out
  }
  CHECK(publish::ShardOf("gpt2", 1) == 1);
}

TEST_CASE("results of several machines sit side by side and merge for rendering") {
  TempDir dir;
  CHECK(publish::ResultsPath("gpt2", "") == "results/gpt2.json");
  CHECK(publish::ResultsPath("gpt2", "gpu-runner") == "results/gpt2@gpu-runner.json");
  engine::Report cpu;
  cpu.model = "GPT-2";
  cpu.slug = "gpt2";
  cpu.spec_sha256 = "abc";
  cpu.engine_version = engine::kEngineVersion;
  cpu.environment.device = "cpu";
  engine::SizeReport small;
  small.name = "small";
  engine::Run run;
  run.scenario = "forward";
  run.device = "cpu";
  run.dtype = "float32";
  small.runs = {run};
  cpu.sizes = {small};
  engine::Report gpu = cpu;
  gpu.environment.device = "NVIDIA H200";
  gpu.sizes[0].runs[0].device = "cuda";
  engine::SizeReport medium = small;
  medium.name = "medium";
  gpu.sizes.push_back(medium);
  REQUIRE(results::SaveReport(dir / "results/gpt2.json", cpu).ok());
  REQUIRE(results::SaveReport(dir / "results/gpt2@gpu-runner.json", gpu).ok());
  REQUIRE(results::SaveReport(dir / "results/gpt2-xl.json", cpu).ok());  // another model: not listed
  const auto files = results::ListStoredResults(dir.path.string(), "gpt2");
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "results/gpt2.json");
  CHECK(files[0].machine.empty());
  CHECK(files[1].path == "results/gpt2@gpu-runner.json");
  CHECK(files[1].machine == "gpu-runner");
  engine::Report merged;
  std::vector<std::string> read;
  REQUIRE(results::LoadMergedReport(dir.path.string(), "gpt2", &merged, &read).ok());
  CHECK(read.size() == 2);
  CHECK(merged.environment.device == "cpu");  // the default machine's environment
  REQUIRE(merged.sizes.size() == 2);
  REQUIRE(merged.sizes[0].runs.size() == 2);
  CHECK(merged.sizes[0].runs[0].device == "cpu");
  CHECK(merged.sizes[0].runs[1].device == "cuda (gpu-runner)");
  CHECK(merged.sizes[1].name == "medium");
  CHECK(merged.sizes[1].runs[0].device == "cpu (gpu-runner)");
  engine::Report none;
  CHECK(results::LoadMergedReport(dir.path.string(), "bert", &none, nullptr).ToString().find("no results for 'bert'") !=
        std::string::npos);
}

TEST_CASE("stored results are stale when the measured inputs or the engine changed") {
  engine::Report r;
  r.spec_sha256 = "spec bytes: information only";
  r.measured_inputs_sha256 = "abc";
  r.engine_version = engine::kEngineVersion;
  CHECK(results::StaleReason(r, "abc").empty());
  CHECK(results::StaleReason(r, "def") == "measured inputs changed");
  r.engine_version = "";
  CHECK(results::StaleReason(r, "abc") ==
        std::string("it was measured by engine version unknown, this is ") + engine::kEngineVersion);
}
