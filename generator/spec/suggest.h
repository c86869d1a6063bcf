// "Did you mean" suggestions for misspelled keys and names (Levenshtein edit distance).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spec {

// Levenshtein distance: insertions, deletions and substitutions each cost 1.
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when its distance is at most max(2, word.size() / 3) and
// less than word.size() (some of the word is kept); the first such candidate in list order on
// ties; "" when none is that close.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

// "a, b, c"
std::string JoinNames(const std::vector<std::string>& names);

// The hint for an unknown `word`: "did you mean 'x'?" when a candidate is close,
// otherwise "expected one of: a, b, c".
std::string SuggestionHint(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace spec
