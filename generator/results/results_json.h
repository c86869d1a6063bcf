// Report <-> results JSON (DESIGN.md "Results JSON (v1)"): what `count --json` and
// `profile --json` print and what the results store keeps. Deterministic: fixed key
// order, 2-space indent, doubles written so they read back bit-exactly.
#pragma once

#include <string>

#include "engine/report.h"
#include "engine/status.h"

namespace results {

// The report as pretty JSON ending with a newline. Keys are always written in the same
// order; config enums by their spec names ("layernorm"); environment.cuda is null when
// empty; prompt_tokens / new_tokens / prefill_s only for "generate" runs.
std::string ReportToJson(const engine::Report& report);

// Parses what ReportToJson writes. Unknown keys are ignored (later versions may add keys).
// On error returns InvalidArgument naming the key path and the problem, e.g.
// "sizes[0].parameters.total: expected an integer", and leaves *out untouched.
engine::Status ReportFromJson(const std::string& json, engine::Report* out);

}  // namespace results
