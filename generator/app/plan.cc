#include "generator/app/plan.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "generator/app/run_limits.h"
#include "generator/spec/spec_parser.h"

namespace fs = std::filesystem;

namespace app {

ProfilePlan PlanProfile(const spec::Spec& s, const MeasureArgs& a) {
  const spec::Profile& p = s.profile;
  ProfilePlan plan;
  plan.devices = !a.device.empty() ? std::vector<std::string>{a.device} : !a.devices.empty() ? a.devices : p.devices;
  plan.dtypes = a.dtype.empty() ? p.dtypes : std::vector<std::string>{a.dtype};
  plan.sizes = a.size.empty() ? p.sizes : std::vector<std::string>{a.size};
  plan.calibration_dtypes = plan.dtypes;
  if (a.experiments && s.experiments.enabled) {
    for (const char* d : {"float32", "bfloat16"})
      if (std::find(plan.calibration_dtypes.begin(), plan.calibration_dtypes.end(), d) == plan.calibration_dtypes.end())
        plan.calibration_dtypes.push_back(d);
    if (!plan.sizes.empty()) plan.experiment_size = plan.sizes.front();
  }
  return plan;
}

engine::ProfileOptions ProfileOptionsFor(const spec::Spec& s, const MeasureArgs& a, const ProfilePlan& plan,
                                         const std::string& device, const spec::Size& size) {
  const spec::Profile& p = s.profile;
  engine::ProfileOptions o;
  o.device = device;
  o.dtypes = plan.dtypes;
  o.batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.batch_sizes;
  o.sequence_lengths = a.seq ? std::vector<int64_t>{*a.seq} : p.sequence_lengths;
  o.generate = p.generation_enabled && !a.no_generate;
  o.preprocess = p.preprocess;
  o.train = p.train_enabled && !a.no_train;
  o.train_batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.train_batch_sizes;
  o.weights_path = size.weights_path;
  o.prompt_tokens = p.generation.prompt_tokens;
  o.new_tokens = p.generation.new_tokens;
  o.warmup = a.warmup.value_or(p.warmup);
  o.min_iterations = a.min_iterations.value_or(p.min_iterations);
  o.min_seconds = a.min_seconds.value_or(p.min_seconds);
  o.max_memory_bytes = a.max_memory;
  return o;
}

engine::Status CheckSizeFlags(const spec::Spec& s, const MeasureArgs& a, const std::string& size_name,
                              const engine::ModelConfig& c, std::string* note) {
  note->clear();
  if (!a.batch && !a.seq) return engine::Status::OK();
  const spec::Profile& p = s.profile;
  const std::string what = s.path + ": size '" + size_name + "'";
  if (engine::Status st = CheckRunFlags(c, what, a.batch.value_or(1), a.seq, note); !st.ok()) {
    note->clear();  // the flags are refused: no note beside the error
    return st;
  }
  // Every batch the run will use: its forward, the generation and the training step it measures.
  const bool train = p.train_enabled && !a.no_train, generate = p.generation_enabled && !a.no_generate;
  for (int64_t batch : a.batch ? std::vector<int64_t>{*a.batch} : p.batch_sizes) {
    std::string ignored;
    engine::Status st = CheckRunFlags(c, what, batch, a.seq, &ignored);
    if (st.ok())
      st = CheckMeasuredRunFlags(c, what, batch, a.seq, false, generate, p.generation.prompt_tokens,
                                 p.generation.new_tokens);
    if (!st.ok()) return st;
  }
  for (int64_t batch : a.batch ? std::vector<int64_t>{*a.batch} : p.train_batch_sizes)
    if (engine::Status st = CheckMeasuredRunFlags(c, what, batch, a.seq, train, false, 0, 0); !st.ok()) return st;
  return engine::Status::OK();
}

engine::ExperimentOptions ExperimentOptionsFor(const spec::Spec& s, const engine::ProfileOptions& o) {
  engine::ExperimentOptions x;
  x.device = o.device;
  x.batch = s.experiments.batch;
  x.sequence_length = s.experiments.sequence_length > 0 ? s.experiments.sequence_length : 128;
  x.batch_sizes = s.experiments.batch_sizes;
  x.latency_budget_s = s.experiments.latency_budget_ms / 1000.0;
  x.prompt_tokens = s.profile.generation.prompt_tokens;
  x.new_tokens = s.experiments.new_tokens;
  x.warmup = o.warmup;
  x.min_iterations = o.min_iterations;
  x.min_seconds = o.min_seconds;
  x.weights_path = o.weights_path;
  return x;
}

engine::ProfileOptions StudyMemoryOptions(const engine::ProfileOptions& o, const engine::ExperimentOptions& x) {
  engine::ProfileOptions study = o;
  study.dtypes = {"float32", "bfloat16"};
  study.batch_sizes = x.batch_sizes;
  study.batch_sizes.push_back(x.batch);
  study.sequence_lengths = {x.sequence_length};
  study.preprocess = false;
  study.generate = study.train = true;
  study.train_batch_sizes = {x.batch};
  study.prompt_tokens = x.prompt_tokens;
  study.new_tokens = x.new_tokens;
  return study;
}

std::vector<PlannedEvaluation> PlanEvaluations(const spec::Spec& s, const std::vector<std::string>& sizes) {
  std::vector<PlannedEvaluation> out;
  for (const spec::MeasuredDataset& m : s.evaluation.measure) {
    for (const spec::Size& size : s.architecture.sizes) {
      if (size.weights_path.empty()) continue;
      if (!m.size.empty() ? m.size != size.name : std::find(sizes.begin(), sizes.end(), size.name) == sizes.end())
        continue;
      PlannedEvaluation e;
      e.size = size.name;
      e.data = m.data;
      e.request.data = m.data_path;
      e.request.name = m.name.empty() ? fs::path(m.data).filename().string() : m.name;
      e.request.options.dtype = m.dtype;
      e.request.options.window = m.window;
      out.push_back(std::move(e));
    }
  }
  return out;
}

results::MeasuredScope MeasuredScopeOf(const spec::Spec& s, const MeasureArgs& a, const engine::Report& measured) {
  const spec::Profile& p = s.profile;
  results::MeasuredScope scope;
  scope.sizes = a.size.empty() ? p.sizes : std::vector<std::string>{a.size};
  std::set<std::string> devices;
  for (const auto& sr : measured.sizes) {
    for (const auto& r : sr.runs) devices.insert(r.device);
    for (const auto& f : sr.failures) devices.insert(f.device);
  }
  scope.devices.assign(devices.begin(), devices.end());
  scope.dtypes = a.dtype.empty() ? p.dtypes : std::vector<std::string>{a.dtype};
  scope.batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.batch_sizes;
  scope.train_batch_sizes = a.batch ? std::vector<int64_t>{*a.batch} : p.train_batch_sizes;
  scope.sequence_lengths = a.seq ? std::vector<int64_t>{*a.seq} : p.sequence_lengths;
  scope.generate = p.generation_enabled && !a.no_generate;
  scope.preprocess = p.preprocess;
  scope.train = p.train_enabled && !a.no_train;
  if (a.experiments && s.experiments.enabled && !scope.sizes.empty()) scope.experiment_sizes = {scope.sizes.front()};
  return scope;
}

results::RowOrder RowOrderOf(const spec::Spec& s, const MeasureArgs& a) {
  const spec::Profile& p = s.profile;
  return {!a.devices.empty() ? a.devices : p.devices, p.dtypes, p.batch_sizes, p.train_batch_sizes, p.sequence_lengths};
}

engine::Status CheckMeasureFlagsApply(const std::vector<spec::Spec>& specs, const MeasureArgs& a) {
  if (!a.no_generate) return engine::Status::OK();
  std::vector<std::string> families;
  for (const spec::Spec& s : specs) {
    if (spec::FamilyGenerates(s.architecture)) return engine::Status::OK();
    families.push_back(s.slug + " is " + engine::FamilyName(s.architecture.family));
  }
  std::string list;
  for (const std::string& f : families) list += (list.empty() ? "" : ", ") + f;
  return engine::Status::InvalidArgument("--no-generate does not apply: no spec here generates token by token (" +
                                         list +
                                         "; only the decoder, moe, recurrent and audio-with-decoder families do)");
}

}  // namespace app
