// Number formatting with units (see format.h). std::to_chars is locale-independent and
// rounds the exact binary value, so output never depends on the environment.
#include "generator/render/format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>
#include <vector>

namespace render {
namespace {

double ReadBack(const std::string& s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// 2 decimals below 10, 1 decimal from 10 up (after rounding: 9.996 -> "10.0").
std::string FormatScaled(double v) {
  std::string s = FormatFixed(v, 2);
  if (std::fabs(ReadBack(s)) >= 10) s = FormatFixed(v, 1);
  return s;
}

// `value` in the largest of `units` (each `step` times the one before) that keeps the
// rounded number below `step`. units[0] is the unscaled unit.
std::string FormatWithUnits(double value, double step, const std::vector<std::string>& units) {
  size_t i = 0;
  double scaled = value;
  while (i + 1 < units.size() && std::fabs(scaled) >= step) {
    scaled /= step;
    ++i;
  }
  std::string s = FormatScaled(scaled);
  if (i + 1 < units.size() && std::fabs(ReadBack(s)) >= step) {
    scaled /= step;
    ++i;
    s = FormatScaled(scaled);
  }
  return s + units[i];
}

}  // namespace

std::string FormatThousands(int64_t n) {
  // Work on the magnitude as unsigned so INT64_MIN is representable.
  uint64_t magnitude = n < 0 ? uint64_t(0) - uint64_t(n) : uint64_t(n);
  std::string digits = std::to_string(magnitude);
  std::string out;
  const size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out.append(digits, 0, lead);
  for (size_t i = lead; i < digits.size(); i += 3) {
    out.push_back(',');
    out.append(digits, i, 3);
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatFixed(double value, int decimals) {
  char buf[512];
  auto r = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed, decimals);
  if (r.ec != std::errc()) return "nan";
  std::string s(buf, r.ptr);
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);  // "-0.00"
  return s;
}

std::string FormatShortestDouble(double value) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), value);
  if (r.ec != std::errc()) return "nan";
  return std::string(buf, r.ptr);
}

std::string FormatShortCount(int64_t n) {
  if (n > -1000 && n < 1000) return std::to_string(n);
  return FormatWithUnits(double(n), 1000, {"", "K", "M", "B", "T"});
}

std::string FormatCountWithShort(int64_t n) {
  if (n > -1000 && n < 1000) return std::to_string(n);
  return FormatThousands(n) + " (" + FormatShortCount(n) + ")";
}

std::string FormatBytes(int64_t bytes) {
  if (bytes > -1024 && bytes < 1024) return std::to_string(bytes) + " B";
  return FormatWithUnits(double(bytes), 1024, {" B", " KiB", " MiB", " GiB", " TiB", " PiB"});
}

std::string FormatSeconds(double seconds) {
  if (seconds == 0) return "0 s";
  struct Unit {
    double factor;
    const char* name;
  };
  static const Unit kUnits[] = {{1, " s"}, {1e-3, " ms"}, {1e-6, " µs"}, {1e-9, " ns"}};
  size_t i = 0;
  while (i + 1 < std::size(kUnits) && std::fabs(seconds) < kUnits[i].factor) ++i;
  std::string s = FormatScaled(seconds / kUnits[i].factor);
  if (i > 0 && std::fabs(ReadBack(s)) >= 1000) {  // 999.96 ms -> "1.00 s"
    --i;
    s = FormatScaled(seconds / kUnits[i].factor);
  }
  return s + kUnits[i].name;
}

std::string FormatFlops(double flops) {
  if (std::fabs(flops) < 1000) return FormatFixed(flops, 0) + " FLOPs";
  return FormatWithUnits(flops, 1000, {" FLOPs", " kFLOPs", " MFLOPs", " GFLOPs", " TFLOPs", " PFLOPs", " EFLOPs"});
}

std::string FormatFlopsPerSecond(double flops_per_s) {
  if (std::fabs(flops_per_s) < 1000) return FormatScaled(flops_per_s) + " FLOP/s";
  return FormatWithUnits(flops_per_s, 1000, {" FLOP/s", " kFLOP/s", " MFLOP/s", " GFLOP/s", " TFLOP/s", " PFLOP/s"});
}

std::string FormatPercent(double fraction) { return FormatScaled(fraction * 100) + "%"; }

std::string FormatRate(double per_s, const std::string& unit) {
  if (!std::isfinite(per_s)) return FormatFixed(per_s, 0) + " " + unit + "/s";  // "inf tokens/s"
  if (std::fabs(per_s) >= 99.95) return FormatThousands(std::llround(per_s)) + " " + unit + "/s";
  return FormatScaled(per_s) + " " + unit + "/s";
}

}  // namespace render
