// Fixtures shared by the rendering tests: the tiny spec, its committed results fixture, a
// RenderInput over them with the bundled templates, and the golden-file comparison.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "engine/report.h"
#include "generator/publish/atomic_write.h"
#include "generator/render/view_model.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"

namespace test_fixtures {

inline const std::string kRoot = MODELCARD_SOURCE_DIR_FOR_TESTS;
inline const std::string kTests = MODELCARD_TEST_DATA;

inline spec::Spec TinySpec() {
  spec::ParseResult parsed = spec::ParseSpecFile(kRoot + "/specs/tiny.yaml");
  REQUIRE(parsed.ok());
  return parsed.spec;
}

inline engine::Report TinyReport() {
  engine::Report report;
  engine::Status s = results::LoadReport(kTests + "/data/results/tiny.json", &report);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return report;
}

inline render::RenderInput Input(const spec::Spec* spec, const engine::Report* report) {
  render::RenderInput in;
  in.spec = spec;
  in.report = report;
  in.templates_dir = kRoot + "/templates";
  in.spec_display_path = "specs/tiny.yaml";
  in.all_specs = {spec};
  in.all_reports = {report};
  return in;
}

inline std::string ReadTextFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Compares `rendered` with tests/golden/<golden_name>, reporting the first differing line;
// MODELCARD_UPDATE_GOLDEN=1 rewrites the golden file instead.
inline void CompareWithGolden(const std::string& rendered, const std::string& golden_name) {
  const std::string path = kTests + "/golden/" + golden_name;
  const char* update = std::getenv("MODELCARD_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    REQUIRE(publish::WriteFileAtomic(path, rendered).ok());
    MESSAGE("rewrote " << path);
    return;
  }
  const std::string golden = ReadTextFile(path);
  if (rendered == golden) return;
  // Report the first differing line rather than two whole documents.
  std::istringstream want(golden), got(rendered);
  std::string want_line, got_line;
  int line = 0;
  while (true) {
    ++line;
    const bool has_want = static_cast<bool>(std::getline(want, want_line));
    const bool has_got = static_cast<bool>(std::getline(got, got_line));
    if (!has_want && !has_got) break;  // only the final newline differs
    if (!has_want || !has_got || want_line != got_line) {
      if (!has_want) want_line = "<end of file>";
      if (!has_got) got_line = "<end of file>";
      break;
    }
  }
  FAIL_CHECK(path << " differs from the rendered document at line " << line << ":\n  golden:   " << want_line
                  << "\n  rendered: " << got_line
                  << "\nIf the change is intended, run MODELCARD_UPDATE_GOLDEN=1 unit_tests and "
                     "review the diff.");
}

}  // namespace test_fixtures
