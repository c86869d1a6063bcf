#include "generator/app/render_set.h"

#include <algorithm>
#include <filesystem>

#include "generator/app/inject.h"
#include "generator/publish/atomic_write.h"
#include "generator/publish/outputs.h"
#include "generator/render/charts.h"
#include "generator/results/measured_inputs.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"

namespace fs = std::filesystem;

namespace app {

engine::Status LoadStoredReports(const std::vector<spec::Spec>& specs, const std::string& out_dir,
                                 std::vector<engine::Report>* reports) {
  reports->assign(specs.size(), engine::Report());
  for (size_t i = 0; i < specs.size(); ++i) {
    if (engine::Status st = results::LoadMergedReport(out_dir, specs[i].slug, &(*reports)[i], nullptr); !st.ok())
      return engine::Status::NotFound(st.message() + "; hint: run `modelcard build " + specs[i].path +
                                      "` to measure it first");
  }
  return engine::Status::OK();
}

void AddRenderContext(const std::vector<std::string>& args, const std::string& out_dir, std::vector<spec::Spec>* specs,
                      std::vector<engine::Report>* reports, std::set<std::string>* targets, const Observer& obs) {
  for (const auto& s : *specs) targets->insert(s.slug);
  std::vector<std::string> folders;
  for (const std::string& arg : args) {
    std::error_code ec;
    std::string folder = fs::is_directory(arg, ec) ? arg : fs::path(arg).parent_path().string();
    if (folder.empty()) folder = ".";
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
  }
  std::vector<std::string> listed;
  for (const std::string& folder : folders) {
    std::vector<std::string> found;
    if (ExpandSpecPaths({folder}, &found).ok()) listed.insert(listed.end(), found.begin(), found.end());
  }
  std::vector<spec::Spec> given = std::move(*specs);
  std::vector<engine::Report> given_reports = std::move(*reports);
  std::vector<bool> placed(given.size(), false);
  specs->clear();
  reports->clear();
  std::set<std::string> slugs;
  auto place = [&](size_t g) {
    placed[g] = true;
    slugs.insert(given[g].slug);
    specs->push_back(std::move(given[g]));
    reports->push_back(std::move(given_reports[g]));
  };
  for (const std::string& path : listed) {
    size_t g = 0;
    for (; g < given.size(); ++g) {
      std::error_code ec;
      if (!placed[g] && (given[g].path == path || fs::equivalent(given[g].path, path, ec))) break;
    }
    if (g < given.size()) {
      place(g);
      continue;
    }
    if (std::any_of(given.begin(), given.end(), [&](const spec::Spec& s) {
          std::error_code ec;
          return s.path == path || fs::equivalent(s.path, path, ec);
        }))
      continue;  // given twice
    spec::ParseResult parsed = spec::ParseSpecFile(path);
    if (!parsed.ok()) {
      obs.Warning(path + " is not a valid spec (`modelcard lint " + path +
                  "`); the documents written now leave it out of their comparisons");
      continue;
    }
    const std::string slug = parsed.spec.slug;
    if (targets->count(slug) != 0 || !slugs.insert(slug).second) {
      obs.Warning(path + ": slug '" + slug +
                  "' is used by another spec; the documents written now leave it out of their comparisons");
      continue;
    }
    if (results::ListStoredResults(out_dir, slug).empty()) continue;
    engine::Report report;
    if (engine::Status st = results::LoadMergedReport(out_dir, slug, &report, nullptr); !st.ok()) {
      obs.Warning(st.message() + "; the documents written now leave its model out of their comparisons");
      continue;
    }
    specs->push_back(std::move(parsed.spec));
    reports->push_back(std::move(report));
  }
  for (size_t g = 0; g < given.size(); ++g)
    if (!placed[g]) place(g);  // not in a listing (e.g. not named *.yaml): last, in the given order
}

std::vector<std::string> OutputFolders(const std::string& out_dir, const std::set<std::string>& slugs,
                                       const project::ProjectConfig& project) {
  std::set<std::string> folders = {publish::UnderRoot(out_dir, "results")};
  for (const std::string& slug : slugs) {
    for (const auto& doc : publish::DocumentOutputs(slug))
      folders.insert(fs::path(publish::UnderRoot(out_dir, doc.relative_path)).parent_path().string());
    const std::string bundle_file = publish::UnderRoot(out_dir, publish::BlogBundleFilePath(slug, "x"));
    folders.insert(fs::path(bundle_file).parent_path().string());
  }
  for (const std::string& target : project.inject) {
    const std::string path = !target.empty() && target[0] == '/' ? target : publish::UnderRoot(out_dir, target);
    folders.insert(fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string());
  }
  return {folders.begin(), folders.end()};
}

void SweepTemporaries(const std::string& out_dir, const std::set<std::string>& slugs,
                      const project::ProjectConfig& project, const Observer& obs) {
  for (const std::string& file : publish::SweepStaleTemporaries(out_dir, OutputFolders(out_dir, slugs, project)))
    obs.Note("removed " + file + " (a temporary file left by an interrupted write)");
}

render::RenderInput InputFor(size_t i, const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                             const project::ProjectConfig& project, const std::string& templates,
                             std::vector<const spec::Spec*>* all, std::vector<const engine::Report*>* all_reports) {
  if (all->empty()) {
    for (const auto& s : specs) all->push_back(&s);
    for (const auto& r : reports) all_reports->push_back(&r);
  }
  render::RenderInput in;
  in.spec = &specs[i];
  in.report = &reports[i];
  in.templates_dir = templates;
  in.spec_display_path = specs[i].path;
  in.all_specs = *all;
  in.all_reports = *all_reports;
  in.site = project.site;
  return in;
}

engine::Status RenderAll(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                         const project::ProjectConfig& project, const MeasureArgs& a, std::vector<RenderedFile>* files,
                         const std::set<std::string>* targets) {
  const std::string templates = FindTemplatesDir(a.templates_dir);
  std::vector<const spec::Spec*> all;
  std::vector<const engine::Report*> all_reports;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (targets != nullptr && targets->count(specs[i].slug) == 0) continue;
    const render::RenderInput in = InputFor(i, specs, reports, project, templates, &all, &all_reports);
    for (const auto& doc : publish::DocumentOutputs(specs[i].slug)) {
      std::string text;
      if (engine::Status st = render::RenderDocument(in, doc.template_name, &text); !st.ok())
        return engine::Status::InvalidArgument(specs[i].path + ": " + doc.template_name + ": " + st.message());
      files->push_back({doc.relative_path, text});
    }
    for (const auto& chart : render::BuildCharts(specs[i], reports[i]))
      files->push_back({publish::BlogBundleFilePath(specs[i].slug, chart.file), chart.svg});
  }
  return engine::Status::OK();
}

engine::Status RenderAndWrite(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                              const project::ProjectConfig& project, const MeasureArgs& a, const Observer& obs,
                              const std::set<std::string>* targets) {
  std::vector<RenderedFile> files;
  if (engine::Status st = RenderAll(specs, reports, project, a, &files, targets); !st.ok()) return st;
  if (targets != nullptr) {
    // The other models' documents compare with the ones written now: those whose bytes change
    // (after a one-spec build re-measured, say) are refreshed too, so none is left stale.
    std::set<std::string> others;
    for (const auto& s : specs)
      if (targets->count(s.slug) == 0) others.insert(s.slug);
    std::vector<RenderedFile> sibling_files;
    if (engine::Status st = RenderAll(specs, reports, project, a, &sibling_files, &others); !st.ok()) {
      obs.Warning("the other models' documents were not refreshed: " + st.message());
    } else {
      for (auto& f : sibling_files) {
        std::string current;
        if (publish::ReadFile(publish::UnderRoot(a.out_dir, f.path), &current).ok() && current != f.bytes)
          files.push_back(std::move(f));
      }
    }
  }
  std::vector<InjectedFile> injected;
  if (engine::Status st = InjectAll(project.inject, specs, reports, project, a, /*strict=*/false, obs, &injected);
      !st.ok())
    return st;
  for (const auto& f : files) {
    const std::string path = publish::UnderRoot(a.out_dir, f.path);
    if (engine::Status st = publish::WriteFileAtomic(path, f.bytes, a.out_dir); !st.ok()) return st;
    obs.Wrote(path);
  }
  for (const auto& f : injected) {
    if (f.after == f.before) continue;
    if (engine::Status st = publish::WriteInjectedFile(f.write_path, f.after); !st.ok()) return st;
    obs.Injected(f.path);
  }
  return engine::Status::OK();
}

std::vector<StaleResults> StaleStoredResults(const std::vector<spec::Spec>& specs,
                                             const std::vector<engine::Report>& reports,
                                             const std::set<std::string>& targets) {
  std::vector<StaleResults> out;
  for (size_t i = 0; i < specs.size(); ++i)
    if (std::string why = results::StaleReason(reports[i], results::MeasuredInputsSha256(specs[i]));
        !why.empty() && targets.count(specs[i].slug) != 0)
      out.push_back({i, why});
  return out;
}

}  // namespace app
