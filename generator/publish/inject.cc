// Inject mode (see inject.h): one pass over the lines finds the regions, with their byte
// ranges; a second step splices the generated content into those ranges.
#include "generator/publish/inject.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace publish {
namespace {

// One line of a text. `text` excludes the ending ("\n", "\r\n" or nothing on the last line).
struct Line {
  std::string_view text;
  size_t begin = 0;  // offset of the line's first byte
  size_t next = 0;   // offset just past its ending
  bool crlf = false;
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t newline = text.find('\n', begin);
    Line line;
    line.begin = begin;
    if (newline == std::string_view::npos) {
      line.text = text.substr(begin);
      line.next = text.size();
    } else {
      size_t end = newline;
      if (end > begin && text[end - 1] == '\r') {
        --end;
        line.crlf = true;
      }
      line.text = text.substr(begin, end - begin);
      line.next = newline + 1;
    }
    lines.push_back(line);
    begin = line.next;
  }
  return lines;
}

// Without the spaces and tabs (and a stray '\r') around it.
std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Follows fenced code blocks line by line (see inject.h for the rules).
class FenceTracker {
 public:
  // True when the line is a fence or inside a fenced block: no marker can be on it.
  bool Consume(std::string_view line, int number) {
    std::string_view s = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
    size_t run = 0;
    if (!s.empty() && (s[0] == '`' || s[0] == '~')) run = s.find_first_not_of(s[0]);
    if (run == std::string_view::npos) run = s.size();
    if (open_) {
      if (run >= open_length_ && s[0] == open_char_ && Trim(s.substr(run)).empty()) open_ = false;
      return true;
    }
    if (run < 3) return false;
    // An info string after backticks cannot contain a backtick (CommonMark), so "```a``` b" is code.
    if (s[0] == '`' && s.find('`', run) != std::string_view::npos) return false;
    open_ = true;
    open_char_ = s[0];
    open_length_ = run;
    open_line_ = number;
    return true;
  }
  bool open() const { return open_; }
  int open_line() const { return open_line_; }

 private:
  bool open_ = false;
  char open_char_ = 0;
  size_t open_length_ = 0;
  int open_line_ = 0;
};

enum class MarkerKind { kNone, kBegin, kEnd, kBadBegin, kBadEnd };

struct Marker {
  MarkerKind kind = MarkerKind::kNone;
  std::string slug, section;
  std::string why;  // for kBadBegin / kBadEnd
};

Marker ParseMarker(std::string_view line) {
  Marker m;
  std::string_view s = Trim(line);
  if (s.size() < 7 || s.substr(0, 4) != "<!--" || s.substr(s.size() - 3) != "-->") return m;
  std::vector<std::string> words;
  std::string_view inner = s.substr(4, s.size() - 7);
  for (size_t i = 0; i < inner.size();) {
    size_t b = inner.find_first_not_of(" \t", i);
    if (b == std::string_view::npos) break;
    size_t e = std::min(inner.size(), inner.find_first_of(" \t", b));
    words.emplace_back(inner.substr(b, e - b));
    i = e;
  }
  if (words.size() < 2 || words[1] != "MODELCARD") return m;
  if (words[0] == "BEGIN") {
    if (words.size() == 4) {
      m.kind = MarkerKind::kBegin;
      m.slug = words[2];
      m.section = words[3];
    } else {
      m.kind = MarkerKind::kBadBegin;
      m.why = words.size() == 2   ? "missing the slug and the section"
              : words.size() == 3 ? "missing the section"
                                  : "extra words after the section";
    }
  } else if (words[0] == "END") {
    m.kind = words.size() == 2 ? MarkerKind::kEnd : MarkerKind::kBadEnd;
    m.why = "END takes no slug or section";
  }
  return m;
}

// A region with the byte range of its content: [content_begin, content_end).
struct RegionSpan {
  InjectRegion region;
  size_t content_begin = 0;  // just past the BEGIN line's ending
  size_t content_end = 0;    // the END line's first byte
  bool crlf = false;         // the BEGIN line ends in "\r\n"
};

std::string At(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

engine::Status ScanRegions(const std::string& text, const std::string& path,
                           std::vector<RegionSpan>* spans) {
  FenceTracker fence;
  bool in_region = false;
  RegionSpan current;
  int number = 0;
  for (const Line& line : SplitLines(text)) {
    ++number;
    if (fence.Consume(line.text, number)) continue;
    Marker m = ParseMarker(line.text);
    auto got = [&line] { return "got '" + std::string(Trim(line.text)) + "'"; };
    switch (m.kind) {
      case MarkerKind::kNone:
        break;
      case MarkerKind::kBadBegin:
        return engine::Status::InvalidArgument(At(path, number) + "expected " + kInjectBeginSyntax +
                                               ", " + got() + " (" + m.why + ")");
      case MarkerKind::kBadEnd:
        return engine::Status::InvalidArgument(At(path, number) + "expected " + kInjectEndSyntax +
                                               ", " + got() + " (" + m.why + ")");
      case MarkerKind::kBegin:
        if (in_region) {
          const int open = current.region.begin_line;
          return engine::Status::InvalidArgument(
              At(path, open) + "no END MODELCARD for the BEGIN at line " + std::to_string(open) +
              " before the next BEGIN at line " + std::to_string(number) +
              " (regions cannot nest; end each one with " + kInjectEndSyntax + ")");
        }
        in_region = true;
        current = RegionSpan();
        current.region.slug = m.slug;
        current.region.section = m.section;
        current.region.begin_line = number;
        current.content_begin = line.next;
        current.crlf = line.crlf;
        break;
      case MarkerKind::kEnd:
        if (!in_region) {
          return engine::Status::InvalidArgument(At(path, number) +
                                                 "END MODELCARD without a matching BEGIN (a region is " +
                                                 kInjectBeginSyntax + " ... " + kInjectEndSyntax + ")");
        }
        in_region = false;
        current.region.end_line = number;
        current.content_end = line.begin;
        spans->push_back(current);
        break;
    }
  }
  if (in_region) {
    const int open = current.region.begin_line;
    std::string hint = "add " + std::string(kInjectEndSyntax) + " on its own line after the region";
    if (fence.open() && fence.open_line() > open) {
      hint = "the code fence opened at line " + std::to_string(fence.open_line()) +
             " is never closed, so markers after it are not recognised";
    }
    return engine::Status::InvalidArgument(At(path, open) + "no END MODELCARD for the BEGIN at line " +
                                           std::to_string(open) + " (" + hint + ")");
  }
  return engine::Status::OK();
}

// The content as it will sit between the markers: ends in a newline, with "\r\n" endings
// when the file's BEGIN line has them.
std::string NormalizeContent(const std::string& markdown, bool crlf) {
  std::string content = markdown;
  if (!content.empty() && content.back() != '\n') content += '\n';
  if (!crlf) return content;
  std::string out;
  out.reserve(content.size() + content.size() / 16);
  for (size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\n' && (i == 0 || content[i - 1] != '\r')) out += '\r';
    out += content[i];
  }
  return out;
}

// OK when `content` re-scans as plain text: no marker outside a code fence, no fence left open.
engine::Status CheckContent(const std::string& content, const RegionSpan& span, const std::string& path) {
  const std::string what = At(path, span.region.begin_line) + "the content for " + span.region.slug +
                           " " + span.region.section;
  FenceTracker fence;
  int number = 0;
  for (const Line& line : SplitLines(content)) {
    ++number;
    if (fence.Consume(line.text, number)) continue;
    if (ParseMarker(line.text).kind != MarkerKind::kNone) {
      return engine::Status::InvalidArgument(
          what + " has a MODELCARD marker on its line " + std::to_string(number) +
          ", which would break the region on the next run (show marker syntax inside a code fence)");
    }
  }
  if (fence.open()) {
    return engine::Status::InvalidArgument(what + " opens a code fence on its line " +
                                           std::to_string(fence.open_line()) +
                                           " and never closes it, which would hide the END marker");
  }
  return engine::Status::OK();
}

// `status` with `location` put in front of its message, keeping its kind. Status exposes its
// kind only through ToString()'s prefix ("not found: ..."), so the kind is read from there.
engine::Status WithLocation(const engine::Status& status, const std::string& location) {
  const std::string full = status.ToString();
  const std::string kind = full.substr(0, full.size() - status.message().size());
  const std::string message = location + status.message();
  if (kind == "not found: ") return engine::Status::NotFound(message);
  if (kind == "I/O error: ") return engine::Status::IOError(message);
  if (kind == "internal error: ") return engine::Status::Internal(message);
  if (kind == "unavailable: ") return engine::Status::Unavailable(message);
  return engine::Status::InvalidArgument(message);
}

}  // namespace

engine::Status FindInjectRegions(const std::string& text, const std::string& path,
                                 std::vector<InjectRegion>* out) {
  std::vector<RegionSpan> spans;
  engine::Status s = ScanRegions(text, path, &spans);
  for (const RegionSpan& span : spans) out->push_back(span.region);
  return s;
}

engine::Status InjectRegions(const std::string& text, const std::string& path,
                             const InjectContentFn& content, std::string* out) {
  std::vector<RegionSpan> spans;
  engine::Status s = ScanRegions(text, path, &spans);
  if (!s.ok()) return s;
  std::string result;
  result.reserve(text.size());
  size_t copied = 0;  // text[0, copied) is in `result`
  for (const RegionSpan& span : spans) {
    std::string markdown;
    s = content(span.region, &markdown);
    if (!s.ok()) return WithLocation(s, At(path, span.region.begin_line));
    const std::string normalized = NormalizeContent(markdown, span.crlf);
    s = CheckContent(normalized, span, path);
    if (!s.ok()) return s;
    result.append(text, copied, span.content_begin - copied);
    result += normalized;
    copied = span.content_end;
  }
  result.append(text, copied, std::string::npos);
  *out = std::move(result);
  return engine::Status::OK();
}

}  // namespace publish
