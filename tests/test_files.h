// Files for tests: a scratch directory removed at scope exit, writing and reading whole files.
// Shared by the unit and engine suites instead of a copy in each test file.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace testing_files {

// A fresh, empty directory under the system's temporary directory, removed with everything in
// it when the object goes out of scope. Named <prefix>-<pid>-<n>: instances never collide.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "modelcard-test") {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string dir() const { return path.string(); }
  // <dir>/<rel> as a string (nothing is created).
  std::string File(const std::string& rel) const { return (path / rel).string(); }
  std::string operator/(const std::string& rel) const { return File(rel); }
  // Writes `contents` to <dir>/<rel>, creating its parent directories; returns the path.
  std::string Write(const std::string& rel, const std::string& contents) const {
    const std::filesystem::path p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << contents;
    return p.string();
  }

  std::filesystem::path path;
};

// The whole file as bytes ("" when it cannot be read).
inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace testing_files
