// Save/load a Report as results JSON (see results_store.h).
#include "generator/results/results_store.h"

#include <algorithm>
#include <filesystem>

#include "generator/publish/atomic_write.h"
#include "generator/publish/outputs.h"
#include "generator/results/results_json.h"

namespace results {

engine::Status SaveReport(const std::string& path, const engine::Report& report, const std::string& staging_root) {
  return publish::WriteFileAtomic(path, ReportToJson(report), staging_root);
}

std::vector<StoredResults> ListStoredResults(const std::string& root, const std::string& slug) {
  namespace fs = std::filesystem;
  std::vector<StoredResults> out;
  std::error_code ec;
  const std::string primary = publish::ResultsPath(slug);
  // A results file that cannot even be inspected (a symlink loop, no permission) is listed all
  // the same, so that loading it reports the file and the reason; error_code forms throughout, so
  // nothing here throws.
  auto listed = [](const fs::path& path) {
    std::error_code kind_ec;
    const bool regular = fs::is_regular_file(path, kind_ec);
    return regular || (kind_ec && kind_ec != std::errc::no_such_file_or_directory);
  };
  if (listed(publish::UnderRoot(root, primary))) out.push_back({primary, ""});
  std::vector<StoredResults> labelled;
  const fs::path dir = publish::UnderRoot(root, "results");
  const std::string prefix = slug + "@";
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + 5 ||
        name.compare(name.size() - 5, 5, ".json") != 0 || !listed(entry.path()))
      continue;
    const std::string machine = name.substr(prefix.size(), name.size() - prefix.size() - 5);
    labelled.push_back({publish::ResultsPath(slug, machine), machine});
  }
  std::sort(labelled.begin(), labelled.end(),
            [](const StoredResults& a, const StoredResults& b) { return a.machine < b.machine; });
  out.insert(out.end(), labelled.begin(), labelled.end());
  return out;
}

engine::Status LoadMergedReport(const std::string& root, const std::string& slug, engine::Report* out,
                                std::vector<std::string>* paths) {
  const std::vector<StoredResults> files = ListStoredResults(root, slug);
  if (files.empty())
    return engine::Status::NotFound(publish::UnderRoot(root, publish::ResultsPath(slug)) + ": no results for '" + slug +
                                    "'");
  engine::Report merged;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path = publish::UnderRoot(root, files[i].path);
    engine::Report r;
    if (engine::Status s = LoadReport(path, &r); !s.ok()) return s;
    if (paths) paths->push_back(path);
    if (i == 0) {
      merged = std::move(r);
      if (!files[i].machine.empty())
        for (auto& size : merged.sizes)
          for (auto& run : size.runs) run.device += " (" + files[i].machine + ")";
      continue;
    }
    for (auto& size : r.sizes) {
      auto target = std::find_if(merged.sizes.begin(), merged.sizes.end(),
                                 [&](const engine::SizeReport& m) { return m.name == size.name; });
      for (auto& run : size.runs) run.device += " (" + files[i].machine + ")";
      if (target == merged.sizes.end())
        merged.sizes.push_back(std::move(size));
      else
        target->runs.insert(target->runs.end(), size.runs.begin(), size.runs.end());
    }
  }
  *out = std::move(merged);
  return engine::Status::OK();
}

std::string StaleReason(const engine::Report& stored, const std::string& measured_inputs_sha256) {
  if (stored.measured_inputs_sha256.empty())
    return "it records no measured inputs (written by an older modelcard, or by `modelcard eval` before any build)";
  if (stored.measured_inputs_sha256 != measured_inputs_sha256) return "measured inputs changed";
  if (stored.engine_version != engine::kEngineVersion)
    return "it was measured by engine version " + (stored.engine_version.empty() ? "unknown" : stored.engine_version) +
           ", this is " + engine::kEngineVersion;
  return "";
}

engine::Status LoadReport(const std::string& path, engine::Report* out) {
  std::error_code loop_ec;
  if (std::filesystem::status(path, loop_ec).type() == std::filesystem::file_type::none &&
      loop_ec == std::errc::too_many_symbolic_link_levels)
    return engine::Status::InvalidArgument(path + ": is a symlink loop (point it at a results file or remove it)");
  std::string bytes;
  engine::Status s = publish::ReadFile(path, &bytes);
  if (!s.ok()) return s;  // ReadFile's messages already start with the path
  s = ReportFromJson(bytes, out);
  if (!s.ok()) return engine::Status::InvalidArgument(path + ": " + s.message());
  return engine::Status::OK();
}

}  // namespace results
