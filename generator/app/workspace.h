// What every command starts from: the spec files named on the command line (a directory gives its
// *.yaml), modelcard.yaml, the templates directory, and the options of the measuring and rendering
// commands. Plain C++: no LibTorch, no printing. Problems come back as a Status or as diagnostic
// lines (file:line:col, one per problem) that the CLI prints as they are; what happens along the
// way (notes, warnings, files written) goes to an Observer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "generator/project/project_config.h"
#include "generator/spec/spec.h"

namespace app {

// The flags of profile, build, render, check and inject (main.cc fills them from the command line).
struct MeasureArgs {
  std::vector<std::string> specs;
  std::string out_dir;  // --out; "" = modelcard.yaml's out, else "."
  std::string templates_dir;
  std::string config_path;  // --config; "" = ./modelcard.yaml if present
  std::string size, dtype, device;
  std::optional<int64_t> batch, seq, threads;
  bool json = false;
  bool no_generate = false;
  bool no_train = false;
  bool experiments = false;  // set by build (unless --no-experiments) and by profile --experiments
  bool recalibrate = false;
  std::optional<int64_t> min_iterations;
  std::optional<double> min_seconds;
  std::optional<int64_t> warmup;     // modelcard.yaml's profile.warmup
  std::vector<std::string> devices;  // modelcard.yaml's devices (when --device is not given)
  std::string machine;               // --machine / modelcard.yaml's machine: results/<slug>@<machine>.json
  std::string shard;                 // --shard I/N
  bool force = false;                // --force: measure even when the stored results are current
  bool diff = false;                 // check --diff
  int64_t max_memory = 0;            // --max-memory: the most a scenario may hold (0 = detected)
  bool refuse_over_memory = false;   // profile: a scenario over the limit fails the command at once
                                     // (build: its row is skipped with the reason)
};

// What app/ reports while it works, for main.cc to print (app/ never prints). A callback left
// empty is ignored. Notes and warnings are whole messages, without main.cc's "modelcard: note: "
// or "modelcard: warning: " in front.
struct Observer {
  std::function<void(const std::string&)> on_note;
  std::function<void(const std::string&)> on_warning;
  std::function<void(const std::string&)> on_progress;       // one line of long work (a terminal shows it)
  std::function<void()> on_progress_done;                    // the long work ended: clear the line
  std::function<void(const std::string& path)> on_wrote;     // a document, chart or results file written
  std::function<void(const std::string& path)> on_injected;  // an inject file whose regions changed, written

  void Note(const std::string& message) const {
    if (on_note) on_note(message);
  }
  void Warning(const std::string& message) const {
    if (on_warning) on_warning(message);
  }
  void Progress(const std::string& line) const {
    if (on_progress) on_progress(line);
  }
  void ProgressDone() const {
    if (on_progress_done) on_progress_done();
  }
  void Wrote(const std::string& path) const {
    if (on_wrote) on_wrote(path);
  }
  void Injected(const std::string& path) const {
    if (on_injected) on_injected(path);
  }
};

// Expands each argument: a file stays; a directory gives its *.yaml / *.yml files, sorted.
// A symlink loop or an unreadable entry in a directory is an error naming it, never a throw.
engine::Status ExpandSpecPaths(const std::vector<std::string>& args, std::vector<std::string>* paths);

// Parses every spec of `paths`; appends those without problems to *specs. *diagnostics gets every
// problem, one line each, in the order found: a spec's own (file:line:col) and a slug that another
// spec already uses. False when there was any.
bool ParseSpecs(const std::vector<std::string>& paths, std::vector<spec::Spec>* specs,
                std::vector<std::string>* diagnostics);

// --config FILE (must exist), else ./modelcard.yaml when present, else the defaults. False, with the
// file's problems in *diagnostics (one line each), when it cannot be used.
bool LoadProject(const std::string& explicit_path, project::ProjectConfig* out, std::vector<std::string>* diagnostics);

// modelcard.yaml's settings under the flags: a flag given on the command line wins.
void ApplyProject(const project::ProjectConfig& project, MeasureArgs* a);

// --templates, else <exe>/../share/modelcard/templates, else the source tree's templates/.
std::string FindTemplatesDir(const std::string& flag);

// "I/N" -> (I, N) with 1 <= I <= N (build --shard).
bool ParseShard(const std::string& text, int64_t* index, int64_t* count);

// lint: one spec's outcome: its problems (file:line:col, one line each), none when it is ok.
struct LintResult {
  std::string path;
  std::vector<std::string> diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

// Parses each spec of `paths` on its own (lint reports every problem of every file).
std::vector<LintResult> LintSpecs(const std::vector<std::string>& paths);

}  // namespace app
