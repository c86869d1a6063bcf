// A bounded, seeded fuzz test of the safetensors header reader (issue 14, Deliver 8): the fixture
// checkpoints and labelled sets of tests/data/hf_reference and the issue's reproducers (a
// duplicated name, overlapping offsets, trailing bytes), mutated by bit flips, truncation,
// duplicated keys, rewritten numbers (offsets, shapes, the length prefix), dtype swaps, appended
// or removed bytes and deep nesting. Every input must give either an error naming the file or a
// tensor table that holds the format's invariants (unique names, spans inside the data section
// that tile it exactly, sizes that match dtype and shape); nothing may crash or throw. Every
// 16th input also goes through SafetensorsFile::Open (the mmap path).
//
// Reproducible: MODELCARD_FUZZ_SEED (default below) and MODELCARD_SAFETENSORS_FUZZ_ITERATIONS pick
// the run; a failure names the seed and the input's index.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/weights/safetensors.h"

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kDefaultSeed = 20261205;
constexpr int64_t kDefaultIterations = 4000;
const std::string kPath = "fuzz.safetensors";

struct Seed {
  std::string name;
  std::string bytes;
};

std::string LengthPrefix(uint64_t n) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return s;
}

uint64_t HeaderLength(const std::string& file) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(file[i]);
  return n;
}

std::vector<Seed> LoadSeeds() {
  std::vector<Seed> out;
  const fs::path root = fs::path(MODELCARD_TEST_DATA) / "data" / "hf_reference";
  std::vector<fs::path> files;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    for (const char* name : {"model.safetensors", "eval.safetensors"})
      if (fs::is_regular_file(dir.path() / name)) files.push_back(dir.path() / name);
  }
  std::sort(files.begin(), files.end());  // directory order varies between file systems
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    out.push_back({fs::relative(f, root).string(), std::string(std::istreambuf_iterator<char>(in), {})});
  }
  // The issue's reproducers, in small: a duplicated name, overlapping offsets, trailing bytes.
  const std::string two =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2,2],"data_offsets":[8,16]}})";
  const std::string dup =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
  const std::string overlap =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  out.push_back({"two", LengthPrefix(two.size()) + two + std::string(16, '\x01')});
  out.push_back({"duplicate", LengthPrefix(dup.size()) + dup + std::string(16, '\x02')});
  out.push_back({"overlap", LengthPrefix(overlap.size()) + overlap + std::string(12, '\x03')});
  out.push_back({"trailing", LengthPrefix(two.size()) + two + std::string(20, '\x04')});
  return out;
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  std::string Mutate(const Seed& seed) {
    std::string file = seed.bytes;
    const int rounds = 1 + static_cast<int>(Below(3));
    for (int r = 0; r < rounds; ++r) file = MutateOnce(file);
    return file;
  }

 private:
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }

  // The header text and the data of a well-formed file; false when the prefix is already broken.
  static bool Split(const std::string& file, std::string* header, std::string* data) {
    if (file.size() < 8) return false;
    const uint64_t n = HeaderLength(file);
    if (n > file.size() - 8) return false;
    *header = file.substr(8, n);
    *data = file.substr(8 + n);
    return true;
  }

  std::string Join(const std::string& header, const std::string& data) {
    // Mostly the right length prefix (so the JSON is what gets tested), sometimes the old one.
    return LengthPrefix(header.size()) + header + data;
  }

  std::string InterestingNumber() {
    static const char* kNumbers[] = {"0",
                                     "1",
                                     "7",
                                     "8",
                                     "4294967295",
                                     "4294967296",
                                     "9223372036854775807",
                                     "9223372036854775808",
                                     "18446744073709551615",
                                     "18446744073709551616",
                                     "-1",
                                     "1e3",
                                     "0.5",
                                     "99999999999999999999999"};
    if (Below(3) == 0) return std::to_string(Below(1u << 20));
    return kNumbers[Below(sizeof(kNumbers) / sizeof(kNumbers[0]))];
  }

  std::string MutateOnce(const std::string& file) {
    std::string header, data;
    const bool whole = Split(file, &header, &data);
    switch (Below(11)) {
      case 0: {  // bit flips anywhere in the prefix and header
        std::string out = file;
        const size_t span = std::min<size_t>(out.size(), whole ? 8 + header.size() : out.size());
        if (span == 0) return out;
        for (uint64_t k = 0, n = 1 + Below(8); k < n; ++k) out[Below(span)] ^= static_cast<char>(1u << Below(8));
        return out;
      }
      case 1:  // truncation
        return file.substr(0, Below(file.size() + 1));
      case 2: {  // the length prefix rewritten
        if (file.size() < 8) return file;
        static const uint64_t kLengths[] = {0, 1, 2, 7, uint64_t{1} << 32, uint64_t{1} << 62, ~uint64_t{0}};
        uint64_t n = HeaderLength(file);
        n = Below(2) == 0 ? kLengths[Below(7)] : n + Below(17) - 8;
        return LengthPrefix(n) + file.substr(8);
      }
      case 3: {  // a duplicated entry: the text of one tensor's object inserted again
        if (!whole) return file;
        const size_t at = header.find("\":{\"");
        if (at == std::string::npos) return file;
        const size_t start = header.rfind('"', at - 1);
        const size_t end = header.find('}', at);
        if (start == std::string::npos || end == std::string::npos) return file;
        const std::string entry = header.substr(start, end + 1 - start);
        const size_t brace = header.find('{');
        return Join(header.substr(0, brace + 1) + entry + "," + header.substr(brace + 1), data);
      }
      case 4: {  // a number (offset, shape, length) rewritten
        if (!whole) return file;
        std::vector<size_t> starts;
        for (size_t i = 0; i < header.size(); ++i)
          if (std::isdigit(static_cast<unsigned char>(header[i])) &&
              (i == 0 || !std::isdigit(static_cast<unsigned char>(header[i - 1]))))
            starts.push_back(i);
        if (starts.empty()) return file;
        const size_t s = starts[Below(starts.size())];
        size_t e = s;
        while (e < header.size() && std::isdigit(static_cast<unsigned char>(header[e]))) ++e;
        return Join(header.substr(0, s) + InterestingNumber() + header.substr(e), data);
      }
      case 5: {  // a dtype swapped
        if (!whole) return file;
        static const char* kDtypes[] = {"F32", "F16", "BF16", "I64", "U8", "BOOL", "F64", "Q4", "", "F8_E4M3"};
        const size_t at = header.find("\"dtype\":\"");
        if (at == std::string::npos) return file;
        const size_t s = at + 9, e = header.find('"', s);
        if (e == std::string::npos) return file;
        return Join(header.substr(0, s) + kDtypes[Below(10)] + header.substr(e), data);
      }
      case 6:  // bytes appended (trailing data)
        return file + std::string(1 + Below(64), static_cast<char>(Below(256)));
      case 7: {  // bytes removed from the data section's end
        if (file.empty()) return file;
        return file.substr(0, file.size() - std::min<size_t>(file.size(), 1 + Below(64)));
      }
      case 8: {  // deep nesting or an odd document in place of the header
        static const std::string kDocs[] = {"[]",
                                            "null",
                                            "\"x\"",
                                            "{\"__metadata__\":[]}",
                                            "{\"__metadata__\":{\"k\":1}}",
                                            "{\"a\":[]}",
                                            "{\"a\":{}}",
                                            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}"};
        if (Below(3) == 0) {
          const size_t depth = 1 + Below(20000);
          return Join("{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}", data);
        }
        return Join(kDocs[Below(sizeof(kDocs) / sizeof(kDocs[0]))], data);
      }
      case 9: {  // a key renamed (data_offsets, dtype, shape lose their meaning) or a name emptied
        if (!whole) return file;
        static const char* kKeys[] = {"\"data_offsets\"", "\"shape\"", "\"dtype\""};
        const std::string key = kKeys[Below(3)];
        const size_t at = header.find(key);
        if (at == std::string::npos) return file;
        return Join(header.substr(0, at) + (Below(2) ? "\"\"" : "\"__metadata__\"") + header.substr(at + key.size()),
                    data);
      }
      default: {  // two tensors' offsets swapped
        if (!whole) return file;
        const size_t a = header.find("\"data_offsets\":[");
        const size_t b = a == std::string::npos ? a : header.find("\"data_offsets\":[", a + 1);
        if (b == std::string::npos) return file;
        const size_t ae = header.find(']', a), be = header.find(']', b);
        if (ae == std::string::npos || be == std::string::npos || ae > b) return file;
        const std::string oa = header.substr(a, ae - a), ob = header.substr(b, be - b);
        return Join(header.substr(0, a) + ob + header.substr(ae, b - ae) + oa + header.substr(be), data);
      }
    }
  }

  std::mt19937_64 rng_;
};

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

// "" when `tensors` hold the format's invariants for `file`, else what is wrong.
std::string Invariants(const std::string& file, const std::vector<engine::TensorView>& tensors) {
  const uint64_t header = HeaderLength(file);
  const char* data = file.data() + 8 + header;
  const uint64_t data_bytes = file.size() - 8 - header;
  std::set<std::string> names;
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  for (const engine::TensorView& t : tensors) {
    if (!names.insert(t.name).second) return "tensor '" + t.name + "' twice";
    const char* p = static_cast<const char*>(t.data);
    if (p < data || p > data + data_bytes || t.bytes > static_cast<uint64_t>(data + data_bytes - p))
      return "tensor '" + t.name + "' outside the data section";
    uint64_t elements = 1;
    for (int64_t d : t.shape) {
      if (d < 0) return "tensor '" + t.name + "' has a negative dimension";
      elements *= static_cast<uint64_t>(d);
    }
    if (elements * engine::SafetensorsElementBytes(t.dtype) != t.bytes) return "tensor '" + t.name + "' size mismatch";
    spans.push_back({static_cast<uint64_t>(p - data), static_cast<uint64_t>(p - data) + t.bytes});
  }
  std::sort(spans.begin(), spans.end());
  uint64_t expected = 0;
  for (const auto& [begin, end] : spans) {
    if (begin != expected) return "spans do not tile the data section";
    expected = end;
  }
  if (expected != data_bytes) return "trailing bytes accepted";
  return "";
}

}  // namespace

TEST_CASE("fuzz: mutated safetensors headers give a valid table or an error, never a crash") {
  const std::vector<Seed> seeds = LoadSeeds();
  REQUIRE(seeds.size() >= 15);
  const uint64_t seed = EnvNumber("MODELCARD_FUZZ_SEED", kDefaultSeed);
  const int64_t iterations =
      static_cast<int64_t>(EnvNumber("MODELCARD_SAFETENSORS_FUZZ_ITERATIONS", kDefaultIterations));
  const fs::path scratch = fs::temp_directory_path() / ("modelcard-fuzz-safetensors-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  const auto t0 = std::chrono::steady_clock::now();

  // The seeds themselves: the fixtures are valid, the reproducers are not.
  for (const Seed& s : seeds) {
    std::vector<engine::TensorView> tensors;
    std::map<std::string, std::string> metadata;
    const engine::Status st = engine::ParseSafetensors(kPath, s.bytes.data(), s.bytes.size(), &tensors, &metadata);
    const bool reproducer = s.name == "duplicate" || s.name == "overlap" || s.name == "trailing";
    CHECK_MESSAGE(st.ok() != reproducer, s.name << ": " << st.message());
  }

  int64_t accepted = 0, rejected = 0;
  for (int64_t i = 0; i < iterations; ++i) {
    // Each input follows from (seed, index) alone, so one index reproduces without the others.
    Mutator m(seed * 1000003u + static_cast<uint64_t>(i));
    const Seed& base = seeds[static_cast<size_t>((seed + static_cast<uint64_t>(i)) % seeds.size())];
    const std::string file = m.Mutate(base);
    const std::string label = "seed " + std::to_string(seed) + " input " + std::to_string(i) + " (" + base.name + ")";
    std::vector<engine::TensorView> tensors;
    std::map<std::string, std::string> metadata;
    engine::Status st;
    try {
      st = engine::ParseSafetensors(kPath, file.data(), file.size(), &tensors, &metadata);
    } catch (const std::exception& e) {
      FAIL(label << ": threw " << e.what());
    } catch (...) {
      FAIL(label << ": threw a non-standard exception");
    }
    if (st.ok()) {
      ++accepted;
      const std::string broken = Invariants(file, tensors);
      if (!broken.empty()) FAIL(label << ": accepted, but " << broken);
      for (const engine::TensorView& t : tensors) {  // reads every value: in bounds or ASan says so
        size_t index = 0;
        std::string what;
        engine::FindNonFinite(t, &index, &what);
      }
    } else {
      ++rejected;
      if (st.message().rfind(kPath + ": ", 0) != 0)
        FAIL(label << ": the error does not name the file: " << st.message());
      if (!tensors.empty()) FAIL(label << ": an error left " << tensors.size() << " tensors behind");
    }
    if (i % 16 == 0) {  // the mmap path agrees
      const fs::path path = scratch / "m.safetensors";
      std::ofstream(path, std::ios::binary | std::ios::trunc) << file;
      std::unique_ptr<engine::SafetensorsFile> f;
      const engine::Status opened = engine::SafetensorsFile::Open(path.string(), &f);
      if (opened.ok() != st.ok()) FAIL(label << ": Open and ParseSafetensors disagree: " << opened.message());
      if (opened.ok() && f->tensors().size() != tensors.size()) FAIL(label << ": Open found another table");
    }
  }
  fs::remove_all(scratch);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "fuzz safetensors: seed " << seed << ", " << iterations << " inputs from " << seeds.size()
            << " seeds: " << accepted << " accepted, " << rejected << " rejected, " << seconds << " s\n";
  CHECK(rejected > 0);
  CHECK(accepted > 0);  // some mutations (a number rewritten to itself, a dtype of the same width) stay valid
}
