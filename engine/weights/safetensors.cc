// safetensors reading: mmap + header validation (the format: github.com/huggingface/safetensors,
// "Format" section), and the Hugging Face directory layout (single file or sharded with an index).
#include "engine/weights/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The reference implementation refuses headers above 100 MB; so do we (a corrupt length
// would otherwise make us parse gigabytes of tensor data as JSON).
constexpr uint64_t kMaxHeaderBytes = 100u * 1000 * 1000;

Status Malformed(const std::string& path, const std::string& why) {
  return Status::InvalidArgument(path + ": " + why);
}

std::string ErrnoText() { return std::strerror(errno); }

// Parses `text` as JSON; on failure fills *error with the parser's message.
bool ParseJson(const char* begin, const char* end, json* out, std::string* error) {
  try {
    *out = json::parse(begin, end);
    return true;
  } catch (const json::exception& e) {
    *error = e.what();
    return false;
  }
}

// One header entry -> TensorView (data pointer relative to the data section).
Status ParseEntry(const std::string& path, const std::string& name, const json& entry,
                  const char* data, uint64_t data_bytes, TensorView* out) {
  const std::string where = "tensor '" + name + "'";
  if (!entry.is_object()) return Malformed(path, where + ": header entry is not an object");
  auto dtype = entry.find("dtype");
  auto shape = entry.find("shape");
  auto offsets = entry.find("data_offsets");
  if (dtype == entry.end() || !dtype->is_string())
    return Malformed(path, where + ": missing string \"dtype\"");
  if (shape == entry.end() || !shape->is_array())
    return Malformed(path, where + ": missing array \"shape\"");
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
      !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned())
    return Malformed(path, where + ": \"data_offsets\" must be two non-negative integers [begin, end]");
  out->name = name;
  out->dtype = dtype->get<std::string>();
  out->file = path;
  const size_t element_bytes = SafetensorsElementBytes(out->dtype);
  if (element_bytes == 0) return Malformed(path, where + ": unknown dtype '" + out->dtype + "'");
  uint64_t elements = 1;
  for (const json& d : *shape) {
    if (!d.is_number_unsigned()) return Malformed(path, where + ": shape entries must be non-negative integers");
    const uint64_t n = d.get<uint64_t>();
    if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        (n != 0 && elements > std::numeric_limits<uint64_t>::max() / element_bytes / n))
      return Malformed(path, where + ": shape is too large");
    elements *= n;
    out->shape.push_back(static_cast<int64_t>(n));
  }
  const uint64_t begin = (*offsets)[0].get<uint64_t>(), end = (*offsets)[1].get<uint64_t>();
  if (begin > end || end > data_bytes) {
    return Malformed(path, where + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                               "] lie outside the data section of " + std::to_string(data_bytes) +
                               " bytes (truncated file?)");
  }
  const uint64_t needed = elements * element_bytes;
  if (end - begin != needed) {
    return Malformed(path, where + ": data_offsets span " + std::to_string(end - begin) + " bytes but " +
                               out->dtype + " " + ShapeString(out->shape) + " needs " + std::to_string(needed));
  }
  out->data = data + begin;
  out->bytes = static_cast<size_t>(needed);
  return Status::OK();
}

}  // namespace

size_t SafetensorsElementBytes(const std::string& dtype) {
  static const std::map<std::string, size_t> kBytes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2}, {"U16", 2},
      {"F16", 2},  {"BF16", 2}, {"I32", 4}, {"U32", 4},     {"F32", 4},     {"I64", 8}, {"U64", 8},
      {"F64", 8}};
  auto it = kBytes.find(dtype);
  return it == kBytes.end() ? 0 : it->second;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

Status SafetensorsFile::Open(const std::string& path, std::unique_ptr<SafetensorsFile>* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": cannot open: " + ErrnoText());
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const std::string why = ErrnoText();
    ::close(fd);
    return Status::IOError(path + ": cannot stat: " + why);
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    return Malformed(path, "file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const std::string map_error = map == MAP_FAILED ? ErrnoText() : "";
  ::close(fd);  // the mapping stays valid
  if (map == MAP_FAILED) return Status::IOError(path + ": cannot mmap: " + map_error);

  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  file->map_ = map;
  file->size_ = size;
  const auto* bytes = static_cast<const unsigned char*>(map);
  uint64_t header_bytes = 0;  // little-endian u64, whatever the host's byte order
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | bytes[i];
  if (header_bytes > size - 8) {
    return Malformed(path, "header length " + std::to_string(header_bytes) + " exceeds the " +
                               std::to_string(size - 8) + " bytes after it (truncated file?)");
  }
  if (header_bytes > kMaxHeaderBytes)
    return Malformed(path, "header length " + std::to_string(header_bytes) + " exceeds the 100 MB limit");
  const char* header = reinterpret_cast<const char*>(bytes + 8);
  json doc;
  std::string parse_error;
  if (!ParseJson(header, header + header_bytes, &doc, &parse_error))
    return Malformed(path, "header is not valid JSON: " + parse_error);
  if (!doc.is_object()) return Malformed(path, "header is not a JSON object");
  const char* data = header + header_bytes;
  const uint64_t data_bytes = size - 8 - header_bytes;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) return Malformed(path, "__metadata__ is not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) return Malformed(path, "__metadata__ value '" + m.key() + "' is not a string");
        file->metadata_[m.key()] = m->get<std::string>();
      }
      continue;
    }
    TensorView view;
    Status s = ParseEntry(path, it.key(), *it, data, data_bytes, &view);
    if (!s.ok()) return s;
    file->tensors_.push_back(std::move(view));
  }
  *out = std::move(file);
  return Status::OK();
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

Status SafetensorsCheckpoint::Open(const std::string& path, SafetensorsCheckpoint* out) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return Status::NotFound(path + ": no such file or directory");

  SafetensorsCheckpoint ckpt;
  ckpt.path_ = path;
  // Adds every tensor of `file` to the name index; a name in two files is an error.
  auto add_file = [&ckpt](std::unique_ptr<SafetensorsFile> file) -> Status {
    for (const TensorView& t : file->tensors()) {
      auto [it, inserted] = ckpt.by_name_.emplace(t.name, &t);
      if (!inserted)
        return Malformed(t.file, "tensor '" + t.name + "' is also in " + it->second->file);
    }
    ckpt.files_.push_back(std::move(file));
    return Status::OK();
  };

  if (!fs::is_directory(st)) {
    std::unique_ptr<SafetensorsFile> file;
    Status s = SafetensorsFile::Open(path, &file);
    if (!s.ok()) return s;
    s = add_file(std::move(file));
    if (!s.ok()) return s;
    *out = std::move(ckpt);
    return Status::OK();
  }

  const fs::path dir(path);
  const fs::path index_path = dir / "model.safetensors.index.json";
  const fs::path single_path = dir / "model.safetensors";
  if (fs::exists(index_path, ec)) {
    const std::string index = index_path.string();
    std::ifstream in(index, std::ios::binary);
    if (!in) return Status::IOError(index + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    json doc;
    std::string parse_error;
    if (!ParseJson(s.data(), s.data() + s.size(), &doc, &parse_error))
      return Malformed(index, "not valid JSON: " + parse_error);
    auto map = doc.is_object() ? doc.find("weight_map") : doc.end();
    if (map == doc.end() || !map->is_object()) return Malformed(index, "missing object \"weight_map\"");
    std::map<std::string, std::string> shard_of;  // tensor -> shard file name
    std::set<std::string> shards;
    for (auto it = map->begin(); it != map->end(); ++it) {
      if (!it->is_string()) return Malformed(index, "weight_map['" + it.key() + "'] is not a string");
      const std::string shard = it->get<std::string>();
      if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..")
        return Malformed(index, "weight_map['" + it.key() + "'] = '" + shard +
                                    "' is not a file name in the same directory");
      shard_of[it.key()] = shard;
      shards.insert(shard);
    }
    for (const std::string& shard : shards) {
      std::unique_ptr<SafetensorsFile> file;
      Status st2 = SafetensorsFile::Open((dir / shard).string(), &file);
      if (!st2.ok()) return st2;
      st2 = add_file(std::move(file));
      if (!st2.ok()) return st2;
    }
    for (const auto& [name, shard] : shard_of) {
      auto it = ckpt.by_name_.find(name);
      if (it == ckpt.by_name_.end() || fs::path(it->second->file).filename() != shard)
        return Malformed(index, "weight_map names '" + name + "' in " + shard + ", which has no such tensor");
    }
  } else if (fs::exists(single_path, ec)) {
    std::unique_ptr<SafetensorsFile> file;
    Status s = SafetensorsFile::Open(single_path.string(), &file);
    if (!s.ok()) return s;
    s = add_file(std::move(file));
    if (!s.ok()) return s;
  } else {
    return Status::NotFound(path + ": no model.safetensors or model.safetensors.index.json in this directory");
  }
  *out = std::move(ckpt);
  return Status::OK();
}

const TensorView* SafetensorsCheckpoint::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<const TensorView*> SafetensorsCheckpoint::Tensors() const {
  std::vector<const TensorView*> out;
  for (const auto& [name, view] : by_name_) out.push_back(view);
  return out;
}

}  // namespace engine
