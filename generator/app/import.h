// import: a spec written from a checkpoint directory (a Hugging Face config.json, or a torchvision
// ResNet's tensor shapes; generator/importer/hf_import.h), with `weights:` relative to the spec's
// own directory and --eval's data sets under evaluation.measure. Plain C++: no LibTorch, no
// printing.
#pragma once

#include <string>
#include <vector>

#include "engine/status.h"
#include "generator/importer/hf_import.h"

namespace app {

// Writes the spec of checkpoint `dir` to `out_flag` (default specs/<slug>.yaml; an existing file
// only with `force`), naming `eval_files` (each must be a readable file) under evaluation.measure.
// *out: the spec file written; *result: what was imported (its note is for the user).
engine::Status ImportSpec(const std::string& dir, const std::string& out_flag, bool force,
                          const std::vector<std::string>& eval_files, const importer::ImportOptions& options,
                          std::string* out, importer::ImportResult* result);

}  // namespace app
