// Every bundled spec's every document (card, documentation page, blog post, experiments README,
// development guide, inject sections and SVG charts), rendered in memory from specs/ and the
// committed results/, must state only facts its model has: no zero dimensions, no attention,
// heads or KV cache for a CNN or an RNN, no LM head or vocabulary for a model without one, no
// position encoding for a model without one, no sequence length for a model that reads images.
//
// Statements about another model (a comparison-table row, "Other: ..." in a comparison
// sentence, a "[Other](...)" link line) are checked against that other model's facts.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/report.h"
#include "generator/publish/outputs.h"
#include "generator/render/charts.h"
#include "generator/render/renderer.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"
#include "tests/unit/render_fixtures.h"

namespace fs = std::filesystem;

namespace {

using test_fixtures::kRoot;

struct Document {
  std::string name;  // "docs/resnet50.md"
  std::string text;
  size_t owner;  // index of the spec it belongs to
};

struct Bundle {
  std::vector<spec::Spec> specs;
  std::vector<engine::Report> reports;
  std::vector<Document> documents;
};

const Bundle& AllDocuments() {
  static const Bundle bundle = [] {
    Bundle b;
    std::vector<std::string> paths;
    for (const auto& entry : fs::directory_iterator(kRoot + "/specs"))
      if (entry.path().extension() == ".yaml") paths.push_back(entry.path().string());
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      spec::ParseResult parsed = spec::ParseSpecFile(path);
      REQUIRE_MESSAGE(parsed.ok(), path);
      b.specs.push_back(parsed.spec);
    }
    b.reports.resize(b.specs.size());
    for (size_t i = 0; i < b.specs.size(); ++i) {
      engine::Status s = results::LoadMergedReport(kRoot, b.specs[i].slug, &b.reports[i], nullptr);
      REQUIRE_MESSAGE(s.ok(), s.ToString());
    }
    std::vector<const spec::Spec*> all;
    std::vector<const engine::Report*> all_reports;
    for (size_t i = 0; i < b.specs.size(); ++i) {
      all.push_back(&b.specs[i]);
      all_reports.push_back(&b.reports[i]);
    }
    for (size_t i = 0; i < b.specs.size(); ++i) {
      render::RenderInput in;
      in.spec = &b.specs[i];
      in.report = &b.reports[i];
      in.templates_dir = kRoot + "/templates";
      in.spec_display_path = "specs/" + b.specs[i].slug + ".yaml";
      in.all_specs = all;
      in.all_reports = all_reports;
      std::vector<std::string> templates;
      for (const auto& doc : publish::DocumentOutputs(b.specs[i].slug)) templates.push_back(doc.template_name);
      for (const auto& entry : fs::directory_iterator(kRoot + "/templates/inject"))
        templates.push_back("inject/" + entry.path().stem().string());
      for (const auto& name : templates) {
        std::string out;
        engine::Status s = render::RenderDocument(in, name, &out);
        REQUIRE_MESSAGE(s.ok(), b.specs[i].slug << ": " << name << ": " << s.ToString());
        b.documents.push_back({b.specs[i].slug + ": " + name, out, i});
      }
      for (const auto& chart : render::BuildCharts(b.specs[i], b.reports[i]))
        b.documents.push_back({b.specs[i].slug + ": " + chart.file, chart.svg, i});
    }
    return b;
  }();
  return bundle;
}

// What a model has, from its family and resolved configuration (the size its prose describes).
struct Has {
  bool attention = true;   // self-attention with heads (and, for decoders, a KV cache)
  bool lm_head = true;     // an output layer over a token vocabulary
  bool vocabulary = true;  // token ids in or out
  bool positions = true;   // a position encoding
  bool sequence = true;    // a sequence (tokens, patches or frames) as input
};

Has HasOf(const spec::Spec& s) {
  const engine::ModelConfig& c = s.architecture.sizes.front().config;
  Has h;
  const engine::Family f = c.family;
  h.attention = f != engine::Family::kResNet && f != engine::Family::kRecurrent;
  h.positions =
      f != engine::Family::kResNet && f != engine::Family::kRecurrent &&
      !((f == engine::Family::kDecoder || f == engine::Family::kMoe) && c.position == engine::Position::kNone);
  h.vocabulary = f == engine::Family::kDecoder || f == engine::Family::kMoe || f == engine::Family::kRecurrent ||
                 f == engine::Family::kEncoder || (f == engine::Family::kAudio && c.decoder_layers > 0);
  h.lm_head = f == engine::Family::kDecoder || f == engine::Family::kMoe || f == engine::Family::kRecurrent ||
              (f == engine::Family::kEncoder && c.head == "mlm") ||
              (f == engine::Family::kAudio && c.decoder_layers > 0);
  h.sequence = f != engine::Family::kResNet;
  return h;
}

struct Rule {
  const char* what;
  std::regex pattern;
};

std::regex R(const char* p) { return std::regex(p, std::regex::ECMAScript | std::regex::icase); }

// Statements built from a zero-valued field: wrong for every model.
const std::vector<Rule>& ZeroRules() {
  static const std::vector<Rule> rules = {
      {"zero layers", R(R"re((^|[^0-9.,])0 (layers?|blocks?)\b)re")},
      {"a zero dimension", R(R"re(dimension 0\b)re")},
      {"zero tokens", R(R"re((^|[^0-9.,])0[- ]tokens?\b)re")},
      {"a zero-width FFN", R(R"re(0→0→0|0→2×0)re")},
      {"a zero factor", R(R"re(×0(?![.,0-9])|× 0(?![.,0-9]))re")},
      {"zero heads", R(R"re((^|[^0-9.,])0 (query |KV |attention )?heads?\b)re")},
      {"T = 0", R(R"re(T = 0\b)re")},
      {"a (0 × 0) table", R(R"re(\(0 × 0\))re")},
  };
  return rules;
}

const std::vector<Rule>& AttentionRules() {
  static const std::vector<Rule> rules = {
      {"an attention kind", R(R"re(\b(MHA|GQA|MQA)\b)re")},
      {"self-attention", R(R"re(self-attention)re")},
      {"attention heads", R(R"re(\b(attention|query|KV|K/V) heads?\b|head dimension)re")},
      {"attention's matmuls", R(R"re(QKᵀ|QK\^T|Q K\^\\top)re")},
      {"a KV cache", R(R"re(KV cache)re")},
  };
  return rules;
}

const std::vector<Rule>& LmHeadRules() {
  static const std::vector<Rule> rules = {{"an LM head", R(R"re(\bLM head\b)re")}};
  return rules;
}

const std::vector<Rule>& VocabularyRules() {
  static const std::vector<Rule> rules = {{"a vocabulary", R(R"re(\bvocabulary\b|token embedding)re")}};
  return rules;
}

const std::vector<Rule>& PositionRules() {
  static const std::vector<Rule> rules = {
      {"a position encoding", R(R"re(learned positions|position embeddings?|positional encoding|learned absolute|)re"
                                R"re(sinusoidal|\bRoPE\b|\bALiBi\b)re")},
  };
  return rules;
}

const std::vector<Rule>& SequenceRules() {
  static const std::vector<Rule> rules = {
      {"a sequence length", R(R"re(\bT = |\bT ≤|sequence length|-token sequence|full context|tokens?/s\b|)re"
                              R"re(× [0-9,]+ tokens)re")},
  };
  return rules;
}

// Phrases that say a feature is absent: removed before the rules run.
std::string WithoutNegations(std::string text) {
  static const std::regex negations =
      R(R"re(no (KV cache|attention|LM head|vocabulary|position[a-z ]*|sequence)[a-z ]*|none \([^)]*\)|)re"
        R"re(without (a |an )?(KV cache|attention|LM head)|not? [a-z ]*attention)re");
  return std::regex_replace(text, negations, "");
}

void CheckSegment(const std::string& doc, int line, const std::string& segment, const spec::Spec& about,
                  std::vector<std::string>* problems) {
  // Lines that say a feature does not apply, and the development guide's list of test files
  // (it describes the tests, not the model), state nothing about the model.
  // So do the numbered headings of the experiments README, which name each experiment.
  static const std::regex exempt = R(R"re(not applicable|_test\.cc|\.sh`:|^(#+ |\*\*)[0-9]+\. )re");
  if (std::regex_search(segment, exempt)) return;
  const Has h = HasOf(about);
  const std::string text = WithoutNegations(segment);
  auto apply = [&](const std::vector<Rule>& rules) {
    for (const auto& rule : rules) {
      std::smatch m;
      if (std::regex_search(text, m, rule.pattern))
        problems->push_back(doc + ":" + std::to_string(line) + ": " + rule.what + " for " + about.name + " ('" +
                            m.str(0) + "'): " + segment.substr(0, 240));
    }
  };
  apply(ZeroRules());
  if (!h.attention) apply(AttentionRules());
  if (!h.lm_head) apply(LmHeadRules());
  if (!h.vocabulary) apply(VocabularyRules());
  if (!h.positions) apply(PositionRules());
  if (!h.sequence) apply(SequenceRules());
}

// Splits `line` into the parts about each model: a table row whose first cell names a bundled
// model, a "[Name](" link line, and "Name: ..." runs of a comparison sentence belong to that
// model; the rest to the document's own model.
void CheckLine(const Bundle& b, const Document& d, int number, const std::string& line,
               std::vector<std::string>* problems) {
  auto model_named = [&](std::string name) -> const spec::Spec* {
    auto trim = [](std::string s) {
      while (!s.empty() && (s.front() == ' ' || s.front() == '*')) s.erase(s.begin());
      while (!s.empty() && (s.back() == ' ' || s.back() == '*')) s.pop_back();
      return s;
    };
    name = trim(name);
    for (const auto& s : b.specs)
      if (s.name == name) return &s;
    return nullptr;
  };
  const spec::Spec& self = b.specs[d.owner];
  if (line.rfind("| ", 0) == 0) {
    // A header row names the columns of every row (another model's KV cache, say).
    if (line.rfind("| Model |", 0) == 0 || line.rfind("| Size |", 0) == 0) return;
    const size_t end = line.find(" |", 1);
    const spec::Spec* row = end == std::string::npos ? nullptr : model_named(line.substr(1, end - 1));
    CheckSegment(d.name, number, line, row ? *row : self, problems);
    return;
  }
  for (const auto& s : b.specs) {
    if (line.rfind("- [" + s.name + "](", 0) == 0) {
      CheckSegment(d.name, number, line, s, problems);
      return;
    }
  }
  // "Name: " runs.
  std::vector<std::pair<size_t, const spec::Spec*>> starts;
  for (const auto& s : b.specs) {
    for (size_t pos = line.find(s.name + ": "); pos != std::string::npos; pos = line.find(s.name + ": ", pos + 1))
      starts.push_back({pos, &s});
  }
  std::sort(starts.begin(), starts.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  size_t from = 0;
  const spec::Spec* about = &self;
  for (const auto& [pos, s] : starts) {
    CheckSegment(d.name, number, line.substr(from, pos - from), *about, problems);
    from = pos;
    about = s;
  }
  CheckSegment(d.name, number, line.substr(from), *about, problems);
}

}  // namespace

TEST_CASE("every bundled document states only facts its model has") {
  const Bundle& b = AllDocuments();
  REQUIRE(b.specs.size() >= 9);
  REQUIRE(b.documents.size() >= 9 * 5);
  std::vector<std::string> problems;
  for (const auto& d : b.documents) {
    int number = 0;
    size_t start = 0;
    while (start <= d.text.size()) {
      size_t end = d.text.find('\n', start);
      if (end == std::string::npos) end = d.text.size();
      CheckLine(b, d, ++number, d.text.substr(start, end - start), &problems);
      start = end + 1;
    }
  }
  for (const auto& p : problems) MESSAGE(p);
  CHECK(problems.empty());
}
