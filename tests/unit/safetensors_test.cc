// The safetensors reader's refusals (issue 14): a duplicated key, overlapping, gapped or trailing
// data, an index that leaves a tensor out, NaN / infinite values, and anything but a regular file
// (a FIFO, a directory, a device), refused before it is opened; data files read with a bound.
// Plain C++ (no LibTorch): engine/weights/safetensors.h is in modelcard_core.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/weights/safetensors.h"
#include "tests/test_files.h"

namespace fs = std::filesystem;

namespace {

std::string LengthPrefix(uint64_t n) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return s;
}

// A whole file: length, `header` as given, then `data`.
std::string File(const std::string& header, const std::string& data) {
  return LengthPrefix(header.size()) + header + data;
}

// ParseSafetensors of `bytes`: "OK" or the error message.
std::string Parse(const std::string& bytes, std::vector<engine::TensorView>* tensors = nullptr) {
  std::vector<engine::TensorView> views;
  std::map<std::string, std::string> metadata;
  const engine::Status s = engine::ParseSafetensors("m.safetensors", bytes.data(), bytes.size(), &views, &metadata);
  if (tensors != nullptr) *tensors = views;
  return s.ok() ? "OK" : s.message();
}

std::string OpenFile(const fs::path& path) {
  std::unique_ptr<engine::SafetensorsFile> f;
  const engine::Status s = engine::SafetensorsFile::Open(path.string(), &f);
  return s.ok() ? "OK" : s.message();
}

std::string OpenCheckpoint(const fs::path& path) {
  engine::SafetensorsCheckpoint ckpt;
  const engine::Status s = engine::SafetensorsCheckpoint::Open(path.string(), &ckpt);
  return s.ok() ? "OK" : s.message();
}

const char* kTwo =
    R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";

}  // namespace

TEST_CASE("safetensors: every byte of the data section belongs to exactly one tensor") {
  std::vector<engine::TensorView> views;
  REQUIRE(Parse(File(kTwo, std::string(16, '\0')), &views) == "OK");
  REQUIRE(views.size() == 2);
  CHECK(views[1].bytes == 8);
  // Spans in any header order, zero-sized tensors and padding spaces after the JSON are fine.
  CHECK(
      Parse(File(
          R"({"z":{"dtype":"F16","shape":[0],"data_offsets":[4,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},)"
          R"("a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}   )",
          std::string(4, '\0'))) == "OK");
  CHECK(Parse(File("{}", "")) == "OK");

  // Duplicate names: nlohmann would keep the last entry silently (issue 14: 107 -> 119).
  const std::string dup =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
  CHECK(Parse(File(dup, std::string(16, '\0'))) ==
        "m.safetensors: header names 'a' twice (a JSON key must be unique; a second entry would silently replace the "
        "first)");
  const std::string dup_key = R"({"a":{"dtype":"F32","shape":[2],"dtype":"F16","data_offsets":[0,8]}})";
  CHECK(Parse(File(dup_key, std::string(8, '\0'))) ==
        "m.safetensors: header 'a' has key 'dtype' twice (a JSON key must be unique; a second entry would silently "
        "replace the first)");
  const std::string dup_meta = R"({"__metadata__":{"format":"pt","format":"tf"}})";
  CHECK(Parse(File(dup_meta, "")).find("header '__metadata__' has key 'format' twice") != std::string::npos);

  // Overlap (issue 14: 107 -> 190), a gap, a gap at the start, trailing bytes.
  const std::string overlap =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  CHECK(Parse(File(overlap, std::string(12, '\0'))) ==
        "m.safetensors: tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]; every byte of the data section "
        "belongs to exactly one tensor");
  const std::string same =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  CHECK(Parse(File(same, std::string(16, '\0'))) ==
        "m.safetensors: tensor 'b': data_offsets [0, 8] overlap tensor 'a' [0, 8]; every byte of the data section "
        "belongs to exactly one tensor");
  const std::string gap =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})";
  CHECK(Parse(File(gap, std::string(20, '\0'))) ==
        "m.safetensors: tensor 'b': data_offsets [12, 20] leave bytes [8, 12) after tensor 'a' unused (a gap); every "
        "byte of the data section belongs to exactly one tensor");
  const std::string late = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  CHECK(Parse(File(late, std::string(12, '\0'))) ==
        "m.safetensors: tensor 'a': data_offsets [4, 12] leave bytes [0, 4) at the start unused (a gap); every byte of "
        "the data section belongs to exactly one tensor");
  CHECK(Parse(File(kTwo, std::string(20, '\0'))) ==
        "m.safetensors: 4 trailing bytes after the last tensor ('b', ending at 16) belong to no tensor; the data "
        "section is 20 bytes");
  CHECK(Parse(File("{}", "xy")) ==
        "m.safetensors: 2 trailing bytes after a header that lists no tensor belong to no tensor; the data section is "
        "2 bytes");
}

TEST_CASE("safetensors: the first NaN or infinity of a floating-point tensor is found, with its index") {
  auto find = [](const std::string& dtype, const std::string& bytes, size_t* index, std::string* what) {
    engine::TensorView v;
    v.dtype = dtype;
    v.data = bytes.data();
    v.bytes = bytes.size();
    return engine::FindNonFinite(v, index, what);
  };
  auto f32 = [](std::vector<float> values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  };
  size_t index = 99;
  std::string what;
  std::vector<float> big(10000, 1.5f);
  CHECK_FALSE(find("F32", f32(big), &index, &what));
  big[9000] = -std::numeric_limits<float>::infinity();
  big[9500] = std::numeric_limits<float>::quiet_NaN();
  REQUIRE(find("F32", f32(big), &index, &what));
  CHECK(index == 9000);
  CHECK(what == "-inf");
  CHECK(
      find("F32", f32({0, std::numeric_limits<float>::max(), std::numeric_limits<float>::quiet_NaN()}), &index, &what));
  CHECK(index == 2);
  CHECK(what == "NaN");
  // F16: 0x7C00 = +inf, 0x7E00 = NaN, 0x7BFF = 65504 (finite); BF16: 0x7F80 = +inf, 0xFFC0 = NaN.
  CHECK_FALSE(find("F16", std::string("\xff\x7b\x00\x3c", 4), &index, &what));
  CHECK(find("F16", std::string("\x00\x3c\x00\x7c", 4), &index, &what));
  CHECK((index == 1 && what == "+inf"));
  CHECK(find("F16", std::string("\x00\x7e", 2), &index, &what));
  CHECK(what == "NaN");
  CHECK(find("BF16", std::string("\x80\x3f\xc0\xff", 4), &index, &what));
  CHECK((index == 1 && what == "NaN"));
  CHECK(find("BF16", std::string("\x80\x7f", 2), &index, &what));
  CHECK(what == "+inf");
  // Integers have no NaN.
  CHECK_FALSE(find("I32", std::string("\x00\x00\x80\x7f", 4), &index, &what));
}

TEST_CASE("safetensors: a FIFO, a directory or a device is refused before it is opened") {
  testing_files::TempDir tmp;
  // A FIFO as model.safetensors used to hang `eval` in open() waiting for a writer.
  const fs::path fifo = tmp.path / "model.safetensors";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(OpenFile(fifo) == fifo.string() + ": is a FIFO, not a regular file");
  CHECK(OpenCheckpoint(tmp.path) == fifo.string() + ": is a FIFO, not a regular file");
  CHECK(OpenCheckpoint(fifo) == fifo.string() + ": is neither a checkpoint directory nor a regular .safetensors file");
  CHECK(OpenFile(tmp.path) == tmp.path.string() + ": is a directory, not a regular file");
  CHECK(OpenFile("/dev/zero") == "/dev/zero: is a character device, not a regular file");
  uint64_t bytes = 0;
  CHECK(engine::CheckRegularFile((tmp.path / "none").string(), &bytes).message() ==
        (tmp.path / "none").string() + ": no such file");
  std::string text;
  CHECK(engine::ReadRegularFile("/dev/zero", 1 << 20, "token file", &text).message() ==
        "/dev/zero: is a character device, not a regular file");
  CHECK(engine::ReadRegularFile(fifo.string(), 1 << 20, "token file", &text).message() ==
        fifo.string() + ": is a FIFO, not a regular file");

  // A regular file is read whole up to the limit, and refused above it with both sizes.
  const fs::path data = tmp.path / "tokens.bin";
  std::ofstream(data, std::ios::binary) << std::string(3 << 20, 'x');
  REQUIRE(engine::ReadRegularFile(data.string(), 3 << 20, "token file", &text).ok());
  CHECK(text.size() == size_t{3} << 20);
  CHECK(engine::CheckRegularFile(data.string(), &bytes).ok());
  CHECK(bytes == uint64_t{3} << 20);
  CHECK(engine::ReadRegularFile(data.string(), 2 << 20, "token file", &text).message() ==
        data.string() +
            ": the token file is 3145728 bytes (3 MiB), over the limit of 2097152 bytes (2 MiB) for a token file");
}

TEST_CASE("safetensors: an index lists every tensor of its shards, each once") {
  testing_files::TempDir tmp;
  std::ofstream(tmp.path / "model-1.safetensors", std::ios::binary) << File(kTwo, std::string(16, '\0'));
  auto index = [&](const std::string& weight_map) {
    std::ofstream(tmp.path / "model.safetensors.index.json", std::ios::binary)
        << R"({"metadata":{},"weight_map":)" + weight_map + "}";
  };
  const std::string where = (tmp.path / "model.safetensors.index.json").string() + ": ";
  index(R"({"a":"model-1.safetensors","b":"model-1.safetensors"})");
  CHECK(OpenCheckpoint(tmp.path) == "OK");
  // Issue 14: an index naming only some tensors was accepted, the rest loaded unannounced.
  index(R"({"a":"model-1.safetensors"})");
  CHECK(OpenCheckpoint(tmp.path) == where +
                                        "weight_map does not list tensor 'b' of model-1.safetensors; an index lists "
                                        "every tensor of its shards (incomplete index?)");
  index(R"({"a":"model-1.safetensors","b":"model-1.safetensors","a":"model-1.safetensors"})");
  CHECK(OpenCheckpoint(tmp.path) == where +
                                        "the index 'weight_map' has key 'a' twice (a JSON key must be unique; a second "
                                        "entry would silently replace the first)");
  index(R"({"a":"model-1.safetensors","b":"model-1.safetensors","c":"model-1.safetensors"})");
  CHECK(OpenCheckpoint(tmp.path) == where + "weight_map names 'c' in model-1.safetensors, which has no such tensor");
  fs::remove(tmp.path / "model.safetensors.index.json");
  fs::create_directory(tmp.path / "model.safetensors.index.json");
  CHECK(OpenCheckpoint(tmp.path) == where.substr(0, where.size() - 2) + ": is a directory, not a regular file");
}
