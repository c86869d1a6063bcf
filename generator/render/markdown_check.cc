// CheckMarkdown: parse with cmark-gfm + the table extension, map each source line to what
// it belongs to (table, code block), then check raw lines against that map.
#include "generator/render/markdown_check.h"
#include "generator/text/strings.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

namespace render {
namespace {

enum class LineKind { kText, kCode, kTable };

struct ParsedTable {
  int header_line = 0;
  std::vector<int> row_lines;  // body rows (the delimiter row is header_line + 1)
};

struct ParsedDocument {
  std::vector<LineKind> kinds;  // indexed by 1-based line number
  std::vector<ParsedTable> tables;
};

using text::SplitLines;

void Mark(ParsedDocument* doc, int first, int last, LineKind kind) {
  for (int line = first; line <= last; ++line)
    if (line >= 1 && line < int(doc->kinds.size())) doc->kinds[line] = kind;
}

ParsedDocument Parse(const std::string& markdown, size_t line_count) {
  ParsedDocument doc;
  doc.kinds.assign(line_count + 1, LineKind::kText);
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension("table"));
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* root = cmark_parser_finish(parser);
  cmark_iter* it = cmark_iter_new(root);
  cmark_event_type event;
  while ((event = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (event != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(it);
    const int first = cmark_node_get_start_line(node), last = cmark_node_get_end_line(node);
    if (cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK) {
      Mark(&doc, first, last, LineKind::kCode);
    } else if (std::strcmp(cmark_node_get_type_string(node), "table") == 0) {
      Mark(&doc, first, last, LineKind::kTable);
      ParsedTable table;
      for (cmark_node* row = cmark_node_first_child(node); row; row = cmark_node_next(row)) {
        if (std::strcmp(cmark_node_get_type_string(row), "table_header") == 0)
          table.header_line = cmark_node_get_start_line(row);
        else
          table.row_lines.push_back(cmark_node_get_start_line(row));
      }
      if (table.header_line > 0) doc.tables.push_back(std::move(table));
    }
  }
  cmark_iter_free(it);
  cmark_node_free(root);
  cmark_parser_free(parser);
  return doc;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Placeholder words of the seeds, matched as whole words: XX, XXXX, XB, XK, SizeX.
std::string PlaceholderWord(const std::string& line) {
  for (size_t i = 0; i < line.size();) {
    if (!IsWordChar(line[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < line.size() && IsWordChar(line[j])) ++j;
    const std::string word = line.substr(i, j - i);
    if (word.size() >= 2 && word.find_first_not_of('X') == std::string::npos) return word;
    if (word == "XB" || word == "XK" || word == "SizeX") return word;
    i = j;
  }
  return "";
}

void CheckPlaceholders(const std::string& line, int number, bool in_code, std::vector<std::string>* problems) {
  static const char* kEverywhere[] = {"[ModelName]"};
  static const char* kOutsideCode[] = {"[Model Name]", "[model_name]",      "Description of",
                                       "e.g.,",        "Brief description", "<!--"};
  auto report = [&](const std::string& what) {
    problems->push_back("line " + std::to_string(number) + ": leftover placeholder '" + what + "'");
  };
  for (const char* p : kEverywhere)
    if (line.find(p) != std::string::npos) report(p);
  // An unrendered mustache tag: {{name}}, {{#section}}, {{/x}}, {{{raw}}}. TeX's nested braces
  // ("^{3{,}072}}") are not tags and pass.
  static const std::regex kTag(R"(\{\{[#^/&>!{]?\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}?\}\})");
  if (std::regex_search(line, kTag)) {
    report("{{");
    report("}}");
  }
  if (in_code) return;
  for (const char* p : kOutsideCode)
    if (line.find(p) != std::string::npos) report(p);
  const std::string word = PlaceholderWord(line);
  if (!word.empty()) report(word);
}

bool StartsWithPipe(const std::string& line) {
  const size_t first = line.find_first_not_of(" \t");
  return first != std::string::npos && line[first] == '|';
}

}  // namespace

int CountTableCells(const std::string& row) {
  const size_t first = row.find_first_not_of(" \t");
  if (first == std::string::npos) return 0;
  const size_t last = row.find_last_not_of(" \t");
  std::string s = row.substr(first, last - first + 1);
  // Positions of the unescaped pipes (a pipe after an odd number of backslashes is text).
  std::vector<size_t> pipes;
  int backslashes = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++backslashes;
      continue;
    }
    if (s[i] == '|' && backslashes % 2 == 0) pipes.push_back(i);
    backslashes = 0;
  }
  int cells = int(pipes.size()) + 1;
  if (!pipes.empty() && pipes.front() == 0) --cells;                            // leading pipe
  if (!pipes.empty() && pipes.back() == s.size() - 1 && s.size() > 1) --cells;  // trailing pipe
  return cells;
}

std::vector<std::string> CheckMarkdown(const std::string& markdown) {
  const std::vector<std::string> lines = SplitLines(markdown);
  const ParsedDocument doc = Parse(markdown, lines.size());
  std::vector<std::pair<int, std::string>> found;  // (line, problem), sorted below
  auto add = [&](int line, const std::string& what) {
    found.emplace_back(line, "line " + std::to_string(line) + ": " + what);
  };

  for (const ParsedTable& table : doc.tables) {
    const int header = CountTableCells(lines[table.header_line - 1]);
    auto check_row = [&](int line, const char* what) {
      const int cells = CountTableCells(lines[line - 1]);
      if (cells != header) {
        add(line, std::string(what) + " has " + std::to_string(cells) + " cell" + (cells == 1 ? "" : "s") +
                      ", the header has " + std::to_string(header));
      }
    };
    if (table.header_line < int(lines.size())) check_row(table.header_line + 1, "delimiter row");
    for (int line : table.row_lines) check_row(line, "table row");
  }

  for (size_t i = 0; i < lines.size(); ++i) {
    const int number = int(i) + 1;
    const LineKind kind = doc.kinds[number];
    if (kind == LineKind::kText && StartsWithPipe(lines[i])) {
      add(number,
          "looks like a table row but is not in a table (a table needs a header row, then a "
          "delimiter row such as '| --- |' with the same number of cells)");
    }
    std::vector<std::string> placeholders;
    CheckPlaceholders(lines[i], number, kind == LineKind::kCode, &placeholders);
    for (auto& p : placeholders) found.emplace_back(number, std::move(p));
  }

  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> problems;
  for (auto& [line, text] : found) problems.push_back(std::move(text));
  return problems;
}

}  // namespace render
