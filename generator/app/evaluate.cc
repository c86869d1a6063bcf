#include "generator/app/evaluate.h"

#include <algorithm>

namespace app {

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

}  // namespace app
