// SVG charts of one model, written beside its Hugo post (the page bundle) and shown by its
// documentation page too: forward throughput against batch size, latency percentiles,
// parameters and FLOPs by component, and memory of every measured scenario.
//
// Each chart is one self-contained SVG file: its own background panel and colours (a light
// palette, and a `prefers-color-scheme: dark` one), so it reads the same on any page; a
// <title> and <desc> for screen readers; alt text that states the data in words.
// Deterministic: the same spec and report give the same bytes (no clock, no randomness).
#pragma once

#include <string>
#include <vector>

#include "engine/report.h"
#include "generator/spec/spec.h"

namespace render {

struct Chart {
  std::string file;   // "throughput.svg": the file name inside the post's page bundle
  std::string title;  // "Forward throughput against batch size (small)"
  std::string alt;    // the data in one paragraph: alt text and the SVG's <desc>
  std::string svg;    // the document, ending in a newline
};

// The charts the spec and report have data for, in a fixed order: throughput, latency,
// memory (these need measured runs) and components (always: counts are measured or analytic).
std::vector<Chart> BuildCharts(const spec::Spec& s, const engine::Report& r);

}  // namespace render
