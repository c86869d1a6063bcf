// SVG charts: which charts exist for which data, well-formed SVG with accessible text, the
// data in the alt text, geometry that follows the numbers, determinism; and the relative path
// the documentation page uses to reach them.
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "generator/publish/outputs.h"
#include "generator/render/charts.h"
#include "generator/render/format.h"
#include "render_fixtures.h"

namespace {

using test_fixtures::TinyReport;
using test_fixtures::TinySpec;

std::vector<std::string> Files(const std::vector<render::Chart>& charts) {
  std::vector<std::string> files;
  for (const auto& c : charts) files.push_back(c.file);
  return files;
}

// Every element opened is closed in order (a tiny XML well-formedness check: no attribute
// value holds '<' or '>', which Escape guarantees).
bool Balanced(const std::string& svg, std::string* why) {
  std::vector<std::string> stack;
  std::regex tag(R"(<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), tag), end; it != end; ++it) {
    const std::string closing = (*it)[1], name = (*it)[2], self = (*it)[3];
    if (!self.empty()) continue;
    if (closing.empty()) {
      stack.push_back(name);
    } else if (stack.empty() || stack.back() != name) {
      *why = "unexpected </" + name + ">";
      return false;
    } else {
      stack.pop_back();
    }
  }
  if (!stack.empty()) *why = "<" + stack.back() + "> never closed";
  return stack.empty();
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("charts: all four with measured runs, only the component chart without") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  CHECK(Files(render::BuildCharts(spec, report)) ==
        std::vector<std::string>{"throughput.svg", "latency.svg", "memory.svg", "components.svg"});
  engine::Report counted = report;
  for (auto& size : counted.sizes) size.runs.clear();
  CHECK(Files(render::BuildCharts(spec, counted)) == std::vector<std::string>{"components.svg"});
  CHECK(Files(render::BuildCharts(spec, engine::Report{})) == std::vector<std::string>{"components.svg"});
}

TEST_CASE("charts: well-formed accessible SVG with a light and a dark palette") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  for (const auto& chart : render::BuildCharts(spec, report)) {
    INFO(chart.file);
    const std::string& svg = chart.svg;
    std::string why;
    CHECK_MESSAGE(Balanced(svg, &why), why);
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.find("role=\"img\"") != std::string::npos);
    CHECK(svg.find("<title id=\"chart-title\">" + chart.title + "</title>") != std::string::npos);
    CHECK(svg.find("<desc id=\"chart-desc\">") != std::string::npos);
    CHECK(svg.find("@media (prefers-color-scheme: dark)") != std::string::npos);
    CHECK(svg.find("class=\"bg\"") != std::string::npos);  // its own background panel
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf") == std::string::npos);
    CHECK(svg.back() == '\n');
    CHECK_FALSE(chart.alt.empty());
  }
}

TEST_CASE("charts: the alt text states every measured value, the geometry follows it") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const std::vector<render::Chart> charts = render::BuildCharts(spec, report);
  const render::Chart& throughput = charts[0];
  const render::Chart& latency = charts[1];
  const render::Chart& memory = charts[2];
  int forward = 0, rows = 0;
  for (const auto& size : report.sizes) {
    for (const auto& run : size.runs) {
      if (run.scenario == "forward") {
        ++forward;
        ++rows;
        CHECK(throughput.alt.find(render::FormatRate(run.throughput.at(0).second, "tokens")) != std::string::npos);
      } else {
        rows += 2;  // prefill and decode step
      }
      CHECK(latency.alt.find("p99 " + render::FormatSeconds(run.latency_s.p99)) != std::string::npos);
      CHECK(memory.alt.find("weights " + render::FormatBytes(run.weights_bytes)) != std::string::npos);
    }
  }
  REQUIRE(forward > 0);
  // One marker per forward run; three bars (p50, p90, p99) per latency row plus 3 legend swatches.
  CHECK(Count(throughput.svg, "<circle ") == forward);
  CHECK(Count(latency.svg, "<rect class=\"s") == 3 * rows + 3);

  // A run that is twice as fast sits higher: its marker's y is smaller.
  engine::Report faster = report;
  for (auto& size : faster.sizes)
    for (auto& run : size.runs)
      if (run.scenario == "forward" && run.batch == faster.sizes[0].runs[0].batch) run.throughput[0].second *= 2;
  CHECK(render::BuildCharts(spec, faster)[0].svg != throughput.svg);
}

TEST_CASE("charts: the component chart covers every component with its share") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const render::Chart components = render::BuildCharts(spec, report).back();
  CHECK(components.file == "components.svg");
  const engine::SizeReport& size = report.sizes.front();
  for (const auto& [name, n] : size.parameters.by_component) {
    if (n == 0) continue;
    CHECK(components.alt.find(render::FormatPercent(double(n) / double(size.parameters.total))) != std::string::npos);
  }
  CHECK(components.alt.find(render::FormatThousands(size.parameters.total)) != std::string::npos);
}

TEST_CASE("charts: deterministic bytes") {
  const spec::Spec spec = TinySpec();
  const engine::Report report = TinyReport();
  const auto a = render::BuildCharts(spec, report), b = render::BuildCharts(spec, report);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].svg == b[i].svg);
}

TEST_CASE("outputs: relative path from one generated file to another") {
  CHECK(publish::RelativeTo("docs/gpt2.md", "site/content/posts/gpt2/latency.svg") ==
        "../site/content/posts/gpt2/latency.svg");
  CHECK(publish::RelativeTo("site/content/posts/gpt2/index.md", "site/content/posts/gpt2/latency.svg") ==
        "latency.svg");
  CHECK(publish::RelativeTo("a/b/c.md", "a/d/e.svg") == "../d/e.svg");
  CHECK(publish::RelativeTo("c.md", "x/y.svg") == "x/y.svg");
  CHECK(publish::BlogBundleFilePath("gpt2", "memory.svg") == "site/content/posts/gpt2/memory.svg");
}
