// Number formatting for documents: every string carries its unit. Pure functions,
// locale-independent (std::to_chars), so the same number always gives the same bytes.
// Scaled forms keep 2 decimals below 10 and 1 decimal from 10 up ("6.74B", "124.4M").
#pragma once

#include <cstdint>
#include <string>

namespace render {

// 124439808 -> "124,439,808"; -1234 -> "-1,234".
std::string FormatThousands(int64_t n);

// Fixed-point with `decimals` digits after the point, "." as separator: (3.14159, 2) -> "3.14".
std::string FormatFixed(double value, int decimals);

// Shortest text that reads back as the same double ("1e-05", "10000", "0.1"); for YAML blocks.
std::string FormatShortestDouble(double value);

// Decimal short form of a count: 842 -> "842", 137000 -> "137.0K", 124439808 -> "124.4M",
// 6738415616 -> "6.74B", 1.2e12 -> "1.20T".
std::string FormatShortCount(int64_t n);

// Exact and short together: 124439808 -> "124,439,808 (124.4M)"; below 1000 just "842".
std::string FormatCountWithShort(int64_t n);

// Binary units, named as such: 512 -> "512 B", 497758208 -> "474.7 MiB", 1.32e9 -> "1.23 GiB".
std::string FormatBytes(int64_t bytes);

// Seconds in s / ms / µs / ns: 0.0123 -> "12.3 ms", 1.2374 -> "1.24 s", 4.56e-5 -> "45.6 µs".
std::string FormatSeconds(double seconds);

// A count of floating-point operations with an SI prefix: 2.916e11 -> "291.6 GFLOPs".
std::string FormatFlops(double flops);

// A FLOP rate: 2.916e11 -> "291.6 GFLOP/s".
std::string FormatFlopsPerSecond(double flops_per_s);

// A fraction as a percentage: 0.784 -> "78.4%", 0.0523 -> "5.23%".
std::string FormatPercent(double fraction);

// A rate of `unit` per second: (1234.4, "tokens") -> "1,234 tokens/s"; below 100 the
// scaled rule applies: (12.345, "tokens") -> "12.3 tokens/s".
std::string FormatRate(double per_s, const std::string& unit);

}  // namespace render
