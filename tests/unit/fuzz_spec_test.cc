// A bounded, seeded fuzz test of the spec parser and the renderer (issue 13): the bundled specs
// and the bad specs of tests/data/specs, mutated (byte flips, line deletions and duplications,
// key renames, extreme numbers, deep nesting, unicode, truncation, values swapped between keys,
// indentation shifts, lines spliced from another spec). Every input must parse to a value or to
// diagnostics that each name file:line:column; an input that parses is rendered in memory (every
// document and chart) with the stored results of its slug, or a count-only report, and may fail
// with an error value but must not crash, throw or hang.
//
// Reproducible: MODELCARD_FUZZ_SEED (default below) and MODELCARD_FUZZ_ITERATIONS pick the run; a
// failure names the seed and the input's index, and MODELCARD_FUZZ_DUMP=DIR writes every input
// to DIR/<index>.yaml before it is tried (to find the input that crashed a run);
// MODELCARD_FUZZ_VERBOSE=1 prints each render error.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/count.h"
#include "engine/report.h"
#include "generator/publish/outputs.h"
#include "generator/render/charts.h"
#include "generator/render/renderer.h"
#include "generator/render/view_model.h"
#include "generator/results/measured_inputs.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"
#include "tests/test_files.h"
#include "generator/text/strings.h"

namespace fs = std::filesystem;

namespace {

using testing_files::Slurp;

constexpr uint64_t kDefaultSeed = 20260613;
constexpr int64_t kDefaultIterations = 600;
// One input (parse + render of every document) must finish well within this.
constexpr double kMaxSecondsPerInput = 5.0;

struct CorpusFile {
  std::string name;  // "specs/gpt2.yaml"
  std::string text;
};

std::vector<CorpusFile> LoadCorpus() {
  std::vector<CorpusFile> out;
  const fs::path root = MODELCARD_SOURCE_DIR_FOR_TESTS;
  for (const char* dir : {"specs", "tests/data/specs"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(root / dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());  // directory order differs between machines
    for (const auto& f : files) out.push_back({std::string(dir) + "/" + f.filename().string(), Slurp(f)});
  }
  return out;
}

using text::SplitLines;

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// "  key: value" -> {indent+key+": ", value}; false when the line is not a simple mapping entry.
bool SplitEntry(const std::string& line, std::string* head, std::string* value) {
  size_t i = line.find_first_not_of(' ');
  if (i == std::string::npos) return false;
  if (line.compare(i, 2, "- ") == 0) i += 2;
  size_t j = i;
  while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) || line[j] == '_')) ++j;
  if (j == i || j + 1 >= line.size() || line[j] != ':' || line[j + 1] != ' ') return false;
  *head = line.substr(0, j + 2);
  *value = line.substr(j + 2);
  return true;
}

class Mutator {
 public:
  Mutator(const std::vector<CorpusFile>& corpus, uint64_t seed) : corpus_(corpus), rng_(seed) {
    for (const auto& f : corpus)
      for (const auto& line : SplitLines(f.text)) {
        std::string head, value;
        if (!SplitEntry(line, &head, &value)) continue;
        std::string key = head.substr(head.find_first_not_of(" -"));
        key.resize(key.size() - 2);
        if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) keys_.push_back(key);
      }
    std::sort(keys_.begin(), keys_.end());
  }

  // One mutation of `text` (two in three inputs), else two or three; `*what` lists them.
  std::string Mutate(std::string text, std::string* what) {
    const int n = Pick(3) != 0 ? 1 : 2 + Pick(2);
    for (int i = 0; i < n; ++i) {
      const int kind = Pick(12);
      *what += (what->empty() ? "" : ", ") + std::string(kNames[kind]);
      text = Apply(kind, text);
    }
    return text;
  }

 private:
  static constexpr const char* kNames[12] = {"byte flip",  "line deletion", "line duplication", "key rename",
                                             "number",     "deep nesting",  "unicode",          "truncation",
                                             "value swap", "indentation",   "splice",           "key typo"};

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  size_t PickIndex(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }

  // Lines that are "key: value" entries.
  std::vector<size_t> EntryLines(const std::vector<std::string>& lines) {
    std::vector<size_t> out;
    std::string head, value;
    for (size_t i = 0; i < lines.size(); ++i)
      if (SplitEntry(lines[i], &head, &value)) out.push_back(i);
    return out;
  }

  std::string Apply(int kind, const std::string& text) {
    std::vector<std::string> lines = SplitLines(text);
    const std::vector<size_t> entries = EntryLines(lines);
    std::string head, value;
    switch (kind) {
      case 0: {  // byte flips
        std::string t = text;
        if (t.empty()) return t;
        for (int i = 0, n = 1 + Pick(4); i < n; ++i) t[PickIndex(t.size())] = static_cast<char>(rng_() & 0xff);
        return t;
      }
      case 1:  // line deletion
        if (!lines.empty()) lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(PickIndex(lines.size())));
        return JoinLines(lines);
      case 2: {  // line duplication (next to itself or elsewhere)
        if (lines.empty()) return text;
        const std::string line = lines[PickIndex(lines.size())];
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(PickIndex(lines.size() + 1)), line);
        return JoinLines(lines);
      }
      case 3: {  // key rename: another key of the corpus
        if (entries.empty() || keys_.empty()) return text;
        std::string& line = lines[entries[PickIndex(entries.size())]];
        SplitEntry(line, &head, &value);
        const size_t key_at = head.find_first_not_of(" -");
        line = head.substr(0, key_at) + keys_[PickIndex(keys_.size())] + ": " + value;
        return JoinLines(lines);
      }
      case 4: {  // a number (or the value of an entry) replaced by an extreme one
        static const char* kNumbers[] = {"-1",
                                         "0",
                                         "-0",
                                         "1e308",
                                         "-1e308",
                                         "9223372036854775807",
                                         "9223372036854775808",
                                         "-9223372036854775808",
                                         "99999999999999999999999",
                                         "2147483647",
                                         "2147483648",
                                         "4294967296",
                                         "0.5",
                                         "-3.75",
                                         "1.0e-320",
                                         ".nan",
                                         ".inf",
                                         "-.inf",
                                         "0x7fffffff",
                                         "0o777",
                                         "1_000",
                                         "1e3",
                                         "65536"};
        const std::string number = kNumbers[PickIndex(std::size(kNumbers))];
        std::vector<size_t> digits;
        for (size_t i = 0; i < text.size(); ++i)
          if (std::isdigit(static_cast<unsigned char>(text[i])) &&
              (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1]))))
            digits.push_back(i);
        if (digits.empty() || Pick(3) == 0) {
          if (entries.empty()) return text;
          std::string& line = lines[entries[PickIndex(entries.size())]];
          SplitEntry(line, &head, &value);
          line = head + number;
          return JoinLines(lines);
        }
        const size_t at = digits[PickIndex(digits.size())];
        size_t end = at;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                                     text[end] == '-' || text[end] == '+'))
          ++end;
        return text.substr(0, at) + number + text.substr(end);
      }
      case 5: {  // deep nesting in a value: flow sequences / mappings, or block mappings
        const int depth = 1 + Pick(Pick(2) == 0 ? 40 : 600);
        std::string nested;
        switch (Pick(3)) {
          case 0: nested = std::string(depth, '[') + "1" + std::string(depth, ']'); break;
          case 1:
            for (int i = 0; i < depth; ++i) nested += "{a: ";
            nested += "1" + std::string(depth, '}');
            break;
          default:
            for (int i = 0; i < std::min(depth, 200); ++i) nested += "\n" + std::string(2 * (i + 1), ' ') + "k:";
            nested += " 1";
        }
        if (entries.empty()) return text + "x: " + nested + "\n";
        std::string& line = lines[entries[PickIndex(entries.size())]];
        SplitEntry(line, &head, &value);
        line = head + nested;
        return JoinLines(lines);
      }
      case 6: {  // unicode (valid and invalid UTF-8, a BOM, NUL, control characters)
        static const std::string kUnicode[] = {"\xc3\xa9",
                                               "\xe2\x80\xae",
                                               "\xf0\x9f\x98\x80",
                                               "\xcc\x81",
                                               "\xef\xbb\xbf",
                                               "\xff\xfe",
                                               "\xc3",
                                               "\xed\xa0\x80",
                                               std::string(1, '\0'),
                                               "\t",
                                               "\r",
                                               "\xe2\x80\xa8",
                                               "\xf4\x90\x80\x80",
                                               "\xc0\xaf"};
        std::string piece = kUnicode[PickIndex(std::size(kUnicode))];
        for (int i = 0, n = Pick(4); i < n; ++i) piece += piece;
        const size_t at = PickIndex(text.size() + 1);
        return text.substr(0, at) + piece + text.substr(at);
      }
      case 7:  // truncation
        return text.substr(0, PickIndex(text.size() + 1));
      case 8: {  // the values of two entries swapped
        if (entries.size() < 2) return text;
        const size_t a = entries[PickIndex(entries.size())], b = entries[PickIndex(entries.size())];
        std::string ha, va, hb, vb;
        SplitEntry(lines[a], &ha, &va);
        SplitEntry(lines[b], &hb, &vb);
        lines[a] = ha + vb;
        lines[b] = hb + va;
        return JoinLines(lines);
      }
      case 9: {  // indentation shifted
        if (lines.empty()) return text;
        std::string& line = lines[PickIndex(lines.size())];
        if (Pick(2) == 0)
          line = std::string(1 + Pick(4), ' ') + line;
        else
          line.erase(0, std::min<size_t>(line.find_first_not_of(' '), 1 + Pick(4)));
        return JoinLines(lines);
      }
      case 10: {  // a run of lines from another corpus file spliced in
        const std::vector<std::string> other = SplitLines(corpus_[PickIndex(corpus_.size())].text);
        if (other.empty()) return text;
        const size_t from = PickIndex(other.size()), count = 1 + PickIndex(8);
        const size_t at = PickIndex(lines.size() + 1);
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), other.begin() + static_cast<std::ptrdiff_t>(from),
                     other.begin() + static_cast<std::ptrdiff_t>(std::min(other.size(), from + count)));
        return JoinLines(lines);
      }
      default: {  // a key misspelled (a character dropped or doubled)
        if (entries.empty()) return text;
        std::string& line = lines[entries[PickIndex(entries.size())]];
        SplitEntry(line, &head, &value);
        const size_t key_at = head.find_first_not_of(" -");
        std::string key = head.substr(key_at, head.size() - 2 - key_at);
        const size_t i = PickIndex(key.size());
        if (Pick(2) == 0 && key.size() > 1)
          key.erase(i, 1);
        else
          key.insert(i, 1, key[i]);
        line = head.substr(0, key_at) + key + ": " + value;
        return JoinLines(lines);
      }
    }
  }

  const std::vector<CorpusFile>& corpus_;
  std::mt19937_64 rng_;
  std::vector<std::string> keys_;
};

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

// The stored results of `slug` (results/<slug>.json and its machines), or a count-only report of
// `s` when there are none (or they do not load).
engine::Report ReportFor(const spec::Spec& s, std::map<std::string, engine::Report>* cache) {
  if (!s.slug.empty()) {
    auto it = cache->find(s.slug);
    if (it == cache->end()) {
      engine::Report stored;
      if (results::LoadMergedReport(MODELCARD_SOURCE_DIR_FOR_TESTS, s.slug, &stored, nullptr).ok())
        it = cache->emplace(s.slug, stored).first;
    }
    if (it != cache->end()) return it->second;
  }
  engine::Report r;
  r.model = s.name;
  r.slug = s.slug;
  r.measured_inputs_sha256 = results::MeasuredInputsSha256(s);
  for (const spec::Size& size : s.architecture.sizes) {
    engine::SizeReport sr;
    sr.name = size.name;
    sr.config = size.config;
    sr.parameters = engine::AnalyticParameters(size.config);
    sr.flops = engine::AnalyticForwardFlops(size.config, 1, size.config.context_length);
    r.sizes.push_back(sr);
  }
  return r;
}

}  // namespace

TEST_CASE("fuzz: mutated specs parse to a spec or located diagnostics and render without crashing") {
  const std::vector<CorpusFile> corpus = LoadCorpus();
  REQUIRE(corpus.size() >= 8);
  const uint64_t seed = EnvNumber("MODELCARD_FUZZ_SEED", kDefaultSeed);
  const int64_t iterations = static_cast<int64_t>(EnvNumber("MODELCARD_FUZZ_ITERATIONS", kDefaultIterations));
  const char* dump = std::getenv("MODELCARD_FUZZ_DUMP");
  const bool verbose = EnvNumber("MODELCARD_FUZZ_VERBOSE", 0) != 0;  // print each render error
  std::cout << "fuzz: seed " << seed << ", " << iterations << " mutated inputs from " << corpus.size()
            << " specs (MODELCARD_FUZZ_SEED / MODELCARD_FUZZ_ITERATIONS to change)" << std::endl;
  std::map<std::string, engine::Report> stored;
  const std::string templates = std::string(MODELCARD_SOURCE_DIR_FOR_TESTS) + "/templates";
  int64_t parsed = 0, rejected = 0, rendered = 0, render_errors = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = -static_cast<int64_t>(corpus.size()); i < iterations; ++i) {
    // The corpus itself first (indices -N..-1), then the mutations; each input's mutations come
    // from (seed, index) alone, so one index reproduces without the others.
    std::string what, text;
    const CorpusFile& base = corpus[static_cast<size_t>(i < 0 ? i + static_cast<int64_t>(corpus.size())
                                                              : i % static_cast<int64_t>(corpus.size()))];
    if (i < 0) {
      text = base.text;
      what = "unmutated";
    } else {
      Mutator m(corpus, seed * 1000003u + static_cast<uint64_t>(i));
      text = m.Mutate(base.text, &what);
    }
    const std::string label =
        "seed " + std::to_string(seed) + " input " + std::to_string(i) + " (" + base.name + ": " + what + ")";
    if (dump != nullptr) std::ofstream(std::string(dump) + "/" + std::to_string(i) + ".yaml", std::ios::binary) << text;
    const auto t0 = std::chrono::steady_clock::now();
    try {
      const spec::ParseResult r = spec::ParseSpecText(text, base.name);
      if (!r.ok()) {
        ++rejected;
        const size_t line_count = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 2;
        for (const spec::Diagnostic& d : r.errors) {
          const bool located = d.file == base.name && d.line >= 1 && d.column >= 1 &&
                               static_cast<size_t>(d.line) <= line_count && !d.message.empty();
          if (!located) FAIL_CHECK(label << ": a diagnostic without file:line:column: " << d.ToString());
        }
      } else {
        ++parsed;
        const engine::Report report = ReportFor(r.spec, &stored);
        render::RenderInput in;
        in.spec = &r.spec;
        in.report = &report;
        in.templates_dir = templates;
        in.spec_display_path = base.name;
        in.all_specs = {&r.spec};
        in.all_reports = {&report};
        for (const auto& doc : publish::DocumentOutputs(r.spec.slug)) {
          std::string out;
          if (const engine::Status st = render::RenderDocument(in, doc.template_name, &out); st.ok()) {
            ++rendered;
            if (out.empty()) FAIL_CHECK(label << ": " << doc.template_name << " rendered empty");
          } else {
            ++render_errors;  // an error value is allowed (e.g. a document the Markdown checks reject)
            if (verbose) std::cout << label << ": " << doc.template_name << ": " << st.ToString() << "\n";
          }
        }
        for (const auto& chart : render::BuildCharts(r.spec, report))
          if (chart.svg.empty()) FAIL_CHECK(label << ": chart " << chart.file << " is empty");
      }
    } catch (const std::exception& e) {
      FAIL_CHECK(label << ": exception escaped: " << e.what());
    } catch (...) {
      FAIL_CHECK(label << ": a non-standard exception escaped");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (seconds > kMaxSecondsPerInput) FAIL_CHECK(label << ": took " << seconds << " s");
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "fuzz: " << (parsed + rejected) << " inputs in " << total << " s: " << parsed << " parsed (" << rendered
            << " documents rendered, " << render_errors << " render errors), " << rejected
            << " rejected with diagnostics" << std::endl;
  CHECK(parsed > 0);
  CHECK(rejected > 0);
}
