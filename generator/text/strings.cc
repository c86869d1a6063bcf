// See strings.h.
#include "generator/text/strings.h"

#include <cctype>

namespace text {

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::string HeadingAnchor(const std::string& heading) {
  std::string id;
  for (unsigned char ch : heading) {
    if (std::isalnum(ch))
      id += char(std::tolower(ch));
    else if (ch == ' ' || ch == '-')
      id += '-';
    else if (ch == '_')
      id += '_';
    else if (ch >= 0x80)
      id += char(ch);  // letters of other scripts are kept
  }
  return id;
}

}  // namespace text
