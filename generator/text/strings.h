// Small string helpers shared by every document builder and checker. Plain C++17, no state.
#pragma once

#include <string>
#include <vector>

namespace text {

// parts[0] + sep + parts[1] + ...; "" for no parts.
std::string Join(const std::vector<std::string>& parts, const std::string& sep);

// The lines of `text` split at '\n', each without a trailing '\r'; a final '\n' ends the last
// line rather than starting an empty one ("a\nb\n" -> {"a", "b"}; "" -> {}).
std::vector<std::string> SplitLines(const std::string& text);

// The anchor GitHub and Hugo (goldmark's default ids) give a Markdown heading: ASCII letters and
// digits lower-cased, spaces and '-' as '-', '_' kept, other ASCII punctuation dropped, bytes of
// other scripts kept ("Fused attention (SDPA)" -> "fused-attention-sdpa").
std::string HeadingAnchor(const std::string& heading);

}  // namespace text
