// Project configuration: modelcard.yaml at the repository root (or --config FILE). Settings
// that belong to the site and the repository rather than to one model. Missing file = the
// defaults below. Problems are diagnostics with file:line:column, like a spec's.
//
//   site:
//     author: "modelcard"                        # posts whose spec names no blog.author
//     base_url: "https://example.org/"           # canonicalURL = base_url + posts/<slug>/
//     repository_url: "https://github.com/o/r"   # editPost.URL = <repo>/edit/<branch>/<spec path>
//     branch: main
//     edit_text: "Suggest Changes"
//   out: .                                       # output root of results/, cards/, docs/, site/ (--out)
//   templates: my-templates/                     # template directory overriding templates/ (--templates)
//   machine: gpu-runner                          # results go to results/<slug>@<machine>.json (--machine)
//   devices: [cpu, cuda]                         # replaces every spec's profile.devices (--device)
//   profile: {threads: 2, warmup: 2, min_iterations: 10, min_seconds: 1}   # replace the specs' values
//   inject: [README.md]                          # hand-written files with MODELCARD regions (inject, check)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "generator/spec/diagnostic.h"

namespace project {

struct SiteConfig {
  std::string author = "modelcard";
  std::string base_url;        // "" = no canonicalURL (the theme uses the page's permalink)
  std::string repository_url;  // "" = no edit link
  std::string branch = "main";
  std::string edit_text = "Suggest Changes";
};

// Measurement settings that replace the specs' own profile values on this project's machines.
// A key left out keeps each spec's value (std::nullopt).
struct ProfileDefaults {
  std::optional<int64_t> threads, warmup, min_iterations;
  std::optional<double> min_seconds;
};

struct ProjectConfig {
  std::string path;  // the file read; "" = none (defaults)
  SiteConfig site;
  std::string out;                   // "" = the current directory (or --out)
  std::string templates;             // "" = the bundled templates (or --templates)
  std::string machine;               // "" = the default machine: results/<slug>.json
  std::vector<std::string> devices;  // empty = each spec's profile.devices
  ProfileDefaults profile;
  std::vector<std::string> inject;  // files whose MODELCARD regions inject / check fill
};

// A machine label: [a-z0-9][a-z0-9._-]* (it becomes part of a file name). "" is the default machine.
bool IsValidMachineLabel(const std::string& label);

struct ProjectParseResult {
  ProjectConfig config;
  std::vector<spec::Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

// Parses `text` as the contents of `path`. Never throws.
ProjectParseResult ParseProjectText(const std::string& text, const std::string& path);

// Reads `path`. A missing file is an error only when `required` (an explicit --config);
// otherwise the defaults are returned with config.path = "".
ProjectParseResult LoadProjectConfig(const std::string& path, bool required);

// The post's canonical URL: base_url (with a trailing '/') + "posts/<slug>/"; "" without a base URL.
std::string CanonicalUrl(const SiteConfig& site, const std::string& slug);

// The URL that edits the spec a post is generated from: "<repository_url>/edit/<branch>/<spec_path>";
// "" without a repository URL, or when spec_path is not inside the repository (absolute or "../").
std::string EditUrl(const SiteConfig& site, const std::string& spec_path);

}  // namespace project
