// Output locations of the generated files (see outputs.h).
#include "generator/publish/outputs.h"

namespace publish {

std::string SpecificationCardPath(const std::string& slug) { return "cards/" + slug + ".md"; }

std::string DocumentationPagePath(const std::string& slug) { return "docs/" + slug + ".md"; }

std::string BlogPostPath(const std::string& slug) {
  return "site/content/posts/" + slug + "/index.md";
}

std::string ResultsPath(const std::string& slug) { return "results/" + slug + ".json"; }

std::vector<DocumentOutput> DocumentOutputs(const std::string& slug) {
  return {{"model-specification", SpecificationCardPath(slug)},
          {"model-documentation", DocumentationPagePath(slug)},
          {"hugo-blog-post", BlogPostPath(slug)}};
}

std::string UnderRoot(const std::string& root, const std::string& relative) {
  if (root.empty()) return relative;
  if (root.back() == '/') return root + relative;
  return root + "/" + relative;
}

}  // namespace publish
