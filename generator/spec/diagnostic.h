// Diagnostic: one problem found in a spec file and where it is (1-based line and column).
// ToString() formats it on one line, like a compiler:
//   specs/gpt2.yaml:14:5: unknown key 'num_head' (did you mean 'num_heads'?)
#pragma once

#include <string>

namespace spec {

struct Diagnostic {
  std::string file;
  int line = 0;         // 1-based; 0 = no position (the file as a whole)
  int column = 0;       // 1-based; 0 = no column
  std::string message;  // "unknown key 'num_head'"
  // Optional. "did you mean 'x'?" and "expected one of: a, b" are shown in parentheses
  // after the message; any other advice is appended as "; hint: ...".
  std::string hint;

  // "file:line:column: message (hint)" on one line; "file: message" when line is 0.
  std::string ToString() const;
};

inline bool operator==(const Diagnostic& a, const Diagnostic& b) {
  return a.file == b.file && a.line == b.line && a.column == b.column && a.message == b.message && a.hint == b.hint;
}

}  // namespace spec
