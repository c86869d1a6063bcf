// The counts every command starts a report with: exact parameters and forward FLOPs of a spec's
// sizes from the analytic formulas alone (engine/count.h), nothing built or allocated. Plain C++:
// no LibTorch, no printing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"
#include "generator/spec/spec.h"

namespace app {

// A report of `s` with nothing in it yet: model, slug, the spec's and measured inputs' hashes, the
// engine and tool versions.
engine::Report NewReport(const spec::Spec& s);

// Parameters and FLOPs of every size of `s` (or only `only_size`), from the analytic formulas
// alone: nothing is built or allocated, whatever the size (an LSTM's weights would be real even on
// `meta`, and a module of a million layers is gigabytes of bookkeeping). That the built modules
// agree with the formulas is tested for every family (tests/engine). batch and seq (0 = each
// size's default length) are checked (app::CheckRunFlags): a --seq the family cannot take or past
// its positions, or counts past int64, are errors; extrapolation notes go to *notes.
engine::Status CountSizes(const spec::Spec& s, const std::string& only_size, int64_t batch, int64_t seq,
                          std::vector<engine::SizeReport>* out, std::vector<std::string>* notes = nullptr);

}  // namespace app
