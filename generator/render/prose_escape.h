// Spec prose is data, never markup (issue 14): what an author writes in a spec's text fields
// reads exactly as written in every document, and nothing in it can become Markdown structure,
// HTML, a Hugo shortcode or a mustache tag.
//
// Rendering works on an escaped copy of the spec (EscapedSpec) for everything that lands in
// Markdown text; the few places where prose lands elsewhere use the raw spec with their own
// escaping: YAML front matter (YamlQuoted), SVG (XML escaping in charts.cc), fenced code and
// diagrams (CodeText), link titles (LinkTitle).
#pragma once

#include <string>

#include "generator/spec/spec.h"

namespace render {

// `text` as inline Markdown that renders to exactly `text` on GitHub, cmark-gfm and Hugo's
// Goldmark: every ASCII punctuation character with a meaning there (\ ` * [ ] < > { } | ~, an '_'
// not between two letters or digits, an '&' that could start an entity) is backslash-escaped,
// so no emphasis, link, code span, raw HTML, autolink, table cell break, strikethrough or Hugo
// shortcode ("{{<", "{{%") can form; a block marker at the start of a paragraph (a heading's
// '#', a list item's '-', '+' or "1.", a line of '-' or '=') is escaped too. A bare URL keeps its
// characters (GFM autolinks it from the raw text). Line breaks become spaces; with
// `keep_paragraphs`, a blank line still separates paragraphs (the long-form blog fields).
// Leading and trailing white space is dropped (an indented line would be a code block).
std::string EscapeProse(const std::string& text, bool keep_paragraphs = false);

// `text` for a fenced code block or a text diagram: one line (line breaks and tabs become
// spaces), no backtick (a run of three would close the fence) and no "{{" (Hugo processes
// shortcodes inside code blocks too).
std::string CodeText(const std::string& text);

// A URL as a Markdown link destination: characters that would end or break it (white space,
// control characters, ( ) < > " ` \ [ ] { } |) are percent-encoded, so "[t](url)" stays one link.
std::string LinkDestination(const std::string& url);

// `text` inside a double-quoted Markdown link title: one line, '"' and '\' escaped, '{' escaped
// so no shortcode can form.
std::string LinkTitle(const std::string& text);

// A copy of `s` whose every prose field (name, tagline, summary, descriptions, use cases, the
// training, evaluation, deployment, maintenance and blog texts, reference titles and authors,
// variant and dataset names, hyperparameter values) is EscapeProse'd and whose URLs are
// LinkDestination'd. Identifiers (slug, size names, family, config keys, paths, tags,
// categories) are unchanged: the parser validates those.
spec::Spec EscapedSpec(const spec::Spec& s);

}  // namespace render
