// The LibTorch half of app/evaluate.h: compiled into the CLI of a build with the engine
// (CMakeLists.txt: APP_TORCH_SOURCES), never into the plain modelcard_generator library.
#include "generator/app/evaluate.h"

#if MODELCARD_WITH_TORCH
#include <filesystem>

#include "engine/engine.h"
#include "engine/weights/safetensors.h"
#include "generator/app/count.h"
#include "generator/publish/outputs.h"
#include "generator/results/results_store.h"
#include "generator/text/bpe_tokenizer.h"

namespace fs = std::filesystem;

namespace app {
namespace {

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
      return engine::Status::InvalidArgument(data + ": the tokenizer gives id " + std::to_string((*ids)[i]) +
                                             " (token " + std::to_string(i) + "), outside the model's vocabulary of " +
                                             std::to_string(vocab_size) +
                                             "; hint: the tokenizer and the checkpoint do not belong together");
  }
  return engine::Status::OK();
}

}  // namespace

engine::Status EvaluateSize(const spec::Spec& s, const spec::Size& size, const EvalRequest& q,
                            const EvalCallback& on_evaluated, std::vector<engine::MeasuredEvaluation>* out) {
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
  EvalOutcome outcome;
  outcome.model = s.name;
  outcome.size = size.name;
  outcome.dtype = o.dtype;
  outcome.weights = size.weights;
  outcome.dataset = dataset;
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
    outcome.accuracy = true;
    outcome.top1 = result.top1;
    outcome.top5 = result.top5;
    outcome.samples = result.samples;
    outcome.seconds = result.seconds;
    if (on_evaluated) on_evaluated(outcome);
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
  outcome.perplexity = result.value;
  outcome.tokens = result.tokens;
  outcome.windows = result.windows;
  outcome.seconds = result.seconds;
  if (on_evaluated) on_evaluated(outcome);
  e.metric = "perplexity";
  e.tokens = result.tokens;
  e.value = result.value;
  e.date = result.date;
  out->push_back(e);
  return engine::Status::OK();
}

engine::Status EvaluateAndStore(const spec::Spec& s, const std::string& size_name, const std::string& out_dir,
                                const EvalRequest& q, const EvalCallback& on_evaluated, std::string* path) {
  const spec::Size* size = size_name.empty() ? &s.architecture.sizes.front() : s.FindSize(size_name);
  if (size == nullptr) return engine::Status::InvalidArgument("unknown size '" + size_name + "' in " + s.path);
  engine::ConfigureThreads(s.profile.threads);
  // Stored beside the measurements: the card's evaluation table shows it after `render`.
  *path = publish::UnderRoot(out_dir, publish::ResultsPath(s.slug));
  engine::Report report;
  std::error_code exists_error;
  if (fs::exists(fs::symlink_status(*path, exists_error))) {
    // Stored results that cannot be read are reported (before evaluating), never replaced by a
    // counted-only report.
    if (engine::Status st = results::LoadReport(*path, &report); !st.ok())
      return engine::Status::InvalidArgument(st.message() +
                                             "; hint: fix or remove it (nothing was evaluated or stored)");
  } else {
    report = NewReport(s);
    // Counted, not measured: no measured inputs recorded, so `build` still profiles this spec.
    report.measured_inputs_sha256.clear();
    if (engine::Status st = CountSizes(s, "", 1, 0, &report.sizes); !st.ok()) return st;
  }
  std::vector<engine::MeasuredEvaluation> measured;
  if (engine::Status st = EvaluateSize(s, *size, q, on_evaluated, &measured); !st.ok()) return st;
  bool merged = false;
  for (auto& sr : report.sizes) {
    if (sr.name != size->name) continue;
    sr.evaluations = MergeEvaluations(sr.evaluations, measured, size->weights);
    merged = true;
  }
  if (!merged)
    return engine::Status::InvalidArgument(*path + " has no size '" + size->name +
                                           "' to store the evaluation in; hint: modelcard build " + s.path);
  return results::SaveReport(*path, report);
}

}  // namespace app
#endif  // MODELCARD_WITH_TORCH
