// safetensors reading: mmap + header validation (the format: github.com/huggingface/safetensors,
// "Format" section), and the Hugging Face directory layout (single file or sharded with an index).
#include "engine/weights/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
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
// model.safetensors.index.json: a few hundred KB for the largest public models.
constexpr uint64_t kMaxIndexBytes = 64u << 20;

Status Malformed(const std::string& path, const std::string& why) { return Status::InvalidArgument(path + ": " + why); }

std::string ErrnoText() { return std::strerror(errno); }

// Parses `text` as JSON; on failure fills *error with the parser's message. A key that appears
// twice in one object is an error too (nlohmann keeps the last one silently, so a second entry
// of a tensor would replace the first): *error names the key and, below the top level, the
// top-level key it is under, and *duplicate_key is set.
bool ParseJson(const char* begin, const char* end, json* out, std::string* error, bool* duplicate_key) {
  *duplicate_key = false;
  std::vector<std::set<std::string>> keys;  // one set per object being parsed
  std::string top_key, duplicate;
  auto note_keys = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == json::parse_event_t::key && !keys.empty() && parsed.is_string()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (depth == 1) top_key = key;
      if (!keys.back().insert(key).second && duplicate.empty())
        duplicate = depth == 1 ? "names '" + key + "' twice" : "'" + top_key + "' has key '" + key + "' twice";
    }
    return true;
  };
  try {
    *out = json::parse(begin, end, note_keys);
  } catch (const json::exception& e) {
    *error = e.what();
    return false;
  }
  if (!duplicate.empty()) {
    *error = duplicate + " (a JSON key must be unique; a second entry would silently replace the first)";
    *duplicate_key = true;
    return false;
  }
  return true;
}

// Every byte of the data section belongs to exactly one tensor: the spans, sorted by
// [begin, end], start at 0, each where the one before ends, and the last ends where the file
// does (the reference implementation's rule: no holes and no overlap, so no bytes are read
// twice or hidden in a file).
Status CheckSpans(const std::string& path, const std::vector<TensorView>& tensors, const char* data,
                  uint64_t data_bytes) {
  struct Span {
    uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Span> spans;
  spans.reserve(tensors.size());
  for (const TensorView& t : tensors) {
    const uint64_t begin = static_cast<uint64_t>(static_cast<const char*>(t.data) - data);
    spans.push_back({begin, begin + t.bytes, &t.name});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end != b.end ? a.end < b.end : *a.name < *b.name;
  });
  auto range = [](uint64_t begin, uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
  };
  // Overlaps first: a span that reuses another's bytes also leaves its own unused, and the
  // overlap is the cause worth naming.
  const Span* furthest = nullptr;  // the span ending last so far
  for (const Span& span : spans) {
    if (furthest != nullptr && span.begin < furthest->end) {
      return Malformed(path, "tensor '" + *span.name + "': data_offsets " + range(span.begin, span.end) +
                                 " overlap tensor '" + *furthest->name + "' " + range(furthest->begin, furthest->end) +
                                 "; every byte of the data section belongs to exactly one tensor");
    }
    if (furthest == nullptr || span.end > furthest->end) furthest = &span;
  }
  uint64_t expected = 0;
  const Span* previous = nullptr;
  for (const Span& span : spans) {
    const std::string where = "tensor '" + *span.name + "': data_offsets " + range(span.begin, span.end);
    if (span.begin > expected) {
      return Malformed(path, where + " leave bytes [" + std::to_string(expected) + ", " + std::to_string(span.begin) +
                                 ") " + (previous ? "after tensor '" + *previous->name + "'" : "at the start") +
                                 " unused (a gap); every byte of the data section belongs to exactly one tensor");
    }
    expected = span.end;
    previous = &span;
  }
  if (expected != data_bytes) {
    return Malformed(
        path, std::to_string(data_bytes - expected) + " trailing bytes after " +
                  (previous ? "the last tensor ('" + *previous->name + "', ending at " + std::to_string(expected) + ")"
                            : "a header that lists no tensor") +
                  " belong to no tensor; the data section is " + std::to_string(data_bytes) + " bytes");
  }
  return Status::OK();
}

// "directory", "FIFO", ... for a stat mode that is not a regular file.
std::string FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

Status NotRegular(const std::string& path, mode_t mode) {
  return Status::InvalidArgument(path + ": is " + FileKind(mode) + ", not a regular file");
}

// Opens a regular file for reading without blocking (a FIFO swapped in after the stat would
// otherwise wait for a writer) and checks again what was opened. Returns the descriptor in *fd.
Status OpenRegular(const std::string& path, int* fd, uint64_t* bytes) {
  uint64_t unused = 0;
  if (Status s = CheckRegularFile(path, &unused); !s.ok()) return s;
  *fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (*fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": cannot open: " + ErrnoText());
  }
  struct stat st;
  if (::fstat(*fd, &st) != 0) {
    const std::string why = ErrnoText();
    ::close(*fd);
    return Status::IOError(path + ": cannot stat: " + why);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(*fd);
    return NotRegular(path, st.st_mode);
  }
  *bytes = static_cast<uint64_t>(st.st_size);
  return Status::OK();
}

std::string MiB(uint64_t bytes) {
  std::ostringstream s;
  s << bytes << " bytes";
  if (bytes >= (1u << 20)) s << " (" << (bytes >> 20) << " MiB)";
  return s.str();
}

template <typename Bits>
Bits LoadBits(const unsigned char* p) {
  Bits v;
  std::memcpy(&v, p, sizeof(Bits));  // little-endian hosts (see tensor_from_view.cc)
  return v;
}

// First element (of `count`, `width` bytes each) whose exponent bits are all ones: NaN when
// the mantissa bits are not zero, an infinity otherwise. Branch-free scan in blocks, so the
// common all-finite case runs at memory speed.
template <typename Bits>
bool FindAllOnesExponent(const unsigned char* p, size_t count, Bits exponent, Bits mantissa, Bits sign, size_t* index,
                         std::string* what) {
  constexpr size_t kBlock = 4096;
  for (size_t block = 0; block < count; block += kBlock) {
    const size_t n = std::min(kBlock, count - block);
    bool any = false;
    for (size_t i = 0; i < n; ++i) any |= (LoadBits<Bits>(p + (block + i) * sizeof(Bits)) & exponent) == exponent;
    if (!any) continue;
    for (size_t i = block; i < block + n; ++i) {
      const Bits v = LoadBits<Bits>(p + i * sizeof(Bits));
      if ((v & exponent) != exponent) continue;
      *index = i;
      *what = (v & mantissa) != 0 ? "NaN" : (v & sign) != 0 ? "-inf" : "+inf";
      return true;
    }
  }
  return false;
}

// One header entry -> TensorView (data pointer relative to the data section).
Status ParseEntry(const std::string& path, const std::string& name, const json& entry, const char* data,
                  uint64_t data_bytes, TensorView* out) {
  const std::string where = "tensor '" + name + "'";
  if (!entry.is_object()) return Malformed(path, where + ": header entry is not an object");
  auto dtype = entry.find("dtype");
  auto shape = entry.find("shape");
  auto offsets = entry.find("data_offsets");
  if (dtype == entry.end() || !dtype->is_string()) return Malformed(path, where + ": missing string \"dtype\"");
  if (shape == entry.end() || !shape->is_array()) return Malformed(path, where + ": missing array \"shape\"");
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
      !(*offsets)[1].is_number_unsigned())
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
    return Malformed(path, where + ": data_offsets span " + std::to_string(end - begin) + " bytes but " + out->dtype +
                               " " + ShapeString(out->shape) + " needs " + std::to_string(needed));
  }
  out->data = data + begin;
  out->bytes = static_cast<size_t>(needed);
  return Status::OK();
}

}  // namespace

size_t SafetensorsElementBytes(const std::string& dtype) {
  static const std::map<std::string, size_t> kBytes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"I64", 8},     {"U64", 8}, {"F64", 8}};
  auto it = kBytes.find(dtype);
  return it == kBytes.end() ? 0 : it->second;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

Status ParseSafetensors(const std::string& path, const void* map, size_t size, std::vector<TensorView>* tensors,
                        std::map<std::string, std::string>* metadata) {
  tensors->clear();
  metadata->clear();
  if (size < 8)
    return Malformed(path, "file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
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
  bool duplicate_key = false;
  if (!ParseJson(header, header + header_bytes, &doc, &parse_error, &duplicate_key))
    return Malformed(path, (duplicate_key ? "header " : "header is not valid JSON: ") + parse_error);
  if (!doc.is_object()) return Malformed(path, "header is not a JSON object");
  const char* data = header + header_bytes;
  const uint64_t data_bytes = size - 8 - header_bytes;
  std::vector<TensorView> views;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) return Malformed(path, "__metadata__ is not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) return Malformed(path, "__metadata__ value '" + m.key() + "' is not a string");
        (*metadata)[m.key()] = m->get<std::string>();
      }
      continue;
    }
    TensorView view;
    Status s = ParseEntry(path, it.key(), *it, data, data_bytes, &view);
    if (!s.ok()) return s;
    views.push_back(std::move(view));
  }
  if (Status s = CheckSpans(path, views, data, data_bytes); !s.ok()) return s;
  *tensors = std::move(views);
  return Status::OK();
}

bool FindNonFinite(const TensorView& t, size_t* index, std::string* what) {
  const auto* p = static_cast<const unsigned char*>(t.data);
  if (t.dtype == "F32")
    return FindAllOnesExponent<uint32_t>(p, t.bytes / 4, 0x7F800000u, 0x007FFFFFu, 0x80000000u, index, what);
  if (t.dtype == "F16") return FindAllOnesExponent<uint16_t>(p, t.bytes / 2, 0x7C00, 0x03FF, 0x8000, index, what);
  if (t.dtype == "BF16") return FindAllOnesExponent<uint16_t>(p, t.bytes / 2, 0x7F80, 0x007F, 0x8000, index, what);
  if (t.dtype == "F64")
    return FindAllOnesExponent<uint64_t>(p, t.bytes / 8, 0x7FF0000000000000ull, 0x000FFFFFFFFFFFFFull,
                                         0x8000000000000000ull, index, what);
  if (t.dtype == "F8_E5M2") return FindAllOnesExponent<uint8_t>(p, t.bytes, 0x7C, 0x03, 0x80, index, what);
  if (t.dtype == "F8_E4M3") {  // the "fn" variant: no infinities, NaN is S.1111.111
    for (size_t i = 0; i < t.bytes; ++i) {
      if ((p[i] & 0x7F) == 0x7F) {
        *index = i;
        *what = "NaN";
        return true;
      }
    }
  }
  return false;
}

Status CheckRegularFile(const std::string& path, uint64_t* bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": cannot stat: " + ErrnoText());
  }
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);
  *bytes = static_cast<uint64_t>(st.st_size);
  return Status::OK();
}

Status ReadRegularFile(const std::string& path, uint64_t max_bytes, const std::string& what, std::string* out) {
  int fd = -1;
  uint64_t size = 0;
  if (Status s = OpenRegular(path, &fd, &size); !s.ok()) return s;
  auto too_big = [&](const std::string& size_text) {
    return Status::InvalidArgument(path + ": the " + what + " is " + size_text + ", over the limit of " +
                                   MiB(max_bytes) + " for a " + what);
  };
  if (size > max_bytes) {
    ::close(fd);
    return too_big(MiB(size));
  }
  std::string bytes;
  bytes.resize(static_cast<size_t>(size) + 1);  // one more: a file that grows meanwhile is noticed
  size_t used = 0;
  while (true) {
    if (used == bytes.size()) {
      if (used > max_bytes) break;
      bytes.resize(std::min<uint64_t>(max_bytes + 1, used * 2 + 4096));
    }
    const ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = ErrnoText();
      ::close(fd);
      return Status::IOError(path + ": cannot read: " + why);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  if (used > max_bytes) return too_big("more than " + MiB(max_bytes) + " (it grew while read)");
  bytes.resize(used);
  *out = std::move(bytes);
  return Status::OK();
}

Status SafetensorsFile::Open(const std::string& path, std::unique_ptr<SafetensorsFile>* out) {
  int fd = -1;
  uint64_t size = 0;
  if (Status s = OpenRegular(path, &fd, &size); !s.ok()) return s;
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
  if (Status s = ParseSafetensors(path, map, size, &file->tensors_, &file->metadata_); !s.ok()) return s;
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
  if (!fs::is_directory(st) && !fs::is_regular_file(st))
    return Status::InvalidArgument(path + ": is neither a checkpoint directory nor a regular .safetensors file");

  SafetensorsCheckpoint ckpt;
  ckpt.path_ = path;
  // Adds every tensor of `file` to the name index; a name in two files is an error.
  auto add_file = [&ckpt](std::unique_ptr<SafetensorsFile> file) -> Status {
    for (const TensorView& t : file->tensors()) {
      auto [it, inserted] = ckpt.by_name_.emplace(t.name, &t);
      if (!inserted) return Malformed(t.file, "tensor '" + t.name + "' is also in " + it->second->file);
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
    std::string s;
    if (Status read = ReadRegularFile(index, kMaxIndexBytes, "checkpoint index", &s); !read.ok()) return read;
    json doc;
    std::string parse_error;
    bool duplicate_key = false;
    if (!ParseJson(s.data(), s.data() + s.size(), &doc, &parse_error, &duplicate_key))
      return Malformed(index, (duplicate_key ? "the index " : "not valid JSON: ") + parse_error);
    auto map = doc.is_object() ? doc.find("weight_map") : doc.end();
    if (map == doc.end() || !map->is_object()) return Malformed(index, "missing object \"weight_map\"");
    std::map<std::string, std::string> shard_of;  // tensor -> shard file name
    std::set<std::string> shards;
    for (auto it = map->begin(); it != map->end(); ++it) {
      if (!it->is_string()) return Malformed(index, "weight_map['" + it.key() + "'] is not a string");
      const std::string shard = it->get<std::string>();
      if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..")
        return Malformed(index,
                         "weight_map['" + it.key() + "'] = '" + shard + "' is not a file name in the same directory");
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
    // An index lists every tensor of its shards: one it leaves out would be loaded unannounced.
    for (const auto& [name, view] : ckpt.by_name_) {
      if (shard_of.count(name) == 0)
        return Malformed(index, "weight_map does not list tensor '" + name + "' of " +
                                    fs::path(view->file).filename().string() +
                                    "; an index lists every tensor of its shards (incomplete index?)");
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
