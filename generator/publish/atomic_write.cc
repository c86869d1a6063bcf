// WriteFileAtomic: temp file + fsync + rename(2), which is atomic within one file system.
#include "generator/publish/atomic_write.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace publish {
namespace {

engine::Status Errno(const std::string& what, const std::string& path) {
  return engine::Status::IOError(path + ": " + what + ": " + std::strerror(errno));
}

// Writes all of `bytes` to `fd`, retrying short writes.
bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += size_t(n);
  }
  return true;
}

}  // namespace

engine::Status WriteFileAtomic(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      return engine::Status::IOError(path + ": cannot create directory '" + parent.string() +
                                     "': " + ec.message());
    }
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create temporary file '" + tmp + "'", path);
  if (!WriteAll(fd, bytes) || ::fsync(fd) != 0) {
    engine::Status s = Errno("cannot write temporary file '" + tmp + "'", path);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::close(fd) != 0) {
    engine::Status s = Errno("cannot close temporary file '" + tmp + "'", path);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    engine::Status s = Errno("cannot replace file", path);
    ::unlink(tmp.c_str());
    return s;
  }
  return engine::Status::OK();
}

engine::Status ReadFile(const std::string& path, std::string* bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return engine::Status::NotFound(path + ": no such file");
  if (std::filesystem::is_directory(path, ec))
    return engine::Status::IOError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Errno("cannot open", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Errno("cannot read", path);
  *bytes = ss.str();
  return engine::Status::OK();
}

}  // namespace publish
