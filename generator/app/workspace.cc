#include "generator/app/workspace.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "generator/spec/spec_parser.h"

namespace fs = std::filesystem;

namespace app {

engine::Status ExpandSpecPaths(const std::vector<std::string>& args, std::vector<std::string>* paths) {
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      // error_code forms throughout: a symlink loop or an unreadable entry is a message, never a throw.
      fs::directory_iterator it(arg, ec);
      for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (ext != ".yaml" && ext != ".yml") continue;
        std::error_code kind_ec;
        const bool regular = it->is_regular_file(kind_ec);
        if (kind_ec) {
          const bool loop = kind_ec == std::errc::too_many_symbolic_link_levels;
          return engine::Status::InvalidArgument(it->path().string() + ": " +
                                                 (loop ? "is a symlink loop" : "cannot be read: " + kind_ec.message()) +
                                                 "; hint: point it at a spec file or remove it");
        }
        if (regular) found.push_back(it->path().string());
      }
      if (ec) return engine::Status::IOError(arg + ": cannot list directory: " + ec.message());
      if (found.empty()) return engine::Status::NotFound(arg + ": no .yaml spec files in this directory");
      std::sort(found.begin(), found.end());
      paths->insert(paths->end(), found.begin(), found.end());
    } else {
      paths->push_back(arg);
    }
  }
  return engine::Status::OK();
}

bool ParseSpecs(const std::vector<std::string>& paths, std::vector<spec::Spec>* specs,
                std::vector<std::string>* diagnostics) {
  bool ok = true;
  std::set<std::string> slugs;
  for (const std::string& path : paths) {
    spec::ParseResult result = spec::ParseSpecFile(path);
    for (const auto& d : result.errors) diagnostics->push_back(d.ToString());
    if (!result.ok()) {
      ok = false;
      continue;
    }
    if (!slugs.insert(result.spec.slug).second) {
      diagnostics->push_back(path + ": slug '" + result.spec.slug +
                             "' is used by another spec; hint: set a unique 'slug:'");
      ok = false;
      continue;
    }
    specs->push_back(std::move(result.spec));
  }
  return ok;
}

bool LoadProject(const std::string& explicit_path, project::ProjectConfig* out, std::vector<std::string>* diagnostics) {
  const bool required = !explicit_path.empty();
  project::ProjectParseResult result =
      project::LoadProjectConfig(required ? explicit_path : "modelcard.yaml", required);
  for (const auto& d : result.errors) diagnostics->push_back(d.ToString());
  if (!result.ok()) return false;
  *out = result.config;
  return true;
}

void ApplyProject(const project::ProjectConfig& project, MeasureArgs* a) {
  if (a->out_dir.empty()) a->out_dir = project.out.empty() ? "." : project.out;
  if (a->templates_dir.empty()) a->templates_dir = project.templates;
  if (a->machine.empty()) a->machine = project.machine;
  if (a->device.empty()) a->devices = project.devices;
  if (!a->threads) a->threads = project.profile.threads;
  if (!a->min_iterations) a->min_iterations = project.profile.min_iterations;
  if (!a->min_seconds) a->min_seconds = project.profile.min_seconds;
  if (!a->warmup) a->warmup = project.profile.warmup;
}

std::string FindTemplatesDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "modelcard" / "templates";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return std::string(MODELCARD_SOURCE_DIR) + "/templates";
}

bool ParseShard(const std::string& text, int64_t* index, int64_t* count) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    size_t used = 0;
    *index = std::stoll(text.substr(0, slash), &used);
    if (used != slash) return false;
    *count = std::stoll(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  return *count >= 1 && *index >= 1 && *index <= *count;
}

std::vector<LintResult> LintSpecs(const std::vector<std::string>& paths) {
  std::vector<LintResult> out;
  for (const std::string& path : paths) {
    LintResult r;
    r.path = path;
    for (const auto& d : spec::ParseSpecFile(path).errors) r.diagnostics.push_back(d.ToString());
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace app
