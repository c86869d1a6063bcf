// Unified diffs (publish/unified_diff): exact hunks for small cases, GNU diff's conventions
// for empty ranges and missing final newlines, a shortest edit script (checked against an
// LCS by dynamic programming), and diffs that apply back to the new text (by a small applier
// here, and by patch(1) when it is installed).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "generator/publish/unified_diff.h"

using publish::UnifiedDiff;

namespace {

// "1\n2\n...\n<n>\n"
std::string Numbered(int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) out += std::to_string(i) + "\n";
  return out;
}

std::vector<std::string> LinesWithEndings(const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t nl = text.find('\n', begin);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return lines;
}

// Applies `diff` to `old_text` the way patch(1) would, checking every context and removed
// line against the old text. Returns "<mismatch>" when the diff does not fit.
std::string Apply(const std::string& old_text, const std::string& diff) {
  const std::vector<std::string> old_lines = LinesWithEndings(old_text);
  std::vector<std::string> lines = LinesWithEndings(diff);
  // The body of each diff line, with "\ No newline at end of file" folded into the line before.
  std::vector<std::string> body;
  for (const std::string& line : lines) {
    if (line.rfind("\\ No newline at end of file", 0) == 0) {
      if (body.empty() || body.back().empty() || body.back().back() != '\n') return "<mismatch>";
      body.back().pop_back();
    } else {
      body.push_back(line);
    }
  }
  if (body.size() < 2 || body[0].rfind("--- ", 0) != 0 || body[1].rfind("+++ ", 0) != 0) return "<mismatch>";
  std::string out;
  size_t old_next = 0;  // index of the next old line not yet copied
  for (size_t i = 2; i < body.size();) {
    int a = 0, b = 1, c = 0, d = 1;
    const std::string& header = body[i];
    if (std::sscanf(header.c_str(), "@@ -%d,%d +%d,%d @@", &a, &b, &c, &d) != 4 &&
        std::sscanf(header.c_str(), "@@ -%d +%d,%d @@", &a, &c, &d) != 3 &&
        std::sscanf(header.c_str(), "@@ -%d,%d +%d @@", &a, &b, &c) != 3 &&
        std::sscanf(header.c_str(), "@@ -%d +%d @@", &a, &c) != 2)
      return "<mismatch>";
    const size_t start = size_t(b == 0 ? a : a - 1);
    if (start < old_next || start > old_lines.size()) return "<mismatch>";
    for (; old_next < start; ++old_next) out += old_lines[old_next];
    int old_seen = 0, new_seen = 0;
    for (++i; i < body.size() && body[i].rfind("@@ ", 0) != 0; ++i) {
      const char op = body[i][0];
      const std::string text = body[i].substr(1);
      if (op == ' ' || op == '-') {
        if (old_next >= old_lines.size() || old_lines[old_next] != text) return "<mismatch>";
        ++old_next;
        ++old_seen;
      }
      if (op == ' ' || op == '+') {
        out += text;
        ++new_seen;
      }
      if (op != ' ' && op != '-' && op != '+') return "<mismatch>";
    }
    if (old_seen != b || new_seen != d) return "<mismatch>";
  }
  for (; old_next < old_lines.size(); ++old_next) out += old_lines[old_next];
  return out;
}

// Lines removed plus lines added by `diff`.
int EditCount(const std::string& diff) {
  int edits = 0;
  std::vector<std::string> lines = LinesWithEndings(diff);
  for (size_t i = 2; i < lines.size(); ++i)
    if (lines[i][0] == '-' || lines[i][0] == '+') ++edits;
  return edits;
}

// The length of a longest common subsequence of the lines, by dynamic programming.
int LcsLength(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<int>> t(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  return t[a.size()][b.size()];
}

}  // namespace

TEST_CASE("unified diff: equal texts give an empty diff") {
  CHECK(UnifiedDiff("", "", "a", "b") == "");
  CHECK(UnifiedDiff(Numbered(10), Numbered(10), "a", "b") == "");
  CHECK(UnifiedDiff("no newline", "no newline", "a", "b") == "");
}

TEST_CASE("unified diff: one changed line in the middle of ten lines") {
  std::string changed = Numbered(10);
  changed.replace(changed.find("5\n"), 2, "five\n");
  CHECK(UnifiedDiff(Numbered(10), changed, "a/cards/gpt2.md", "b/cards/gpt2.md") ==
        "--- a/cards/gpt2.md\n"
        "+++ b/cards/gpt2.md\n"
        "@@ -2,7 +2,7 @@\n"
        " 2\n"
        " 3\n"
        " 4\n"
        "-5\n"
        "+five\n"
        " 6\n"
        " 7\n"
        " 8\n");
  CHECK(UnifiedDiff(Numbered(10), changed, "a", "b", 1) ==
        "--- a\n+++ b\n"
        "@@ -4,3 +4,3 @@\n"
        " 4\n"
        "-5\n"
        "+five\n"
        " 6\n");
  CHECK(UnifiedDiff(Numbered(10), changed, "a", "b", 0) == "--- a\n+++ b\n@@ -5 +5 @@\n-5\n+five\n");
}

TEST_CASE("unified diff: changes far apart get separate hunks, close ones share a hunk") {
  std::string far = Numbered(20);
  far.replace(far.find("\n2\n") + 1, 2, "two\n");
  far.replace(far.find("\n19\n") + 1, 3, "nineteen\n");
  CHECK(UnifiedDiff(Numbered(20), far, "a", "b") ==
        "--- a\n+++ b\n"
        "@@ -1,5 +1,5 @@\n"
        " 1\n-2\n+two\n 3\n 4\n 5\n"
        "@@ -16,5 +16,5 @@\n"
        " 16\n 17\n 18\n-19\n+nineteen\n 20\n");

  // Six unchanged lines (2 * context) between two changes: one hunk.
  std::string close = Numbered(12);
  close.replace(close.find("\n3\n") + 1, 2, "three\n");
  close.replace(close.find("\n10\n") + 1, 3, "ten\n");
  CHECK(UnifiedDiff(Numbered(12), close, "a", "b") ==
        "--- a\n+++ b\n"
        "@@ -1,12 +1,12 @@\n"
        " 1\n 2\n-3\n+three\n 4\n 5\n 6\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n");
}

TEST_CASE("unified diff: empty ranges start at the line before them") {
  CHECK(UnifiedDiff("", "x\ny\n", "a", "b") == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  CHECK(UnifiedDiff("x\n", "", "a", "b") == "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n");
  // Two lines inserted after line 5 of 10.
  std::string inserted = Numbered(10);
  inserted.insert(inserted.find("\n6\n") + 1, "new 1\nnew 2\n");
  CHECK(UnifiedDiff(Numbered(10), inserted, "a", "b", 0) == "--- a\n+++ b\n@@ -5,0 +6,2 @@\n+new 1\n+new 2\n");
  CHECK(UnifiedDiff(Numbered(10), inserted, "a", "b") ==
        "--- a\n+++ b\n@@ -3,6 +3,8 @@\n 3\n 4\n 5\n+new 1\n+new 2\n 6\n 7\n 8\n");
}

TEST_CASE("unified diff: a missing final newline is marked") {
  CHECK(UnifiedDiff("a\nb", "a\nb\n", "old", "new") ==
        "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  CHECK(UnifiedDiff("a\nb\n", "a\nc", "old", "new") ==
        "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n");
  // An unchanged last line without a newline, as context.
  CHECK(UnifiedDiff("a\nb\nend", "a\nB\nend", "old", "new") ==
        "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n end\n\\ No newline at end of file\n");
}

TEST_CASE("unified diff: line endings are part of the line") {
  CHECK(UnifiedDiff("a\r\nb\n", "a\nb\n", "old", "new") == "--- old\n+++ new\n@@ -1,2 +1,2 @@\n-a\r\n+a\n b\n");
}

TEST_CASE("unified diff: a shortest edit script that applies back, on random texts") {
  std::mt19937 rng(20240611);
  const std::vector<std::string> vocabulary = {"a\n", "b\n", "c\n", "| x |\n", "\n"};
  auto random_text = [&](int max_lines) {
    std::vector<std::string> lines(size_t(rng() % (max_lines + 1)));
    for (std::string& line : lines) line = vocabulary[rng() % vocabulary.size()];
    if (!lines.empty() && rng() % 4 == 0) lines.back().pop_back();  // no final newline
    std::string text;
    for (const std::string& line : lines) text += line;
    return text;
  };
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string old_text = random_text(trial < 1500 ? 8 : 40);
    const std::string new_text = random_text(trial < 1500 ? 8 : 40);
    const int context = trial % 4;
    const std::string diff = UnifiedDiff(old_text, new_text, "a", "b", context);
    CAPTURE(old_text);
    CAPTURE(new_text);
    CAPTURE(context);
    if (old_text == new_text) {
      CHECK(diff == "");
      continue;
    }
    REQUIRE(Apply(old_text, diff) == new_text);
    const std::vector<std::string> a = LinesWithEndings(old_text), b = LinesWithEndings(new_text);
    REQUIRE(EditCount(diff) == int(a.size() + b.size()) - 2 * LcsLength(a, b));
  }
}

TEST_CASE("unified diff: 2,000-line documents diff quickly and exactly") {
  const std::string old_text = Numbered(2000);
  std::string new_text = old_text;
  new_text.replace(new_text.find("\n1000\n") + 1, 5, "one thousand\n");
  const auto start = std::chrono::steady_clock::now();
  CHECK(UnifiedDiff(old_text, new_text, "a", "b") ==
        "--- a\n+++ b\n@@ -997,7 +997,7 @@\n 997\n 998\n 999\n-1000\n+one thousand\n 1001\n 1002\n 1003\n");

  // Every line different, and every other line different: worst cases for the search.
  std::string other, interleaved;
  for (int i = 1; i <= 2000; ++i) {
    other += "x" + std::to_string(i) + "\n";
    interleaved += (i % 2 ? std::to_string(i) : "y" + std::to_string(i)) + "\n";
  }
  const std::string all = UnifiedDiff(old_text, other, "a", "b");
  CHECK(EditCount(all) == 4000);
  CHECK(Apply(old_text, all) == other);
  const std::string half = UnifiedDiff(old_text, interleaved, "a", "b");
  CHECK(EditCount(half) == 2000);
  CHECK(Apply(old_text, half) == interleaved);
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("three 2,000-line diffs took " << elapsed_s << " s");
  CHECK(elapsed_s < 2.0);  // milliseconds in practice; generous for loaded CI machines
}

TEST_CASE("unified diff: patch(1) turns the old file into the new one") {
  if (std::system("command -v patch >/dev/null 2>&1") != 0) {
    MESSAGE("patch(1) is not installed; skipped");
    return;
  }
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("modelcard-diff-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [](const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; };
  auto read = [](const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string edited = Numbered(50);
  edited.replace(edited.find("\n7\n") + 1, 2, "seven\nextra\n");
  edited.erase(edited.find("\n30\n") + 1, 3);
  edited += "no newline at the end";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Numbered(50), edited},
      {edited, Numbered(50)},
      {"", "new file\n"},
      {"a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"},
  };
  int index = 0;
  for (const auto& [old_text, new_text] : cases) {
    CAPTURE(index);
    const fs::path old_path = dir / "old.md", diff_path = dir / "change.diff", out_path = dir / "out.md";
    write(old_path, old_text);
    write(diff_path, UnifiedDiff(old_text, new_text, "a/doc.md", "b/doc.md"));
    fs::remove(out_path);
    const std::string command = "patch --binary -f -s -o '" + out_path.string() + "' '" + old_path.string() + "' < '" +
                                diff_path.string() + "' >/dev/null 2>&1";
    CHECK(std::system(command.c_str()) == 0);
    CHECK(read(out_path) == new_text);
    ++index;
  }
  fs::remove_all(dir);
}
