// The measured inputs of a spec: the parsed values a measurement depends on, and nothing else.
// Stored results are keyed on their hash (Report::measured_inputs_sha256), so editing a spec's
// prose (summary, tagline, blog, training, cited evaluation values, ...) leaves its results
// current and only needs `modelcard render`, while a change to what `build` measures needs
// `modelcard build`.
//
// Measured inputs (what MeasureSpec, the engine and `evaluation.measure` read):
//   - every size: its name, its fully resolved engine::ModelConfig (family and every
//     hyperparameter, defaults applied, so writing a default explicitly changes nothing) and its
//     `weights` as written (the checkpoint's path string; a checkpoint replaced in place under the
//     same path is not seen: `modelcard build --force` measures it again);
//   - profile: every key (sizes, dtypes, batch sizes, sequence lengths, devices, generation,
//     preprocess, train, threads, warm-up, iteration and time minimums);
//   - experiments: every key;
//   - evaluation.measure: every entry (data as written, name, size, dtype, window).
// Not measured inputs: name, slug (it names the results file), tagline, summary, license, tags,
// inputs/outputs, architecture's prose (base, key_components, references, variants, advantages,
// use_cases, config_keys), hf_repo, training, evaluation.primary/secondary, deployment,
// maintenance, blog.
#pragma once

#include <string>

#include "generator/spec/spec.h"

namespace results {

// The measured inputs of `s` as canonical JSON (keys sorted, no whitespace; doubles written so
// they read back exactly): the same parsed inputs always give the same bytes.
std::string MeasuredInputsJson(const spec::Spec& s);

// SHA-256 (lowercase hex) of MeasuredInputsJson(s).
std::string MeasuredInputsSha256(const spec::Spec& s);

}  // namespace results
