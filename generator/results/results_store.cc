// Save/load a Report as results JSON (see results_store.h).
#include "generator/results/results_store.h"

#include "generator/publish/atomic_write.h"
#include "generator/results/results_json.h"

namespace results {

engine::Status SaveReport(const std::string& path, const engine::Report& report) {
  return publish::WriteFileAtomic(path, ReportToJson(report));
}

engine::Status LoadReport(const std::string& path, engine::Report* out) {
  std::string bytes;
  engine::Status s = publish::ReadFile(path, &bytes);
  if (!s.ok()) return s;  // ReadFile's messages already start with the path
  s = ReportFromJson(bytes, out);
  if (!s.ok()) return engine::Status::InvalidArgument(path + ": " + s.message());
  return engine::Status::OK();
}

}  // namespace results
