// RenderTemplate: kainjow mustache with a no-op escaper (Markdown and Python are not HTML) and
// the partials of <dir>/partials/; RenderDocument adds whitespace normalization and the Markdown checks.
#include "generator/render/renderer.h"

#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <functional>
#include <cstdlib>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "generator/publish/atomic_write.h"
#include "generator/render/markdown_check.h"

namespace render {
namespace {

namespace km = kainjow::mustache;
namespace fs = std::filesystem;

// Mustache "standalone" lines: a line holding only a section, inverted-section, end or comment
// tag renders as nothing, not as a blank line. kainjow drops such a line only when its section
// renders, so MarkStandaloneTags puts this mark in front of each such tag (the mark is always
// rendered exactly where the line was) and DropMarkedLines deletes the marked lines afterwards.
constexpr char kStandaloneMark = '\x01';

std::string Trim(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::string MarkStandaloneTags(const std::string& source) {
  std::vector<std::string> lines;
  for (size_t start = 0; start <= source.size();) {
    size_t end = source.find('\n', start);
    if (end == std::string::npos) end = source.size();
    lines.push_back(source.substr(start, end - start));
    start = end + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string t = Trim(lines[i]);
    if (t.size() < 5 || t.compare(0, 2, "{{") != 0 || std::string("#^/!").find(t[2]) == std::string::npos) continue;
    const size_t close = t.find("}}");
    if (close == t.size() - 2) {
      lines[i] = kStandaloneMark + t;  // one tag alone on its line
    } else if (close == std::string::npos && t[2] == '!') {
      // A comment spanning lines is standalone when nothing follows its closing "}}".
      for (size_t j = i + 1; j < lines.size(); ++j) {
        const size_t end = lines[j].find("}}");
        if (end == std::string::npos) continue;
        if (Trim(lines[j].substr(end + 2)).empty()) lines[i] = kStandaloneMark + t;
        break;
      }
    }
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

std::string DropMarkedLines(const std::string& rendered) {
  std::string out;
  for (size_t start = 0; start < rendered.size();) {
    size_t end = rendered.find('\n', start);
    const bool has_newline = end != std::string::npos;
    if (!has_newline) end = rendered.size();
    std::string line = rendered.substr(start, end - start);
    start = end + 1;
    if (line.find(kStandaloneMark) != std::string::npos) {
      line.erase(std::remove(line.begin(), line.end(), kStandaloneMark), line.end());
      if (Trim(line).empty()) continue;
    }
    out += line;
    if (has_newline) out += '\n';
  }
  return out;
}

// Length of the fence ("```" or "~~~" or longer) opening `line`, 0 when it is not a fence.
size_t FenceLength(const std::string& line, char* fence_char) {
  const size_t indent = line.find_first_not_of(' ');
  if (indent == std::string::npos || indent > 3) return 0;
  const char c = line[indent];
  if (c != '`' && c != '~') return 0;
  size_t n = 0;
  while (indent + n < line.size() && line[indent + n] == c) ++n;
  if (n < 3) return 0;
  *fence_char = c;
  return n;
}

// The partials of `dir` by file stem, in name order, without their final newline; an empty
// list when `dir` does not exist.
engine::Status LoadPartials(const std::string& dir, std::vector<std::pair<std::string, std::string>>* partials) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return engine::Status::OK();
  std::vector<fs::path> paths;
  fs::directory_iterator it(dir, ec);  // error_code forms: listing never throws
  for (; !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().extension() == ".mustache") paths.push_back(it->path());
  if (ec) return engine::Status::IOError(dir + ": cannot list directory: " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::string text;
    engine::Status s = publish::ReadFile(path.string(), &text);
    if (!s.ok()) return s;
    text = MarkStandaloneTags(text);
    // A partial is spliced into the line that includes it: its final newline is the
    // including line's own, so drop it.
    if (!text.empty() && text.back() == '\n') text.pop_back();
    partials->emplace_back(path.stem().string(), std::move(text));
  }
  return engine::Status::OK();
}

}  // namespace

std::string NormalizeMarkdown(const std::string& text) {
  std::vector<std::string> out;
  char fence_char = 0;
  size_t fence_length = 0;  // > 0 while inside a fenced code block
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    const size_t last = line.find_last_not_of(" \t\r");
    line.erase(last == std::string::npos ? 0 : last + 1);

    char c = 0;
    const size_t fence = FenceLength(line, &c);
    if (fence_length == 0) {
      if (line.empty() && (out.empty() || out.back().empty())) continue;
      if (fence > 0) {
        fence_char = c;
        fence_length = fence;
      }
    } else if (fence >= fence_length && c == fence_char &&
               line.find_first_not_of(std::string(1, c) + " ") == std::string::npos) {
      fence_length = 0;
    }
    out.push_back(std::move(line));
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  std::string result;
  for (const auto& line : out) result += line + "\n";
  return result;
}

engine::Status RenderTemplate(const std::string& dir, const std::string& template_name,
                              const std::function<kainjow::mustache::data()>& make_data, std::string* out) {
  const std::string path = (fs::path(dir) / (template_name + ".mustache")).string();
  std::string source;
  engine::Status s = publish::ReadFile(path, &source);
  if (!s.ok()) return s;
  std::vector<std::pair<std::string, std::string>> partials;
  s = LoadPartials((fs::path(dir) / "partials").string(), &partials);
  if (!s.ok()) return s;

  km::mustache tmpl(MarkStandaloneTags(source));
  if (!tmpl.is_valid()) return engine::Status::InvalidArgument(path + ": " + tmpl.error_message());
  tmpl.set_custom_escape([](const std::string& text) { return text; });
  km::data data = make_data();
  for (const auto& [name, text] : partials) {
    const std::string partial_text = text;
    data.set(name, km::partial([partial_text]() { return partial_text; }));
  }
  const std::string rendered = tmpl.render(data);
  if (!tmpl.is_valid()) return engine::Status::InvalidArgument(path + ": " + tmpl.error_message());
  *out = DropMarkedLines(rendered);
  return engine::Status::OK();
}

engine::Status RenderDocument(const RenderInput& in, const std::string& template_name, std::string* out) {
  if (in.spec == nullptr) return engine::Status::InvalidArgument("no spec to render");
  if (in.spec->architecture.sizes.empty())
    return engine::Status::InvalidArgument(in.spec->path + ": the spec defines no sizes");
  std::string rendered;
  engine::Status s = RenderTemplate(
      in.templates_dir, template_name, [&] { return BuildViewModel(in, DocumentOfTemplate(template_name)); },
      &rendered);
  if (!s.ok()) return s;

  std::string markdown = NormalizeMarkdown(rendered);
  const std::string path = (fs::path(in.templates_dir) / (template_name + ".mustache")).string();
  const std::vector<std::string> problems = CheckMarkdown(markdown);
  if (!problems.empty()) {
    std::string message = path + ": the rendered document fails the Markdown checks:";
    for (const auto& p : problems) message += "\n  " + p;
    return engine::Status::InvalidArgument(message);
  }
  *out = std::move(markdown);
  return engine::Status::OK();
}

}  // namespace render
