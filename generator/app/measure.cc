// The LibTorch half of the app layer's measuring (app/measure.h): compiled into the CLI of a build
// with the engine (CMakeLists.txt: APP_TORCH_SOURCES), never into the plain modelcard_generator.
#include "generator/app/measure.h"

#if MODELCARD_WITH_TORCH
#include <cstdlib>

#include "engine/engine.h"
#include "engine/experiments/experiments.h"
#include "engine/measure/threads.h"
#include "generator/app/count.h"
#include "generator/app/plan.h"
#include "generator/app/store.h"
#include "generator/publish/outputs.h"
#include "generator/results/measured_inputs.h"
#include "generator/results/results_store.h"

namespace app {

std::string CalibrationCachePath() {
  const char* cache = std::getenv("MODELCARD_CACHE");
  if (cache != nullptr && *cache != '\0') return std::string(cache) + "/calibration.json";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cache/modelcard/calibration.json";
}

engine::Status MeasureSpec(const spec::Spec& s, const MeasureArgs& a, const Observer& obs,
                           const EvalCallback& on_evaluated, engine::Report* report) {
  *report = NewReport(s);
  if (engine::Status st = CountSizes(s, "", 1, 0, &report->sizes); !st.ok()) return st;
  const spec::Profile& p = s.profile;
  // --threads above the cores is refused when parsed; a spec's or modelcard.yaml's count is capped
  // (the same spec runs on machines of every size), so no calibration is measured oversubscribed.
  if (const int64_t wanted = a.threads.value_or(p.threads); wanted > engine::AvailableCores())
    obs.Warning(s.path + ": profile.threads " + std::to_string(wanted) + " exceeds the " +
                std::to_string(engine::AvailableCores()) + " logical CPUs available here; measuring with " +
                std::to_string(engine::AvailableCores()));
  const int64_t threads = engine::ConfigureThreads(a.threads.value_or(p.threads));
  const ProfilePlan plan = PlanProfile(s, a);
  bool measured_any = false;
  for (const std::string& device : plan.devices) {
    if (device == "cuda" && !engine::CudaAvailable()) {
      if (!a.device.empty()) return engine::Status::Unavailable("--device cuda: no CUDA device is available");
      obs.Note(s.path + ": no CUDA device here; skipping the cuda rows");
      continue;
    }
    // profile: the memory guard over every scenario first, before calibrating or allocating anything.
    if (a.refuse_over_memory) {
      for (const std::string& size_name : plan.sizes) {
        const spec::Size* size = s.FindSize(size_name);
        if (size == nullptr) return engine::Status::InvalidArgument("unknown size '" + size_name + "' in " + s.path);
        if (engine::Status st = engine::CheckProfileMemory(size->config, ProfileOptionsFor(s, a, plan, device, *size));
            !st.ok())
          return engine::Status::Unavailable(s.path + ": size '" + size_name + "': " + st.message());
      }
    }
    engine::EnvironmentOptions env_options;
    env_options.device = device;
    env_options.dtypes = plan.calibration_dtypes;
    env_options.cache_path = CalibrationCachePath();
    env_options.recalibrate = a.recalibrate;
    env_options.progress = [&](const std::string& line) { obs.Progress("calibrating " + device + ": " + line); };
    if (engine::Status st = engine::DetectEnvironment(env_options, &report->environment); !st.ok()) return st;
    report->environment.threads = threads;
    for (const std::string& size_name : plan.sizes) {
      const spec::Size* size = s.FindSize(size_name);
      if (size == nullptr) return engine::Status::InvalidArgument("unknown size '" + size_name + "' in " + s.path);
      // The flags against this size: --seq it can take, counts that fit int64.
      std::string note;
      engine::Status flags = CheckSizeFlags(s, a, size_name, size->config, &note);
      if (!note.empty()) obs.Note(s.path + ": size '" + size_name + "': " + note);
      if (!flags.ok()) return flags;
      engine::ProfileOptions o = ProfileOptionsFor(s, a, plan, device, *size);
      o.progress = [&](const std::string& line) { obs.Progress(s.slug + " " + size_name + " " + device + " " + line); };
      for (auto& sr : report->sizes) {
        if (sr.name != size_name) continue;
        if (!size->weights.empty()) sr.weights_load.weights = size->weights;
        const size_t failed_before = sr.failures.size();
        if (engine::Status st = engine::Profile(size->config, o, report->environment, &sr.runs,
                                                size->weights.empty() ? nullptr : &sr.weights_load, &sr.failures);
            !st.ok())
          return engine::Status::Internal(s.path + ": size '" + size_name + "': " + st.message());
        for (size_t i = failed_before; i < sr.failures.size(); ++i) {
          const engine::RunFailure& f = sr.failures[i];
          obs.Warning(s.path + ": size '" + size_name + "': " + f.dtype + " " + f.scenario +
                      (f.batch > 0 ? " b" + std::to_string(f.batch) : "") + " could not run here (" + f.reason +
                      "); the other rows are kept");
        }
        measured_any = true;
        // The optimization study: the first profiled size, on the first device measured.
        if (size_name == plan.experiment_size && sr.experiments.empty()) {
          engine::ExperimentOptions x = ExperimentOptionsFor(s, o);
          x.progress = [&](const std::string& line) {
            obs.Progress(s.slug + " " + size_name + " " + device + " " + line);
          };
          // The memory guard over the study's shapes: both dtypes, every swept batch, a training step.
          if (engine::Status st = engine::CheckProfileMemory(size->config, StudyMemoryOptions(o, x)); !st.ok()) {
            obs.Warning(s.path + ": size '" + size_name +
                        "': the optimization experiments are not run: " + st.message());
          } else if (engine::Status st = engine::RunExperiments(size->config, x, report->environment, &sr.experiments);
                     !st.ok()) {
            return engine::Status::Internal(s.path + ": size '" + size_name + "': experiments: " + st.message());
          }
        }
      }
    }
  }
  if (!measured_any) return engine::Status::Unavailable(s.path + ": nothing could be measured on this machine");
  // evaluation.measure: every listed data set on each profiled size with weights (or the one named).
  for (const PlannedEvaluation& e : PlanEvaluations(s, plan.sizes)) {
    const spec::Size* size = s.FindSize(e.size);
    for (auto& sr : report->sizes) {
      if (sr.name != e.size) continue;
      obs.Progress(s.slug + " " + sr.name + ": evaluating on " + e.data);
      std::vector<engine::MeasuredEvaluation> measured;
      if (engine::Status st = EvaluateSize(s, *size, e.request, on_evaluated, &measured); !st.ok()) return st;
      sr.evaluations = MergeEvaluations(sr.evaluations, measured, size->weights);
    }
  }
  obs.ProgressDone();
  return engine::Status::OK();
}

engine::Status MeasureAndStore(const std::vector<spec::Spec>& specs, const MeasureArgs& a, int64_t shard,
                               int64_t shards, const Observer& obs, const EvalCallback& on_evaluated,
                               const StoreEvents& events) {
  MeasureArgs args = a;
  bool calibrated = false;
  for (const spec::Spec& s : specs) {
    if (!a.shard.empty() && publish::ShardOf(s.slug, shards) != shard) continue;
    const std::string path = publish::UnderRoot(a.out_dir, publish::ResultsPath(s.slug, a.machine));
    engine::Report stored;
    const bool have_stored = results::LoadReport(path, &stored).ok();
    if (!a.force && have_stored) {
      if (std::string why = results::StaleReason(stored, results::MeasuredInputsSha256(s)); why.empty()) {
        if (events.on_up_to_date) events.on_up_to_date(path);
        continue;
      }
    }
    if (calibrated) args.recalibrate = false;  // calibrate once per run: every spec shares the same peaks
    engine::Report report;
    if (engine::Status st = MeasureSpec(s, args, obs, on_evaluated, &report); !st.ok()) {
      obs.ProgressDone();
      return st;
    }
    calibrated = true;
    if (have_stored) {
      // A partial re-measure keeps the stored rows it did not measure, unless they belong to other
      // measured inputs, another engine or another machine.
      const KeptRows kept = KeepStoredRows(s, a, stored, &report);
      if (kept.why.empty()) {
        if (kept.kept > 0 && events.on_kept) events.on_kept(path, kept.kept);
      } else if (kept.dropped > 0) {
        obs.Note(path + ": " + std::to_string(kept.dropped) + " stored row" + (kept.dropped == 1 ? "" : "s") +
                 " this build did not measure " + (kept.dropped == 1 ? "is" : "are") + " not kept (" + kept.why +
                 "); build without narrowing flags to measure them again");
      }
    }
    if (engine::Status st = results::SaveReport(path, report, a.out_dir); !st.ok()) return st;
    obs.Wrote(path);
  }
  return engine::Status::OK();
}

}  // namespace app
#endif  // MODELCARD_WITH_TORCH
