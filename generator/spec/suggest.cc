// Edit distance and the suggestion hints built on it.
#include "generator/spec/suggest.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace spec {

int EditDistance(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table at a time.
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int above = row[j];
      int substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  const int max_distance = std::max<int>(2, static_cast<int>(word.size() / 3));
  std::string best;
  int best_distance = max_distance + 1;
  for (const auto& candidate : candidates) {
    int d = EditDistance(word, candidate);
    // A candidate that shares nothing with the word ('c' -> 'a') is no suggestion.
    if (d >= static_cast<int>(word.size())) continue;
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string SuggestionHint(const std::string& word, const std::vector<std::string>& candidates) {
  std::string close = ClosestMatch(word, candidates);
  if (!close.empty()) return "did you mean '" + close + "'?";
  return "expected one of: " + JoinNames(candidates);
}

}  // namespace spec
