// Measuring specs on this machine (`profile`, `build`): the counts, the profile's scenarios on each
// device (app/plan.h decides which), the optimization study, evaluation.measure, and for `build`
// the results stored under the output root. Needs the LibTorch engine: measure.cc is compiled only
// into the CLI of a build with it (CMakeLists.txt: APP_TORCH_SOURCES, MODELCARD_WITH_TORCH).
// Nothing here prints: notes, warnings, progress and files written go to the Observer, each
// evaluation's results to the EvalCallback.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"
#include "generator/app/evaluate.h"
#include "generator/app/workspace.h"
#include "generator/spec/spec.h"

namespace app {

// The calibration cache: $MODELCARD_CACHE/calibration.json, else ~/.cache/modelcard/calibration.json.
std::string CalibrationCachePath();

// Counts every size of `s` and measures the spec's profile (narrowed by the flags of `a`) into
// *report: the peaks calibrated per device, each size's runs (a scenario that cannot run here is a
// failure row, with a warning), the study on the first profiled size, then evaluation.measure.
// a.refuse_over_memory: the memory guard over every scenario first, an error before anything is
// calibrated or allocated. Ends with obs.ProgressDone() when it succeeds.
engine::Status MeasureSpec(const spec::Spec& s, const MeasureArgs& a, const Observer& obs,
                           const EvalCallback& on_evaluated, engine::Report* report);

// What build reports about each spec's stored results besides the Observer's files written.
struct StoreEvents {
  std::function<void(const std::string& path)> on_up_to_date;          // current: not measured again
  std::function<void(const std::string& path, int64_t rows)> on_kept;  // rows a partial re-measure kept
};

// build's measuring: each spec of `specs` (only those of shard `shard` of `shards` when a.shard
// is given) whose stored results (results/<slug>[@<machine>].json under a.out_dir) are stale,
// missing, or a.force, is measured (MeasureSpec; the peaks calibrated once per run), merged with
// what it keeps of the stored results (app/store.h) and saved; obs.Wrote(path) after each.
// Stops at the first error (after obs.ProgressDone() when measuring failed).
engine::Status MeasureAndStore(const std::vector<spec::Spec>& specs, const MeasureArgs& a, int64_t shard,
                               int64_t shards, const Observer& obs, const EvalCallback& on_evaluated,
                               const StoreEvents& events);

}  // namespace app
