// Profile planning: which devices, dtypes, sizes, scenarios and data sets a measurement of a spec
// runs under the flags, and what it attempted (the scope a re-measure replaces in the stored
// results). Pure functions of the spec and the options: plain C++, no LibTorch, nothing detected,
// read or printed. app/measure.cc runs the plan; the engine types used here are plain structs
// (engine/engine.h, engine/experiments/experiments.h declare no LibTorch type).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/experiments/experiments.h"
#include "engine/status.h"
#include "generator/app/evaluate.h"
#include "generator/app/workspace.h"
#include "generator/results/results_merge.h"
#include "generator/spec/spec.h"

namespace app {

// The loops of one spec's measurement, in order.
struct ProfilePlan {
  std::vector<std::string> devices;             // --device, else modelcard.yaml's devices, else profile.devices
  std::vector<std::string> dtypes;              // --dtype, else profile.dtypes
  std::vector<std::string> sizes;               // --size, else profile.sizes (a name the spec lacks is an error)
  std::vector<std::string> calibration_dtypes;  // the peaks to calibrate: dtypes, plus float32 and bfloat16
                                                // when the study runs (its mixed-precision MFU needs both)
  std::string experiment_size;                  // the size the optimization study runs on (the first of
                                                // `sizes`, on the first device measured); "" = none
};

ProfilePlan PlanProfile(const spec::Spec& s, const MeasureArgs& a);

// The scenarios of one size on one device: the plan's dtypes, --batch (else profile.batch_sizes
// and train_batch_sizes), --seq (else profile.sequence_lengths), generation and training unless
// turned off (spec or --no-generate / --no-train), the timing settings (flags and modelcard.yaml
// over the spec's), the size's checkpoint and --max-memory. No progress callback.
engine::ProfileOptions ProfileOptionsFor(const spec::Spec& s, const MeasureArgs& a, const ProfilePlan& plan,
                                         const std::string& device, const spec::Size& size);

// --batch / --seq against one size (`size_name` of `s`, config `c`): OK when neither is given;
// else the --seq it can take and, for every batch the run uses, the forward, generation and
// training counts fit int64 (app/run_limits.h). *note: an extrapolation note, or "" (always ""
// when the --seq itself or the counts at --batch are refused; a note is shown even when a later
// batch of the profile is refused).
engine::Status CheckSizeFlags(const spec::Spec& s, const MeasureArgs& a, const std::string& size_name,
                              const engine::ModelConfig& c, std::string* note);

// The optimization study of the spec's experiments: section, at the timing settings of `o` (the
// size's ProfileOptionsFor). No progress callback.
engine::ExperimentOptions ExperimentOptionsFor(const spec::Spec& s, const engine::ProfileOptions& o);

// The shapes the study runs, as ProfileOptions for the memory guard: both dtypes, every swept
// batch and the fixed one, a generation and a training step at the study's shape.
engine::ProfileOptions StudyMemoryOptions(const engine::ProfileOptions& o, const engine::ExperimentOptions& x);

// One data set of evaluation.measure on one size.
struct PlannedEvaluation {
  std::string size;     // the size's name
  std::string data;     // the data file as the spec writes it (progress lines)
  EvalRequest request;  // data: resolved path; name: the spec's, else the file name
};

// evaluation.measure: every listed data set on each size (in the spec's order) that names weights
// and is among `sizes` (the profiled ones), or on the one size an entry names.
std::vector<PlannedEvaluation> PlanEvaluations(const spec::Spec& s, const std::vector<std::string>& sizes);

// What a measurement of `s` under the flags of `a` attempted (the devices: those `measured` has rows
// of): the stored rows inside it are replaced, the others kept (results::MergeStoredRows).
results::MeasuredScope MeasuredScopeOf(const spec::Spec& s, const MeasureArgs& a, const engine::Report& measured);

// The order of a full measurement of `s` (the measurement's loops).
results::RowOrder RowOrderOf(const spec::Spec& s, const MeasureArgs& a);

// A flag that applies to none of the specs it was given for is an error, not silently ignored:
// --no-generate where no spec generates token by token (a directory build where some do is fine).
engine::Status CheckMeasureFlagsApply(const std::vector<spec::Spec>& specs, const MeasureArgs& a);

}  // namespace app
