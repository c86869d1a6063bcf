// Reader for the safetensors checkpoint format (Hugging Face): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then the
// tensor bytes. Files are memory-mapped read-only; every offset is bounds-checked. Plain C++
// (no LibTorch): TensorView points into the mapping; engine/weights/load.cc converts to tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/status.h"

namespace engine {

// One tensor of a mapped file. `data` stays valid while its SafetensorsFile lives.
struct TensorView {
  std::string name;
  std::string dtype;           // as the file spells it: "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;  // () for a scalar
  const void* data = nullptr;  // little-endian elements, row-major; not necessarily aligned
  size_t bytes = 0;
  std::string file;  // the file it lives in (for error messages)
};

// Bytes per element of a safetensors dtype ("F32" -> 4); 0 for a name the format does not have.
size_t SafetensorsElementBytes(const std::string& dtype);

// "(64, 192)"; "()" for a scalar.
std::string ShapeString(const std::vector<int64_t>& shape);

// The header of a safetensors file held in memory (`bytes`, `size` bytes; `path` only names it in
// messages), validated as the reference implementation does: header length within the file,
// well-formed JSON with no key twice (a duplicated tensor name is an error, not "last one
// wins"), every entry with a known dtype, a shape of non-negative sizes and data_offsets
// [begin, end] inside the data section whose length equals the element count times the element
// size; and the spans, sorted, tile the data section exactly: no overlap, no gap, no trailing
// bytes. On success *tensors (header name order) point into `bytes`; InvalidArgument
// ("<path>: ...", naming the tensor) otherwise. Never reads outside [bytes, bytes + size).
Status ParseSafetensors(const std::string& path, const void* bytes, size_t size, std::vector<TensorView>* tensors,
                        std::map<std::string, std::string>* metadata);

// The index of the first NaN or infinity in a floating-point tensor (F64, F32, F16, BF16,
// F8_E4M3, F8_E5M2), into *index and *what ("NaN" | "+inf" | "-inf"); false when every value is
// finite (always for integer dtypes).
bool FindNonFinite(const TensorView& t, size_t* index, std::string* what);

// `path` is a regular file (symbolic links followed): stats it without opening it, so a FIFO, a
// device or a directory is refused before anything could block or read without end. *bytes
// gets its size. NotFound for a missing path; InvalidArgument ("<path>: is a directory, not a
// regular file") for anything else that is not a regular file; IOError when stat fails.
Status CheckRegularFile(const std::string& path, uint64_t* bytes);

// The whole of the regular file `path`, refused (InvalidArgument naming the size and the limit)
// when it holds more than `max_bytes`; `what` names the kind of file in that message ("token
// file"). Reads at most max_bytes + 1 bytes whatever the file does meanwhile.
Status ReadRegularFile(const std::string& path, uint64_t max_bytes, const std::string& what, std::string* out);

// One memory-mapped .safetensors file.
class SafetensorsFile {
 public:
  // Maps and validates `path` (ParseSafetensors). Returns NotFound / IOError for a file that
  // cannot be opened or mapped, InvalidArgument for anything but a regular file (checked before
  // opening: a FIFO would block) and for a malformed one. Never reads outside the mapping.
  static Status Open(const std::string& path, std::unique_ptr<SafetensorsFile>* out);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<TensorView>& tensors() const { return tensors_; }               // in header (name) order
  const std::map<std::string, std::string>& metadata() const { return metadata_; }  // __metadata__
  size_t file_bytes() const { return size_; }

 private:
  SafetensorsFile() = default;
  std::string path_;
  void* map_ = nullptr;
  size_t size_ = 0;
  std::vector<TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

// A checkpoint: one .safetensors file, or a directory in the Hugging Face layout holding
// `model.safetensors` or the shards listed in `model.safetensors.index.json` ("weight_map":
// tensor name -> shard file name in the same directory).
class SafetensorsCheckpoint {
 public:
  // Returns NotFound when `path` is missing or a directory has neither file; InvalidArgument
  // for a malformed file or index (a shard outside the directory, a tensor the index names
  // but its shard lacks, a shard's tensor the index does not list, a tensor in two shards), and
  // for a path or shard that is neither a directory nor a regular file.
  static Status Open(const std::string& path, SafetensorsCheckpoint* out);

  const std::string& path() const { return path_; }
  // nullptr when the checkpoint has no tensor of that name.
  const TensorView* Find(const std::string& name) const;
  // Every tensor, sorted by name.
  std::vector<const TensorView*> Tensors() const;
  const std::vector<std::unique_ptr<SafetensorsFile>>& files() const { return files_; }

 private:
  std::string path_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, const TensorView*> by_name_;
};

}  // namespace engine
