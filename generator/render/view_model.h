// View model: Spec + Report -> the mustache data both document templates render from.
// All logic and number formatting lives here, so templates stay plain Markdown with holes.
// Deterministic: reads no clock and no environment; dates and versions come from the Report.
#pragma once

#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "engine/report.h"
#include "generator/project/project_config.h"
#include "generator/spec/spec.h"

namespace render {

struct RenderInput {
  const spec::Spec* spec = nullptr;          // required
  const engine::Report* report = nullptr;    // may be null, or lack sizes / runs (count only):
                                             // benchmark sections then say "not measured yet"
  std::string templates_dir;                 // holds <name>.mustache, partials/*.mustache and listings/
  std::string spec_display_path;             // as shown in commands, e.g. "specs/gpt2.yaml"
  std::vector<const spec::Spec*> all_specs;  // every bundled model (for cross-links); may be empty
  // The report of each of all_specs, in the same order; may be shorter or hold nulls (that
  // model's measurements then read "not measured").
  std::vector<const engine::Report*> all_reports;
  project::SiteConfig site;  // modelcard.yaml's site settings (author, URLs)
  // Set by BuildViewModel, which renders from an escaped copy of `spec` (prose_escape.h): the
  // spec as parsed, for front matter, SVG, code and diagrams. Null: `spec` is the raw spec.
  const spec::Spec* raw_spec = nullptr;
};

// The spec as parsed (unescaped) of a view being built.
const spec::Spec& RawSpec(const RenderInput& in);

// The document a view is built for. Every document gets the shared keys (the model, its sizes,
// counts, measurements and charts); the blog post, the experiments README and the development
// guide add their own (post_*, exp_*, guide_*: blog_view.h, experiments_view.h, guide_view.h),
// built only for them. kAny, for a template of another name, gets every key.
enum class Document { kAny, kCard, kDocumentation, kBlogPost, kExperimentsReadme, kDevelopmentGuide, kInjectSection };

// The document of a template name ("hugo-blog-post" -> kBlogPost, "inject/summary" ->
// kInjectSection); kAny for any other name.
Document DocumentOfTemplate(const std::string& template_name);

// The mustache data of `doc` for `in`. REQUIRES: in.spec != nullptr.
// Text values are ready to print (Markdown, units stated); every optional value `x` comes
// with a boolean `has_x`, because a mustache section over an empty string still renders.
kainjow::mustache::data BuildViewModel(const RenderInput& in, Document doc = Document::kAny);

// Text for a GFM table cell: '|' escaped, line breaks turned into spaces.
std::string TableCell(const std::string& text);

}  // namespace render
