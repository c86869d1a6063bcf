#include "generator/app/check.h"

#include <algorithm>
#include <filesystem>

#include "generator/app/inject.h"
#include "generator/app/render_set.h"
#include "generator/publish/atomic_write.h"
#include "generator/publish/outputs.h"
#include "generator/results/measured_inputs.h"
#include "generator/results/results_store.h"

namespace fs = std::filesystem;

namespace app {

engine::Status CheckOutputs(const std::vector<spec::Spec>& specs, const std::vector<engine::Report>& reports,
                            const project::ProjectConfig& project, const std::set<std::string>& targets,
                            const MeasureArgs& a, const Observer& obs,
                            const std::function<void(const CheckFinding&)>& on_finding, CheckSummary* summary) {
  *summary = CheckSummary();
  auto found = [&](CheckFinding f) {
    if (f.kind != CheckFinding::Kind::kUpToDate) summary->stale = true;
    if (f.kind == CheckFinding::Kind::kResultsStale) summary->results_stale = true;
    if (on_finding) on_finding(f);
  };
  for (size_t i = 0; i < specs.size(); ++i) {
    if (targets.count(specs[i].slug) == 0) continue;  // compared with, not checked
    for (const auto& stored : results::ListStoredResults(a.out_dir, specs[i].slug)) {
      engine::Report r;
      CheckFinding f;
      f.path = publish::UnderRoot(a.out_dir, stored.path);
      if (engine::Status st = results::LoadReport(f.path, &r); !st.ok()) return st;
      if (std::string why = results::StaleReason(r, results::MeasuredInputsSha256(specs[i])); !why.empty()) {
        f.kind = CheckFinding::Kind::kResultsStale;
        f.why = why;
        f.spec_path = specs[i].path;
      }
      found(std::move(f));
    }
  }
  std::vector<RenderedFile> files;
  if (engine::Status st = RenderAll(specs, reports, project, a, &files, &targets); !st.ok()) return st;
  // Temporary files of interrupted writes: Hugo would publish one beside a post.
  for (const std::string& file :
       publish::FindTemporaryFiles(a.out_dir, OutputFolders(a.out_dir, targets, project), /*only_dead=*/false)) {
    CheckFinding f;
    f.kind = publish::IsOldTextCopy(file) ? CheckFinding::Kind::kOldTextCopy : CheckFinding::Kind::kStrayTemporary;
    f.path = file;
    found(std::move(f));
  }
  for (const std::string& target : project.inject) {
    const std::string path = !target.empty() && target[0] == '/' ? target : publish::UnderRoot(a.out_dir, target);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      CheckFinding f;
      f.kind = CheckFinding::Kind::kInjectMissing;
      f.path = path;
      found(std::move(f));
    }
  }
  std::vector<InjectedFile> injected;
  if (engine::Status st = InjectAll(project.inject, specs, reports, project, a, /*strict=*/false, obs, &injected);
      !st.ok())
    return st;
  for (const auto& f : injected) files.push_back({f.path, f.after});
  for (auto& file : files) {
    const bool is_injected =
        std::any_of(injected.begin(), injected.end(), [&](const InjectedFile& x) { return x.path == file.path; });
    CheckFinding f;
    f.path = is_injected ? file.path : publish::UnderRoot(a.out_dir, file.path);
    if (!publish::ReadFile(f.path, &f.on_disk).ok()) {
      f.kind = CheckFinding::Kind::kMissing;
      f.on_disk.clear();
    } else if (f.on_disk != file.bytes) {
      f.kind = CheckFinding::Kind::kOutOfDate;
      f.rendered = std::move(file.bytes);
    } else {
      f.on_disk.clear();
    }
    found(std::move(f));
  }
  return engine::Status::OK();
}

}  // namespace app
