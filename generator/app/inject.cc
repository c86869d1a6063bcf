#include "generator/app/inject.h"

#include <algorithm>
#include <filesystem>

#include "generator/app/render_set.h"
#include "generator/publish/atomic_write.h"
#include "generator/publish/outputs.h"
#include "generator/render/renderer.h"

namespace fs = std::filesystem;

namespace app {

std::string InjectSections(const std::string& templates) {
  std::vector<std::string> names;
  if (engine::Status st = publish::ListInjectSections(templates, &names); !st.ok()) return "unknown: " + st.message();
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none: " + templates + "/inject/ is empty" : out;
}

std::string RegionText(const std::string& text, const publish::InjectRegion& region) {
  size_t pos = 0;
  for (int line = 1; line <= region.begin_line && pos != std::string::npos; ++line) {
    pos = text.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  size_t end = pos;
  for (int line = region.begin_line + 1; line < region.end_line && end != std::string::npos; ++line) {
    end = text.find('\n', end);
    if (end != std::string::npos) ++end;
  }
  if (pos == std::string::npos || end == std::string::npos) return "";
  return text.substr(pos, end - pos);
}

engine::Status InjectAll(const std::vector<std::string>& targets, const std::vector<spec::Spec>& specs,
                         const std::vector<engine::Report>& reports, const project::ProjectConfig& project,
                         const MeasureArgs& a, bool strict, const Observer& obs, std::vector<InjectedFile>* out) {
  const std::string templates = FindTemplatesDir(a.templates_dir);
  std::vector<const spec::Spec*> all;
  std::vector<const engine::Report*> all_reports;
  for (const std::string& target : targets) {
    InjectedFile f;
    const std::string path = !target.empty() && target[0] == '/' ? target : publish::UnderRoot(a.out_dir, target);
    f.path = path;
    std::error_code ec;
    if (!strict && !fs::exists(path, ec)) {
      obs.Note(path + " (modelcard.yaml inject:) does not exist; skipped");
      continue;
    }
    if (engine::Status st = publish::ResolveInjectTarget(path, a.out_dir, &f.write_path); !st.ok()) return st;
    if (engine::Status st = publish::ReadFile(f.write_path, &f.before); !st.ok()) return st;
    std::vector<std::string> sections;
    if (engine::Status st = publish::ListInjectSections(templates, &sections); !st.ok()) return st;
    auto content = [&](const publish::InjectRegion& region, std::string* text) -> engine::Status {
      for (size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].slug != region.slug) continue;
        const render::RenderInput in = InputFor(i, specs, reports, project, templates, &all, &all_reports);
        if (std::find(sections.begin(), sections.end(), region.section) == sections.end())
          return engine::Status::InvalidArgument("unknown section '" + region.section + "' (the sections are " +
                                                 InjectSections(templates) + ")");
        return render::RenderDocument(in, "inject/" + region.section, text);
      }
      if (!strict) {
        *text = RegionText(f.before, region);
        return engine::Status::OK();
      }
      std::string known;
      for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.slug;
      return engine::Status::InvalidArgument("unknown model '" + region.slug + "' (the specs given are " + known + ")");
    };
    if (engine::Status st = publish::InjectRegions(f.before, path, content, &f.after); !st.ok()) return st;
    out->push_back(std::move(f));
  }
  return engine::Status::OK();
}

engine::Status InjectFiles(const std::vector<std::string>& targets, const std::vector<spec::Spec>& specs,
                           const std::vector<engine::Report>& reports, const project::ProjectConfig& project,
                           const MeasureArgs& a, const std::function<void(const std::string&, bool)>& on_file) {
  std::vector<InjectedFile> injected;
  if (engine::Status st = InjectAll(targets.empty() ? project.inject : targets, specs, reports, project, a,
                                    /*strict=*/true, Observer(), &injected);
      !st.ok())
    return st;
  if (injected.empty())
    return engine::Status::InvalidArgument(
        "no files to inject; hint: name them (modelcard inject README.md) or list them under 'inject:' in "
        "modelcard.yaml");
  for (const auto& f : injected) {
    if (f.after == f.before) {
      if (on_file) on_file(f.path, false);
      continue;
    }
    if (engine::Status st = publish::WriteInjectedFile(f.write_path, f.after); !st.ok()) return st;
    if (on_file) on_file(f.path, true);
  }
  return engine::Status::OK();
}

}  // namespace app
