// The card's "Measured here" line states the conventions of the metrics the report measured:
// perplexity, top-k accuracy or both, joined by "; " (the template words them; the view sets
// measured_perplexity and measured_accuracy).
#include <doctest/doctest.h>

#include <string>

#include "generator/render/renderer.h"
#include "tests/unit/render_fixtures.h"

namespace {

constexpr const char* kPerplexity =
    "perplexity = exp(mean next-token negative log-likelihood, natural log) over non-overlapping windows of the data";
constexpr const char* kAccuracy = "top-k accuracy = the share of samples whose label is among the k highest logits";

// The card's "Measured here" line with the given evaluations added to the tiny report.
std::string MeasuredHereLine(bool perplexity, bool accuracy) {
  const spec::Spec spec = test_fixtures::TinySpec();
  engine::Report report = test_fixtures::TinyReport();
  REQUIRE(!report.sizes.empty());
  engine::MeasuredEvaluation e;
  e.dataset = "data.bin";
  e.dtype = "float32";
  e.weights = "model.safetensors";
  e.date = "2026-01-01";
  if (perplexity) {
    e.metric = "perplexity";
    e.tokens = 1000;
    e.value = 12.5;
    report.sizes.front().evaluations.push_back(e);
  }
  if (accuracy) {
    e.metric = "top-1 accuracy";
    e.samples = 100;
    e.value = 0.5;
    report.sizes.front().evaluations.push_back(e);
  }
  std::string card;
  const engine::Status s = render::RenderDocument(test_fixtures::Input(&spec, &report), "model-specification", &card);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  const size_t at = card.find("- **Measured here**");
  REQUIRE(at != std::string::npos);
  return card.substr(at, card.find('\n', at) - at);
}

std::string Expected(const std::string& conventions) {
  return "- **Measured here** (`modelcard eval` on the loaded checkpoint: " + conventions + "):";
}

}  // namespace

TEST_CASE("card: the Measured here line states the measured metrics' conventions") {
  CHECK(MeasuredHereLine(true, false) == Expected(kPerplexity));
  CHECK(MeasuredHereLine(false, true) == Expected(kAccuracy));
  CHECK(MeasuredHereLine(true, true) == Expected(std::string(kPerplexity) + "; " + kAccuracy));
}
