// Where each generated file goes, relative to an output root (the repository by default):
// cards/<slug>.md, docs/<slug>.md, site/content/posts/<slug>/index.md, docs/experiments/<slug>/README.md,
// docs/guides/<slug>.md, results/<slug>.json.
// One place, so the CLI, the documents' cross-links and the check mode agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace publish {

// One document the tool renders: which template, and where the result is written.
struct DocumentOutput {
  std::string template_name;  // "model-specification" -> templates/model-specification.mustache
  std::string relative_path;  // "cards/gpt2.md"
};

// "cards/<slug>.md": the specification card (seed model-specification.template.md).
std::string SpecificationCardPath(const std::string& slug);

// "docs/<slug>.md": the documentation page (seed model-documentation.template.md).
std::string DocumentationPagePath(const std::string& slug);

// "site/content/posts/<slug>/index.md": the Hugo post, a page bundle (seed hugo-blog-post.template.md).
std::string BlogPostPath(const std::string& slug);

// "site/content/posts/<slug>/<file>": a file of the post's page bundle (its SVG charts).
std::string BlogBundleFilePath(const std::string& slug, const std::string& file);

// The path of `to` relative to the directory of the file `from` (both relative to the same
// root, '/'-separated): ("docs/gpt2.md", "site/content/posts/gpt2/a.svg") ->
// "../site/content/posts/gpt2/a.svg".
std::string RelativeTo(const std::string& from, const std::string& to);

// "docs/experiments/<slug>/README.md": the optimization study (seed experiments-readme.template.md).
std::string ExperimentsReadmePath(const std::string& slug);

// "docs/guides/<slug>.md": the development guide with this model's numbers (seed model-development-guide.md).
std::string DevelopmentGuidePath(const std::string& slug);

// "results/<slug>.json": the stored Report the documents are rendered from, measured on the
// default machine; "results/<slug>@<machine>.json" for a labelled machine (--machine), so results
// from several machines sit side by side.
std::string ResultsPath(const std::string& slug, const std::string& machine = "");

// Every document of one model, in a fixed order (card, documentation page, Hugo post,
// experiments README, development guide).
std::vector<DocumentOutput> DocumentOutputs(const std::string& slug);

// The shard, 1..shards, that measures the model `slug` in `build --shard I/N`: FNV-1a of the
// slug modulo N, plus 1. Stable: adding or removing other specs never moves a spec.
int64_t ShardOf(const std::string& slug, int64_t shards);

// `root`/`relative`, without doubling the separator; `relative` alone when root is "".
std::string UnderRoot(const std::string& root, const std::string& relative);

}  // namespace publish
