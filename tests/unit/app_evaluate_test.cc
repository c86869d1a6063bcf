// app/evaluate: the one rule by which measured evaluation rows join a size's stored ones (eval,
// build's evaluation.measure, and build keeping an earlier eval's rows across a re-measure,
// app/store.h), issue 15.
#include "generator/app/evaluate.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "generator/app/store.h"

namespace {

engine::MeasuredEvaluation Row(const std::string& metric, const std::string& dataset, const std::string& dtype,
                               const std::string& weights, double value) {
  engine::MeasuredEvaluation e;
  e.metric = metric;
  e.dataset = dataset;
  e.dtype = dtype;
  e.weights = weights;
  e.value = value;
  return e;
}

// "metric/dataset/dtype=value" of each row, in order.
std::vector<std::string> Keys(const std::vector<engine::MeasuredEvaluation>& rows) {
  std::vector<std::string> out;
  for (const auto& e : rows)
    out.push_back(e.metric + "/" + e.dataset + "/" + e.dtype + "=" + std::to_string(static_cast<int>(e.value)));
  return out;
}

}  // namespace

TEST_CASE("a measured row replaces the stored row of the same metric, dataset and dtype; the others stay in order") {
  const std::vector<engine::MeasuredEvaluation> stored = {
      Row("perplexity", "wiki", "float32", "ckpt", 1), Row("perplexity", "wiki", "bfloat16", "ckpt", 2),
      Row("perplexity", "books", "float32", "ckpt", 3), Row("top-1 accuracy", "wiki", "float32", "ckpt", 4)};
  const std::vector<engine::MeasuredEvaluation> measured = {Row("perplexity", "wiki", "float32", "ckpt", 10)};
  CHECK(Keys(app::MergeEvaluations(stored, measured, "ckpt")) ==
        std::vector<std::string>{"perplexity/wiki/bfloat16=2", "perplexity/books/float32=3",
                                 "top-1 accuracy/wiki/float32=4", "perplexity/wiki/float32=10"});
  // Nothing measured: the stored rows of the checkpoint, unchanged.
  CHECK(Keys(app::MergeEvaluations(stored, {}, "ckpt")) == Keys(stored));
  // Nothing stored: the measured rows as given.
  CHECK(Keys(app::MergeEvaluations({}, measured, "ckpt")) == Keys(measured));
}

TEST_CASE("both rows of a classifier's evaluation replace theirs, and a second data set adds to the first") {
  // One classifier evaluation on `dataset`: its top-1 and top-5 rows.
  auto accuracy = [](const std::string& dataset, double top1, double top5) {
    return std::vector<engine::MeasuredEvaluation>{Row("top-1 accuracy", dataset, "float32", "w", top1),
                                                   Row("top-5 accuracy", dataset, "float32", "w", top5)};
  };
  std::vector<engine::MeasuredEvaluation> rows;
  rows = app::MergeEvaluations(rows, accuracy("a", 1, 2), "w");
  rows = app::MergeEvaluations(rows, accuracy("b", 3, 4), "w");
  rows = app::MergeEvaluations(rows, accuracy("a", 5, 6), "w");
  CHECK(Keys(rows) == std::vector<std::string>{"top-1 accuracy/b/float32=3", "top-5 accuracy/b/float32=4",
                                               "top-1 accuracy/a/float32=5", "top-5 accuracy/a/float32=6"});
}

TEST_CASE("a stored row of another checkpoint is dropped: it does not describe the size's weights now") {
  const std::vector<engine::MeasuredEvaluation> stored = {Row("perplexity", "wiki", "float32", "old-ckpt", 1),
                                                          Row("perplexity", "books", "float32", "new-ckpt", 2),
                                                          Row("perplexity", "news", "float32", "old-ckpt", 3)};
  const std::vector<engine::MeasuredEvaluation> merged =
      app::MergeEvaluations(stored, {Row("perplexity", "code", "float32", "new-ckpt", 4)}, "new-ckpt");
  CHECK(Keys(merged) == std::vector<std::string>{"perplexity/books/float32=2", "perplexity/code/float32=4"});
  for (const auto& e : merged) CHECK(e.weights == "new-ckpt");
}

TEST_CASE("build keeps an earlier eval's rows of the same checkpoint beside evaluation.measure's new ones") {
  spec::Spec s;
  s.path = "specs/x.yaml";
  s.architecture.sizes.resize(2);
  s.architecture.sizes[0].name = "small";
  s.architecture.sizes[0].weights = "ckpt/small";
  s.architecture.sizes[1].name = "big";
  s.architecture.sizes[1].weights = "ckpt/big-v2";
  s.profile.sizes = {"small", "big"};
  engine::Report stored;
  stored.sizes.resize(2);
  stored.sizes[0].name = "small";
  stored.sizes[0].evaluations = {Row("perplexity", "eval-only", "float32", "ckpt/small", 1),
                                 Row("perplexity", "measured", "float32", "ckpt/small", 2)};
  stored.sizes[1].name = "big";
  stored.sizes[1].evaluations = {Row("perplexity", "eval-only", "float32", "ckpt/big-v1", 3)};
  engine::Report report;  // just measured: evaluation.measure gave "measured" again on small
  report.sizes.resize(2);
  report.sizes[0].name = "small";
  report.sizes[0].evaluations = {Row("perplexity", "measured", "float32", "ckpt/small", 20)};
  report.sizes[1].name = "big";
  app::MeasureArgs a;
  app::KeepStoredRows(s, a, stored, &report);
  CHECK(Keys(report.sizes[0].evaluations) ==
        std::vector<std::string>{"perplexity/eval-only/float32=1", "perplexity/measured/float32=20"});
  CHECK(report.sizes[1].evaluations.empty());  // measured on the old checkpoint
}
