#include "generator/app/evaluate.h"

#include <algorithm>

namespace app {

std::vector<engine::MeasuredEvaluation> MergeEvaluations(const std::vector<engine::MeasuredEvaluation>& stored,
                                                         const std::vector<engine::MeasuredEvaluation>& measured,
                                                         const std::string& weights) {
  std::vector<engine::MeasuredEvaluation> merged;
  for (const engine::MeasuredEvaluation& e : stored) {
    const bool replaced = std::any_of(measured.begin(), measured.end(), [&](const engine::MeasuredEvaluation& m) {
      return m.metric == e.metric && m.dataset == e.dataset && m.dtype == e.dtype;
    });
    if (!replaced && e.weights == weights) merged.push_back(e);
  }
  merged.insert(merged.end(), measured.begin(), measured.end());
  return merged;
}

}  // namespace app
