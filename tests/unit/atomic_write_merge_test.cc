// Stored results are never lost (issue 14): temporary files stay out of document folders and are
// removed on signals and swept after kill -9; a partial re-measure merges into the stored rows.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "engine/report.h"
#include "generator/publish/atomic_write.h"
#include "generator/results/results_merge.h"
#include "tests/test_files.h"

namespace fs = std::filesystem;

namespace {

using testing_files::Slurp;

struct TempRoot {
  fs::path path;
  TempRoot() {
    path = fs::temp_directory_path() / ("modelcard-atomic-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path / "docs");
  }
  ~TempRoot() { fs::remove_all(path); }
};

int g_signal_to_raise = 0;
void RaiseBeforeRename(const char*) { ::raise(g_signal_to_raise); }

// Runs WriteFileAtomic(target, "new") in a child that gets `sig` right before the rename; returns
// the child's wait status.
int WriteKilledBy(int sig, const fs::path& root, const fs::path& target) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    g_signal_to_raise = sig;
    publish::internal::SetBeforeRenameHookForTesting(RaiseBeforeRename);
    (void)publish::WriteFileAtomic(target.string(), "new", root.string());
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

engine::Run MakeRun(const std::string& scenario, const std::string& dtype, int64_t batch, double mean) {
  engine::Run r;
  r.scenario = scenario;
  r.device = "cpu";
  r.dtype = dtype;
  r.batch = batch;
  r.sequence_length = scenario == "forward" || scenario == "train" ? 8 : 0;
  r.latency_s.mean = mean;
  return r;
}

}  // namespace

TEST_CASE("WriteFileAtomic leaves nothing beside the document and no staging folder") {
  TempRoot root;
  const fs::path target = root.path / "docs/a.md";
  REQUIRE(publish::WriteFileAtomic(target.string(), "one", root.path.string()).ok());
  REQUIRE(publish::WriteFileAtomic(target.string(), "two", root.path.string()).ok());
  CHECK(Slurp(target) == "two");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(root.path / "docs")) entries += e.path().filename() != "a.md" ? 1 : 0;
  CHECK(entries == 0);
  CHECK(!fs::exists(publish::StagingDir(root.path.string())));
}

TEST_CASE(
    "a signal (SIGHUP; SIGINT and SIGTERM alike) during a write removes the temporary file and keeps the old "
    "document") {
  TempRoot root;
  const fs::path target = root.path / "docs/a.md";
  REQUIRE(publish::WriteFileAtomic(target.string(), "old", root.path.string()).ok());
  // SIGHUP: doctest handles SIGINT and SIGTERM itself, which would hide the default action.
  const int status = WriteKilledBy(SIGHUP, root.path, target);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGHUP);
  CHECK(Slurp(target) == "old");
  const auto left = publish::FindTemporaryFiles(root.path.string(), {(root.path / "docs").string()}, false);
  CHECK_MESSAGE(left.empty(), (left.empty() ? "" : left[0]));
}

TEST_CASE("kill -9 during a write leaves its file in the staging folder only; the next run sweeps it") {
  TempRoot root;
  const fs::path target = root.path / "docs/a.md";
  REQUIRE(publish::WriteFileAtomic(target.string(), "old", root.path.string()).ok());
  const int status = WriteKilledBy(SIGKILL, root.path, target);
  REQUIRE(WIFSIGNALED(status));
  CHECK(Slurp(target) == "old");
  for (const auto& e : fs::directory_iterator(root.path / "docs")) CHECK(e.path().filename() == "a.md");
  const auto stray = publish::FindTemporaryFiles(root.path.string(), {(root.path / "docs").string()}, false);
  REQUIRE(stray.size() == 1);
  CHECK(fs::path(stray[0]).parent_path() == fs::path(publish::StagingDir(root.path.string())));
  CHECK(publish::SweepStaleTemporaries(root.path.string(), {}).size() == 1);
  CHECK(!fs::exists(publish::StagingDir(root.path.string())));
}

TEST_CASE("an older modelcard's <file>.tmp.<pid> beside a document is found and swept") {
  TempRoot root;
  std::ofstream(root.path / "docs/a.md.tmp.999999") << "partial";
  std::ofstream(root.path / "docs/notes.tmp.5") << "a user's file";
  const std::string docs = (root.path / "docs").string();
  const auto stray = publish::FindTemporaryFiles(root.path.string(), {docs}, false);
  REQUIRE(stray.size() == 1);
  CHECK(stray[0] == (root.path / "docs/a.md.tmp.999999").string());
  CHECK(publish::SweepStaleTemporaries(root.path.string(), {docs}).size() == 1);
  CHECK(fs::exists(root.path / "docs/notes.tmp.5"));
}

TEST_CASE("a partial re-measure keeps the stored rows it did not measure, in a full measurement's order") {
  engine::Report stored;
  stored.measured_inputs_sha256 = "abc";
  stored.engine_version = engine::kEngineVersion;
  stored.environment.cpu_model = "cpu";
  stored.environment.device = "cpu";
  stored.environment.peak_flops_per_s = {{"float32", 1.0}, {"bfloat16", 2.0}};
  engine::SizeReport s;
  s.name = "small";
  s.runs = {MakeRun("forward", "float32", 1, 1.0), MakeRun("train", "float32", 1, 2.0),
            MakeRun("forward", "bfloat16", 1, 3.0)};
  engine::Experiment x;
  x.id = "fused_attention";
  s.experiments = {x};
  stored.sizes = {s};

  engine::Report measured = stored;  // --dtype bfloat16 --no-experiments: one new bfloat16 row
  measured.environment.peak_flops_per_s = {{"bfloat16", 2.5}};
  measured.sizes[0].runs = {MakeRun("forward", "bfloat16", 1, 4.0)};
  measured.sizes[0].experiments.clear();
  results::MeasuredScope scope;
  scope.sizes = {"small"};
  scope.devices = {"cpu"};
  scope.dtypes = {"bfloat16"};
  scope.batch_sizes = {1};
  scope.train_batch_sizes = {1};
  scope.sequence_lengths = {8};
  scope.train = true;
  results::RowOrder order{{"cpu"}, {"float32", "bfloat16"}, {1}, {1}, {8}};
  REQUIRE(results::KeepBlocker(stored, measured) == "");
  CHECK(results::MergeStoredRows(stored, scope, order, &measured) == 3);  // 2 float32 runs + 1 experiment
  const auto& runs = measured.sizes[0].runs;
  REQUIRE(runs.size() == 3);
  CHECK((runs[0].dtype == "float32" && runs[0].scenario == "forward"));
  CHECK((runs[1].dtype == "float32" && runs[1].scenario == "train"));
  CHECK((runs[2].dtype == "bfloat16" && runs[2].latency_s.mean == 4.0));  // the new row replaced the old
  CHECK(measured.sizes[0].experiments.size() == 1);
  CHECK(measured.environment.peak_flops_per_s.at("float32") == 1.0);
  CHECK(measured.environment.peak_flops_per_s.at("bfloat16") == 2.5);

  // Changed measured inputs, or another machine: nothing is kept.
  engine::Report changed = measured;
  changed.measured_inputs_sha256 = "def";
  CHECK(results::KeepBlocker(stored, changed) == "measured inputs changed");
  changed = measured;
  changed.environment.cpu_model = "other cpu";
  CHECK(results::KeepBlocker(stored, changed).rfind("it was measured on another machine (cpu, ", 0) == 0);
  CHECK(results::RowsOutsideScope(stored, scope) == 3);
}
