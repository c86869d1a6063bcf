// Merging a new measurement into the stored results (see results_merge.h).
#include "generator/results/results_merge.h"

#include <algorithm>
#include <tuple>

#include "generator/results/results_store.h"

namespace results {
namespace {

template <typename T>
bool Contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A row (a run or a failure) by what identifies it.
struct RowKey {
  const std::string& scenario;
  const std::string& device;
  const std::string& dtype;
  int64_t batch;
  int64_t sequence_length;
};

RowKey KeyOf(const engine::Run& r) { return {r.scenario, r.device, r.dtype, r.batch, r.sequence_length}; }
RowKey KeyOf(const engine::RunFailure& f) { return {f.scenario, f.device, f.dtype, f.batch, f.sequence_length}; }

bool InScope(const RowKey& k, const MeasuredScope& scope) {
  if (!Contains(scope.devices, k.device)) return false;
  const bool dtype = Contains(scope.dtypes, k.dtype);
  const bool seq =
      k.sequence_length == 0 || scope.sequence_lengths.empty() || Contains(scope.sequence_lengths, k.sequence_length);
  if (k.scenario == "forward") return dtype && Contains(scope.batch_sizes, k.batch) && seq;
  // Preprocessing runs once per batch (labelled float32, whichever dtype is measured).
  if (k.scenario == "preprocess") return scope.preprocess && Contains(scope.batch_sizes, k.batch);
  if (k.scenario == "generate") return scope.generate && dtype && Contains(scope.batch_sizes, k.batch);
  if (k.scenario == "train") return scope.train && dtype && Contains(scope.train_batch_sizes, k.batch) && seq;
  return dtype;  // "inference" (the dtype's model could not be built) and anything else of this dtype
}

// (listed?, position or value): listed values in list order, then the others by value.
template <typename T>
std::pair<int, int64_t> Rank(const std::vector<T>& list, const T& value, int64_t unlisted) {
  const auto it = std::find(list.begin(), list.end(), value);
  return it != list.end() ? std::make_pair(0, int64_t(it - list.begin())) : std::make_pair(1, unlisted);
}

auto SortKey(const RowKey& k, const RowOrder& order) {
  const bool train = k.scenario == "train";
  const bool preprocess = k.scenario == "preprocess";
  const int scenario = k.scenario == "inference" ? -1 : k.scenario == "forward" || train ? 0 : preprocess ? 1 : 2;
  const auto device = Rank(order.devices, k.device, 0);
  const auto dtype = preprocess ? std::make_pair(0, int64_t(0)) : Rank(order.dtypes, k.dtype, 0);
  const auto batch = k.scenario == "inference"
                         ? std::make_pair(-1, int64_t(0))
                         : Rank(train ? order.train_batch_sizes : order.batch_sizes, k.batch, k.batch);
  const auto seq = Rank(order.sequence_lengths, k.sequence_length, k.sequence_length);
  return std::make_tuple(device, device.first == 1 ? k.device : std::string(), dtype,
                         dtype.first == 1 ? k.dtype : std::string(), train ? 1 : 0, batch, scenario, seq, k.scenario);
}

template <typename Row>
void SortRows(std::vector<Row>* rows, const RowOrder& order) {
  std::stable_sort(rows->begin(), rows->end(),
                   [&](const Row& a, const Row& b) { return SortKey(KeyOf(a), order) < SortKey(KeyOf(b), order); });
}

const engine::SizeReport* FindSize(const engine::Report& r, const std::string& name) {
  for (const auto& s : r.sizes)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

std::string KeepBlocker(const engine::Report& stored, const engine::Report& measured) {
  if (std::string why = StaleReason(stored, measured.measured_inputs_sha256); !why.empty()) return why;
  const engine::Environment& a = stored.environment;
  const engine::Environment& b = measured.environment;
  const bool same_machine = a.cpu_model == b.cpu_model && a.cores == b.cores && a.libtorch == b.libtorch &&
                            a.cuda == b.cuda && (a.gpu.empty() || b.gpu.empty() || a.gpu == b.gpu) &&
                            (a.cpu_features.empty() || b.cpu_features.empty() || a.cpu_features == b.cpu_features);
  if (!same_machine)
    return "it was measured on another machine (" + (a.cpu_model.empty() ? "unknown CPU" : a.cpu_model) + ", " +
           std::to_string(a.cores) + " cores, LibTorch " + (a.libtorch.empty() ? "unknown" : a.libtorch) +
           (a.gpu.empty() ? "" : ", " + a.gpu) + (a.cpu_features.empty() ? "" : ", " + a.cpu_features) + ")";
  return "";
}

int64_t RowsOutsideScope(const engine::Report& stored, const MeasuredScope& scope) {
  int64_t n = 0;
  for (const auto& size : stored.sizes) {
    const bool profiled = Contains(scope.sizes, size.name);
    for (const auto& r : size.runs) n += !profiled || !InScope(KeyOf(r), scope);
    for (const auto& f : size.failures) n += !profiled || !InScope(KeyOf(f), scope);
    if (!Contains(scope.experiment_sizes, size.name)) n += int64_t(size.experiments.size());
  }
  return n;
}

int64_t MergeStoredRows(const engine::Report& stored, const MeasuredScope& scope, const RowOrder& order,
                        engine::Report* measured) {
  int64_t kept = 0;
  for (auto& size : measured->sizes) {
    const engine::SizeReport* old = FindSize(stored, size.name);
    if (old == nullptr) continue;
    const bool profiled = Contains(scope.sizes, size.name);
    int64_t kept_here = 0;
    for (const auto& r : old->runs)
      if (!profiled || !InScope(KeyOf(r), scope)) {
        size.runs.push_back(r);
        ++kept_here;
      }
    for (const auto& f : old->failures)
      if (!profiled || !InScope(KeyOf(f), scope)) {
        size.failures.push_back(f);
        ++kept_here;
      }
    if (kept_here > 0) {
      SortRows(&size.runs, order);
      SortRows(&size.failures, order);
    }
    if (!Contains(scope.experiment_sizes, size.name) && size.experiments.empty() && !old->experiments.empty()) {
      size.experiments = old->experiments;
      kept_here += int64_t(old->experiments.size());
    }
    if (!profiled) size.weights_load = old->weights_load;
    kept += kept_here;
  }
  // Kept rows' MFU was computed against the peaks of their dtype: keep those the new run lacks.
  engine::Environment& env = measured->environment;
  if (kept > 0 && env.device == stored.environment.device) {
    for (const auto& [dtype, peak] : stored.environment.peak_flops_per_s) env.peak_flops_per_s.emplace(dtype, peak);
    if (env.memory_bandwidth_bytes_per_s == 0)
      env.memory_bandwidth_bytes_per_s = stored.environment.memory_bandwidth_bytes_per_s;
  }
  return kept;
}

}  // namespace results
