// Number formatting: exact strings, including the unit-boundary roundings.
#include <doctest/doctest.h>

#include <limits>

#include "generator/render/format.h"

using namespace render;

TEST_CASE("thousands separators") {
  CHECK(FormatThousands(0) == "0");
  CHECK(FormatThousands(999) == "999");
  CHECK(FormatThousands(1000) == "1,000");
  CHECK(FormatThousands(124439808) == "124,439,808");
  CHECK(FormatThousands(-1234567) == "-1,234,567");
  CHECK(FormatThousands(INT64_MIN) == "-9,223,372,036,854,775,808");
}

TEST_CASE("short counts keep 2 decimals below 10 and 1 from 10 up") {
  CHECK(FormatShortCount(842) == "842");
  CHECK(FormatShortCount(136960) == "137.0K");
  CHECK(FormatShortCount(124439808) == "124.4M");
  CHECK(FormatShortCount(6738415616) == "6.74B");
  CHECK(FormatShortCount(13015864320) == "13.0B");
  CHECK(FormatShortCount(999999) == "1.00M");  // rounding moves to the next unit
  CHECK(FormatShortCount(1200000000000) == "1.20T");
  CHECK(FormatCountWithShort(124439808) == "124,439,808 (124.4M)");
  CHECK(FormatCountWithShort(512) == "512");
}

TEST_CASE("bytes use binary units") {
  CHECK(FormatBytes(0) == "0 B");
  CHECK(FormatBytes(1023) == "1023 B");
  CHECK(FormatBytes(1024) == "1.00 KiB");
  CHECK(FormatBytes(497759232) == "474.7 MiB");
  CHECK(FormatBytes(1320702443) == "1.23 GiB");
  CHECK(FormatBytes(1024 * 1024 - 1) == "1.00 MiB");
}

TEST_CASE("seconds pick s, ms, µs or ns") {
  CHECK(FormatSeconds(0) == "0 s");
  CHECK(FormatSeconds(1.2374) == "1.24 s");
  CHECK(FormatSeconds(0.0123) == "12.3 ms");
  CHECK(FormatSeconds(0.00123) == "1.23 ms");
  CHECK(FormatSeconds(4.56e-5) == "45.6 µs");
  CHECK(FormatSeconds(7e-9) == "7.00 ns");
  CHECK(FormatSeconds(0.99996) == "1.00 s");
  CHECK(FormatSeconds(125.0) == "125.0 s");
}

TEST_CASE("FLOPs, FLOP/s, percent and rates") {
  CHECK(FormatFlops(291648307200.0) == "291.6 GFLOPs");
  CHECK(FormatFlops(512) == "512 FLOPs");
  CHECK(FormatFlopsPerSecond(2.916e11) == "291.6 GFLOP/s");
  CHECK(FormatFlopsPerSecond(1.3e12) == "1.30 TFLOP/s");
  CHECK(FormatPercent(0.784) == "78.4%");
  CHECK(FormatPercent(0.0523) == "5.23%");
  CHECK(FormatPercent(1.0) == "100.0%");
  CHECK(FormatRate(1234.4, "tokens") == "1,234 tokens/s");
  CHECK(FormatRate(12.345, "tokens") == "12.3 tokens/s");
  CHECK(FormatRate(99.96, "tokens") == "100 tokens/s");
  CHECK(FormatRate(std::numeric_limits<double>::infinity(), "tokens") == "inf tokens/s");
}

TEST_CASE("fixed and shortest doubles") {
  CHECK(FormatFixed(3.14159, 2) == "3.14");
  CHECK(FormatFixed(-0.0001, 2) == "0.00");
  CHECK(FormatShortestDouble(1e-5) == "1e-05");
  CHECK(FormatShortestDouble(10000.0) == "10000");
  CHECK(FormatShortestDouble(0.1) == "0.1");
}
