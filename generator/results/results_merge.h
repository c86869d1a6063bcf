// Merging a new measurement into the stored results of the same spec: `modelcard build --force`
// narrowed by --size, --dtype, --device, --batch, --seq, --no-generate, --no-train or
// --no-experiments measures some rows again; the rows it measured replace theirs and every other
// stored row is kept, so a partial re-measure never loses what was stored.
// Not here: `modelcard eval` rows (main.cc keeps those of the same checkpoint).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/report.h"

namespace results {

// What one measurement attempted, whether each row ran or failed. A stored row inside the scope is
// replaced (by the new row, or dropped when the new measurement no longer produced it: a failure
// that took its place, a scenario skipped); a stored row outside it is kept.
struct MeasuredScope {
  std::vector<std::string> sizes;    // the sizes profiled
  std::vector<std::string> devices;  // the devices measured ("cpu", "cuda")
  std::vector<std::string> dtypes;
  std::vector<int64_t> batch_sizes;           // forward, generate and preprocess rows
  std::vector<int64_t> train_batch_sizes;     // train rows
  std::vector<int64_t> sequence_lengths;      // forward and train rows of token families; empty = all
  bool generate = false;                      // generate rows were attempted
  bool preprocess = false;                    // preprocess rows were attempted
  bool train = false;                         // train rows were attempted
  std::vector<std::string> experiment_sizes;  // sizes whose optimization study was run again
};

// The order of a full measurement's rows (engine::Profile): by device, then dtype (a preprocess
// row goes with the first dtype), inference rows before training rows, then batch, then scenario
// (forward, preprocess, generate), then sequence length. Values absent from these lists sort after
// the listed ones, by value.
struct RowOrder {
  std::vector<std::string> devices, dtypes;
  std::vector<int64_t> batch_sizes, train_batch_sizes, sequence_lengths;
};

// Why the rows of `stored` must not be kept beside those of `measured`: "" when they may be (same
// measured inputs and engine version as `measured`, see StaleReason, and the same machine: CPU
// model, cores, LibTorch, CUDA runtime, GPU and CPU features); else a short reason, e.g.
// "measured inputs changed" or "it was measured on another machine (AMD EPYC 9B14, 2 cores)".
std::string KeepBlocker(const engine::Report& stored, const engine::Report& measured);

// The number of rows of `stored` (runs, failures, experiments) that lie outside `scope`: what a
// merge keeps.
int64_t RowsOutsideScope(const engine::Report& stored, const MeasuredScope& scope);

// Adds to `measured` every row of `stored` outside `scope`, size by size (a size `measured` lacks
// is not added: it left the spec), then orders each size's runs and failures by `order` when
// anything was kept. Experiments of a size outside scope.experiment_sizes and the checkpoint load
// of a size outside scope.sizes are kept too. The peaks of dtypes measured only before are kept in
// the environment (same device). REQUIRES: KeepBlocker(stored, *measured) == "".
// Returns the number of rows kept.
int64_t MergeStoredRows(const engine::Report& stored, const MeasuredScope& scope, const RowOrder& order,
                        engine::Report* measured);

}  // namespace results
