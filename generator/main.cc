// modelcard: the command-line interface. The only place that prints and picks an exit code:
// the application layer below (generator/app/) returns a Status or a list of diagnostics, and
// reports what happens along the way (notes, warnings, files written) to an observer.
//   count   exact parameters and FLOPs (no timing, nothing allocated)
//   profile measure the spec's scenarios and print the runs
//   lint    report every problem of one or more specs
//   build   count + profile + store results + render the documents
//   render  render the documents from stored results only (no model is built)
//   check   render in memory and compare with the files on disk
//   inject  fill the MODELCARD regions of hand-written files
//   import  write a spec from a checkpoint directory
//   eval    measure a size's checkpoint on a data set
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"
#include "generator/app/check.h"
#include "generator/app/count.h"
#include "generator/app/evaluate.h"
#include "generator/app/import.h"
#include "generator/app/inject.h"
#include "generator/app/plan.h"
#include "generator/app/render_set.h"
#include "generator/app/run_limits.h"
#include "generator/app/workspace.h"
#include "generator/importer/hf_import.h"
#include "generator/project/project_config.h"
#include "generator/publish/outputs.h"
#include "generator/publish/unified_diff.h"
#include "generator/render/format.h"
#include "generator/render/view_helpers.h"
#include "generator/results/results_json.h"
#include "generator/spec/spec.h"

#if MODELCARD_WITH_TORCH
#include "engine/count_memory.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/measure/threads.h"
#include "generator/app/measure.h"
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;

// ---- output helpers ----------------------------------------------------------------------

void PrintError(const std::string& message) { std::cerr << "modelcard: error: " << message << "\n"; }

// kExitOk, or the error printed and kExitError.
int ExitWith(const engine::Status& st) {
  if (st.ok()) return kExitOk;
  PrintError(st.message());
  return kExitError;
}

// Diagnostics (file:line:col: ...), as they are, on stderr.
void PrintDiagnostics(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) std::cerr << line << "\n";
}

// Progress lines on stderr, only when stderr is a terminal; each overwrites the last.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void operator()(const std::string& line) const {
    if (!enabled_) return;
    std::string shown = line.size() > 100 ? line.substr(0, 100) : line;
    std::cerr << "\r\033[K" << shown << std::flush;
  }
  void Done() const {
    if (enabled_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool enabled_;
};

// What the app layer reports, printed: notes and warnings on stderr, files written on stdout, and
// the progress lines of `progress` when given.
app::Observer Printer(const Progress* progress = nullptr) {
  app::Observer o;
  o.on_note = [](const std::string& m) { std::cerr << "modelcard: note: " << m << "\n"; };
  o.on_warning = [](const std::string& m) { std::cerr << "modelcard: warning: " << m << "\n"; };
  o.on_wrote = [](const std::string& path) { std::cout << "wrote " << path << "\n"; };
  o.on_injected = [](const std::string& path) { std::cout << "injected " << path << "\n"; };
  if (progress != nullptr) {
    o.on_progress = [progress](const std::string& line) { (*progress)(line); };
    o.on_progress_done = [progress] { progress->Done(); };
  }
  return o;
}

#if MODELCARD_WITH_TORCH
// One line of an evaluation's results.
void PrintEvaluation(const app::EvalOutcome& e) {
  std::cout << e.model << " " << e.size << " (" << e.dtype << ", " << e.weights << "): ";
  if (e.accuracy)
    std::cout << "top-1 " << render::FormatPercent(e.top1) << ", top-5 " << render::FormatPercent(e.top5) << " on "
              << e.dataset << " (" << render::FormatThousands(e.samples) << " samples, "
              << render::FormatSeconds(e.seconds) << ")\n";
  else
    std::cout << "perplexity " << render::FormatShortestDouble(std::round(e.perplexity * 1000) / 1000) << " on "
              << e.dataset << " (" << render::FormatThousands(e.tokens) << " tokens in " << e.windows << " windows, "
              << render::FormatSeconds(e.seconds) << ")\n";
}
#endif

// Parses every spec; prints every diagnostic. False when any spec has a problem.
bool ParseAll(const std::vector<std::string>& paths, std::vector<spec::Spec>* specs) {
  std::vector<std::string> diagnostics;
  const bool ok = app::ParseSpecs(paths, specs, &diagnostics);
  PrintDiagnostics(diagnostics);
  return ok;
}

// modelcard.yaml (or --config); prints its problems. False when it cannot be used.
bool LoadProject(const std::string& explicit_path, project::ProjectConfig* out) {
  std::vector<std::string> diagnostics;
  const bool ok = app::LoadProject(explicit_path, out, &diagnostics);
  PrintDiagnostics(diagnostics);
  return ok;
}

void PrintCountTable(const spec::Spec& s, const std::vector<engine::SizeReport>& sizes) {
  std::cout << s.name << " (" << s.path << ")\n";
  std::cout << "  convention: FLOPs = 2 x MACs over every matmul and convolution (attention QK^T and AV in full, "
               "no causal halving); parameters count tied weights once\n";
  for (const auto& r : sizes) {
    std::cout << "  " << r.name << ": " << render::FormatThousands(r.parameters.total) << " parameters ("
              << render::FormatThousands(r.parameters.non_embedding) << " non-embedding";
    if (r.parameters.active != r.parameters.total)
      std::cout << ", " << render::FormatThousands(r.parameters.active) << " active per token";
    const std::string input = !r.flops.input.empty() ? r.flops.input
                                                     : std::to_string(r.flops.batch) + " x " +
                                                           std::to_string(r.flops.sequence_length) + " tokens";
    std::cout << "); forward of " << input << ": " << render::FormatThousands(r.flops.forward) << " FLOPs ("
              << render::FormatThousands(r.flops.forward_macs) << " MACs)\n";
  }
}

// ---- commands ----------------------------------------------------------------------------

struct CountArgs {
  std::string spec_path, size;
  std::string batch = "1", seq;  // parsed exactly by app::ParsePositiveCount (CLI11 clamps past int64)
  bool json = false;
};

int RunCount(const CountArgs& a) {
  std::vector<spec::Spec> specs;
  if (!ParseAll({a.spec_path}, &specs)) return kExitError;
  const spec::Spec& s = specs.front();
  engine::Report report = app::NewReport(s);
  int64_t batch = 1, seq = 0;
  std::vector<std::string> notes;
  engine::Status st = app::ParsePositiveCount("--batch", a.batch, &batch);
  if (st.ok() && !a.seq.empty()) st = app::ParsePositiveCount("--seq", a.seq, &seq);
  if (st.ok()) st = app::CountSizes(s, a.size, batch, seq, &report.sizes, &notes);
  if (!st.ok()) return ExitWith(st);
  for (const std::string& note : notes) std::cerr << "modelcard: note: " << note << "\n";
  if (a.json) {
    std::cout << results::ReportToJson(report);
  } else {
    PrintCountTable(s, report.sizes);
  }
  return kExitOk;
}

int RunLint(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  if (engine::Status st = app::ExpandSpecPaths(args, &paths); !st.ok()) return ExitWith(st);
  int problems = 0;
  for (const app::LintResult& result : app::LintSpecs(paths)) {
    PrintDiagnostics(result.diagnostics);
    problems += static_cast<int>(result.diagnostics.size());
    if (result.ok()) std::cout << result.path << ": ok\n";
  }
  if (problems > 0) {
    std::cerr << problems << (problems == 1 ? " problem" : " problems") << " found\n";
    return kExitError;
  }
  return kExitOk;
}

#if MODELCARD_WITH_TORCH
void PrintRuns(const engine::Report& report) {
  std::cout << report.model << " on " << report.environment.cpu_model << " (" << report.environment.threads
            << " threads, LibTorch " << report.environment.libtorch << ")\n";
  for (const auto& size : report.sizes) {
    for (const auto& r : size.runs) {
      std::cout << "  " << size.name << " " << r.device << " " << r.dtype << " " << r.scenario << " b" << r.batch;
      if (r.scenario == "forward" || r.scenario == "train") {
        if (r.sequence_length > 0) std::cout << " t" << r.sequence_length;
        std::cout << ": p50 " << render::FormatSeconds(r.latency_s.p50) << ", " << render::internal::ForwardRate(r)
                  << ", MFU " << render::FormatPercent(r.mfu);
      } else if (r.scenario == "preprocess") {
        std::cout << ": p50 " << render::FormatSeconds(r.latency_s.p50) << ", " << render::internal::ForwardRate(r);
      } else {
        std::cout << " prompt " << r.prompt_tokens << " + " << r.new_tokens << " new: prefill p50 "
                  << render::FormatSeconds(r.prefill_s.p50) << ", decode "
                  << render::FormatRate(r.throughput.at(1).second, "tokens");
      }
      std::cout << ", peak " << render::FormatBytes(r.peak_bytes) << " (n=" << r.latency_s.count << ", cv "
                << render::FormatPercent(r.latency_s.cv) << ")\n";
    }
    for (const auto& e : size.experiments) {
      std::cout << "  " << size.name << " experiment " << e.id << ":";
      if (!e.applicable) std::cout << " not applicable (" << e.reason << ")";
      for (const auto& v : e.variants)
        std::cout << " [" << v.name << ": mean " << render::FormatSeconds(v.latency_s.mean) << ", "
                  << render::FormatShortestDouble(std::round(v.speedup * 100) / 100) << "x]";
      std::cout << "\n";
    }
  }
}

int RunProfile(app::MeasureArgs a) {
  a.refuse_over_memory = true;  // one command, one answer: nothing is measured when a scenario cannot fit
  project::ProjectConfig project;
  if (!LoadProject(a.config_path, &project)) return kExitError;
  app::ApplyProject(project, &a);
  std::vector<spec::Spec> specs;
  if (!ParseAll(a.specs, &specs)) return kExitError;
  if (engine::Status st = app::CheckMeasureFlagsApply(specs, a); !st.ok()) return ExitWith(st);
  Progress progress;
  engine::Report report;
  if (engine::Status st = app::MeasureSpec(specs.front(), a, Printer(&progress), PrintEvaluation, &report); !st.ok()) {
    progress.Done();
    return ExitWith(st);
  }
  if (a.json) {
    std::cout << results::ReportToJson(report);
  } else {
    PrintRuns(report);
  }
  return kExitOk;
}
#endif  // MODELCARD_WITH_TORCH

// ---- rendering, checking, injecting ---------------------------------------------------------

// Parses the specs and the project file and loads the stored results. With `targets`, adds the
// other models of the specs' folders for comparison (app::AddRenderContext) and sets the slugs to
// write. False: printed already.
bool PrepareRender(app::MeasureArgs* a, std::vector<spec::Spec>* specs, project::ProjectConfig* project,
                   std::vector<engine::Report>* reports, std::set<std::string>* targets = nullptr) {
  std::vector<std::string> paths;
  if (engine::Status st = app::ExpandSpecPaths(a->specs, &paths); !st.ok()) {
    PrintError(st.message());
    return false;
  }
  if (!LoadProject(a->config_path, project)) return false;
  app::ApplyProject(*project, a);
  if (!ParseAll(paths, specs)) return false;
  if (engine::Status st = app::LoadStoredReports(*specs, a->out_dir, reports); !st.ok()) {
    PrintError(st.message());
    return false;
  }
  if (targets != nullptr) app::AddRenderContext(a->specs, a->out_dir, specs, reports, targets, Printer());
  return true;
}

int RunRender(app::MeasureArgs a) {
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  std::vector<engine::Report> reports;
  std::set<std::string> targets;
  if (!PrepareRender(&a, &specs, &project, &reports, &targets)) return kExitError;
  app::SweepTemporaries(a.out_dir, targets, project, Printer());
  for (const app::StaleResults& stale : app::StaleStoredResults(specs, reports, targets))
    std::cerr << "modelcard: warning: " << publish::ResultsPath(specs[stale.spec].slug) << " is out of date ("
              << stale.why << "); run `modelcard build " << specs[stale.spec].path << "` to refresh it\n";
  return ExitWith(app::RenderAndWrite(specs, reports, project, a, Printer(), &targets));
}

void PrintFinding(const app::CheckFinding& f, bool diff) {
  using Kind = app::CheckFinding::Kind;
  switch (f.kind) {
    case Kind::kUpToDate: std::cout << f.path << " is up to date\n"; break;
    case Kind::kResultsStale:
      std::cout << f.path << " is stale: " << f.why << " (run `modelcard build " << f.spec_path << "`)\n";
      break;
    case Kind::kOldTextCopy:
      std::cout << f.path << " holds a file's text from before an interrupted in-place inject (compare it with that "
                << "file, then delete it)\n";
      break;
    case Kind::kStrayTemporary:
      std::cout << f.path
                << " is a stray temporary file (left by an interrupted write; `modelcard render` removes it)\n";
      break;
    case Kind::kInjectMissing: std::cout << f.path << " is missing (modelcard.yaml inject:)\n"; break;
    case Kind::kMissing: std::cout << f.path << " is missing (run `modelcard render`)\n"; break;
    case Kind::kOutOfDate:
      std::cout << f.path << " is out of date (run `modelcard render`)\n";
      if (diff) std::cout << publish::UnifiedDiff(f.on_disk, f.rendered, "a/" + f.path, "b/" + f.path);
      break;
  }
}

// check: renders in memory and compares with the files on disk, byte for byte.
int RunCheck(app::MeasureArgs a) {
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  std::vector<engine::Report> reports;
  std::set<std::string> targets;
  if (!PrepareRender(&a, &specs, &project, &reports, &targets)) return kExitError;
  app::CheckSummary summary;
  if (engine::Status st = app::CheckOutputs(
          specs, reports, project, targets, a, Printer(), [&](const app::CheckFinding& f) { PrintFinding(f, a.diff); },
          &summary);
      !st.ok())
    return ExitWith(st);
  // What clears it: stale results need a measurement (which renders too); documents out of date
  // against current results need only `render`.
  if (summary.results_stale)
    std::cerr << "modelcard: results are stale; run `modelcard build` and commit\n";
  else if (summary.stale)
    std::cerr << "modelcard: documents are out of date; run `modelcard render` and commit\n";
  return summary.stale ? kExitError : kExitOk;
}

// inject FILE...: fills the MODELCARD regions of hand-written files from the stored results.
int RunInject(app::MeasureArgs a, const std::vector<std::string>& targets) {
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  std::vector<engine::Report> reports;
  if (!PrepareRender(&a, &specs, &project, &reports)) return kExitError;
  return ExitWith(app::InjectFiles(targets, specs, reports, project, a, [](const std::string& path, bool written) {
    if (written)
      std::cout << "injected " << path << "\n";
    else
      std::cout << path << " is up to date\n";
  }));
}

// import DIR: a spec from a Hugging Face config.json, written to --out (default specs/<slug>.yaml).
int RunImport(const std::string& dir, const std::string& out_flag, bool force,
              const std::vector<std::string>& eval_files, const importer::ImportOptions& options) {
  std::string out;
  importer::ImportResult result;
  if (engine::Status st = app::ImportSpec(dir, out_flag, force, eval_files, options, &out, &result); !st.ok())
    return ExitWith(st);
  if (!result.note.empty()) std::cerr << "note: " << result.note << "\n";
  std::cout << "wrote " << out << " (" << result.architecture << ", family " << engine::FamilyName(result.family)
            << ", size " << result.size_name << "); next: modelcard build " << out << "\n";
  return kExitOk;
}

#if MODELCARD_WITH_TORCH
struct EvalArgs {
  std::string spec_path, size, out_dir = ".";
  app::EvalRequest request;
};

// eval: perplexity of a size's loaded checkpoint on token ids or text, or a classifier's top-1
// and top-5 accuracy on a labelled set; stored in its results for the card's evaluation table.
int RunEval(const EvalArgs& a) {
  std::vector<spec::Spec> specs;
  if (!ParseAll({a.spec_path}, &specs)) return kExitError;
  std::string path;
  if (engine::Status st = app::EvaluateAndStore(specs.front(), a.size, a.out_dir, a.request, PrintEvaluation, &path);
      !st.ok())
    return ExitWith(st);
  std::cout << "wrote " << path << " (run `modelcard render` to show it in the card)\n";
  return kExitOk;
}

int RunBuild(app::MeasureArgs a) {
  std::vector<std::string> paths;
  if (engine::Status st = app::ExpandSpecPaths(a.specs, &paths); !st.ok()) return ExitWith(st);
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  if (!LoadProject(a.config_path, &project)) return kExitError;  // nothing measured or written
  app::ApplyProject(project, &a);
  if (!a.machine.empty() && !project::IsValidMachineLabel(a.machine)) {
    PrintError("--machine '" + a.machine + "' must match [a-z0-9][a-z0-9._-]*");
    return kExitError;
  }
  int64_t shard = 1, shards = 1;
  if (!a.shard.empty() && !app::ParseShard(a.shard, &shard, &shards)) {
    PrintError("--shard '" + a.shard + "' must be I/N with 1 <= I <= N, e.g. --shard 2/4");
    return kExitError;
  }
  if (!ParseAll(paths, &specs)) return kExitError;
  if (engine::Status st = app::CheckMeasureFlagsApply(specs, a); !st.ok()) return ExitWith(st);
  {
    std::set<std::string> slugs;
    for (const auto& s : specs) slugs.insert(s.slug);
    app::SweepTemporaries(a.out_dir, slugs, project, Printer());
  }
  Progress progress;
  app::StoreEvents events;
  events.on_up_to_date = [](const std::string& path) {
    std::cout << path << " is up to date (measured inputs and engine unchanged; --force measures again)\n";
  };
  events.on_kept = [](const std::string& path, int64_t kept) {
    std::cout << path << ": kept " << kept << " stored row" << (kept == 1 ? "" : "s")
              << " this build did not measure\n";
  };
  if (engine::Status st = app::MeasureAndStore(specs, a, shard, shards, Printer(&progress), PrintEvaluation, events);
      !st.ok())
    return ExitWith(st);
  if (!a.shard.empty()) {
    std::cout << "shard " << shard << "/" << shards << ": results only; render every document with `modelcard render`"
              << " once all shards are in\n";
    return kExitOk;
  }
  std::vector<engine::Report> reports;
  if (engine::Status st = app::LoadStoredReports(specs, a.out_dir, &reports); !st.ok()) return ExitWith(st);
  std::set<std::string> targets;
  app::AddRenderContext(a.specs, a.out_dir, &specs, &reports, &targets, Printer());
  return ExitWith(app::RenderAndWrite(specs, reports, project, a, Printer(), &targets));
}
#endif

}  // namespace

int main(int argc, char** argv) {
#if MODELCARD_WITH_TORCH
  // MODELCARD_CPU_ISA=avx2 must reach oneDNN, ATen and MKL before their first operation.
  if (std::string problem = engine::ApplyCpuIsaOverride(); !problem.empty()) {
    std::cerr << "modelcard: error: " << problem << "\n";
    return 2;
  }
#endif
  CLI::App app{"modelcard " MODELCARD_VERSION
               ": model spec (YAML) -> real LibTorch model -> measured model cards and documentation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", MODELCARD_VERSION);

  CountArgs count;
  auto* count_cmd =
      app.add_subcommand("count", "Exact parameters and forward FLOPs of every size (no timing, nothing allocated)");
  count_cmd->add_option("spec", count.spec_path, "spec file")->required();
  count_cmd->add_option("--size", count.size, "only this size");
  count_cmd->add_option("--batch", count.batch, "batch size for FLOPs (default 1)");
  count_cmd->add_option("--seq", count.seq,
                        "sequence length for FLOPs (default: the context length; audio: text decoder tokens; "
                        "not for vit/resnet)");
  count_cmd->add_flag("--json", count.json, "print results JSON (DESIGN.md contract)");

  std::vector<std::string> lint_specs;
  auto* lint_cmd = app.add_subcommand("lint", "Check specs and report every problem (file:line:col)");
  lint_cmd->add_option("specs", lint_specs, "spec files or directories")->required();

  app::MeasureArgs measure;
#if MODELCARD_WITH_TORCH
  auto add_measure_flags = [&](CLI::App* cmd) {
    cmd->add_option("--size", measure.size, "only this size (default: the spec's profile.sizes)");
    cmd->add_option("--dtype", measure.dtype, "float32 | bfloat16 | float16 (default: profile.dtypes)")
        ->check(CLI::IsMember({"float32", "bfloat16", "float16"}));
    cmd->add_option("--device", measure.device, "cpu | cuda (default: profile.devices)")
        ->check(CLI::IsMember({"cpu", "cuda"}));
    // Checked on the text: CLI11 would clamp a number past int64 (app::ParsePositiveCount).
    auto count_check = [](const std::string& flag) {
      return CLI::Validator(
          [flag](std::string& text) {
            int64_t value = 0;
            const engine::Status st = app::ParsePositiveCount(flag, text, &value);
            return st.ok() ? std::string() : st.message();
          },
          "POSITIVE INT64");
    };
    cmd->add_option("--batch", measure.batch, "only this batch size")->check(count_check("--batch"));
    cmd->add_option("--seq", measure.seq, "only this sequence length (not for vit/resnet; audio: text decoder tokens)")
        ->check(count_check("--seq"));
    cmd->add_option("--threads", measure.threads, "intra-op threads (default: profile.threads, 0 = all cores)")
        ->check(CLI::NonNegativeNumber)
        ->check(CLI::Validator(
            [](std::string& text) {
              const int64_t cores = engine::AvailableCores();
              char* end = nullptr;
              const long long n = std::strtoll(text.c_str(), &end, 10);
              if (n <= cores) return std::string();
              return text + " exceeds the " + std::to_string(cores) +
                     " logical CPUs available to this process (more threads than cores distort the timings and "
                     "the calibration); hint: use --threads 0 for all of them, or at most " +
                     std::to_string(cores);
            },
            "AT MOST THE CORES"));
    cmd->add_option_function<std::string>(
        "--max-memory",
        [&](const std::string& text) {
          if (!engine::ParseMemorySize(text, &measure.max_memory))
            throw CLI::ValidationError("--max-memory", "'" + text + "' is not a memory size (e.g. 8GiB, 512MiB, 24GB)");
        },
        "the most memory a scenario may use, e.g. 8GiB (default: what this machine has available: MemAvailable, "
        "the cgroup limit, free CUDA memory); a scenario whose estimate exceeds it is not run");
    cmd->add_option("--min-iterations", measure.min_iterations, "at least this many timed iterations")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--min-seconds", measure.min_seconds, "and at least this many seconds")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--no-generate", measure.no_generate, "skip the generation scenario");
    cmd->add_flag("--no-train", measure.no_train, "skip the training-step scenario");
    cmd->add_flag("--recalibrate", measure.recalibrate, "measure the peak GEMM FLOP/s and bandwidth again");
  };

  auto* profile_cmd = app.add_subcommand("profile", "Measure a spec's scenarios on this machine and print them");
  profile_cmd->add_option("spec", measure.specs, "spec file")->required()->expected(1);
  add_measure_flags(profile_cmd);
  profile_cmd->add_flag("--json", measure.json, "print results JSON (DESIGN.md contract)");
  profile_cmd->add_flag("--experiments", measure.experiments,
                        "also run the optimization experiments (spec experiments:)");
  bool no_experiments = false;

  auto* build_cmd = app.add_subcommand("build", "Count, profile, store results and render every document");
  build_cmd->add_option("specs", measure.specs, "spec files or directories")->required();
  build_cmd->add_option("--out", measure.out_dir, "output root: results/, cards/, docs/ go here (default .)");
  build_cmd->add_option("--templates", measure.templates_dir, "template directory overriding the bundled one");
  build_cmd->add_option("--config", measure.config_path,
                        "project configuration (default: ./modelcard.yaml if present)");
  add_measure_flags(build_cmd);
  build_cmd->add_flag("--no-experiments", no_experiments, "skip the optimization experiments");
  build_cmd->add_flag("--force", measure.force, "measure every spec again, even when its stored results are current");
  build_cmd->add_option("--shard", measure.shard,
                        "I/N: measure only the specs of shard I of N (stable by slug) and write only results/");
  build_cmd->add_option("--machine", measure.machine,
                        "label of this machine: results go to results/<slug>@<machine>.json, beside the others");
#endif

  auto* render_cmd = app.add_subcommand("render", "Render every document from stored results (no model is built)");
  render_cmd->add_option("specs", measure.specs, "spec files or directories")->required();
  render_cmd->add_option("--out", measure.out_dir, "output root holding results/ (default .)");
  render_cmd->add_option("--templates", measure.templates_dir, "template directory overriding the bundled one");
  render_cmd->add_option("--config", measure.config_path,
                         "project configuration (default: ./modelcard.yaml if present)");

#if MODELCARD_WITH_TORCH
  EvalArgs eval;
  auto* eval_cmd = app.add_subcommand(
      "eval", "Measure a size's checkpoint (weights:): perplexity on tokens or text, or classifier accuracy");
  eval_cmd->add_option("spec", eval.spec_path, "spec file")->required();
  eval_cmd->add_option("--size", eval.size, "the size (default: the first)");
  eval_cmd
      ->add_option("--data", eval.request.data,
                   "token ids (.bin: nanoGPT's little-endian uint16), text (any other extension: tokenized by "
                   "the checkpoint's vocab.json + merges.txt), or a labelled set (.safetensors: labels + "
                   "pixel_values or input_ids) for classifiers")
      ->required();
  eval_cmd->add_option("--name", eval.request.name, "dataset name shown in the card (default: the file name)");
  eval_cmd->add_option("--dtype", eval.request.options.dtype, "float32 | bfloat16")
      ->check(CLI::IsMember({"float32", "bfloat16"}));
  // "--window: must be a positive number of tokens (got 0)" rather than CLI11's range with 1.79e308.
  auto positive = [](const std::string& unit) {
    return CLI::Validator(
        [unit](std::string& text) -> std::string {
          int64_t n = 0;
          size_t used = 0;
          try {
            n = std::stoll(text, &used);
          } catch (const std::exception&) {
            used = 0;
          }
          if (used == 0 || used != text.size() || n <= 0)
            return "must be a positive number of " + unit + " (got '" + text + "')";
          return "";
        },
        "POSITIVE");
  };
  eval_cmd
      ->add_option("--window", eval.request.options.window, "tokens predicted per window (default: context_length - 1)")
      ->check(positive("tokens"));
  eval_cmd->add_option("--batch", eval.request.options.batch, "windows per forward pass (default 8)")
      ->check(positive("windows or samples"));
  eval_cmd->add_option("--max-tokens", eval.request.options.max_tokens, "stop after this many predicted tokens")
      ->check(positive("tokens"));
  eval_cmd
      ->add_option("--max-samples", eval.request.options.max_samples,
                   "classifiers: the first this many samples of the set")
      ->check(positive("samples"));
  eval_cmd->add_option("--out", eval.out_dir, "output root holding results/ (default .)");
  eval_cmd->add_option_function<std::string>(
      "--max-memory",
      [&](const std::string& text) {
        if (!engine::ParseMemorySize(text, &eval.request.options.max_memory_bytes))
          throw CLI::ValidationError("--max-memory", "'" + text + "' is not a memory size (e.g. 8GiB, 512MiB, 24GB)");
      },
      "the most memory the evaluation may use, e.g. 8GiB (default: what this machine has available); an "
      "evaluation whose estimate exceeds it is refused before the model is built");
#endif

  std::string import_dir, import_out;
  std::vector<std::string> import_evals;
  bool import_force = false;
  importer::ImportOptions import_options;
  auto* import_cmd = app.add_subcommand(
      "import", "Write a spec from a checkpoint directory: its config.json, or a torchvision ResNet's tensor shapes");
  import_cmd->add_option("dir", import_dir, "checkpoint directory (config.json, model.safetensors)")->required();
  import_cmd->add_option("--out", import_out, "spec file to write (default specs/<slug>.yaml)");
  import_cmd->add_flag("--force", import_force, "replace the spec file if it exists");
  import_cmd->add_option("--name", import_options.name,
                         "the spec's name (and slug); default: config.json's _name_or_path, else the directory's "
                         "name (a Hugging Face cache snapshot: its repository)");
  import_cmd->add_option("--eval", import_evals,
                         "a data set `build` evaluates the checkpoint on (evaluation.measure; repeatable): token "
                         "ids (.bin), text, or a labelled .safetensors set");

  auto* check_cmd = app.add_subcommand(
      "check", "Render in memory and compare with the files on disk; exit 1 when anything is stale or missing");
  check_cmd->add_option("specs", measure.specs, "spec files or directories")->required();
  check_cmd->add_option("--out", measure.out_dir, "output root holding results/ and the documents (default .)");
  check_cmd->add_option("--templates", measure.templates_dir, "template directory overriding the bundled one");
  check_cmd->add_option("--config", measure.config_path,
                        "project configuration (default: ./modelcard.yaml if present)");
  check_cmd->add_flag("--diff", measure.diff, "print a unified diff of every stale file");

  std::vector<std::string> inject_files;
  std::vector<std::string> inject_specs = {"specs"};
  auto* inject_cmd = app.add_subcommand(
      "inject", "Fill the <!-- BEGIN MODELCARD <slug> <section> --> regions of hand-written Markdown files");
  inject_cmd->add_option("files", inject_files, "files to fill (default: modelcard.yaml's inject: list)");
  inject_cmd->add_option("--specs", inject_specs, "spec files or directories the regions refer to (default specs)");
  inject_cmd->add_option("--out", measure.out_dir, "output root holding results/ (default .)");
  inject_cmd->add_option("--templates", measure.templates_dir, "template directory overriding the bundled one");
  inject_cmd->add_option("--config", measure.config_path,
                         "project configuration (default: ./modelcard.yaml if present)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (count_cmd->parsed()) return RunCount(count);
  if (lint_cmd->parsed()) return RunLint(lint_specs);
  if (render_cmd->parsed()) return RunRender(measure);
  if (check_cmd->parsed()) return RunCheck(measure);
  if (import_cmd->parsed()) return RunImport(import_dir, import_out, import_force, import_evals, import_options);
  if (inject_cmd->parsed()) {
    measure.specs = inject_specs;
    return RunInject(measure, inject_files);
  }
#if MODELCARD_WITH_TORCH
  if (profile_cmd->parsed()) return RunProfile(measure);
  if (eval_cmd->parsed()) return RunEval(eval);
  if (build_cmd->parsed()) {
    measure.experiments = !no_experiments;
    return RunBuild(measure);
  }
#endif
  return kExitError;
}
