// What a new measurement of a spec keeps of its stored results (`build` when results are stored):
// the `modelcard eval` rows of the same checkpoint (app::MergeEvaluations) and, after a partial
// re-measure (--size, --dtype, --no-experiments, ...), the stored rows it did not measure
// (results::MergeStoredRows). Plain C++: no LibTorch, no printing.
#pragma once

#include <cstdint>
#include <string>

#include "engine/report.h"
#include "generator/app/workspace.h"
#include "generator/spec/spec.h"

namespace app {

struct KeptRows {
  int64_t kept = 0;     // stored rows added to the new report
  int64_t dropped = 0;  // stored rows outside the measured scope that could not be kept ...
  std::string why;      // ... because of this (results::KeepBlocker); "" when kept
};

// Merges into `report` (just measured for `s` under the flags of `a`) what `stored` holds that
// it should keep: each size's evaluation rows of the size's current checkpoint that no new row
// replaces (evaluation.measure's rows were measured again and replace theirs), and the rows
// outside the measured scope, unless they belong to other measured inputs, another engine or
// another machine.
KeptRows KeepStoredRows(const spec::Spec& s, const MeasureArgs& a, const engine::Report& stored,
                        engine::Report* report);

}  // namespace app
