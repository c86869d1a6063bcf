// Spec prose is data, never markup (issue 14, Deliver 5): EscapeProse's output parses (cmark-gfm
// with GitHub's extensions) to one paragraph of plain text equal to the input, for the issue's
// reproducers and for seeded random strings of Markdown punctuation; a spec whose every prose
// field is hostile renders all five documents with no shortcode, heading, HTML or link from it.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "generator/publish/outputs.h"
#include "generator/render/charts.h"
#include "generator/render/prose_escape.h"
#include "generator/render/renderer.h"
#include "render_fixtures.h"

namespace {

// What `markdown` shows as one block: the literal text of a single paragraph (soft breaks read
// as spaces); "<not one paragraph: TYPE>" or "<markup: TYPE>" when anything else forms.
std::string ParagraphText(const std::string& markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter", "tasklist"})
    cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(name));
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* root = cmark_parser_finish(parser);
  std::string text, problem;
  cmark_node* first = cmark_node_first_child(root);
  if (first == nullptr) {
    problem = "";
  } else if (cmark_node_get_type(first) != CMARK_NODE_PARAGRAPH || cmark_node_next(first) != nullptr) {
    problem = std::string("<not one paragraph: ") + cmark_node_get_type_string(first) + ">";
  } else {
    for (cmark_node* n = cmark_node_first_child(first); n != nullptr; n = cmark_node_next(n)) {
      const cmark_node_type type = cmark_node_get_type(n);
      if (type == CMARK_NODE_TEXT) {
        text += cmark_node_get_literal(n);
      } else if (type == CMARK_NODE_SOFTBREAK) {
        text += ' ';
      } else if (type == CMARK_NODE_LINK && cmark_node_first_child(n) != nullptr &&
                 cmark_node_get_type(cmark_node_first_child(n)) == CMARK_NODE_TEXT &&
                 (std::string(cmark_node_get_literal(cmark_node_first_child(n))).rfind("http", 0) == 0 ||
                  std::string(cmark_node_get_literal(cmark_node_first_child(n))).rfind("www.", 0) == 0)) {
        // An autolinked bare URL (GFM's extension) shows the URL as written: text, not markup.
        text += cmark_node_get_literal(cmark_node_first_child(n));
      } else {
        problem = std::string("<markup: ") + cmark_node_get_type_string(n) + ">";
        break;
      }
    }
  }
  cmark_node_free(root);
  cmark_parser_free(parser);
  return problem.empty() ? text : problem;
}

// `text` with its line breaks and white-space runs as single spaces, ends trimmed: what one
// paragraph of it reads as.
std::string OneLine(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

const std::vector<std::string> kReproducers = {
    "{{< youtube dQw4w9WgXcQ >}}",
    "{{% notice %}}x{{% /notice %}}",
    "{{x}}",
    "A model\n---\nwith a heading underline",
    "---",
    "# not a heading",
    "1. not a list",
    "12) neither",
    "3.",
    "## ",
    "######## seven is text",
    "37.50 and -0.5 and +1 and #1 and 1.5B",
    "- - -",
    "===",
    "- nor this",
    "+ nor this",
    "= setext",
    "> not a quote",
    "**bold** and _em_ and `code`",
    "<iframe src=\"evil.example\"></iframe>",
    "see https://example.org/a_b_, then (www.example.org/x*).",
    "<script>alert(1)</script>",
    "[link](https://evil.example) ![img](x.png)",
    "https://example.org/auto_link_",
    "a | b | c",
    "~~struck~~",
    "&amp; &#65; &copy; R&D",
    "back\\slash \\* \\",
    "    indented code",
    "tab\tseparated\r\nCRLF line",
    "[^1] footnote",
    "- [ ] task",
    "*** ___ ---",
    "<https://autolink.example>",
    "x <!-- comment --> y",
};

// How often `needle` occurs in `text` not preceded by a backslash (as markup, not as text).
size_t Unescaped(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    if (at == 0 || text[at - 1] != '\\') ++n;
  return n;
}

// The lines of `markdown` outside its front matter and code fences (the fence lines included).
std::vector<std::string> MarkdownLines(const std::string& markdown) {
  std::vector<std::string> out;
  size_t start = 0;
  bool fenced = false, front_matter = markdown.rfind("---\n", 0) == 0;
  for (size_t line_no = 1; start < markdown.size(); ++line_no) {
    size_t end = markdown.find('\n', start);
    if (end == std::string::npos) end = markdown.size();
    const std::string line = markdown.substr(start, end - start);
    start = end + 1;
    if (front_matter) {
      if (line_no > 1 && line == "---") front_matter = false;
      continue;
    }
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    if (!fenced) out.push_back(line);
  }
  return out;
}

// Where text is Markdown, link titles left out (code, YAML and attribute values have their own
// escaping, checked elsewhere).
std::string MarkdownText(const std::string& markdown) {
  std::string out;
  for (const std::string& line : MarkdownLines(markdown))
    out += std::regex_replace(line, std::regex(R"( "([^"\\]|\\.)*"\))"), ")") + "\n";
  return out;
}

// The Markdown lines that open a heading or a thematic break (or a list item that opens one).
std::vector<std::string> BlockMarkers(const std::string& markdown) {
  std::vector<std::string> out;
  for (const std::string& line : MarkdownLines(markdown)) {
    // Headings, thematic breaks, setext underlines; a list item opening another block ("- - x",
    // "- # x") counts too (the number of plain items follows the spec's lists).
    if (line == "---" || line.rfind("#", 0) == 0 || line.rfind("===", 0) == 0 || line.rfind("- - ", 0) == 0 ||
        line.rfind("- #", 0) == 0 || line.rfind("- + ", 0) == 0)
      out.push_back(line.substr(0, line.find(' ') == std::string::npos ? line.size() : line.find(' ')));
  }
  return out;
}

}  // namespace

TEST_CASE("EscapeProse: every reproducer reads as written, as one paragraph of plain text") {
  for (const std::string& text : kReproducers) {
    const std::string escaped = render::EscapeProse(text);
    CHECK_MESSAGE(ParagraphText(escaped) == OneLine(text), "input: " << text << "\nescaped: " << escaped);
    CHECK_MESSAGE(escaped.find("{{") == std::string::npos, escaped);  // no shortcode, no mustache tag
    CHECK_MESSAGE(escaped.find('\n') == std::string::npos, escaped);
  }
}

TEST_CASE("EscapeProse: seeded random Markdown punctuation always reads as written") {
  const std::string alphabet = "\\`*_[]<>{}|~&#;-+=!()\"'.:/0123456789 \n\taZ%$^";
  std::mt19937_64 rng(20261205);
  for (int i = 0; i < 4000; ++i) {
    std::string text;
    const size_t length = 1 + rng() % 24;
    for (size_t k = 0; k < length; ++k) text += alphabet[rng() % alphabet.size()];
    const std::string escaped = render::EscapeProse(text);
    const std::string expected = OneLine(text);
    if (expected.empty()) continue;
    REQUIRE_MESSAGE(ParagraphText(escaped) == expected, "input: [" << text << "] escaped: [" << escaped << "]");
    REQUIRE(escaped.find("{{") == std::string::npos);
  }
}

TEST_CASE("EscapeProse leaves numbers and words that are no block marker as written") {
  for (const char* text : {"37.50", "-0.5 dB", "+1 point", "#1 model", "1.5B release", "(2019)", "=x", "--flag"})
    CHECK(render::EscapeProse(text) == text);
  CHECK(render::EscapeProse("1. x") == "1\\. x");
  CHECK(render::EscapeProse("# x") == "\\# x");
  CHECK(render::EscapeProse("- x") == "\\- x");
  CHECK(render::EscapeProse("---") == "\\---");
}

TEST_CASE("EscapeProse keeps blank-line paragraphs only when asked") {
  CHECK(render::EscapeProse("one\ntwo\n\n# three") == "one two \\# three");
  CHECK(render::EscapeProse("one\ntwo\n\n# three", true) == "one two\n\n\\# three");
  CHECK(render::EscapeProse("  \n\n ") == "");
}

TEST_CASE("CodeText, LinkDestination and LinkTitle cannot break out of their context") {
  CHECK(render::CodeText("a```b\n{{< x >}}") == "a'''b { {< x >}}");
  CHECK(render::LinkDestination("https://x.org/a b)(<c>") == "https://x.org/a%20b%29%28%3Cc%3E");
  CHECK(render::LinkTitle("say \"hi\" \\ {{<") == "say \\\"hi\\\" \\\\ \\{\\{<");
  const std::string link = "[t](" + render::LinkDestination("https://x.org/(a) [b]") + " \"" +
                           render::LinkTitle("a \"quoted\" title") + "\")";
  cmark_gfm_core_extensions_ensure_registered();
  char* html = cmark_markdown_to_html(link.data(), link.size(), CMARK_OPT_DEFAULT);
  CHECK(std::string(html) ==
        "<p><a href=\"https://x.org/%28a%29%20%5Bb%5D\" title=\"a &quot;quoted&quot; title\">t</a></p>\n");
  free(html);
}

TEST_CASE("a spec whose every prose field is hostile renders all five documents with none of it as markup") {
  spec::Spec spec = test_fixtures::TinySpec();
  const engine::Report report = test_fixtures::TinyReport();
  const std::string hostile = "{{< youtube dQw4w9WgXcQ >}} <iframe src=x></iframe> {{x}} **b** [l](u) | c";
  spec.name = "Tiny {{x}} <b>";
  spec.tagline = hostile;
  spec.summary = "Line one\n---\n" + hostile;
  spec.architecture.use_cases = {"# heading?", hostile};
  spec.blog.introduction = "Intro\n\n---\n\n" + hostile;
  spec.blog.limitations = {"- item?", hostile};
  spec.blog.conclusion = hostile;
  spec.has_blog = true;
  const render::RenderInput in = test_fixtures::Input(&spec, &report);
  const spec::Spec plain = test_fixtures::TinySpec();
  const render::RenderInput plain_in = test_fixtures::Input(&plain, &report);
  for (const auto& doc : publish::DocumentOutputs(spec.slug)) {
    std::string out, reference;
    const engine::Status st = render::RenderDocument(in, doc.template_name, &out);
    REQUIRE_MESSAGE(st.ok(), doc.template_name << ": " << st.ToString());
    REQUIRE(render::RenderDocument(plain_in, doc.template_name, &reference).ok());
    for (const char* markup : {"{{<", "{{%", "{{x", "<iframe", "<b>", "**b**", "[l](u)"})
      CHECK_MESSAGE(Unescaped(MarkdownText(out), markup) == 0, doc.template_name << ": " << std::string(markup));
    // The spec's text adds no heading, list item or thematic break: the document has as many
    // block-marker lines as the tiny spec's own.
    const std::vector<std::string> markers = BlockMarkers(out), reference_markers = BlockMarkers(reference);
    std::string listed;
    for (const auto& m : markers) listed += m + " | ";
    listed += "\n";
    for (const auto& m : reference_markers) listed += m + " | ";
    CHECK_MESSAGE(markers == reference_markers, doc.template_name << ": " << markers.size() << " block markers, "
                                                                  << reference_markers.size() << " in the tiny spec's\n"
                                                                  << listed);
    if (doc.template_name == "hugo-blog-post") {
      // Front matter keeps the raw name, YAML-quoted ("{{" written \x7B{, Hugo escapes it in HTML).
      CHECK(out.find("title: \"Tiny \\x7B{x\\x7D} <b>\"") != std::string::npos);
    }
  }
  for (const auto& chart : render::BuildCharts(spec, report)) {
    CHECK(chart.svg.find("<b>") == std::string::npos);  // XML-escaped in the SVG
  }
}
