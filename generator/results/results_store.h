// The results store: one Report per model as results JSON on disk (results/<slug>.json,
// see publish/outputs.h), committed so documents can be rendered without measuring again.
#pragma once

#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"

namespace results {

// Writes ReportToJson(report) to `path` atomically (publish::WriteFileAtomic): a reader
// never sees a partial file, and a failed save leaves the previous file in place.
engine::Status SaveReport(const std::string& path, const engine::Report& report);

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

// Why `stored` must be measured again for a spec whose bytes hash to `spec_sha256`: "" when it
// is current (same spec hash and engine version), else a short reason ("the spec changed").
std::string StaleReason(const engine::Report& stored, const std::string& spec_sha256);

// Reads and parses `path`. Every error message starts with the path:
// "results/gpt2.json: sizes[0].parameters.total: expected an integer".
// NotFound when the file does not exist.
engine::Status LoadReport(const std::string& path, engine::Report* out);

}  // namespace results
