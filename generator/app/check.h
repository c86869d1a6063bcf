// check: renders every document in memory and compares it with the file on disk, byte for byte;
// also the stored results against their specs' measured inputs, modelcard.yaml's inject files, and
// temporary files left by interrupted writes. Plain C++: no LibTorch, no printing: each finding
// goes to a callback as it is made, in the order the CLI prints them.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"
#include "generator/app/workspace.h"
#include "generator/project/project_config.h"
#include "generator/spec/spec.h"

namespace app {

struct CheckFinding {
  enum class Kind {
    kUpToDate,        // a results file or document as it should be
    kResultsStale,    // a results file measured from other inputs: `why`, `spec_path` to build
    kOldTextCopy,     // the text of a file from before an interrupted in-place inject
    kStrayTemporary,  // a temporary file of an interrupted write
    kInjectMissing,   // one of modelcard.yaml's inject files does not exist
    kMissing,         // a document (or inject file) that render would write is missing
    kOutOfDate,       // a document whose bytes differ: `on_disk` and `rendered`
  };
  Kind kind = Kind::kUpToDate;
  std::string path;
  std::string why, spec_path;     // kResultsStale
  std::string on_disk, rendered;  // kOutOfDate
};

struct CheckSummary {
  bool stale = false;          // anything but kUpToDate was found
  bool results_stale = false;  // a results file needs `build`, not only `render`
};

// Checks the documents of `targets` among `specs` (the others are compared with, not checked) under
// a.out_dir, with their stored results in `reports`. Findings in order: each target's stored
// results files, then temporary files, missing inject files, then every document and inject file.
// An error (unreadable results, a document that does not render, an inject file that cannot be
// filled) stops it; the findings made until then were reported.
engine::Status CheckOutputs(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                            const project::ProjectConfig& project, const std::set<std::string>& targets,
                            const MeasureArgs& a, const Observer& obs,
                            const std::function<void(const CheckFinding&)>& on_finding, CheckSummary* summary);

}  // namespace app
