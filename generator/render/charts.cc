// SVG charts (see charts.h). A small SVG writer, nice axis ticks, and one function per chart.
// Geometry is computed in pixels of a 720-wide viewBox; numbers are printed with one decimal
// so the bytes never depend on floating-point noise.
#include "generator/render/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "generator/render/diagrams.h"
#include "generator/render/family_facts.h"
#include "generator/render/format.h"
#include "generator/render/view_helpers.h"

namespace render {
namespace {

constexpr double kWidth = 720;
constexpr double kCharWidth = 6.6;  // average advance of the 12 px sans-serif labels, in px

std::string Px(double v) { return FormatFixed(std::round(v * 10) / 10, 1); }

std::string Escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

double TextWidth(const std::string& s) { return DisplayWidth(s) * kCharWidth; }

// Series colours: the Okabe-Ito palette (distinguishable with colour-vision deficiencies),
// lightened in dark mode.
const char* const kLight[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"};
const char* const kDark[] = {"#5aaee8", "#ff8a4c", "#3fd0a4", "#e7a3cb", "#f5c04a", "#9fd6f5"};
constexpr int kPalette = 6;

class Svg {
 public:
  Svg(double height, const std::string& title, const std::string& desc) {
    out_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Px(kWidth) + " " + Px(height) + "\" width=\"" +
           Px(kWidth) + "\" height=\"" + Px(height) +
           "\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" font-family=\"system-ui, "
           "-apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\" font-size=\"12\">\n";
    out_ += "<title id=\"chart-title\">" + Escape(title) + "</title>\n";
    out_ += "<desc id=\"chart-desc\">" + Escape(desc) + "</desc>\n";
    out_ +=
        "<style>\n.bg{fill:#ffffff;stroke:#d0d7de}.fg{fill:#1f2328}.muted{fill:#59636e}"
        ".axis{stroke:#59636e;stroke-width:1}.grid{stroke:#d8dee4;stroke-width:1}\n";
    for (int i = 0; i < kPalette; ++i)
      out_ += ".s" + std::to_string(i) + "{fill:" + kLight[i] + ";stroke:" + kLight[i] + "}";
    out_ +=
        "\n@media (prefers-color-scheme: dark){.bg{fill:#0d1117;stroke:#3d444d}.fg{fill:#e6edf3}"
        ".muted{fill:#9198a1}.axis{stroke:#9198a1}.grid{stroke:#2a313c}\n";
    for (int i = 0; i < kPalette; ++i)
      out_ += ".s" + std::to_string(i) + "{fill:" + kDark[i] + ";stroke:" + kDark[i] + "}";
    out_ += "}\n</style>\n";
    out_ += "<rect class=\"bg\" x=\"0.5\" y=\"0.5\" width=\"" + Px(kWidth - 1) + "\" height=\"" + Px(height - 1) +
            "\" rx=\"6\"/>\n";
    out_ += "<text class=\"fg\" x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"600\">" + Escape(title) + "</text>\n";
  }
  void Line(double x1, double y1, double x2, double y2, const std::string& cls, const std::string& extra = "") {
    out_ += "<line class=\"" + cls + "\" x1=\"" + Px(x1) + "\" y1=\"" + Px(y1) + "\" x2=\"" + Px(x2) + "\" y2=\"" +
            Px(y2) + "\"" + extra + "/>\n";
  }
  void Rect(double x, double y, double w, double h, const std::string& cls) {
    out_ += "<rect class=\"" + cls + "\" x=\"" + Px(x) + "\" y=\"" + Px(y) + "\" width=\"" + Px(std::max(w, 0.0)) +
            "\" height=\"" + Px(h) + "\" stroke-width=\"0\"/>\n";
  }
  void Circle(double x, double y, double r, const std::string& cls) {
    out_ += "<circle class=\"" + cls + "\" cx=\"" + Px(x) + "\" cy=\"" + Px(y) + "\" r=\"" + Px(r) +
            "\" stroke-width=\"0\"/>\n";
  }
  void Polyline(const std::vector<std::pair<double, double>>& points, const std::string& cls) {
    std::string pts;
    for (const auto& [x, y] : points) pts += (pts.empty() ? "" : " ") + Px(x) + "," + Px(y);
    out_ += "<polyline class=\"" + cls + "\" points=\"" + pts +
            "\" fill=\"none\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n";
  }
  // anchor: "start" | "middle" | "end".
  void Text(double x, double y, const std::string& text, const std::string& cls, const std::string& anchor = "start",
            const std::string& extra = "") {
    out_ += "<text class=\"" + cls + "\" x=\"" + Px(x) + "\" y=\"" + Px(y) + "\"" +
            (anchor == "start" ? "" : " text-anchor=\"" + anchor + "\"") + extra + ">" + Escape(text) + "</text>\n";
  }
  // A row of legend swatches, centred at y.
  void Legend(double y, const std::vector<std::string>& labels) {
    double total = 0;
    for (const auto& l : labels) total += 18 + TextWidth(l) + 18;
    double x = std::max(16.0, (kWidth - total) / 2);
    for (size_t i = 0; i < labels.size(); ++i) {
      Rect(x, y - 9, 12, 12, "s" + std::to_string(i % kPalette));
      Text(x + 18, y + 1, labels[i], "fg");
      x += 18 + TextWidth(labels[i]) + 18;
    }
  }
  std::string Finish() { return out_ + "</svg>\n"; }

 private:
  std::string out_;
};

// 1, 2, 2.5, 5 x 10^k at or above v (v > 0), for a linear axis from 0.
double NiceCeil(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

// Tick values of a linear axis [0, max]: 4 or 5 intervals.
std::vector<double> LinearTicks(double max) {
  const double top = NiceCeil(max);
  const double p = std::pow(10.0, std::floor(std::log10(top)));
  const double m = top / p;  // 1, 2, 2.5, 5 or 10
  const int steps = (m == 2.5 || m == 5) ? 5 : 4;
  std::vector<double> ticks;
  for (int i = 0; i <= steps; ++i) ticks.push_back(top * i / steps);
  return ticks;
}

// Three significant digits with an SI suffix: 717.4 -> "717", 1392.1 -> "1.39k", 24000 -> "24.0k".
std::string ShortNumber(double v) {
  static const struct {
    double scale;
    const char* suffix;
  } kSteps[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
  for (const auto& step : kSteps) {
    if (v < step.scale && step.scale > 1) continue;
    const double x = v / step.scale;
    const int decimals = x >= 100 ? 0 : x >= 10 ? 1 : 2;
    std::string text = FormatFixed(x, decimals);
    if (step.scale == 1 && x == std::floor(x)) text = FormatFixed(x, 0);
    return text + step.suffix;
  }
  return FormatFixed(v, 2);
}

std::string ShortBytes(double b) {
  if (b >= 1024.0 * 1024 * 1024) return FormatFixed(b / (1024.0 * 1024 * 1024), 1) + " GiB";
  if (b >= 1024.0 * 1024) return FormatFixed(b / (1024.0 * 1024), b >= 10 * 1024.0 * 1024 ? 0 : 1) + " MiB";
  if (b >= 1024) return FormatFixed(b / 1024, 0) + " KiB";
  return FormatFixed(b, 0) + " B";
}

// Nice linear ticks for bytes: multiples of a power of two of MiB/GiB read better, but decimal
// steps of the displayed unit are what people read off an axis; ticks at k * step of the unit.
std::vector<double> ByteTicks(double max) {
  const double unit = max >= 1024.0 * 1024 * 1024 ? 1024.0 * 1024 * 1024
                      : max >= 1024.0 * 1024      ? 1024.0 * 1024
                                                  : 1024.0;
  std::vector<double> ticks;
  for (double t : LinearTicks(max / unit)) ticks.push_back(t * unit);
  return ticks;
}

std::string SizePrefix(const engine::Report& r, const engine::SizeReport& size) {
  int measured = 0;
  for (const auto& s : r.sizes) measured += s.runs.empty() ? 0 : 1;
  return measured > 1 ? size.name + " " : "";
}

std::string MeasuredSizes(const engine::Report& r) {
  std::vector<std::string> names;
  for (const auto& s : r.sizes)
    if (!s.runs.empty()) names.push_back(s.name);
  return internal::Join(names, ", ");
}

// ---- throughput against batch size ----------------------------------------------------------

Chart ThroughputChart(const spec::Spec& s, const engine::Report& r) {
  struct Series {
    std::string label;
    std::vector<std::pair<int64_t, double>> points;  // batch, tokens/s
  };
  std::vector<Series> series;
  std::vector<int64_t> batches;
  std::string unit = "tokens";
  for (const auto& size : r.sizes) {
    for (const auto& run : size.runs) {
      if (run.scenario != "forward") continue;
      const std::string label = SizePrefix(r, size) + run.dtype +
                                (run.sequence_length > 0 ? ", " + internal::N(run.sequence_length) + " tokens" : "") +
                                (run.device == "cpu" ? "" : " (" + run.device + ")");
      auto it = std::find_if(series.begin(), series.end(), [&](const Series& x) { return x.label == label; });
      if (it == series.end()) {
        series.push_back({label, {}});
        it = series.end() - 1;
      }
      it->points.push_back({run.batch, run.throughput.empty() ? 0.0 : run.throughput.front().second});
      if (!run.throughput.empty()) unit = internal::RateUnit(run.throughput.front().first);
      if (std::find(batches.begin(), batches.end(), run.batch) == batches.end()) batches.push_back(run.batch);
    }
  }
  std::sort(batches.begin(), batches.end());
  for (auto& x : series) std::sort(x.points.begin(), x.points.end());

  Chart chart;
  chart.file = "throughput.svg";
  chart.title = "Forward throughput against batch size (" + s.name + " " + MeasuredSizes(r) + ")";
  std::vector<std::string> parts;
  double max = 0;
  for (const auto& x : series) {
    std::vector<std::string> pts;
    for (const auto& [b, v] : x.points) {
      pts.push_back("batch " + internal::N(b) + ": " + FormatRate(v, unit));
      max = std::max(max, v);
    }
    parts.push_back(x.label + " — " + internal::Join(pts, ", "));
  }
  chart.alt = "Line chart of forward-pass throughput in " + unit + " per second against batch size, measured on " +
              r.environment.device + " with " + internal::N(r.environment.threads) + " threads. " +
              internal::Join(parts, "; ") + ".";

  const double height = 380, left = 72, right = kWidth - 28, top = 48, bottom = height - 76;
  Svg svg(height, chart.title, chart.alt);
  const std::vector<double> ticks = LinearTicks(max);
  const double ymax = ticks.back();
  auto y_of = [&](double v) { return bottom - (bottom - top) * v / ymax; };
  // x: log2(batch), evenly spread when there is one point.
  const double lo = std::log2(double(batches.front())), hi = std::log2(double(batches.back()));
  auto x_of = [&](int64_t b) {
    if (hi == lo) return (left + right) / 2;
    return left + 30 + (right - left - 60) * (std::log2(double(b)) - lo) / (hi - lo);
  };
  for (double t : ticks) {
    svg.Line(left, y_of(t), right, y_of(t), t == 0 ? "axis" : "grid");
    svg.Text(left - 8, y_of(t) + 4, ShortNumber(t), "muted", "end");
  }
  for (int64_t b : batches) svg.Text(x_of(b), bottom + 18, internal::N(b), "muted", "middle");
  svg.Text((left + right) / 2, bottom + 36, "batch size (log scale)", "fg", "middle");
  svg.Text(18, (top + bottom) / 2, unit + "/s", "fg", "middle",
           " transform=\"rotate(-90 18 " + Px((top + bottom) / 2) + ")\"");
  std::vector<std::string> labels;
  for (size_t i = 0; i < series.size(); ++i) {
    const std::string cls = "s" + std::to_string(i % kPalette);
    std::vector<std::pair<double, double>> pts;
    for (const auto& [b, v] : series[i].points) pts.push_back({x_of(b), y_of(v)});
    if (pts.size() > 1) svg.Polyline(pts, cls);
    for (size_t k = 0; k < pts.size(); ++k) {
      svg.Circle(pts[k].first, pts[k].second, 4, cls);
      svg.Text(pts[k].first + 7, pts[k].second - 7, ShortNumber(series[i].points[k].second), "fg");
    }
    labels.push_back(series[i].label);
  }
  svg.Legend(height - 16, labels);
  chart.svg = svg.Finish();
  return chart;
}

// ---- latency percentiles ---------------------------------------------------------------------

struct LatencyRow {
  std::string label;
  engine::LatencyStats stats;
};

std::vector<LatencyRow> LatencyRows(const engine::Report& r) {
  std::vector<LatencyRow> rows;
  for (const auto& size : r.sizes) {
    for (const auto& run : size.runs) {
      const std::string who = SizePrefix(r, size) + run.dtype + " b" + internal::N(run.batch);
      if (run.scenario == "generate") {
        rows.push_back({who + " prefill " + internal::N(run.prompt_tokens), run.prefill_s});
        rows.push_back({who + " decode step", run.latency_s});
      } else {
        rows.push_back(
            {who + (run.sequence_length > 0 ? " × " + internal::N(run.sequence_length) : "") + " " + run.scenario,
             run.latency_s});
      }
    }
  }
  return rows;
}

Chart LatencyChart(const spec::Spec& s, const engine::Report& r) {
  const std::vector<LatencyRow> rows = LatencyRows(r);
  Chart chart;
  chart.file = "latency.svg";
  chart.title = "Latency percentiles (" + s.name + " " + MeasuredSizes(r) + ")";
  std::vector<std::string> parts;
  double lo = 1e300, hi = 0;
  for (const auto& row : rows) {
    parts.push_back(row.label + ": p50 " + FormatSeconds(row.stats.p50) + ", p90 " + FormatSeconds(row.stats.p90) +
                    ", p99 " + FormatSeconds(row.stats.p99));
    lo = std::min(lo, row.stats.p50);
    hi = std::max(hi, row.stats.p99);
  }
  chart.alt =
      "Bar chart of the p50, p90 and p99 wall-clock latency of every measured scenario on a log scale, "
      "measured on " +
      r.environment.device + " with " + internal::N(r.environment.threads) + " threads (b = batch" +
      (FactsOf(internal::PrimarySize(s).config).sequence ? "; forward rows are batch × tokens" : "") + "). " +
      internal::Join(parts, "; ") + ".";

  double label_width = 0;
  for (const auto& row : rows) label_width = std::max(label_width, TextWidth(row.label));
  const double left = 24 + label_width, right = kWidth - 70, top = 50, row_h = 34;
  const double height = top + row_h * rows.size() + 70;
  const double bottom = top + row_h * rows.size();
  Svg svg(height, chart.title, chart.alt);
  // Log axis over whole decades of seconds that contain every value.
  const double d0 = std::floor(std::log10(std::max(lo, 1e-9))), d1 = std::ceil(std::log10(std::max(hi, 1e-9)));
  const double decades = std::max(1.0, d1 - d0);
  auto x_of = [&](double v) { return left + (right - left) * (std::log10(std::max(v, 1e-12)) - d0) / decades; };
  for (double d = d0; d <= d0 + decades + 1e-9; d += 1) {
    const double x = left + (right - left) * (d - d0) / decades;
    svg.Line(x, top - 4, x, bottom, d == d0 ? "axis" : "grid");
    svg.Text(x, bottom + 16, FormatSeconds(std::pow(10.0, d)), "muted", "middle");
  }
  svg.Text((left + right) / 2, bottom + 34, "latency (log scale)", "fg", "middle");
  for (size_t i = 0; i < rows.size(); ++i) {
    const double y = top + row_h * i;
    svg.Text(left - 8, y + row_h / 2 + 4, rows[i].label, "fg", "end");
    const double values[] = {rows[i].stats.p50, rows[i].stats.p90, rows[i].stats.p99};
    for (int k = 0; k < 3; ++k) {
      const double by = y + 4 + 8.5 * k;
      svg.Rect(left, by, x_of(values[k]) - left, 7.5, "s" + std::to_string(k));
    }
    svg.Text(x_of(values[2]) + 6, y + row_h / 2 + 4, FormatSeconds(values[0]), "muted");
  }
  svg.Legend(height - 16, {"p50 (median)", "p90", "p99"});
  chart.svg = svg.Finish();
  return chart;
}

// ---- memory --------------------------------------------------------------------------------

Chart MemoryChart(const spec::Spec& s, const engine::Report& r) {
  struct Row {
    std::string label;
    int64_t weights, peak;
  };
  std::vector<Row> rows;
  for (const auto& size : r.sizes) {
    for (const auto& run : size.runs) {
      const std::string who = SizePrefix(r, size) + run.dtype + " b" + internal::N(run.batch);
      rows.push_back(
          {run.scenario == "generate"
               ? who + " generate " + internal::N(run.prompt_tokens) + "+" + internal::N(run.new_tokens)
               : who + (run.sequence_length > 0 ? " × " + internal::N(run.sequence_length) : "") + " " + run.scenario,
           run.weights_bytes, run.peak_bytes});
    }
  }
  Chart chart;
  chart.file = "memory.svg";
  chart.title = "Memory per scenario (" + s.name + " " + MeasuredSizes(r) + ")";
  std::vector<std::string> parts;
  double max = 0;
  for (const auto& row : rows) {
    parts.push_back(row.label + ": weights " + FormatBytes(row.weights) + " + peak during the run " +
                    FormatBytes(row.peak));
    max = std::max(max, double(row.weights + row.peak));
  }
  chart.alt = std::string(
                  "Stacked bar chart of memory per measured scenario: the parameter bytes in the run's dtype, plus "
                  "the peak bytes of tensors allocated during the run (activations, ") +
              (FactsOf(internal::PrimarySize(s).config).kv_cache ? "KV cache, " : "") +
              "workspace; weights excluded). " + internal::Join(parts, "; ") + ".";

  double label_width = 0;
  for (const auto& row : rows) label_width = std::max(label_width, TextWidth(row.label));
  const double left = 24 + label_width, right = kWidth - 90, top = 50, row_h = 26;
  const double bottom = top + row_h * rows.size();
  const double height = bottom + 70;
  Svg svg(height, chart.title, chart.alt);
  const std::vector<double> ticks = ByteTicks(max);
  auto x_of = [&](double v) { return left + (right - left) * v / ticks.back(); };
  for (double t : ticks) {
    svg.Line(x_of(t), top - 4, x_of(t), bottom, t == 0 ? "axis" : "grid");
    svg.Text(x_of(t), bottom + 16, ShortBytes(t), "muted", "middle");
  }
  svg.Text((left + right) / 2, bottom + 34, "bytes (binary units)", "fg", "middle");
  for (size_t i = 0; i < rows.size(); ++i) {
    const double y = top + row_h * i + 5;
    svg.Text(left - 8, y + 12, rows[i].label, "fg", "end");
    svg.Rect(left, y, x_of(double(rows[i].weights)) - left, 16, "s0");
    svg.Rect(x_of(double(rows[i].weights)), y, x_of(double(rows[i].peak)) - left, 16, "s1");
    svg.Text(x_of(double(rows[i].weights + rows[i].peak)) + 6, y + 12,
             ShortBytes(double(rows[i].weights + rows[i].peak)), "muted");
  }
  svg.Legend(height - 16, {"weights", "peak allocated during the run"});
  chart.svg = svg.Finish();
  return chart;
}

// ---- parameters and FLOPs by component ---------------------------------------------------------

std::string ComponentLabel(const std::string& key) {
  static const std::map<std::string, std::string> labels = {{"embedding", "embeddings"},
                                                            {"attention", "attention"},
                                                            {"mlp", "feed-forward"},
                                                            {"norm", "norms"},
                                                            {"lm_head", "LM head"},
                                                            {"attention_projections", "attention projections"},
                                                            {"attention_scores", "attention QKᵀ and AV"}};
  const auto it = labels.find(key);
  if (it != labels.end()) return it->second;
  std::string out = key;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

Chart ComponentsChart(const spec::Spec& s, const engine::Report& r) {
  const spec::Size& size = internal::PrimarySize(s);
  const engine::ParameterCount p = internal::ParametersOf(size, r);
  const engine::FlopCount f = internal::FlopsOf(size, r);
  auto nonzero = [](const engine::NamedCounts& in) {
    engine::NamedCounts out;
    for (const auto& kv : in)
      if (kv.second > 0) out.push_back(kv);
    return out;
  };
  const engine::NamedCounts params = nonzero(p.by_component), flops = nonzero(f.by_component);

  Chart chart;
  chart.file = "components.svg";
  chart.title = "Parameters and forward FLOPs by component (" + s.name + " " + size.name + ")";
  auto describe = [](const engine::NamedCounts& in, int64_t total, bool is_flops) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : in)
      parts.push_back(ComponentLabel(k) + " " + (is_flops ? FormatFlops(double(v)) : FormatShortCount(v)) + " (" +
                      FormatPercent(double(v) / double(total)) + ")");
    return internal::Join(parts, ", ");
  };
  chart.alt = "Two bar charts of shares of the total. Parameters (" + internal::N(p.total) +
              ", tied weights counted once): " + describe(params, p.total, false) + ". Forward matmul FLOPs of one " +
              (FactsOf(size.config).sequence
                   ? internal::N(f.sequence_length) + "-token sequence ("
                   : internal::N(size.config.image_size) + " × " + internal::N(size.config.image_size) + " image (") +
              FormatFlops(double(f.forward)) + ", FLOPs = 2 × MACs): " + describe(flops, f.forward, true) + ".";

  const double top = 70, row_h = 26;
  const size_t rows = std::max(params.size(), flops.size());
  const double bottom = top + row_h * rows;
  const double height = bottom + 46;
  Svg svg(height, chart.title, chart.alt);
  auto panel = [&](double x0, double x1, const std::string& heading, const engine::NamedCounts& in, int64_t total,
                   bool is_flops, int color) {
    double label_width = 0;
    for (const auto& kv : in) label_width = std::max(label_width, TextWidth(ComponentLabel(kv.first)));
    const double left = x0 + label_width + 8, right = x1 - 56;
    double max_share = 0;
    for (const auto& kv : in) max_share = std::max(max_share, double(kv.second) / double(total));
    const double scale = std::min(1.0, NiceCeil(max_share * 100) / 100);  // the axis ends here
    svg.Text(x0, top - 22, heading, "fg", "start", " font-weight=\"600\"");
    svg.Line(left, top - 4, left, bottom, "axis");
    svg.Line(right, top - 4, right, bottom, "grid");
    svg.Text(right, top - 8, FormatPercent(scale), "muted", "middle");
    for (size_t i = 0; i < in.size(); ++i) {
      const double share = double(in[i].second) / double(total);
      const double y = top + row_h * i + 5;
      svg.Text(left - 6, y + 12, ComponentLabel(in[i].first), "fg", "end");
      svg.Rect(left, y, (right - left) * share / scale, 16, "s" + std::to_string(color));
      svg.Text(left + (right - left) * share / scale + 5, y + 12, FormatPercent(share), "muted");
    }
    svg.Text(left, bottom + 18,
             is_flops ? "total " + FormatFlops(double(total)) +
                            (FactsOf(size.config).sequence ? " (T = " + internal::N(f.sequence_length) + ")"
                                                           : " (one image)")
                      : "total " + FormatCountWithShort(total),
             "muted");
  };
  panel(16, kWidth / 2 - 8, "Parameters", params, p.total, false, 0);
  panel(kWidth / 2 + 8, kWidth - 16, "Forward FLOPs", flops, f.forward, true, 1);
  chart.svg = svg.Finish();
  return chart;
}

}  // namespace

std::vector<Chart> BuildCharts(const spec::Spec& s, const engine::Report& r) {
  std::vector<Chart> charts;
  bool has_forward = false, has_runs = false;
  for (const auto& size : r.sizes)
    for (const auto& run : size.runs) {
      has_runs = true;
      has_forward = has_forward || run.scenario == "forward";
    }
  if (has_forward) charts.push_back(ThroughputChart(s, r));
  if (has_runs) {
    charts.push_back(LatencyChart(s, r));
    charts.push_back(MemoryChart(s, r));
  }
  charts.push_back(ComponentsChart(s, r));
  return charts;
}

}  // namespace render
