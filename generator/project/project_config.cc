// modelcard.yaml (see project_config.h).
#include "generator/project/project_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
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
      errors_->push_back(At(path_, root.Mark(), "modelcard.yaml must be a mapping of settings", "start with 'site:'"));
      return;
    }
    const std::vector<std::string> keys = {"site", "out", "templates", "machine", "devices", "profile", "inject"};
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      const YAML::Mark mark = kv.second.Mark().is_null() ? kv.first.Mark() : kv.second.Mark();
      if (key == "site") {
        ReadSite(kv.second, kv.first.Mark(), &out->site);
      } else if (key == "out" || key == "templates" || key == "machine") {
        std::string* field = key == "out" ? &out->out : key == "templates" ? &out->templates : &out->machine;
        if (!kv.second.IsScalar() || kv.second.Scalar().empty()) {
          errors_->push_back(At(path_, mark, "'" + key + "' must be a non-empty string"));
          continue;
        }
        *field = kv.second.Scalar();
        if (key == "machine" && !IsValidMachineLabel(*field))
          errors_->push_back(
              At(path_, mark, "machine '" + *field + "' must match [a-z0-9][a-z0-9._-]*", "e.g. machine: gpu-runner"));
      } else if (key == "devices" || key == "inject") {
        std::vector<std::string>* list = key == "devices" ? &out->devices : &out->inject;
        if (!ReadStrings(kv.second, mark, key, list)) continue;
        for (const auto& d : key == "devices" ? *list : std::vector<std::string>{})
          if (d != "cpu" && d != "cuda")
            errors_->push_back(At(path_, mark, "unknown device '" + d + "' in devices", "expected one of: cpu, cuda"));
      } else if (key == "profile") {
        ReadProfile(kv.second, mark, &out->profile);
      } else {
        errors_->push_back(At(path_, kv.first.Mark(), "unknown key '" + key + "'", spec::SuggestionHint(key, keys)));
      }
    }
  }

 private:
  bool ReadStrings(const YAML::Node& node, const YAML::Mark& mark, const std::string& key,
                   std::vector<std::string>* out) {
    if (!node.IsSequence() || node.size() == 0) {
      errors_->push_back(At(path_, mark, "'" + key + "' must be a non-empty list of strings"));
      return false;
    }
    for (const auto& item : node) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        errors_->push_back(At(path_, item.Mark(), "'" + key + "' must be a non-empty list of strings"));
        return false;
      }
      out->push_back(item.Scalar());
    }
    return true;
  }

  void ReadProfile(const YAML::Node& node, const YAML::Mark& mark, ProfileDefaults* p) {
    if (!node.IsMap()) {
      errors_->push_back(At(path_, mark, "'profile' must be a mapping"));
      return;
    }
    const std::vector<std::string> keys = {"threads", "warmup", "min_iterations", "min_seconds"};
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& value = kv.second;
      const YAML::Mark at = value.Mark().is_null() ? kv.first.Mark() : value.Mark();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        errors_->push_back(
            At(path_, kv.first.Mark(), "unknown key 'profile." + key + "'", spec::SuggestionHint(key, keys)));
        continue;
      }
      try {
        if (key == "min_seconds") {
          const double x = value.as<double>();
          if (x < 0) throw YAML::Exception(at, "negative");
          p->min_seconds = x;
        } else {
          const int64_t n = value.as<int64_t>();
          if (n < (key == "min_iterations" ? 1 : 0)) throw YAML::Exception(at, "too small");
          (key == "threads" ? p->threads : key == "warmup" ? p->warmup : p->min_iterations) = n;
        }
      } catch (const YAML::Exception&) {
        errors_->push_back(At(path_, at,
                              "profile." + key + " must be " +
                                  (key == "min_seconds"      ? "a number >= 0"
                                   : key == "min_iterations" ? "an integer >= 1"
                                                             : "an integer >= 0")));
      }
    }
  }

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
        errors_->push_back(
            At(path_, kv.first.Mark(), "unknown key 'site." + key + "'", spec::SuggestionHint(key, keys)));
        continue;
      }
      if (!value.IsScalar()) {
        errors_->push_back(
            At(path_, value.Mark().is_null() ? kv.first.Mark() : value.Mark(), "site." + key + " must be a string"));
        continue;
      }
      *field = value.Scalar();
      if ((key == "base_url" || key == "repository_url") && !field->empty() && !IsHttpUrl(*field))
        errors_->push_back(At(path_, value.Mark(), "site." + key + " must be an http(s) URL",
                              "e.g. https://github.com/your-org/your-repo"));
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
  std::string text;
  if (const engine::Status read = spec::ReadWholeFile(path, &text); !read.ok()) {
    ProjectParseResult result;
    if (required) result.errors.push_back({path, 0, 0, "cannot read file: " + read.message(), ""});
    return result;
  }
  return ParseProjectText(text, path);
}

bool IsValidMachineLabel(const std::string& label) {
  if (label.empty()) return false;
  for (size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
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
