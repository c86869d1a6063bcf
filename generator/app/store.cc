#include "generator/app/store.h"

#include "generator/app/evaluate.h"
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
      sr.evaluations = MergeEvaluations(old_sr.evaluations, sr.evaluations, size->weights);
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
