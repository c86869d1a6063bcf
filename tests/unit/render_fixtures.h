// Fixtures shared by the rendering tests: the tiny spec, its committed results fixture, and a
// RenderInput over them with the bundled templates.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "engine/report.h"
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

}  // namespace test_fixtures
