// modelcard.yaml (see project_config.h).
#include "generator/project/project_config.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <string>
#include <vector>

#include "generator/spec/suggest.h"
#include "generator/spec/yaml_document.h"

namespace project {
namespace {

using spec::At;
using spec::Diagnostic;

bool IsHttpUrl(const std::string& s) { return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0; }

class Reader {
 public:
  Reader(const std::string& path, std::vector<Diagnostic>* errors) : path_(path), errors_(errors) {}

  void Read(const YAML::Node& root, ProjectConfig* out) {
    if (root.IsNull()) return;  // an empty file: defaults
    if (!root.IsMap()) {
      errors_->push_back(At(path_, root.Mark(), "modelcard.yaml must be a mapping of settings",
                            "hint: start with 'site:'"));
      return;
    }
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (key == "site") {
        ReadSite(kv.second, kv.first.Mark(), &out->site);
      } else {
        errors_->push_back(At(path_, kv.first.Mark(), "unknown key '" + key + "'",
                              spec::SuggestionHint(key, {"site"})));
      }
    }
  }

 private:
  void ReadSite(const YAML::Node& node, const YAML::Mark& key_mark, SiteConfig* site) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      errors_->push_back(At(path_, node.Mark().is_null() ? key_mark : node.Mark(), "'site' must be a mapping"));
      return;
    }
    const std::vector<std::string> keys = {"author", "base_url", "repository_url", "branch", "edit_text"};
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& value = kv.second;
      std::string* field = key == "author"           ? &site->author
                           : key == "base_url"       ? &site->base_url
                           : key == "repository_url" ? &site->repository_url
                           : key == "branch"         ? &site->branch
                           : key == "edit_text"      ? &site->edit_text
                                                     : nullptr;
      if (!field) {
        errors_->push_back(At(path_, kv.first.Mark(), "unknown key 'site." + key + "'",
                              spec::SuggestionHint(key, keys)));
        continue;
      }
      if (!value.IsScalar()) {
        errors_->push_back(At(path_, value.Mark().is_null() ? kv.first.Mark() : value.Mark(),
                              "site." + key + " must be a string"));
        continue;
      }
      *field = value.Scalar();
      if ((key == "base_url" || key == "repository_url") && !field->empty() && !IsHttpUrl(*field))
        errors_->push_back(At(path_, value.Mark(), "site." + key + " must be an http(s) URL",
                              "hint: e.g. https://github.com/your-org/your-repo"));
      if ((key == "branch" || key == "author") && field->empty())
        errors_->push_back(At(path_, value.Mark(), "site." + key + " must not be empty"));
    }
  }

  std::string path_;
  std::vector<Diagnostic>* errors_;
};

}  // namespace

ProjectParseResult ParseProjectText(const std::string& text, const std::string& path) {
  ProjectParseResult result;
  result.config.path = path;
  try {
    YAML::Node root;
    if (spec::LoadYamlDocument(text, path, "modelcard.yaml", &root, &result.errors))
      Reader(path, &result.errors).Read(root, &result.config);
  } catch (const YAML::Exception& e) {
    result.errors.push_back(At(path, e.mark, "YAML syntax error: " + spec::YamlMessage(e.msg)));
  } catch (const std::exception& e) {
    result.errors.push_back({path, 0, 0, std::string("internal error: ") + e.what(), ""});
  }
  return result;
}

ProjectParseResult LoadProjectConfig(const std::string& path, bool required) {
  std::string text, error;
  if (!spec::ReadWholeFile(path, &text, &error)) {
    ProjectParseResult result;
    if (required) result.errors.push_back({path, 0, 0, "cannot read file: " + error, ""});
    return result;
  }
  return ParseProjectText(text, path);
}

std::string CanonicalUrl(const SiteConfig& site, const std::string& slug) {
  if (site.base_url.empty()) return "";
  return site.base_url + (site.base_url.back() == '/' ? "" : "/") + "posts/" + slug + "/";
}

std::string EditUrl(const SiteConfig& site, const std::string& spec_path) {
  if (site.repository_url.empty() || spec_path.empty() || spec_path[0] == '/' || spec_path.rfind("../", 0) == 0)
    return "";
  std::string path = spec_path.rfind("./", 0) == 0 ? spec_path.substr(2) : spec_path;
  std::string repo = site.repository_url;
  while (!repo.empty() && repo.back() == '/') repo.pop_back();
  return repo + "/edit/" + site.branch + "/" + path;
}

}  // namespace project
