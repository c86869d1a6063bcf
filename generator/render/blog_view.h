// The Hugo blog post's part of the view model (seed hugo-blog-post.template.md): front-matter
// values as YAML scalars, the table of contents, equations generated from the architecture,
// complexity figures and the comparison with the other bundled models. Not the template itself.
#pragma once

#include <string>

#include "generator/render/view_helpers.h"
#include "generator/render/view_model.h"

namespace render {

// `text` as a YAML double-quoted scalar: "..." with \ and " escaped, control characters as
// \n, \t, \r or \xNN. Any UTF-8 text round-trips.
std::string YamlQuoted(const std::string& text);

// Adds every post_* key of templates/hugo-blog-post.mustache to *v, one function per post
// section over a shared context; fixed headings and sentences are the template's.
// REQUIRES: in.spec != nullptr. Reads no clock: the date is blog.date, else the report's.
void AddBlogPost(const RenderInput& in, internal::View* v);

}  // namespace render
