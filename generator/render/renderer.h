// Renders one document: template + partials + view model -> Markdown, normalized and
// checked (markdown_check.h) before anyone can write it.
#pragma once

#include <functional>
#include <string>

#include <kainjow/mustache.hpp>

#include "engine/status.h"
#include "generator/render/view_model.h"

namespace render {

// Loads <in.templates_dir>/<template_name>.mustache and every <templates_dir>/partials/*.mustache
// (available as {{>name}}), renders it with BuildViewModel(in) without HTML escaping, normalizes
// the whitespace (NormalizeMarkdown) and runs CheckMarkdown. Returns NotFound for a missing
// template, InvalidArgument for a mustache syntax error or a document that fails the checks
// (the message lists every problem with its line); *out is only written on success.
engine::Status RenderDocument(const RenderInput& in, const std::string& template_name, std::string* out);

// Loads <dir>/<template_name>.mustache and every <dir>/partials/*.mustache (available as
// {{>name}}, hiding a data key of the same name) and renders it with make_data(), called only
// once the template has parsed, without HTML escaping; a line holding only a section,
// inverted-section, end or comment tag leaves no line. The text as rendered: no normalization,
// no checks. NotFound for a missing template, InvalidArgument for a mustache syntax error;
// *out is only written on success.
engine::Status RenderTemplate(const std::string& dir, const std::string& template_name,
                              const std::function<kainjow::mustache::data()>& make_data, std::string* out);

// Trailing spaces removed from every line; outside fenced code, leading blank lines dropped
// and runs of blank lines collapsed to one; exactly one newline at the end.
std::string NormalizeMarkdown(const std::string& text);

}  // namespace render
