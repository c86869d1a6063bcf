// Internals shared by the view-model builders (view_model.cc, blog_view.cc): the mustache
// object builder View and the small formatting / lookup helpers both use. Not a public API.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <kainjow/mustache.hpp>

#include "engine/config.h"
#include "engine/report.h"
#include "generator/spec/spec.h"
#include "generator/text/strings.h"

namespace render {
namespace internal {

// One mustache object under construction. Text() also sets has_<key>, Items() sets
// has_<key> to "the list is non-empty", so templates can test either.
class View {
 public:
  View& Text(const std::string& key, const std::string& value) {
    data_.set(key, value);
    data_.set("has_" + key, kainjow::mustache::data(!value.empty()));
    return *this;
  }
  View& Flag(const std::string& key, bool value) {
    data_.set(key, kainjow::mustache::data(value));
    return *this;
  }
  View& Items(const std::string& key, const std::vector<View>& items) {
    kainjow::mustache::data list(kainjow::mustache::data::type::list);
    for (const auto& item : items) list.push_back(item.data());
    data_.set(key, list);
    data_.set("has_" + key, kainjow::mustache::data(!items.empty()));
    return *this;
  }
  // A list of plain strings, each item exposing {{text}}.
  View& Lines(const std::string& key, const std::vector<std::string>& lines) {
    std::vector<View> items;
    for (const auto& l : lines) items.push_back(View().Text("text", l));
    return Items(key, items);
  }
  const kainjow::mustache::data& data() const { return data_; }

 private:
  kainjow::mustache::data data_{kainjow::mustache::data::type::object};
};

std::string N(int64_t n);  // "1,234"
using text::Join;
std::string Capitalize(std::string s);
std::string Code(const std::string& s);  // `s`
std::string Plural(int64_t n, const std::string& one, const std::string& many);
std::string BytesExact(int64_t bytes);  // "1,234 B (1.2 KiB)"

const engine::SizeReport* FindSizeReport(const engine::Report& r, const std::string& name);
// Measured when the report has the size, else analytic (engine/count.h).
engine::ParameterCount ParametersOf(const spec::Size& size, const engine::Report& r);
engine::FlopCount FlopsOf(const spec::Size& size, const engine::Report& r);
// The first profiled size, else the first size: what the commands and measured tables use.
const spec::Size& PrimarySize(const spec::Spec& s);
// The size the prose describes (introductions, architecture, equations, diagrams): blog.size,
// which defaults to the first size of architecture.sizes.
const spec::Size& ProseSize(const spec::Spec& s);
// "6 layers, 512 wide" | "stages [3, 4, 6, 3] of bottleneck blocks" | "2 LSTM layers, 650 wide":
// the few dimensions that tell one size from another.
std::string SizeShape(const engine::ModelConfig& c);
// "Measured on size `mini` (6 layers, 512 wide); the description above is of size `7b`." when
// the measured sizes differ from the described one, else "".
std::string MeasuredSizeNote(const spec::Spec& s, const engine::Report& r);

std::string PositionTag(engine::Position p);                           // "RoPE"
std::string HyperparameterLabel(const std::string& key);               // "learning_rate" -> "Learning rate"
std::string Citation(const spec::Reference& r);                        // "[title](url) — authors, year"
std::string RunShape(const engine::Run& r);                            // "batch 1 × 16 tokens"
std::string Throughput(const engine::Run& r, const std::string& key);  // "40,000 tokens/s"
std::string Mfu(const engine::Run& r);
// The memory guard's analytic estimate of what `run` allocates above its start
// (engine/count_memory.h) and the measured peak as a share of it: "25.4 MiB (104%)"; "—" when
// the scenario has no estimate. `c` is the spec's config of the run's size.
std::string EstimatedPeakText(const engine::ModelConfig& c, const engine::Run& run);
// "tokens" | "images" | "s of audio" for a throughput key ("images_per_s" -> "images").
std::string RateUnit(const std::string& key);
// The forward run's throughput in its own unit: "1,234 tokens/s", "12.3 images/s".
std::string ForwardRate(const engine::Run& r);
// The engine files that implement the model of `s`, each with what it holds: {path, what}.
std::vector<std::pair<std::string, std::string>> ImplementationFiles(const spec::Spec& s, const engine::ModelConfig& c);

}  // namespace internal
}  // namespace render
