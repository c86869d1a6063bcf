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
// empty; prompt_tokens / new_tokens / prefill_s and the roofline (bytes_moved,
// achieved_bytes_per_s, bandwidth_utilization) only for "generate" runs; memory.gradients_bytes /
// optimizer_bytes / activations_bytes only for "train" runs; a size's "experiments" array only
// when it has experiments (a variant's "accuracy" is null when it has none); a size's config
// gains issue 16's fields (rope scaling, windows, MLA, MoE options, checkpoint_layout) only where
// they differ from their defaults (results/config_features.h), and reads them back optionally.
std::string ReportToJson(const engine::Report& report);

// Parses what ReportToJson writes. Unknown keys are ignored (later versions may add keys).
// The keys added after the first results were stored (the roofline and train memory keys of a
// run, a size's "experiments", the top-level "engine_version" and "measured_inputs_sha256") are
// optional and default to 0 / empty.
// On error returns InvalidArgument naming the key path and the problem, e.g.
// "sizes[0].parameters.total: expected an integer", and leaves *out untouched.
engine::Status ReportFromJson(const std::string& json, engine::Report* out);

}  // namespace results
