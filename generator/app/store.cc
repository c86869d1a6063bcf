#include "generator/app/store.h"

#include "generator/app/plan.h"
#include "generator/results/results_merge.h"

namespace app {

KeptRows KeepStoredRows(const spec::Spec& s, const MeasureArgs& a, const engine::Report& stored,
                        engine::Report* report) {
  // `modelcard eval` results of the same checkpoint survive a re-measure.
  for (auto& sr : report->sizes) {
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
  KeptRows out;
  const results::MeasuredScope scope = MeasuredScopeOf(s, a, *report);
  out.why = results::KeepBlocker(stored, *report);
  if (out.why.empty())
    out.kept = results::MergeStoredRows(stored, scope, RowOrderOf(s, a), report);
  else
    out.dropped = results::RowsOutsideScope(stored, scope);
  return out;
}

}  // namespace app
