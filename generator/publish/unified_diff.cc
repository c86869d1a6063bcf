// UnifiedDiff (see unified_diff.h): lines become integer ids, a linear-space Myers search marks
// the deleted and inserted lines, and the marks are grouped into hunks with context.
#include "generator/publish/unified_diff.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace publish {
namespace {

// The lines of `text`, each with its "\n" (the last one may have none).
std::vector<std::string_view> SplitKeepingEndings(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t newline = text.find('\n', begin);
    size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    lines.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return lines;
}

// Marks the lines of `a` not in a longest common subsequence with `b` as deleted, and the
// lines of `b` not in it as inserted. Lines are ids: equal ids, equal lines.
class ShortestEditScript {
 public:
  ShortestEditScript(const std::vector<int>& a, const std::vector<int>& b)
      : a_(a), b_(b), deleted_(a.size(), false), inserted_(b.size(), false) {
    Compare(0, int(a.size()), 0, int(b.size()));
  }
  const std::vector<bool>& deleted() const { return deleted_; }
  const std::vector<bool>& inserted() const { return inserted_; }

 private:
  // Marks the edits turning a[a_lo, a_hi) into b[b_lo, b_hi).
  void Compare(int a_lo, int a_hi, int b_lo, int b_hi) {
    while (a_lo < a_hi && b_lo < b_hi && a_[a_lo] == b_[b_lo]) ++a_lo, ++b_lo;
    while (a_lo < a_hi && b_lo < b_hi && a_[a_hi - 1] == b_[b_hi - 1]) --a_hi, --b_hi;
    int x = 0, y = 0;
    if (a_lo < a_hi && b_lo < b_hi && MiddleSnake(a_lo, a_hi, b_lo, b_hi, &x, &y) && !(x == a_lo && y == b_lo) &&
        !(x == a_hi && y == b_hi)) {
      Compare(a_lo, x, b_lo, y);
      Compare(x, a_hi, y, b_hi);
      return;
    }
    // One side is empty, or the two share no line: everything left is an edit.
    for (int i = a_lo; i < a_hi; ++i) deleted_[i] = true;
    for (int j = b_lo; j < b_hi; ++j) inserted_[j] = true;
  }

  // Finds a point (*x, *y) that a shortest edit path from (a_lo, b_lo) to (a_hi, b_hi) passes
  // through, by running the greedy search forward from the start and backward from the end
  // until the two meet (Myers 1986, "An O(ND) Difference Algorithm and Its Variations",
  // section 4b; the handling of diagonals that leave the grid follows diff-match-patch's
  // diff_bisect). v[k] is the furthest x reached on diagonal k = x - y; the backward search
  // runs on the reversed sequences. False when the ranges share no line.
  // REQUIRES: both ranges non-empty, their first lines differ and their last lines differ.
  bool MiddleSnake(int a_lo, int a_hi, int b_lo, int b_hi, int* x_out, int* y_out) const {
    const int n = a_hi - a_lo, m = b_hi - b_lo;
    const int max_d = (n + m + 1) / 2;
    const int offset = max_d + 1;
    const int size = 2 * max_d + 3;
    std::vector<int> forward(size, -1), backward(size, -1);
    const int delta = n - m;
    const bool odd = delta % 2 != 0;                     // the paths meet during a forward step when odd
    int f_start = 0, f_end = 0, b_start = 0, b_end = 0;  // diagonals trimmed off the grid
    for (int d = 0; d < max_d; ++d) {
      for (int k = -d + f_start; k <= d - f_end; k += 2) {
        const int i = offset + k;
        int x = d == 0                                                     ? 0
                : (k == -d || (k != d && forward[i - 1] < forward[i + 1])) ? forward[i + 1]
                                                                           : forward[i - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a_[a_lo + x] == b_[b_lo + y]) ++x, ++y;
        forward[i] = x;
        if (x > n) {
          f_end += 2;
        } else if (y > m) {
          f_start += 2;
        } else if (odd) {
          const int j = offset + delta - k;
          if (j >= 0 && j < size && backward[j] != -1 && x >= n - backward[j]) {
            *x_out = a_lo + x;
            *y_out = b_lo + y;
            return true;
          }
        }
      }
      for (int k = -d + b_start; k <= d - b_end; k += 2) {
        const int i = offset + k;
        int x = d == 0                                                       ? 0
                : (k == -d || (k != d && backward[i - 1] < backward[i + 1])) ? backward[i + 1]
                                                                             : backward[i - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a_[a_hi - 1 - x] == b_[b_hi - 1 - y]) ++x, ++y;
        backward[i] = x;
        if (x > n) {
          b_end += 2;
        } else if (y > m) {
          b_start += 2;
        } else if (!odd) {
          const int j = offset + delta - k;
          if (j >= 0 && j < size && forward[j] != -1 && forward[j] >= n - x) {
            *x_out = a_lo + forward[j];
            *y_out = b_lo + forward[j] - (delta - k);
            return true;
          }
        }
      }
    }
    return false;
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
  std::vector<bool> deleted_, inserted_;
};

// One line of the diff: kept (' '), removed ('-') or added ('+'), with the number of old and
// new lines before it.
struct Edit {
  char op;
  int old_before;
  int new_before;
};

// "-5,2", "-5" (one line), "-4,0" (empty: the line before).
std::string Range(char sign, int before, int count) {
  std::string out(1, sign);
  out += std::to_string(count == 0 ? before : before + 1);
  if (count != 1) out += "," + std::to_string(count);
  return out;
}

void AppendLine(char op, std::string_view line, std::string* out) {
  *out += op;
  out->append(line.data(), line.size());
  if (line.empty() || line.back() != '\n') *out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(const std::string& old_text, const std::string& new_text, const std::string& old_name,
                        const std::string& new_name, int context) {
  if (old_text == new_text) return "";
  const size_t context_lines = size_t(std::max(context, 0));
  const std::vector<std::string_view> old_lines = SplitKeepingEndings(old_text);
  const std::vector<std::string_view> new_lines = SplitKeepingEndings(new_text);

  std::unordered_map<std::string_view, int> ids;
  auto to_ids = [&ids](const std::vector<std::string_view>& lines) {
    std::vector<int> out;
    out.reserve(lines.size());
    for (std::string_view line : lines) out.push_back(ids.emplace(line, int(ids.size())).first->second);
    return out;
  };
  const std::vector<int> old_ids = to_ids(old_lines);
  const std::vector<int> new_ids = to_ids(new_lines);
  const ShortestEditScript script(old_ids, new_ids);

  // Within a change, removals come before additions.
  std::vector<Edit> edits;
  edits.reserve(old_lines.size() + new_lines.size());
  int i = 0, j = 0;
  const int n = int(old_lines.size()), m = int(new_lines.size());
  while (i < n || j < m) {
    if (i < n && script.deleted()[i]) {
      edits.push_back({'-', i++, j});
    } else if (j < m && script.inserted()[j]) {
      edits.push_back({'+', i, j++});
    } else {
      edits.push_back({' ', i++, j++});
    }
  }

  std::string out = "--- " + old_name + "\n+++ " + new_name + "\n";
  size_t next = 0;
  while (next < edits.size()) {
    while (next < edits.size() && edits[next].op == ' ') ++next;
    if (next == edits.size()) break;
    const size_t first = next >= context_lines ? next - context_lines : 0;
    size_t last = next;  // one past the last change of the hunk
    for (;;) {
      while (last < edits.size() && edits[last].op != ' ') ++last;
      size_t kept = last;
      while (kept < edits.size() && edits[kept].op == ' ') ++kept;
      if (kept == edits.size() || kept - last > 2 * context_lines) break;
      last = kept;
    }
    const size_t stop = std::min(edits.size(), last + context_lines);
    int old_count = 0, new_count = 0;
    for (size_t e = first; e < stop; ++e) {
      if (edits[e].op != '+') ++old_count;
      if (edits[e].op != '-') ++new_count;
    }
    out += "@@ " + Range('-', edits[first].old_before, old_count) + " " +
           Range('+', edits[first].new_before, new_count) + " @@\n";
    for (size_t e = first; e < stop; ++e) {
      const Edit& edit = edits[e];
      AppendLine(edit.op, edit.op == '+' ? new_lines[edit.new_before] : old_lines[edit.old_before], &out);
    }
    next = stop;
  }
  return out;
}

}  // namespace publish
