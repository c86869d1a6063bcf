// inject: the <!-- BEGIN MODELCARD <slug> <section> --> regions of hand-written Markdown files,
// filled from the stored results (templates/inject/<section>.mustache rendered for that slug),
// for `modelcard inject` and for modelcard.yaml's inject files during render, build and check.
// Plain C++: no LibTorch, no printing (notes go to the Observer).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"
#include "generator/app/workspace.h"
#include "generator/project/project_config.h"
#include "generator/publish/inject.h"
#include "generator/spec/spec.h"

namespace app {

// One inject file: {path as given, current bytes, injected bytes}.
struct InjectedFile {
  std::string path, before, after;
  std::string write_path;  // `path`, or the target of the symlink `path` (publish::ResolveInjectTarget)
};

// "a, b, c": the sections templates/inject/ provides.
std::string InjectSections(const std::string& templates);

// The text between a region's marker lines, as it stands in `text` (kept when `render specs/x.yaml`
// renders a subset and the region belongs to another model).
std::string RegionText(const std::string& text, const publish::InjectRegion& region);

// The injected text of each of `targets` (relative to a.out_dir unless absolute), for the given
// specs and their reports. strict: a region naming a model that is not among `specs` is an error
// (explicit `inject`); otherwise (modelcard.yaml's inject files during render/build/check of some
// specs) it is kept, and a target that does not exist is skipped with a note.
engine::Status InjectAll(const std::vector<std::string>& targets, const std::vector<spec::Spec>& specs,
                         const std::vector<engine::Report>& reports, const project::ProjectConfig& project,
                         const MeasureArgs& a, bool strict, const Observer& obs, std::vector<InjectedFile>* out);

// `modelcard inject`: fills `targets` (modelcard.yaml's inject: list when empty) strictly and writes
// each file whose regions changed. on_file(path, written) for each file in turn, before the next
// is written (written = false: it was up to date). No files to inject is an error.
engine::Status InjectFiles(const std::vector<std::string>& targets, const std::vector<spec::Spec>& specs,
                           const std::vector<engine::Report>& reports, const project::ProjectConfig& project,
                           const MeasureArgs& a, const std::function<void(const std::string&, bool)>& on_file);

}  // namespace app
