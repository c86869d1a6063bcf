// The results store: one Report per model as results JSON on disk (results/<slug>.json,
// see publish/outputs.h), committed so documents can be rendered without measuring again.
#pragma once

#include <string>

#include "engine/report.h"
#include "engine/status.h"

namespace results {

// Writes ReportToJson(report) to `path` atomically (publish::WriteFileAtomic): a reader
// never sees a partial file, and a failed save leaves the previous file in place.
engine::Status SaveReport(const std::string& path, const engine::Report& report);

// Reads and parses `path`. Every error message starts with the path:
// "results/gpt2.json: sizes[0].parameters.total: expected an integer".
// NotFound when the file does not exist.
engine::Status LoadReport(const std::string& path, engine::Report* out);

}  // namespace results
