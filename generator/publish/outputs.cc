// Output locations of the generated files (see outputs.h).
#include "generator/publish/outputs.h"

namespace publish {

std::string SpecificationCardPath(const std::string& slug) { return "cards/" + slug + ".md"; }

std::string DocumentationPagePath(const std::string& slug) { return "docs/" + slug + ".md"; }

std::string BlogPostPath(const std::string& slug) { return "site/content/posts/" + slug + "/index.md"; }

std::string BlogBundleFilePath(const std::string& slug, const std::string& file) {
  return "site/content/posts/" + slug + "/" + file;
}

std::string RelativeTo(const std::string& from, const std::string& to) {
  auto split = [](const std::string& path) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t i = 0; i <= path.size(); ++i)
      if (i == path.size() || path[i] == '/') {
        if (i > start) parts.push_back(path.substr(start, i - start));
        start = i + 1;
      }
    return parts;
  };
  std::vector<std::string> a = split(from), b = split(to);
  if (!a.empty()) a.pop_back();  // the directory holding `from`
  size_t common = 0;
  while (common < a.size() && common + 1 < b.size() && a[common] == b[common]) ++common;
  std::string out;
  for (size_t i = common; i < a.size(); ++i) out += "../";
  for (size_t i = common; i < b.size(); ++i) out += b[i] + (i + 1 < b.size() ? "/" : "");
  return out;
}

std::string ExperimentsReadmePath(const std::string& slug) { return "docs/experiments/" + slug + "/README.md"; }

std::string DevelopmentGuidePath(const std::string& slug) { return "docs/guides/" + slug + ".md"; }

std::string ResultsPath(const std::string& slug, const std::string& machine) {
  return "results/" + slug + (machine.empty() ? "" : "@" + machine) + ".json";
}

std::vector<DocumentOutput> DocumentOutputs(const std::string& slug) {
  return {{"model-specification", SpecificationCardPath(slug)},
          {"model-documentation", DocumentationPagePath(slug)},
          {"hugo-blog-post", BlogPostPath(slug)},
          {"experiments-readme", ExperimentsReadmePath(slug)},
          {"development-guide", DevelopmentGuidePath(slug)}};
}

int64_t ShardOf(const std::string& slug, int64_t shards) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64-bit
  for (unsigned char c : slug) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return shards <= 1 ? 1 : static_cast<int64_t>(h % static_cast<uint64_t>(shards)) + 1;
}

std::string UnderRoot(const std::string& root, const std::string& relative) {
  if (root.empty()) return relative;
  if (root.back() == '/') return root + relative;
  return root + "/" + relative;
}

}  // namespace publish
