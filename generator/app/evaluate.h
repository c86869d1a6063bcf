// Evaluation of a size's loaded checkpoint (`modelcard eval`, and `build` for the spec's
// evaluation.measure): perplexity on token ids (.bin) or text (other extensions), top-1 and top-5
// accuracy on a labelled .safetensors set; and the one rule by which measured evaluation rows join
// the stored ones. MergeEvaluations is plain C++; EvaluateSize and EvaluateAndStore need the
// LibTorch engine and exist only in a build with it (evaluate_torch.cc, MODELCARD_WITH_TORCH).
// Nothing here prints: each evaluation's results go to a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/evaluate.h"
#include "engine/report.h"
#include "engine/status.h"
#include "generator/spec/spec.h"

namespace app {

// One evaluation to run: the data file, the name shown (default: the file name) and the options
// (their weights_path is the size's).
struct EvalRequest {
  std::string data, name;
  engine::EvalOptions options;
};

// One evaluation's results, for the line the CLI prints.
struct EvalOutcome {
  std::string model, size, dtype, weights, dataset;
  bool accuracy = false;            // top-1 / top-5 of a classifier, else perplexity
  double top1 = 0, top5 = 0;        // accuracy
  int64_t samples = 0;              // accuracy
  double perplexity = 0;            // perplexity
  int64_t tokens = 0, windows = 0;  // perplexity
  double seconds = 0;
};

using EvalCallback = std::function<void(const EvalOutcome&)>;

// The one rule for a size's evaluation rows when new ones are measured (`modelcard eval`, each
// data set of build's evaluation.measure, and build keeping the rows of an earlier `eval` across a
// re-measure): the rows of `stored` of the same checkpoint (`weights`, as the spec names it) that
// no row of `measured` replaces (same metric, dataset and dtype), in their order, then `measured`
// as given (one evaluation's rows: no two share metric, dataset and dtype). A stored row of another
// checkpoint is dropped: it does not describe the weights the size names now.
std::vector<engine::MeasuredEvaluation> MergeEvaluations(const std::vector<engine::MeasuredEvaluation>& stored,
                                                         const std::vector<engine::MeasuredEvaluation>& measured,
                                                         const std::string& weights);

// LibTorch only (evaluate_torch.cc) ----------------------------------------------------------

// Evaluates `size` of `s` (its weights must be named) on q.data; appends the measured rows to
// *out and reports the results to `on_evaluated` (may be empty).
engine::Status EvaluateSize(const spec::Spec& s, const spec::Size& size, const EvalRequest& q,
                            const EvalCallback& on_evaluated, std::vector<engine::MeasuredEvaluation>* out);

// eval: evaluates `size_name` of `s` (the first size when "") and stores the rows in its results
// under `out_dir` (results/<slug>.json; counted-only results when none are stored yet, so `build`
// still measures the spec), merged by MergeEvaluations. *path: the results file. Stored results
// that cannot be read are an error before anything is evaluated, and are never replaced.
engine::Status EvaluateAndStore(const spec::Spec& s, const std::string& size_name, const std::string& out_dir,
                                const EvalRequest& q, const EvalCallback& on_evaluated, std::string* path);

}  // namespace app
