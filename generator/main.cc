// modelcard: the command-line interface. The only place that prints an error and picks an
// exit code: every layer below returns a Status or a list of diagnostics.
//   count   exact parameters and FLOPs (no timing, nothing allocated)
//   profile measure the spec's scenarios and print the runs
//   lint    report every problem of one or more specs
//   build   count + profile + store results + render the documents
//   render  render the documents from stored results only (no model is built)
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/count.h"
#include "engine/report.h"
#include "engine/status.h"
#include "generator/app/run_limits.h"
#include "generator/text/bpe_tokenizer.h"
#include "generator/importer/hf_import.h"
#include "generator/project/project_config.h"
#include "generator/publish/atomic_write.h"
#include "generator/publish/inject.h"
#include "generator/publish/unified_diff.h"
#include "generator/publish/outputs.h"
#include "generator/render/charts.h"
#include "generator/render/format.h"
#include "generator/render/renderer.h"
#include "generator/render/view_helpers.h"
#include "generator/results/measured_inputs.h"
#include "generator/results/results_json.h"
#include "generator/results/results_merge.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"

#if MODELCARD_WITH_TORCH
#include "engine/engine.h"
#include "engine/evaluate.h"
#include "engine/experiments/experiments.h"
#include "engine/weights/safetensors.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/measure/threads.h"
#include "engine/count_memory.h"
#endif

namespace fs = std::filesystem;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;

// ---- small output helpers ---------------------------------------------------------------

void PrintError(const std::string& message) { std::cerr << "modelcard: error: " << message << "\n"; }

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

// ---- locating specs and templates ----------------------------------------------------------

// Expands each argument: a file stays; a directory gives its *.yaml / *.yml files, sorted.
engine::Status ExpandSpecPaths(const std::vector<std::string>& args, std::vector<std::string>* paths) {
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      // error_code forms throughout: a symlink loop or an unreadable entry is a message, never a throw.
      fs::directory_iterator it(arg, ec);
      for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (ext != ".yaml" && ext != ".yml") continue;
        std::error_code kind_ec;
        const bool regular = it->is_regular_file(kind_ec);
        if (kind_ec) {
          const bool loop = kind_ec == std::errc::too_many_symbolic_link_levels;
          return engine::Status::InvalidArgument(it->path().string() + ": " +
                                                 (loop ? "is a symlink loop" : "cannot be read: " + kind_ec.message()) +
                                                 "; hint: point it at a spec file or remove it");
        }
        if (regular) found.push_back(it->path().string());
      }
      if (ec) return engine::Status::IOError(arg + ": cannot list directory: " + ec.message());
      if (found.empty()) return engine::Status::NotFound(arg + ": no .yaml spec files in this directory");
      std::sort(found.begin(), found.end());
      paths->insert(paths->end(), found.begin(), found.end());
    } else {
      paths->push_back(arg);
    }
  }
  return engine::Status::OK();
}

// Parses every spec; prints every diagnostic. Returns false when any spec has a problem.
bool ParseAll(const std::vector<std::string>& paths, std::vector<spec::Spec>* specs) {
  bool ok = true;
  std::set<std::string> slugs;
  for (const std::string& path : paths) {
    spec::ParseResult result = spec::ParseSpecFile(path);
    for (const auto& d : result.errors) std::cerr << d.ToString() << "\n";
    if (!result.ok()) {
      ok = false;
      continue;
    }
    if (!slugs.insert(result.spec.slug).second) {
      std::cerr << path << ": slug '" << result.spec.slug << "' is used by another spec; hint: set a unique 'slug:'\n";
      ok = false;
      continue;
    }
    specs->push_back(std::move(result.spec));
  }
  return ok;
}

// --config FILE (must exist), else ./modelcard.yaml when present, else the defaults.
bool LoadProject(const std::string& explicit_path, project::ProjectConfig* out) {
  const bool required = !explicit_path.empty();
  project::ProjectParseResult result = project::LoadProjectConfig(required ? explicit_path : "modelcard.yaml", required);
  for (const auto& d : result.errors) std::cerr << d.ToString() << "\n";
  if (!result.ok()) return false;
  *out = result.config;
  return true;
}

// --templates, else <exe>/../share/modelcard/templates, else the source tree's templates/.
std::string FindTemplatesDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "modelcard" / "templates";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return std::string(MODELCARD_SOURCE_DIR) + "/templates";
}

// ---- counting ---------------------------------------------------------------------------

// Parameters and FLOPs of every size of `s` (or only `only_size`), from the analytic formulas
// alone (engine/count.h): nothing is built or allocated, whatever the size (an LSTM's weights
// would be real even on `meta`, and a module of a million layers is gigabytes of bookkeeping).
// That the built modules agree with the formulas is tested for every family (tests/engine).
// batch and seq (0 = each size's default length) are checked (app::CheckRunFlags): a --seq the
// family cannot take or past its positions, or counts past int64, are errors; extrapolation
// notes go to *notes.
engine::Status CountSizes(const spec::Spec& s, const std::string& only_size, int64_t batch, int64_t seq,
                          std::vector<engine::SizeReport>* out, std::vector<std::string>* notes = nullptr) {
  for (const spec::Size& size : s.architecture.sizes) {
    if (!only_size.empty() && size.name != only_size) continue;
    engine::SizeReport r;
    r.name = size.name;
    r.config = size.config;
    const std::string what = s.path + ": size '" + size.name + "'";
    if (engine::Status st = engine::CountParameters(size.config, &r.parameters); !st.ok())
      return engine::Status::InvalidArgument(what + ": " + st.message());
    std::string note;
    if (engine::Status st = app::CheckRunFlags(size.config, what, batch,
                                               seq > 0 ? std::optional<int64_t>(seq) : std::nullopt, &note);
        !st.ok())
      return st;
    if (!note.empty() && notes != nullptr) notes->push_back(what + ": " + note);
    const int64_t t = seq > 0 ? seq : app::DefaultSequenceLength(size.config);
    if (engine::Status st = engine::CountForwardFlops(size.config, batch, t, &r.flops); !st.ok())
      return engine::Status::InvalidArgument(what + ": " + st.message());
    out->push_back(r);
  }
  if (!only_size.empty() && out->empty()) {
    std::string known;
    for (const auto& size : s.architecture.sizes) known += (known.empty() ? "" : ", ") + size.name;
    return engine::Status::InvalidArgument("unknown size '" + only_size + "' (sizes of " + s.path + ": " + known + ")");
  }
  return engine::Status::OK();
}

engine::Report NewReport(const spec::Spec& s) {
  engine::Report report;
  report.model = s.name;
  report.slug = s.slug;
  report.spec_sha256 = s.sha256;
  report.measured_inputs_sha256 = results::MeasuredInputsSha256(s);
  report.measured_inputs_sha256 = results::MeasuredInputsSha256(s);
  report.engine_version = engine::kEngineVersion;
  report.environment.tool_version = MODELCARD_VERSION;
  return report;
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
  engine::Report report = NewReport(s);
  int64_t batch = 1, seq = 0;
  std::vector<std::string> notes;
  engine::Status st = app::ParsePositiveCount("--batch", a.batch, &batch);
  if (st.ok() && !a.seq.empty()) st = app::ParsePositiveCount("--seq", a.seq, &seq);
  if (st.ok()) st = CountSizes(s, a.size, batch, seq, &report.sizes, &notes);
  if (!st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
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
  if (engine::Status st = ExpandSpecPaths(args, &paths); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  int problems = 0;
  for (const std::string& path : paths) {
    spec::ParseResult result = spec::ParseSpecFile(path);
    for (const auto& d : result.errors) std::cerr << d.ToString() << "\n";
    problems += static_cast<int>(result.errors.size());
    if (result.ok()) std::cout << path << ": ok\n";
  }
  if (problems > 0) {
    std::cerr << problems << (problems == 1 ? " problem" : " problems") << " found\n";
    return kExitError;
  }
  return kExitOk;
}

struct MeasureArgs {
  std::vector<std::string> specs;
  std::string out_dir;       // --out; "" = modelcard.yaml's out, else "."
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
  std::optional<int64_t> warmup;             // modelcard.yaml's profile.warmup
  std::vector<std::string> devices;          // modelcard.yaml's devices (when --device is not given)
  std::string machine;                       // --machine / modelcard.yaml's machine: results/<slug>@<machine>.json
  std::string shard;                         // --shard I/N
  bool force = false;                        // --force: measure even when the stored results are current
  bool diff = false;                         // check --diff
  int64_t max_memory = 0;                    // --max-memory: the most a scenario may hold (0 = detected)
  bool refuse_over_memory = false;           // profile: a scenario over the limit fails the command at once
                                             // (build: its row is skipped with the reason)
};

// modelcard.yaml's settings under the flags: a flag given on the command line wins.
void ApplyProject(const project::ProjectConfig& project, MeasureArgs* a) {
  if (a->out_dir.empty()) a->out_dir = project.out.empty() ? "." : project.out;
  if (a->templates_dir.empty()) a->templates_dir = project.templates;
  if (a->machine.empty()) a->machine = project.machine;
  if (a->device.empty()) a->devices = project.devices;
  if (!a->threads) a->threads = project.profile.threads;
  if (!a->min_iterations) a->min_iterations = project.profile.min_iterations;
  if (!a->min_seconds) a->min_seconds = project.profile.min_seconds;
  if (!a->warmup) a->warmup = project.profile.warmup;
}

#if MODELCARD_WITH_TORCH
std::string CalibrationCachePath() {
  const char* cache = std::getenv("MODELCARD_CACHE");
  if (cache != nullptr && *cache != '\0') return std::string(cache) + "/calibration.json";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cache/modelcard/calibration.json";
}

// The token ids of a text file, by the byte-level BPE tokenizer (vocab.json + merges.txt) of the
// checkpoint directory `weights_path` (or of the directory holding a .safetensors file).
engine::Status TokenizeTextFile(const std::string& data, const std::string& weights_path, int64_t vocab_size,
                                std::vector<int64_t>* ids) {
  fs::path dir(weights_path);
  if (!fs::is_directory(dir)) dir = dir.parent_path();
  if (!fs::exists(dir / "vocab.json") || !fs::exists(dir / "merges.txt"))
    return engine::Status::InvalidArgument(
        data + ": text needs the checkpoint's byte-level BPE tokenizer, but " + dir.string() +
        " has no vocab.json + merges.txt; hint: pass token ids (.bin, nanoGPT format) or a labelled .safetensors set");
  modelcard::BpeTokenizer tokenizer;
  RETURN_IF_ERROR(modelcard::BpeTokenizer::Load(dir.string(), &tokenizer));
  std::string text;
  if (engine::Status st = engine::ReadRegularFile(data, engine::kMaxTextFileBytes, "text file", &text); !st.ok())
    return st;
  *ids = tokenizer.Encode(text);
  for (size_t i = 0; i < ids->size(); ++i) {
    if ((*ids)[i] >= vocab_size)
      return engine::Status::InvalidArgument(
          data + ": the tokenizer gives id " + std::to_string((*ids)[i]) + " (token " + std::to_string(i) +
          "), outside the model's vocabulary of " + std::to_string(vocab_size) +
          "; hint: the tokenizer and the checkpoint do not belong together");
  }
  return engine::Status::OK();
}

// One evaluation of a size's loaded checkpoint (`modelcard eval`, and `build` for the spec's
// evaluation.measure): perplexity on token ids (.bin) or text (other extensions), top-1 and
// top-5 accuracy on a labelled .safetensors set. Appends the measured rows to *out and prints
// one line of results.
struct EvalRequest {
  std::string data, name;
  engine::EvalOptions options;  // weights_path is the size's
};

engine::Status EvaluateSize(const spec::Spec& s, const spec::Size& size, const EvalRequest& q,
                            std::vector<engine::MeasuredEvaluation>* out) {
  const std::string where = s.path + ": size '" + size.name + "': ";
  if (size.weights_path.empty())
    return engine::Status::InvalidArgument(
        s.path + ": size '" + size.name +
        "' names no weights; hint: add 'weights: <checkpoint dir>' to it (evaluating random weights measures nothing)");
  const engine::ModelConfig& c = size.config;
  const std::string dataset = q.name.empty() ? fs::path(q.data).filename().string() : q.name;
  const bool labelled = fs::path(q.data).extension() == ".safetensors";
  engine::EvalOptions o = q.options;
  o.weights_path = size.weights_path;
  engine::MeasuredEvaluation e;
  e.dataset = dataset;
  e.dtype = o.dtype;
  e.weights = size.weights;
  // A directory, FIFO or device (/dev/zero) is refused before anything opens or reads it.
  uint64_t data_bytes = 0;
  if (engine::Status st = engine::CheckRegularFile(q.data, &data_bytes); !st.ok())
    return engine::Status::InvalidArgument("--data " + st.message());
  if (labelled || engine::HasClassifierHead(c)) {
    if (!labelled)
      return engine::Status::InvalidArgument(
          where + "a classifier is evaluated on a labelled set: a .safetensors file with 'labels' and '" +
          std::string(c.family == engine::Family::kEncoder ? "input_ids" : "pixel_values") + "'");
    engine::AccuracyResult result;
    if (engine::Status st = engine::EvaluateAccuracy(c, q.data, o, &result); !st.ok())
      return engine::Status::InvalidArgument(where + st.message());
    std::cout << s.name << " " << size.name << " (" << o.dtype << ", " << size.weights << "): top-1 "
              << render::FormatPercent(result.top1) << ", top-5 " << render::FormatPercent(result.top5) << " on "
              << dataset << " (" << render::FormatThousands(result.samples) << " samples, "
              << render::FormatSeconds(result.seconds) << ")\n";
    e.samples = result.samples;
    e.date = result.date;
    e.metric = "top-1 accuracy";
    e.value = result.top1;
    out->push_back(e);
    e.metric = "top-5 accuracy";
    e.value = result.top5;
    out->push_back(e);
    return engine::Status::OK();
  }
  std::vector<int64_t> tokens;
  if (fs::path(q.data).extension() == ".bin") {
    if (engine::Status st = engine::ReadTokenFile(q.data, c.vocab_size, &tokens); !st.ok()) return st;
  } else {
    if (engine::Status st = TokenizeTextFile(q.data, size.weights_path, c.vocab_size, &tokens); !st.ok()) return st;
    e.tokenizer = "byte-level BPE";
  }
  engine::EvalResult result;
  if (engine::Status st = engine::EvaluatePerplexity(c, tokens, o, &result); !st.ok())
    return engine::Status::InvalidArgument(where + st.message());
  std::cout << s.name << " " << size.name << " (" << o.dtype << ", " << size.weights << "): perplexity "
            << render::FormatShortestDouble(std::round(result.value * 1000) / 1000) << " on " << dataset << " ("
            << render::FormatThousands(result.tokens) << " tokens in " << result.windows << " windows, "
            << render::FormatSeconds(result.seconds) << ")\n";
  e.metric = "perplexity";
  e.tokens = result.tokens;
  e.value = result.value;
  e.date = result.date;
  out->push_back(e);
  return engine::Status::OK();
}

// Adds `measured` to `list`, replacing the rows of the same metric, dataset and dtype.
void MergeEvaluations(const std::vector<engine::MeasuredEvaluation>& measured,
                      std::vector<engine::MeasuredEvaluation>* list) {
  for (const engine::MeasuredEvaluation& m : measured) {
    list->erase(std::remove_if(list->begin(), list->end(),
                               [&](const engine::MeasuredEvaluation& x) {
                                 return x.metric == m.metric && x.dataset == m.dataset && x.dtype == m.dtype;
                               }),
                list->end());
    list->push_back(m);
  }
}

// Counts every size and measures the spec's profile (narrowed by the flags) into `report`.
engine::Status MeasureSpec(const spec::Spec& s, const MeasureArgs& a, const Progress& progress,
                           engine::Report* report) {
  *report = NewReport(s);
  if (engine::Status st = CountSizes(s, "", 1, 0, &report->sizes); !st.ok()) return st;
  const spec::Profile& p = s.profile;
  // --threads above the cores is refused when parsed; a spec's or modelcard.yaml's count is capped
  // (the same spec runs on machines of every size), so no calibration is measured oversubscribed.
  if (const int64_t wanted = a.threads.value_or(p.threads); wanted > engine::AvailableCores())
    std::cerr << "modelcard: warning: " << s.path << ": profile.threads " << wanted << " exceeds the "
              << engine::AvailableCores() << " logical CPUs available here; measuring with "
              << engine::AvailableCores() << "\n";
  const int64_t threads = engine::ConfigureThreads(a.threads.value_or(p.threads));
  std::vector<std::string> devices = !a.device.empty()    ? std::vector<std::string>{a.device}
                                     : !a.devices.empty() ? a.devices
                                                          : p.devices;
  std::vector<std::string> dtypes = a.dtype.empty() ? p.dtypes : std::vector<std::string>{a.dtype};
  std::vector<std::string> sizes = a.size.empty() ? p.sizes : std::vector<std::string>{a.size};
  bool measured_any = false;
  auto profile_options = [&](const std::string& device, const spec::Size& size) {
    engine::ProfileOptions o;
    o.device = device;
    o.dtypes = dtypes;
    o.batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.batch_sizes;
    o.sequence_lengths = a.seq ? std::vector<int64_t>{*a.seq} : p.sequence_lengths;
    o.generate = p.generation_enabled && !a.no_generate;
    o.preprocess = p.preprocess;
    o.train = p.train_enabled && !a.no_train;
    o.train_batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.train_batch_sizes;
    o.weights_path = size.weights_path;
    o.prompt_tokens = p.generation.prompt_tokens;
    o.new_tokens = p.generation.new_tokens;
    o.warmup = a.warmup.value_or(p.warmup);
    o.min_iterations = a.min_iterations.value_or(p.min_iterations);
    o.min_seconds = a.min_seconds.value_or(p.min_seconds);
    o.max_memory_bytes = a.max_memory;
    return o;
  };
  for (const std::string& device : devices) {
    if (device == "cuda" && !engine::CudaAvailable()) {
      if (!a.device.empty()) return engine::Status::Unavailable("--device cuda: no CUDA device is available");
      std::cerr << "modelcard: note: " << s.path << ": no CUDA device here; skipping the cuda rows\n";
      continue;
    }
    // profile: the memory guard over every scenario first, before calibrating or allocating anything.
    if (a.refuse_over_memory) {
      for (const std::string& size_name : sizes) {
        const spec::Size* size = s.FindSize(size_name);
        if (size == nullptr) return engine::Status::InvalidArgument("unknown size '" + size_name + "' in " + s.path);
        if (engine::Status st = engine::CheckProfileMemory(size->config, profile_options(device, *size)); !st.ok())
          return engine::Status::Unavailable(s.path + ": size '" + size_name + "': " + st.message());
      }
    }
    engine::EnvironmentOptions env_options;
    env_options.device = device;
    env_options.dtypes = dtypes;
    if (a.experiments && s.experiments.enabled)  // the mixed-precision experiment's MFU needs both peaks
      for (const char* d : {"float32", "bfloat16"})
        if (std::find(env_options.dtypes.begin(), env_options.dtypes.end(), d) == env_options.dtypes.end())
          env_options.dtypes.push_back(d);
    env_options.cache_path = CalibrationCachePath();
    env_options.recalibrate = a.recalibrate;
    env_options.progress = [&](const std::string& line) { progress("calibrating " + device + ": " + line); };
    if (engine::Status st = engine::DetectEnvironment(env_options, &report->environment); !st.ok()) return st;
    report->environment.threads = threads;
    for (const std::string& size_name : sizes) {
      const spec::Size* size = s.FindSize(size_name);
      if (size == nullptr) return engine::Status::InvalidArgument("unknown size '" + size_name + "' in " + s.path);
      if (a.batch || a.seq) {  // the flags against this size: --seq it can take, counts that fit int64
        const std::string what = s.path + ": size '" + size_name + "'";
        std::string note;
        if (engine::Status st = app::CheckRunFlags(size->config, what, a.batch.value_or(1), a.seq, &note); !st.ok())
          return st;
        if (!note.empty()) std::cerr << "modelcard: note: " << what << ": " << note << "\n";
        // Every batch the run will use: its forward, the generation and the training step it measures.
        const bool train = p.train_enabled && !a.no_train, generate = p.generation_enabled && !a.no_generate;
        for (int64_t batch : a.batch ? std::vector<int64_t>{*a.batch} : p.batch_sizes) {
          std::string ignored;
          engine::Status st = app::CheckRunFlags(size->config, what, batch, a.seq, &ignored);
          if (st.ok())
            st = app::CheckMeasuredRunFlags(size->config, what, batch, a.seq, false, generate,
                                            p.generation.prompt_tokens, p.generation.new_tokens);
          if (!st.ok()) return st;
        }
        for (int64_t batch : a.batch ? std::vector<int64_t>{*a.batch} : p.train_batch_sizes)
          if (engine::Status st = app::CheckMeasuredRunFlags(size->config, what, batch, a.seq, train, false, 0, 0);
              !st.ok())
            return st;
      }
      engine::ProfileOptions o = profile_options(device, *size);
      o.progress = [&](const std::string& line) { progress(s.slug + " " + size_name + " " + device + " " + line); };
      for (auto& sr : report->sizes) {
        if (sr.name != size_name) continue;
        if (!size->weights.empty()) sr.weights_load.weights = size->weights;
        const size_t failed_before = sr.failures.size();
        if (engine::Status st = engine::Profile(size->config, o, report->environment, &sr.runs,
                                                size->weights.empty() ? nullptr : &sr.weights_load, &sr.failures);
            !st.ok())
          return engine::Status::Internal(s.path + ": size '" + size_name + "': " + st.message());
        for (size_t i = failed_before; i < sr.failures.size(); ++i) {
          const engine::RunFailure& f = sr.failures[i];
          std::cerr << "modelcard: warning: " << s.path << ": size '" << size_name << "': " << f.dtype << " "
                    << f.scenario << (f.batch > 0 ? " b" + std::to_string(f.batch) : "") << " could not run here ("
                    << f.reason << "); the other rows are kept\n";
        }
        measured_any = true;
        // The optimization study: the first profiled size, on the first device measured.
        if (a.experiments && s.experiments.enabled && size_name == sizes.front() && sr.experiments.empty()) {
          engine::ExperimentOptions x;
          x.device = device;
          x.batch = s.experiments.batch;
          x.sequence_length = s.experiments.sequence_length > 0 ? s.experiments.sequence_length : 128;
          x.batch_sizes = s.experiments.batch_sizes;
          x.latency_budget_s = s.experiments.latency_budget_ms / 1000.0;
          x.prompt_tokens = p.generation.prompt_tokens;
          x.new_tokens = s.experiments.new_tokens;
          x.warmup = o.warmup;
          x.min_iterations = o.min_iterations;
          x.min_seconds = o.min_seconds;
          x.weights_path = size->weights_path;
          x.progress = [&](const std::string& line) { progress(s.slug + " " + size_name + " " + device + " " + line); };
          // The memory guard over the study's shapes: both dtypes, every swept batch, a training step.
          engine::ProfileOptions study = o;
          study.dtypes = {"float32", "bfloat16"};
          study.batch_sizes = x.batch_sizes;
          study.batch_sizes.push_back(x.batch);
          study.sequence_lengths = {x.sequence_length};
          study.preprocess = false;
          study.generate = study.train = true;
          study.train_batch_sizes = {x.batch};
          study.prompt_tokens = x.prompt_tokens;
          study.new_tokens = x.new_tokens;
          if (engine::Status st = engine::CheckProfileMemory(size->config, study); !st.ok()) {
            std::cerr << "modelcard: warning: " << s.path << ": size '" << size_name
                      << "': the optimization experiments are not run: " << st.message() << "\n";
          } else if (engine::Status st = engine::RunExperiments(size->config, x, report->environment, &sr.experiments);
                     !st.ok()) {
            return engine::Status::Internal(s.path + ": size '" + size_name + "': experiments: " + st.message());
          }
        }
      }
    }
  }
  if (!measured_any) return engine::Status::Unavailable(s.path + ": nothing could be measured on this machine");
  // evaluation.measure: every listed data set on each profiled size with weights (or the one named).
  for (const spec::MeasuredDataset& m : s.evaluation.measure) {
    for (auto& sr : report->sizes) {
      const spec::Size* size = s.FindSize(sr.name);
      if (size == nullptr || size->weights_path.empty()) continue;
      if (!m.size.empty() ? m.size != sr.name : std::find(sizes.begin(), sizes.end(), sr.name) == sizes.end())
        continue;
      progress(s.slug + " " + sr.name + ": evaluating on " + m.data);
      EvalRequest q;
      q.data = m.data_path;
      q.name = m.name.empty() ? fs::path(m.data).filename().string() : m.name;
      q.options.dtype = m.dtype;
      q.options.window = m.window;
      std::vector<engine::MeasuredEvaluation> measured;
      if (engine::Status st = EvaluateSize(s, *size, q, &measured); !st.ok()) return st;
      MergeEvaluations(measured, &sr.evaluations);
    }
  }
  progress.Done();
  return engine::Status::OK();
}

void PrintRuns(const engine::Report& report) {
  std::cout << report.model << " on " << report.environment.cpu_model << " (" << report.environment.threads
            << " threads, LibTorch " << report.environment.libtorch << ")\n";
  for (const auto& size : report.sizes) {
    for (const auto& r : size.runs) {
      std::cout << "  " << size.name << " " << r.device << " " << r.dtype << " " << r.scenario << " b" << r.batch;
      if (r.scenario == "forward" || r.scenario == "train") {
        if (r.sequence_length > 0) std::cout << " t" << r.sequence_length;
        std::cout << ": p50 " << render::FormatSeconds(r.latency_s.p50) << ", "
                  << render::internal::ForwardRate(r) << ", MFU "
                  << render::FormatPercent(r.mfu);
      } else if (r.scenario == "preprocess") {
        std::cout << ": p50 " << render::FormatSeconds(r.latency_s.p50) << ", " << render::internal::ForwardRate(r);
      } else {
        std::cout << " prompt " << r.prompt_tokens << " + " << r.new_tokens << " new: prefill p50 "
                  << render::FormatSeconds(r.prefill_s.p50) << ", decode "
                  << render::FormatRate(r.throughput.at(1).second, "tokens");
      }
      std::cout << ", peak " << render::FormatBytes(r.peak_bytes) << " (n=" << r.latency_s.count
                << ", cv " << render::FormatPercent(r.latency_s.cv) << ")\n";
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

// A flag that applies to none of the specs it was given for is an error, not silently ignored:
// --no-generate where no spec generates token by token (a directory build where some do is fine).
bool MeasureFlagsApply(const std::vector<spec::Spec>& specs, const MeasureArgs& a) {
  if (!a.no_generate) return true;
  std::vector<std::string> families;
  for (const spec::Spec& s : specs) {
    if (spec::FamilyGenerates(s.architecture)) return true;
    families.push_back(s.slug + " is " + engine::FamilyName(s.architecture.family));
  }
  std::string list;
  for (const std::string& f : families) list += (list.empty() ? "" : ", ") + f;
  PrintError("--no-generate does not apply: no spec here generates token by token (" + list +
             "; only the decoder, moe, recurrent and audio-with-decoder families do)");
  return false;
}

int RunProfile(MeasureArgs a) {
  a.refuse_over_memory = true;  // one command, one answer: nothing is measured when a scenario cannot fit
  project::ProjectConfig project;
  if (!LoadProject(a.config_path, &project)) return kExitError;
  ApplyProject(project, &a);
  std::vector<spec::Spec> specs;
  if (!ParseAll(a.specs, &specs)) return kExitError;
  if (!MeasureFlagsApply(specs, a)) return kExitError;
  Progress progress;
  engine::Report report;
  if (engine::Status st = MeasureSpec(specs.front(), a, progress, &report); !st.ok()) {
    progress.Done();
    PrintError(st.message());
    return kExitError;
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

// "a, b, c": the sections templates/inject/ provides.
std::string InjectSections(const std::string& templates) {
  std::vector<std::string> names;
  if (engine::Status st = publish::ListInjectSections(templates, &names); !st.ok()) return "unknown: " + st.message();
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none: " + templates + "/inject/ is empty" : out;
}

struct RenderedFile {
  std::string path;   // under the output root
  std::string bytes;
};

// The merged stored results of every spec (results/<slug>.json and results/<slug>@<machine>.json).
// Prints the problem and returns false when one is missing or unreadable.
bool LoadStoredReports(const std::vector<spec::Spec>& specs, const std::string& out_dir,
                       std::vector<engine::Report>* reports) {
  reports->assign(specs.size(), engine::Report());
  for (size_t i = 0; i < specs.size(); ++i) {
    if (engine::Status st = results::LoadMergedReport(out_dir, specs[i].slug, &(*reports)[i], nullptr); !st.ok()) {
      PrintError(st.message() + "; hint: run `modelcard build " + specs[i].path + "` to measure it first");
      return false;
    }
  }
  return true;
}

// The models a render compares with besides those it writes (`args`, already in *specs and
// *reports): every spec in the folders of the given spec files whose results are stored under
// `out_dir`, so `render specs/gpt2.yaml` writes the same bytes as `render specs/` (its comparison
// tables, related documents and "versus" sections list the other models). *specs and *reports end
// in the order `render` of those folders gives; *targets gets the slugs to write. A sibling that
// does not parse, or whose results cannot be read, is left out with a warning; one without stored
// results is left out quietly (not measured yet: `render specs/` would stop at it).
void AddRenderContext(const std::vector<std::string>& args, const std::string& out_dir,
                      std::vector<spec::Spec>* specs, std::vector<engine::Report>* reports,
                      std::set<std::string>* targets) {
  for (const auto& s : *specs) targets->insert(s.slug);
  std::vector<std::string> folders;
  for (const std::string& arg : args) {
    std::error_code ec;
    std::string folder = fs::is_directory(arg, ec) ? arg : fs::path(arg).parent_path().string();
    if (folder.empty()) folder = ".";
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
  }
  std::vector<std::string> listed;
  for (const std::string& folder : folders) {
    std::vector<std::string> found;
    if (ExpandSpecPaths({folder}, &found).ok()) listed.insert(listed.end(), found.begin(), found.end());
  }
  std::vector<spec::Spec> given = std::move(*specs);
  std::vector<engine::Report> given_reports = std::move(*reports);
  std::vector<bool> placed(given.size(), false);
  specs->clear();
  reports->clear();
  std::set<std::string> slugs;
  auto place = [&](size_t g) {
    placed[g] = true;
    slugs.insert(given[g].slug);
    specs->push_back(std::move(given[g]));
    reports->push_back(std::move(given_reports[g]));
  };
  for (const std::string& path : listed) {
    size_t g = 0;
    for (; g < given.size(); ++g) {
      std::error_code ec;
      if (!placed[g] && (given[g].path == path || fs::equivalent(given[g].path, path, ec))) break;
    }
    if (g < given.size()) {
      place(g);
      continue;
    }
    if (std::any_of(given.begin(), given.end(), [&](const spec::Spec& s) {
          std::error_code ec;
          return s.path == path || fs::equivalent(s.path, path, ec);
        }))
      continue;  // given twice
    spec::ParseResult parsed = spec::ParseSpecFile(path);
    if (!parsed.ok()) {
      std::cerr << "modelcard: warning: " << path << " is not a valid spec (`modelcard lint " << path
                << "`); the documents written now leave it out of their comparisons\n";
      continue;
    }
    const std::string slug = parsed.spec.slug;
    if (targets->count(slug) != 0 || !slugs.insert(slug).second) {
      std::cerr << "modelcard: warning: " << path << ": slug '" << slug
                << "' is used by another spec; the documents written now leave it out of their comparisons\n";
      continue;
    }
    if (results::ListStoredResults(out_dir, slug).empty()) continue;
    engine::Report report;
    if (engine::Status st = results::LoadMergedReport(out_dir, slug, &report, nullptr); !st.ok()) {
      std::cerr << "modelcard: warning: " << st.message()
                << "; the documents written now leave its model out of their comparisons\n";
      continue;
    }
    specs->push_back(std::move(parsed.spec));
    reports->push_back(std::move(report));
  }
  for (size_t g = 0; g < given.size(); ++g)
    if (!placed[g]) place(g);  // not in a listing (e.g. not named *.yaml): last, in the given order
}

// The folders the documents of `slugs` (and their results) are written to under `out_dir`, and those
// of modelcard.yaml's inject files: where an interrupted write of an older modelcard left its
// temporary files.
std::vector<std::string> OutputFolders(const std::string& out_dir, const std::set<std::string>& slugs,
                                       const project::ProjectConfig& project) {
  std::set<std::string> folders = {publish::UnderRoot(out_dir, "results")};
  for (const std::string& slug : slugs) {
    for (const auto& doc : publish::DocumentOutputs(slug))
      folders.insert(fs::path(publish::UnderRoot(out_dir, doc.relative_path)).parent_path().string());
    folders.insert(fs::path(publish::UnderRoot(out_dir, publish::BlogBundleFilePath(slug, "x"))).parent_path().string());
  }
  for (const std::string& target : project.inject) {
    const std::string path = !target.empty() && target[0] == '/' ? target : publish::UnderRoot(out_dir, target);
    folders.insert(fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string());
  }
  return {folders.begin(), folders.end()};
}

// Removes the temporary files interrupted writes left (kill -9, a crash) under `out_dir`; says so.
void SweepTemporaries(const std::string& out_dir, const std::set<std::string>& slugs,
                      const project::ProjectConfig& project) {
  for (const std::string& file : publish::SweepStaleTemporaries(out_dir, OutputFolders(out_dir, slugs, project)))
    std::cerr << "modelcard: note: removed " << file << " (a temporary file left by an interrupted write)\n";
}

// The render inputs of spec i among all of them.
render::RenderInput InputFor(size_t i, const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                             const project::ProjectConfig& project, const std::string& templates,
                             std::vector<const spec::Spec*>* all, std::vector<const engine::Report*>* all_reports) {
  if (all->empty()) {
    for (const auto& s : specs) all->push_back(&s);
    for (const auto& r : reports) all_reports->push_back(&r);
  }
  render::RenderInput in;
  in.spec = &specs[i];
  in.report = &reports[i];
  in.templates_dir = templates;
  in.spec_display_path = specs[i].path;
  in.all_specs = *all;
  in.all_reports = *all_reports;
  in.site = project.site;
  return in;
}

// Every document and chart of every spec, rendered in memory (nothing written).
// Only the documents of `targets` when given; every spec is compared with the others either way.
engine::Status RenderAll(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                         const project::ProjectConfig& project, const MeasureArgs& a, std::vector<RenderedFile>* files,
                         const std::set<std::string>* targets = nullptr) {
  const std::string templates = FindTemplatesDir(a.templates_dir);
  std::vector<const spec::Spec*> all;
  std::vector<const engine::Report*> all_reports;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (targets != nullptr && targets->count(specs[i].slug) == 0) continue;
    const render::RenderInput in = InputFor(i, specs, reports, project, templates, &all, &all_reports);
    for (const auto& doc : publish::DocumentOutputs(specs[i].slug)) {
      std::string text;
      if (engine::Status st = render::RenderDocument(in, doc.template_name, &text); !st.ok())
        return engine::Status::InvalidArgument(specs[i].path + ": " + doc.template_name + ": " + st.message());
      files->push_back({doc.relative_path, text});
    }
    for (const auto& chart : render::BuildCharts(specs[i], reports[i]))
      files->push_back({publish::BlogBundleFilePath(specs[i].slug, chart.file), chart.svg});
  }
  return engine::Status::OK();
}

// The injected text of each of modelcard.yaml's inject files (or `only`), for the given specs:
// {path as given, current bytes, injected bytes}. A region's section is
// templates/inject/<section>.mustache rendered for that slug.
struct InjectedFile {
  std::string path, before, after;
  std::string write_path;  // `path`, or the target of the symlink `path` (publish::ResolveInjectTarget)
};

// The text between a region's marker lines, as it stands in `text` (kept when `render specs/x.yaml`
// renders a subset and the region belongs to another model).
std::string RegionText(const std::string& text, const publish::InjectRegion& region) {
  size_t pos = 0;
  for (int line = 1; line <= region.begin_line && pos != std::string::npos; ++line) {
    pos = text.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  size_t end = pos;
  for (int line = region.begin_line + 1; line < region.end_line && end != std::string::npos; ++line) {
    end = text.find('\n', end);
    if (end != std::string::npos) ++end;
  }
  if (pos == std::string::npos || end == std::string::npos) return "";
  return text.substr(pos, end - pos);
}

// strict: a region naming a model that is not among `specs` is an error (explicit `inject`);
// otherwise (modelcard.yaml's inject files during render/build/check of some specs) it is kept.
engine::Status InjectAll(const std::vector<std::string>& targets, const std::vector<spec::Spec>& specs,
                         const std::vector<engine::Report>& reports, const project::ProjectConfig& project,
                         const MeasureArgs& a, bool strict, std::vector<InjectedFile>* out) {
  const std::string templates = FindTemplatesDir(a.templates_dir);
  std::vector<const spec::Spec*> all;
  std::vector<const engine::Report*> all_reports;
  for (const std::string& target : targets) {
    InjectedFile f;
    const std::string path = !target.empty() && target[0] == '/' ? target : publish::UnderRoot(a.out_dir, target);
    f.path = path;
    std::error_code ec;
    if (!strict && !fs::exists(path, ec)) {
      std::cerr << "modelcard: note: " << path << " (modelcard.yaml inject:) does not exist; skipped\n";
      continue;
    }
    if (engine::Status st = publish::ResolveInjectTarget(path, a.out_dir, &f.write_path); !st.ok()) return st;
    if (engine::Status st = publish::ReadFile(f.write_path, &f.before); !st.ok()) return st;
    std::vector<std::string> sections;
    if (engine::Status st = publish::ListInjectSections(templates, &sections); !st.ok()) return st;
    auto content = [&](const publish::InjectRegion& region, std::string* text) -> engine::Status {
      for (size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].slug != region.slug) continue;
        const render::RenderInput in = InputFor(i, specs, reports, project, templates, &all, &all_reports);
        if (std::find(sections.begin(), sections.end(), region.section) == sections.end())
          return engine::Status::InvalidArgument("unknown section '" + region.section + "' (the sections are " +
                                                 InjectSections(templates) + ")");
        return render::RenderDocument(in, "inject/" + region.section, text);
      }
      if (!strict) {
        *text = RegionText(f.before, region);
        return engine::Status::OK();
      }
      std::string known;
      for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.slug;
      return engine::Status::InvalidArgument("unknown model '" + region.slug + "' (the specs given are " + known + ")");
    };
    if (engine::Status st = publish::InjectRegions(f.before, path, content, &f.after); !st.ok()) return st;
    out->push_back(std::move(f));
  }
  return engine::Status::OK();
}

int WriteRendered(const std::string& out_dir, const std::vector<RenderedFile>& files) {
  for (const auto& f : files) {
    const std::string path = publish::UnderRoot(out_dir, f.path);
    if (engine::Status st = publish::WriteFileAtomic(path, f.bytes, out_dir); !st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
    std::cout << "wrote " << path << "\n";
  }
  return kExitOk;
}

// Parses the specs and the project file and loads the stored results. With `targets`, adds the
// other models of the specs' folders for comparison (AddRenderContext) and sets the slugs to write.
// False: printed already.
bool PrepareRender(MeasureArgs* a, std::vector<spec::Spec>* specs, project::ProjectConfig* project,
                   std::vector<engine::Report>* reports, std::set<std::string>* targets = nullptr) {
  std::vector<std::string> paths;
  if (engine::Status st = ExpandSpecPaths(a->specs, &paths); !st.ok()) {
    PrintError(st.message());
    return false;
  }
  if (!LoadProject(a->config_path, project)) return false;
  ApplyProject(*project, a);
  if (!ParseAll(paths, specs)) return false;
  if (!LoadStoredReports(*specs, a->out_dir, reports)) return false;
  if (targets != nullptr) AddRenderContext(a->specs, a->out_dir, specs, reports, targets);
  return true;
}

// Renders everything (the documents of `targets`, every spec when null; and fills the inject files)
// in memory, then writes: nothing is written unless every document rendered.
int RenderAndWrite(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                   const project::ProjectConfig& project, const MeasureArgs& a,
                   const std::set<std::string>* targets = nullptr) {
  std::vector<RenderedFile> files;
  if (engine::Status st = RenderAll(specs, reports, project, a, &files, targets); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  if (targets != nullptr) {
    // The other models' documents compare with the ones written now: those whose bytes change
    // (after a one-spec build re-measured, say) are refreshed too, so none is left stale.
    std::set<std::string> others;
    for (const auto& s : specs)
      if (targets->count(s.slug) == 0) others.insert(s.slug);
    std::vector<RenderedFile> sibling_files;
    if (engine::Status st = RenderAll(specs, reports, project, a, &sibling_files, &others); !st.ok()) {
      std::cerr << "modelcard: warning: the other models' documents were not refreshed: " << st.message() << "\n";
    } else {
      for (auto& f : sibling_files) {
        std::string current;
        if (publish::ReadFile(publish::UnderRoot(a.out_dir, f.path), &current).ok() && current != f.bytes)
          files.push_back(std::move(f));
      }
    }
  }
  std::vector<InjectedFile> injected;
  if (engine::Status st = InjectAll(project.inject, specs, reports, project, a, /*strict=*/false, &injected); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  if (int rc = WriteRendered(a.out_dir, files); rc != kExitOk) return rc;
  for (const auto& f : injected) {
    if (f.after == f.before) continue;
    if (engine::Status st = publish::WriteInjectedFile(f.write_path, f.after); !st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
    std::cout << "injected " << f.path << "\n";
  }
  return kExitOk;
}

int RunRender(MeasureArgs a) {
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  std::vector<engine::Report> reports;
  std::set<std::string> targets;
  if (!PrepareRender(&a, &specs, &project, &reports, &targets)) return kExitError;
  SweepTemporaries(a.out_dir, targets, project);
  for (size_t i = 0; i < specs.size(); ++i)
    if (std::string why = results::StaleReason(reports[i], results::MeasuredInputsSha256(specs[i]));
        !why.empty() && targets.count(specs[i].slug) != 0)
      std::cerr << "modelcard: warning: " << publish::ResultsPath(specs[i].slug) << " is out of date (" << why
                << "); run `modelcard build " << specs[i].path << "` to refresh it\n";
  return RenderAndWrite(specs, reports, project, a, &targets);
}

// check: renders in memory and compares with the files on disk, byte for byte.
int RunCheck(MeasureArgs a) {
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  std::vector<engine::Report> reports;
  std::set<std::string> targets;
  if (!PrepareRender(&a, &specs, &project, &reports, &targets)) return kExitError;
  bool stale = false;
  bool results_stale = false;  // a results file needs `build`, not only `render`
  for (size_t i = 0; i < specs.size(); ++i) {
    if (targets.count(specs[i].slug) == 0) continue;  // compared with, not checked
    for (const auto& stored : results::ListStoredResults(a.out_dir, specs[i].slug)) {
      engine::Report r;
      const std::string path = publish::UnderRoot(a.out_dir, stored.path);
      if (engine::Status st = results::LoadReport(path, &r); !st.ok()) {
        PrintError(st.message());
        return kExitError;
      }
      if (std::string why = results::StaleReason(r, results::MeasuredInputsSha256(specs[i])); !why.empty()) {
        std::cout << path << " is stale: " << why << " (run `modelcard build " << specs[i].path << "`)\n";
        stale = true;
        results_stale = true;
      } else {
        std::cout << path << " is up to date\n";
      }
    }
  }
  std::vector<RenderedFile> files;
  if (engine::Status st = RenderAll(specs, reports, project, a, &files, &targets); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  // Temporary files of interrupted writes: Hugo would publish one beside a post.
  for (const std::string& file :
       publish::FindTemporaryFiles(a.out_dir, OutputFolders(a.out_dir, targets, project), /*only_dead=*/false)) {
    if (publish::IsOldTextCopy(file))
      std::cout << file << " holds a file's text from before an interrupted in-place inject (compare it with that "
                << "file, then delete it)\n";
    else
      std::cout << file << " is a stray temporary file (left by an interrupted write; `modelcard render` removes it)\n";
    stale = true;
  }
  std::vector<InjectedFile> injected;
  for (const std::string& target : project.inject) {
    const std::string path = !target.empty() && target[0] == '/' ? target : publish::UnderRoot(a.out_dir, target);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      std::cout << path << " is missing (modelcard.yaml inject:)\n";
      stale = true;
    }
  }
  if (engine::Status st = InjectAll(project.inject, specs, reports, project, a, /*strict=*/false, &injected); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  for (const auto& f : injected) files.push_back({f.path, f.after});
  for (const auto& f : files) {
    const bool is_injected = std::any_of(injected.begin(), injected.end(), [&](const InjectedFile& x) { return x.path == f.path; });
    const std::string path = is_injected ? f.path : publish::UnderRoot(a.out_dir, f.path);
    std::string on_disk;
    if (!publish::ReadFile(path, &on_disk).ok()) {
      std::cout << path << " is missing (run `modelcard render`)\n";
      stale = true;
    } else if (on_disk != f.bytes) {
      std::cout << path << " is out of date (run `modelcard render`)\n";
      if (a.diff) std::cout << publish::UnifiedDiff(on_disk, f.bytes, "a/" + path, "b/" + path);
      stale = true;
    } else {
      std::cout << path << " is up to date\n";
    }
  }
  // What clears it: stale results need a measurement (which renders too); documents out of date
  // against current results need only `render`.
  if (results_stale)
    std::cerr << "modelcard: results are stale; run `modelcard build` and commit\n";
  else if (stale)
    std::cerr << "modelcard: documents are out of date; run `modelcard render` and commit\n";
  return stale ? kExitError : kExitOk;
}

// inject FILE...: fills the MODELCARD regions of hand-written files from the stored results.
int RunInject(MeasureArgs a, const std::vector<std::string>& targets) {
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  std::vector<engine::Report> reports;
  if (!PrepareRender(&a, &specs, &project, &reports)) return kExitError;
  std::vector<InjectedFile> injected;
  if (engine::Status st = InjectAll(targets.empty() ? project.inject : targets, specs, reports, project, a, /*strict=*/true, &injected);
      !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  if (injected.empty()) {
    PrintError("no files to inject; hint: name them (modelcard inject README.md) or list them under 'inject:' in modelcard.yaml");
    return kExitError;
  }
  for (const auto& f : injected) {
    if (f.after == f.before) {
      std::cout << f.path << " is up to date\n";
      continue;
    }
    if (engine::Status st = publish::WriteInjectedFile(f.write_path, f.after); !st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
    std::cout << "injected " << f.path << "\n";
  }
  return kExitOk;
}

// import DIR: a spec from a Hugging Face config.json, written to --out (default specs/<slug>.yaml).
int RunImport(const std::string& dir, const std::string& out_flag, bool force,
              const std::vector<std::string>& eval_files, const importer::ImportOptions& options) {
  // The spec's `weights:` is relative to the spec's own directory: import once to learn the
  // slug (and so the default path), then again with the checkpoint path seen from there.
  importer::ImportResult first;
  if (engine::Status st = importer::ImportHfConfig(dir, dir, &first, options); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  const std::string out = out_flag.empty() ? "specs/" + first.slug + ".yaml" : out_flag;
  std::error_code ec;
  const fs::path spec_dir = fs::absolute(fs::path(out).parent_path(), ec);
  std::string display = fs::relative(fs::absolute(dir, ec), spec_dir, ec).generic_string();
  if (ec || display.empty()) display = fs::absolute(dir).generic_string();
  importer::ImportResult result;
  if (engine::Status st = importer::ImportHfConfig(dir, display, &result, options); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  if (fs::exists(out, ec) && !force) {
    PrintError(out + " exists; hint: pass --out elsewhere, or --force to replace it");
    return kExitError;
  }
  // --eval: data sets `build` evaluates the checkpoint on (evaluation.measure), relative to the spec.
  std::string text = result.spec_text;
  if (!eval_files.empty()) {
    text += "evaluation:\n  measure:\n";
    for (const std::string& file : eval_files) {
      if (!fs::is_regular_file(file, ec)) {
        PrintError(file + ": --eval names no readable file");
        return kExitError;
      }
      std::string shown = fs::relative(fs::absolute(file, ec), spec_dir, ec).generic_string();
      if (ec || shown.empty()) shown = fs::absolute(file).generic_string();
      text += "    - data: " + importer::YamlScalar(shown) + "\n";
    }
    const spec::ParseResult parsed = spec::ParseSpecText(text, out);
    if (!parsed.ok()) {
      PrintError(parsed.errors.front().ToString());
      return kExitError;
    }
  }
  if (engine::Status st = publish::WriteFileAtomic(out, text); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  if (!result.note.empty()) std::cerr << "note: " << result.note << "\n";
  std::cout << "wrote " << out << " (" << result.architecture << ", family " << engine::FamilyName(result.family) << ", size "
            << result.size_name << "); next: modelcard build " << out << "\n";
  return kExitOk;
}

// "I/N" -> (I, N) with 1 <= I <= N.
bool ParseShard(const std::string& text, int64_t* index, int64_t* count) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    size_t used = 0;
    *index = std::stoll(text.substr(0, slash), &used);
    if (used != slash) return false;
    *count = std::stoll(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  return *count >= 1 && *index >= 1 && *index <= *count;
}

#if MODELCARD_WITH_TORCH
struct EvalArgs {
  std::string spec_path, size, out_dir = ".";
  EvalRequest request;
};

// eval: perplexity of a size's loaded checkpoint on token ids or text, or a classifier's top-1
// and top-5 accuracy on a labelled set; stored in its results for the card's evaluation table.
int RunEval(const EvalArgs& a) {
  std::vector<spec::Spec> specs;
  if (!ParseAll({a.spec_path}, &specs)) return kExitError;
  const spec::Spec& s = specs.front();
  const spec::Size* size = a.size.empty() ? &s.architecture.sizes.front() : s.FindSize(a.size);
  if (size == nullptr) {
    PrintError("unknown size '" + a.size + "' in " + s.path);
    return kExitError;
  }
  engine::ConfigureThreads(s.profile.threads);
  // Stored beside the measurements: the card's evaluation table shows it after `render`.
  const std::string path = publish::UnderRoot(a.out_dir, publish::ResultsPath(s.slug));
  engine::Report report;
  std::error_code exists_error;
  if (fs::exists(fs::symlink_status(path, exists_error))) {
    // Stored results that cannot be read are reported (before evaluating), never replaced by a
    // counted-only report.
    if (engine::Status st = results::LoadReport(path, &report); !st.ok()) {
      PrintError(st.message() + "; hint: fix or remove it (nothing was evaluated or stored)");
      return kExitError;
    }
  } else {
    report = NewReport(s);
    // Counted, not measured: no measured inputs recorded, so `build` still profiles this spec.
    report.measured_inputs_sha256.clear();
    if (engine::Status st = CountSizes(s, "", 1, 0, &report.sizes); !st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
  }
  std::vector<engine::MeasuredEvaluation> measured;
  if (engine::Status st = EvaluateSize(s, *size, a.request, &measured); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  bool merged = false;
  for (auto& sr : report.sizes) {
    if (sr.name != size->name) continue;
    MergeEvaluations(measured, &sr.evaluations);
    merged = true;
  }
  if (!merged) {
    PrintError(path + " has no size '" + size->name + "' to store the evaluation in; hint: modelcard build " + s.path);
    return kExitError;
  }
  if (engine::Status st = results::SaveReport(path, report); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  std::cout << "wrote " << path << " (run `modelcard render` to show it in the card)\n";
  return kExitOk;
}

// What MeasureSpec attempted for `s` under the flags of `a` (the devices: those `measured` has rows
// of): the stored rows inside it are replaced, the others kept (results::MergeStoredRows).
results::MeasuredScope MeasuredScopeOf(const spec::Spec& s, const MeasureArgs& a, const engine::Report& measured) {
  const spec::Profile& p = s.profile;
  results::MeasuredScope scope;
  scope.sizes = a.size.empty() ? p.sizes : std::vector<std::string>{a.size};
  std::set<std::string> devices;
  for (const auto& sr : measured.sizes) {
    for (const auto& r : sr.runs) devices.insert(r.device);
    for (const auto& f : sr.failures) devices.insert(f.device);
  }
  scope.devices.assign(devices.begin(), devices.end());
  scope.dtypes = a.dtype.empty() ? p.dtypes : std::vector<std::string>{a.dtype};
  scope.batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.batch_sizes;
  scope.train_batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.train_batch_sizes;
  scope.sequence_lengths = a.seq ? std::vector<int64_t>{*a.seq} : p.sequence_lengths;
  scope.generate = p.generation_enabled && !a.no_generate;
  scope.preprocess = p.preprocess;
  scope.train = p.train_enabled && !a.no_train;
  if (a.experiments && s.experiments.enabled && !scope.sizes.empty()) scope.experiment_sizes = {scope.sizes.front()};
  return scope;
}

// The order of a full measurement of `s` (MeasureSpec's loops).
results::RowOrder RowOrderOf(const spec::Spec& s, const MeasureArgs& a) {
  const spec::Profile& p = s.profile;
  return {!a.devices.empty() ? a.devices : p.devices, p.dtypes, p.batch_sizes, p.train_batch_sizes,
          p.sequence_lengths};
}

int RunBuild(MeasureArgs a) {
  std::vector<std::string> paths;
  if (engine::Status st = ExpandSpecPaths(a.specs, &paths); !st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  std::vector<spec::Spec> specs;
  project::ProjectConfig project;
  if (!LoadProject(a.config_path, &project)) return kExitError;  // nothing measured or written
  ApplyProject(project, &a);
  if (!a.machine.empty() && !project::IsValidMachineLabel(a.machine)) {
    PrintError("--machine '" + a.machine + "' must match [a-z0-9][a-z0-9._-]*");
    return kExitError;
  }
  int64_t shard = 1, shards = 1;
  if (!a.shard.empty() && !ParseShard(a.shard, &shard, &shards)) {
    PrintError("--shard '" + a.shard + "' must be I/N with 1 <= I <= N, e.g. --shard 2/4");
    return kExitError;
  }
  if (!ParseAll(paths, &specs)) return kExitError;
  if (!MeasureFlagsApply(specs, a)) return kExitError;
  {
    std::set<std::string> slugs;
    for (const auto& s : specs) slugs.insert(s.slug);
    SweepTemporaries(a.out_dir, slugs, project);
  }
  Progress progress;
  MeasureArgs args = a;
  bool calibrated = false;
  for (const spec::Spec& s : specs) {
    if (!a.shard.empty() && publish::ShardOf(s.slug, shards) != shard) continue;
    const std::string path = publish::UnderRoot(a.out_dir, publish::ResultsPath(s.slug, a.machine));
    engine::Report stored;
    const bool have_stored = results::LoadReport(path, &stored).ok();
    if (!a.force && have_stored) {
      if (std::string why = results::StaleReason(stored, results::MeasuredInputsSha256(s)); why.empty()) {
        std::cout << path << " is up to date (measured inputs and engine unchanged; --force measures again)\n";
        continue;
      }
    }
    if (calibrated) args.recalibrate = false;  // calibrate once per run: every spec shares the same peaks
    engine::Report report;
    if (engine::Status st = MeasureSpec(s, args, progress, &report); !st.ok()) {
      progress.Done();
      PrintError(st.message());
      return kExitError;
    }
    calibrated = true;
    // `modelcard eval` results of the same checkpoint survive a re-measure (evaluation.measure's
    // rows were just measured again and replace theirs).
    if (have_stored) {
      for (auto& sr : report.sizes) {
        const spec::Size* size = s.FindSize(sr.name);
        for (const auto& old_sr : stored.sizes) {
          if (old_sr.name != sr.name || size == nullptr) continue;
          std::vector<engine::MeasuredEvaluation> kept;
          for (const auto& e : old_sr.evaluations) {
            bool replaced = false;
            for (const auto& x : sr.evaluations)
              replaced = replaced || (x.metric == e.metric && x.dataset == e.dataset && x.dtype == e.dtype);
            if (!replaced && e.weights == size->weights) kept.push_back(e);
          }
          sr.evaluations.insert(sr.evaluations.begin(), kept.begin(), kept.end());
        }
      }
      // A partial re-measure (--size, --dtype, --no-experiments, ...) keeps the stored rows it did
      // not measure, unless they belong to other measured inputs, another engine or another machine.
      const results::MeasuredScope scope = MeasuredScopeOf(s, a, report);
      if (std::string why = results::KeepBlocker(stored, report); why.empty()) {
        if (int64_t kept = results::MergeStoredRows(stored, scope, RowOrderOf(s, a), &report); kept > 0)
          std::cout << path << ": kept " << kept << " stored row" << (kept == 1 ? "" : "s")
                    << " this build did not measure\n";
      } else if (int64_t dropped = results::RowsOutsideScope(stored, scope); dropped > 0) {
        std::cerr << "modelcard: note: " << path << ": " << dropped << " stored row" << (dropped == 1 ? "" : "s")
                  << " this build did not measure " << (dropped == 1 ? "is" : "are") << " not kept (" << why
                  << "); build without narrowing flags to measure them again\n";
      }
    }
    if (engine::Status st = results::SaveReport(path, report, a.out_dir); !st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
    std::cout << "wrote " << path << "\n";
  }
  if (!a.shard.empty()) {
    std::cout << "shard " << shard << "/" << shards << ": results only; render every document with `modelcard render`"
              << " once all shards are in\n";
    return kExitOk;
  }
  std::vector<engine::Report> reports;
  if (!LoadStoredReports(specs, a.out_dir, &reports)) return kExitError;
  std::set<std::string> targets;
  AddRenderContext(a.specs, a.out_dir, &specs, &reports, &targets);
  return RenderAndWrite(specs, reports, project, a, &targets);
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
  auto* count_cmd = app.add_subcommand("count", "Exact parameters and forward FLOPs of every size (no timing, nothing allocated)");
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

  MeasureArgs measure;
#if MODELCARD_WITH_TORCH
  auto add_measure_flags = [&](CLI::App* cmd) {
    cmd->add_option("--size", measure.size, "only this size (default: the spec's profile.sizes)");
    cmd->add_option("--dtype", measure.dtype, "float32 | bfloat16 | float16 (default: profile.dtypes)")
        ->check(CLI::IsMember({"float32", "bfloat16", "float16"}));
    cmd->add_option("--device", measure.device, "cpu | cuda (default: profile.devices)")->check(CLI::IsMember({"cpu", "cuda"}));
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
                     "the calibration); hint: use --threads 0 for all of them, or at most " + std::to_string(cores);
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
    cmd->add_option("--min-iterations", measure.min_iterations, "at least this many timed iterations")->check(CLI::PositiveNumber);
    cmd->add_option("--min-seconds", measure.min_seconds, "and at least this many seconds")->check(CLI::NonNegativeNumber);
    cmd->add_flag("--no-generate", measure.no_generate, "skip the generation scenario");
    cmd->add_flag("--no-train", measure.no_train, "skip the training-step scenario");
    cmd->add_flag("--recalibrate", measure.recalibrate, "measure the peak GEMM FLOP/s and bandwidth again");
  };

  auto* profile_cmd = app.add_subcommand("profile", "Measure a spec's scenarios on this machine and print them");
  profile_cmd->add_option("spec", measure.specs, "spec file")->required()->expected(1);
  add_measure_flags(profile_cmd);
  profile_cmd->add_flag("--json", measure.json, "print results JSON (DESIGN.md contract)");
  profile_cmd->add_flag("--experiments", measure.experiments, "also run the optimization experiments (spec experiments:)");
  bool no_experiments = false;

  auto* build_cmd = app.add_subcommand("build", "Count, profile, store results and render every document");
  build_cmd->add_option("specs", measure.specs, "spec files or directories")->required();
  build_cmd->add_option("--out", measure.out_dir, "output root: results/, cards/, docs/ go here (default .)");
  build_cmd->add_option("--templates", measure.templates_dir, "template directory overriding the bundled one");
  build_cmd->add_option("--config", measure.config_path, "project configuration (default: ./modelcard.yaml if present)");
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
  render_cmd->add_option("--config", measure.config_path, "project configuration (default: ./modelcard.yaml if present)");

#if MODELCARD_WITH_TORCH
  EvalArgs eval;
  auto* eval_cmd = app.add_subcommand(
      "eval", "Measure a size's checkpoint (weights:): perplexity on tokens or text, or classifier accuracy");
  eval_cmd->add_option("spec", eval.spec_path, "spec file")->required();
  eval_cmd->add_option("--size", eval.size, "the size (default: the first)");
  eval_cmd->add_option("--data", eval.request.data,
                       "token ids (.bin: nanoGPT's little-endian uint16), text (any other extension: tokenized by "
                       "the checkpoint's vocab.json + merges.txt), or a labelled set (.safetensors: labels + "
                       "pixel_values or input_ids) for classifiers")
      ->required();
  eval_cmd->add_option("--name", eval.request.name, "dataset name shown in the card (default: the file name)");
  eval_cmd->add_option("--dtype", eval.request.options.dtype, "float32 | bfloat16")->check(CLI::IsMember({"float32", "bfloat16"}));
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
  eval_cmd->add_option("--window", eval.request.options.window, "tokens predicted per window (default: context_length - 1)")
      ->check(positive("tokens"));
  eval_cmd->add_option("--batch", eval.request.options.batch, "windows per forward pass (default 8)")->check(positive("windows or samples"));
  eval_cmd->add_option("--max-tokens", eval.request.options.max_tokens, "stop after this many predicted tokens")->check(positive("tokens"));
  eval_cmd->add_option("--max-samples", eval.request.options.max_samples, "classifiers: the first this many samples of the set")
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
  check_cmd->add_option("--config", measure.config_path, "project configuration (default: ./modelcard.yaml if present)");
  check_cmd->add_flag("--diff", measure.diff, "print a unified diff of every stale file");

  std::vector<std::string> inject_files;
  std::vector<std::string> inject_specs = {"specs"};
  auto* inject_cmd = app.add_subcommand(
      "inject", "Fill the <!-- BEGIN MODELCARD <slug> <section> --> regions of hand-written Markdown files");
  inject_cmd->add_option("files", inject_files, "files to fill (default: modelcard.yaml's inject: list)");
  inject_cmd->add_option("--specs", inject_specs, "spec files or directories the regions refer to (default specs)");
  inject_cmd->add_option("--out", measure.out_dir, "output root holding results/ (default .)");
  inject_cmd->add_option("--templates", measure.templates_dir, "template directory overriding the bundled one");
  inject_cmd->add_option("--config", measure.config_path, "project configuration (default: ./modelcard.yaml if present)");

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
