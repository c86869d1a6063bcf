// The results store: one Report per model as results JSON on disk (results/<slug>.json,
// see publish/outputs.h), committed so documents can be rendered without measuring again.
#pragma once

#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"

namespace results {

// Writes ReportToJson(report) to `path` atomically (publish::WriteFileAtomic, staged under
// `staging_root`, the output root): a reader never sees a partial file, and a failed save leaves
// the previous file in place.
engine::Status SaveReport(const std::string& path, const engine::Report& report, const std::string& staging_root = ".");

// One stored results file of a model: results/<slug>.json (machine "") or results/<slug>@<machine>.json.
struct StoredResults {
  std::string path;     // under the output root
  std::string machine;  // "" = the default machine
};

// The results files of `slug` under `root`, the default machine's first, then by machine label.
std::vector<StoredResults> ListStoredResults(const std::string& root, const std::string& slug);

// Loads every results file of `slug` under `root` and merges them into one Report: the first
// file's report (its environment and experiments), with the runs of every other machine
// appended to the sizes of the same name, each such run's device shown as "<device> (<machine>)"
// (a display label: the merged report is for rendering, never saved). `*paths` gets the files
// read. NotFound when `slug` has no results file; a file's own error otherwise.
engine::Status LoadMergedReport(const std::string& root, const std::string& slug, engine::Report* out,
                                std::vector<std::string>* paths);

// Why `stored` must be measured again (`modelcard build`) for a spec whose measured inputs hash to
// `measured_inputs_sha256` (results::MeasuredInputsSha256, measured_inputs.h): "" when it is
// current (same measured inputs and engine version; prose edits of the spec do not matter), else
// a short reason: "measured inputs changed", "it records no measured inputs (...)" for a file
// written before they were recorded, or the engine version it was measured by.
std::string StaleReason(const engine::Report& stored, const std::string& measured_inputs_sha256);

// Reads and parses `path`. Every error message starts with the path:
// "results/gpt2.json: sizes[0].parameters.total: expected an integer".
// NotFound when the file does not exist.
engine::Status LoadReport(const std::string& path, engine::Report* out);

}  // namespace results
