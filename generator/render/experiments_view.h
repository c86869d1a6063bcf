// The experiments README's part of the view model (seed experiments-readme.template.md): the
// optimization study's tables, the benchmark hardware, and key insights written from the
// measured numbers only. Not the template itself (templates/experiments-readme.mustache).
#pragma once

#include <cstdint>
#include <string>

#include "engine/report.h"
#include "generator/render/view_helpers.h"
#include "generator/render/view_model.h"

namespace render {

// Adds every exp_* key of templates/experiments-readme.mustache to *v, one function per
// README section; fixed sentences are the template's, computed values and tables are keys.
// REQUIRES: in.spec != nullptr. A report without experiments clears exp_has_experiments, under
// which the template says "not measured yet" (templates/partials/exp-not-measured.mustache).
void AddExperimentsReadme(const RenderInput& in, internal::View* v);

// Key-insight wording: pure functions of the measured numbers (no canned claims), one per
// experiment, exposed for the tests. Conventions: speedup = baseline mean latency / variant
// mean latency; accuracy is against the float32 eager model on the same input.
namespace exp_insight {

// 4.1 -> "4.10× faster", 0.5 -> "2.00× slower"; within 2% of 1 -> "as fast (1.01×)".
std::string SpeedPhrase(double speedup);
// Peak bytes of a variant against its baseline: "saves 12.0 KiB of peak memory (25.0%)",
// "needs 12.0 KiB more peak memory (+25.0%)" or "needs the same peak memory".
std::string PeakMemoryPhrase(int64_t baseline_bytes, int64_t variant_bytes);
// "a max abs error of 0.0310 (max rel error 0.250%) and 99.2% top-1 agreement with float32
// eager"; "" when the variant has no accuracy measurement.
std::string AccuracyPhrase(const engine::ExperimentVariant& v);
// A positive error with 3 significant digits: 0.0312 -> "0.0312", 3.2e-6 -> "3.20e-06", 0 -> "0".
std::string ErrorValue(double x);
// Milliseconds with 3 significant digits, no unit: 0.0004 s -> "0.400", 1.2374 s -> "1,237".
std::string Milliseconds(double seconds);

// One sentence (or two) per experiment id; a non-applicable experiment gives
// "Not applicable: <reason>."; an experiment without measured variants says so.
std::string FusedAttention(const engine::Experiment& e);
std::string MixedPrecision(const engine::Experiment& e);
std::string KvCache(const engine::Experiment& e);
std::string Int8Weights(const engine::Experiment& e);
std::string BatchScaling(const engine::Experiment& e);
std::string ThreadScaling(const engine::Experiment& e);
std::string ActivationCheckpointing(const engine::Experiment& e);
std::string Combined(const engine::Experiment& e);
// Dispatches on e.id (a generic comparison for an unknown id).
std::string Insight(const engine::Experiment& e);

}  // namespace exp_insight
}  // namespace render
