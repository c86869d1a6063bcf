// The set of documents render, build and check produce: every spec's documents and charts,
// rendered in memory from the stored results (with the other models of the specs' folders for
// comparison), then written only when all of them rendered; and the temporary files interrupted
// writes leave in their folders. Plain C++: no LibTorch, no printing (warnings, notes and files
// written go to the Observer; errors come back as a Status).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"
#include "generator/app/workspace.h"
#include "generator/project/project_config.h"
#include "generator/render/renderer.h"
#include "generator/spec/spec.h"

namespace app {

struct RenderedFile {
  std::string path;  // under the output root
  std::string bytes;
};

// The merged stored results of every spec (results/<slug>.json and results/<slug>@<machine>.json).
// An error (with a hint to build the spec) when one is missing or unreadable.
engine::Status LoadStoredReports(const std::vector<spec::Spec>& specs, const std::string& out_dir,
                                 std::vector<engine::Report>* reports);

// The models a render compares with besides those it writes (`args`, already in *specs and
// *reports): every spec in the folders of the given spec files whose results are stored under
// `out_dir`, so `render specs/gpt2.yaml` writes the same bytes as `render specs/` (its comparison
// tables, related documents and "versus" sections list the other models). *specs and *reports end
// in the order `render` of those folders gives; *targets gets the slugs to write. A sibling that
// does not parse, or whose results cannot be read, is left out with a warning; one without stored
// results is left out quietly (not measured yet: `render specs/` would stop at it).
void AddRenderContext(const std::vector<std::string>& args, const std::string& out_dir, std::vector<spec::Spec>* specs,
                      std::vector<engine::Report>* reports, std::set<std::string>* targets, const Observer& obs);

// The folders the documents of `slugs` (and their results) are written to under `out_dir`, and those
// of modelcard.yaml's inject files: where an interrupted write of an older modelcard left its
// temporary files.
std::vector<std::string> OutputFolders(const std::string& out_dir, const std::set<std::string>& slugs,
                                       const project::ProjectConfig& project);

// Removes the temporary files interrupted writes left (kill -9, a crash) under `out_dir`; a note
// for each.
void SweepTemporaries(const std::string& out_dir, const std::set<std::string>& slugs,
                      const project::ProjectConfig& project, const Observer& obs);

// The render inputs of spec i among all of them (*all and *all_reports: filled on the first call).
render::RenderInput InputFor(size_t i, const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                             const project::ProjectConfig& project, const std::string& templates,
                             std::vector<const spec::Spec*>* all, std::vector<const engine::Report*>* all_reports);

// Every document and chart of every spec, rendered in memory (nothing written).
// Only the documents of `targets` when given; every spec is compared with the others either way.
engine::Status RenderAll(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                         const project::ProjectConfig& project, const MeasureArgs& a, std::vector<RenderedFile>* files,
                         const std::set<std::string>* targets = nullptr);

// Renders everything (the documents of `targets`, every spec when null; and fills the inject files)
// in memory, then writes: nothing is written unless every document rendered. With `targets`, the
// other models' documents whose bytes change are refreshed too (a warning when they cannot be
// rendered). obs.Wrote / obs.Injected for each file written, in order.
engine::Status RenderAndWrite(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                              const project::ProjectConfig& project, const MeasureArgs& a, const Observer& obs,
                              const std::set<std::string>* targets = nullptr);

// The stored results of `targets` that are out of date for their specs: {spec index, reason}.
struct StaleResults {
  size_t spec = 0;
  std::string why;
};
std::vector<StaleResults> StaleStoredResults(const std::vector<spec::Spec>& specs,
                                             const std::vector<engine::Report>& reports,
                                             const std::set<std::string>& targets);

}  // namespace app
