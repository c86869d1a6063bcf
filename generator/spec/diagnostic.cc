// Formatting of spec diagnostics as single compiler-style lines.
#include "generator/spec/diagnostic.h"

#include <string>

namespace spec {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A diagnostic is one line: line breaks inside a message become spaces.
std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": " + OneLine(message);
  if (!hint.empty()) {
    if (StartsWith(hint, "did you mean ") || StartsWith(hint, "expected one of: "))
      out += " (" + OneLine(hint) + ")";
    else
      out += "; hint: " + OneLine(hint);
  }
  return out;
}

}  // namespace spec
