// WriteFileAtomic: an unnamed temporary file in a hidden staging folder + fsync + link + rename(2),
// with the named instant covered by a signal handler (see atomic_write.h).
#include "generator/publish/atomic_write.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

namespace publish {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStagingDirName = ".modelcard-tmp";

// ---- the one temporary file that has a name right now, for the signal handler ----------------

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kSignalCount = sizeof(kCleanupSignals) / sizeof(kCleanupSignals[0]);
struct sigaction g_previous[kSignalCount];
bool g_installed[kSignalCount] = {};
char g_pending_path[PATH_MAX + 1];
volatile sig_atomic_t g_pending_set = 0;
std::once_flag g_install_once;
std::atomic<unsigned long> g_sequence{0};
void (*g_before_rename_hook)(const char*) = nullptr;

// Removes the named temporary file, then lets the signal do what it did before we were installed
// (by default: end the process with that signal). Async-signal-safe calls only.
void OnCleanupSignal(int sig, siginfo_t* info, void* context) {
  if (g_pending_set) ::unlink(g_pending_path);
  g_pending_set = 0;
  for (int i = 0; i < kSignalCount; ++i) {
    if (kCleanupSignals[i] != sig) continue;
    const struct sigaction& previous = g_previous[i];
    if ((previous.sa_flags & SA_SIGINFO) != 0) {
      if (previous.sa_sigaction != nullptr) previous.sa_sigaction(sig, info, context);
      return;
    }
    if (previous.sa_handler == SIG_DFL) {
      struct sigaction restore {};
      restore.sa_handler = SIG_DFL;
      sigemptyset(&restore.sa_mask);
      ::sigaction(sig, &restore, nullptr);
      ::raise(sig);  // delivered when this handler returns: the default action, status "killed by sig"
      return;
    }
    if (previous.sa_handler != SIG_IGN) previous.sa_handler(sig);
    return;
  }
}

// Once per process: our handler for SIGINT, SIGTERM and SIGHUP, except where they are ignored
// (nohup keeps ignoring SIGHUP).
void InstallCleanupHandlers() {
  std::call_once(g_install_once, [] {
    for (int i = 0; i < kSignalCount; ++i) {
      struct sigaction previous {};
      if (::sigaction(kCleanupSignals[i], nullptr, &previous) != 0) continue;
      if ((previous.sa_flags & SA_SIGINFO) == 0 && previous.sa_handler == SIG_IGN) continue;
      g_previous[i] = previous;
      struct sigaction ours {};
      ours.sa_sigaction = OnCleanupSignal;
      ours.sa_flags = SA_SIGINFO | SA_RESTART;
      sigemptyset(&ours.sa_mask);
      for (int s : kCleanupSignals) sigaddset(&ours.sa_mask, s);  // one cleanup at a time
      g_installed[i] = ::sigaction(kCleanupSignals[i], &ours, nullptr) == 0;
    }
  });
}

// Marks `path` as the file to remove on a signal: the flag is raised only once the path is whole.
void SetPending(const std::string& path) {
  g_pending_set = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const size_t n = std::min(path.size(), sizeof(g_pending_path) - 1);
  std::memcpy(g_pending_path, path.data(), n);
  g_pending_path[n] = '\0';
  std::atomic_signal_fence(std::memory_order_seq_cst);
  g_pending_set = path.size() < sizeof(g_pending_path) ? 1 : 0;
}

void ClearPending() {
  g_pending_set = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

engine::Status ErrnoStatus(int error, const std::string& what, const std::string& path) {
  return engine::Status::IOError(path + ": " + what + ": " + std::strerror(error));
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

bool ParseDigits(const std::string& text, long* value) {
  if (text.empty() || text.size() > 9) return false;
  long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

bool ProcessRunning(long pid) {
  if (pid <= 0) return false;
  if (pid == long(::getpid())) return true;
  return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

// What StageAndRename asks of its caller besides the status.
enum class Next { kDone, kRetry, kStageBeside };

// One attempt: stage `bytes` in `dir` (the staging folder, or path's own folder when `beside`) and
// rename it over `path`. kRetry: the staging folder vanished meanwhile (another modelcard removed
// it when empty); kStageBeside: it is on another file system than `path`. Either way nothing is left.
Next StageAndRename(const std::string& dir, bool beside, const std::string& path, const std::string& bytes,
                    engine::Status* status) {
  const std::string base = fs::path(path).filename().string();
  const std::string id = std::to_string(::getpid()) + "." + std::to_string(++g_sequence);
  const std::string staged = beside ? dir + "/." + base + ".modelcard-tmp." + id : dir + "/" + id + ".tmp";
  SetPending(staged);  // before the file can have this name
  bool named = false;
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    fd = ::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    named = true;
  }
  if (fd < 0) {
    const int e = errno;
    ClearPending();
    if (!beside && e == ENOENT) return Next::kRetry;
    if (!beside) return Next::kStageBeside;  // e.g. a read-only output root with a writable folder
    *status = ErrnoStatus(e, "cannot create a temporary file in '" + dir + "'", path);
    return Next::kDone;
  }
  auto fail = [&](int e, const std::string& what) {
    ::close(fd);
    if (named) ::unlink(staged.c_str());
    ClearPending();
    *status = ErrnoStatus(e, what, path);
    return Next::kDone;
  };
  if (!WriteAll(fd, bytes) || ::fsync(fd) != 0) return fail(errno, "cannot write temporary file in '" + dir + "'");
  if (!named) {
    char proc_path[64];
    std::snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", fd);
    if (::linkat(AT_FDCWD, proc_path, AT_FDCWD, staged.c_str(), AT_SYMLINK_FOLLOW) != 0 &&
        ::linkat(fd, "", AT_FDCWD, staged.c_str(), AT_EMPTY_PATH) != 0) {
      const int e = errno;
      ::close(fd);
      ClearPending();
      if (!beside && e == ENOENT) return Next::kRetry;
      *status = ErrnoStatus(e, "cannot name temporary file '" + staged + "'", path);
      return Next::kDone;
    }
  }
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(staged.c_str());
    ClearPending();
    *status = ErrnoStatus(e, "cannot close temporary file '" + staged + "'", path);
    return Next::kDone;
  }
  if (g_before_rename_hook != nullptr) g_before_rename_hook(staged.c_str());
  if (::rename(staged.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(staged.c_str());
    ClearPending();
    if (!beside && e == EXDEV) return Next::kStageBeside;
    *status = ErrnoStatus(e, "cannot replace file", path);
    return Next::kDone;
  }
  ClearPending();
  *status = engine::Status::OK();
  return Next::kDone;
}

}  // namespace

std::string StagingDir(const std::string& root) {
  if (root.empty()) return kStagingDirName;
  return root.back() == '/' ? root + kStagingDirName : root + "/" + kStagingDirName;
}

engine::Status WriteFileAtomic(const std::string& path, const std::string& bytes, const std::string& staging_root) {
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      return engine::Status::IOError(path + ": cannot create directory '" + parent.string() + "': " + ec.message());
    }
  }
  InstallCleanupHandlers();
  const std::string staging = StagingDir(staging_root);
  engine::Status status;
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (::mkdir(staging.c_str(), 0755) != 0 && errno != EEXIST) break;  // stage beside instead
    const Next next = StageAndRename(staging, /*beside=*/false, path, bytes, &status);
    if (next == Next::kDone) {
      ::rmdir(staging.c_str());  // when empty: nothing of ours stays in the output root
      return status;
    }
    if (next == Next::kStageBeside) break;
  }
  ::rmdir(staging.c_str());
  const std::string folder = parent.empty() ? "." : parent.string();
  StageAndRename(folder, /*beside=*/true, path, bytes, &status);
  return status;
}

bool IsTemporaryFileName(const std::string& name, bool in_staging_dir, long* pid) {
  long seq = 0;
  if (in_staging_dir) {  // "<pid>.<n>.tmp"
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".tmp") != 0) return false;
    const std::string stem = name.substr(0, name.size() - 4);
    const size_t dot = stem.find('.');
    return dot != std::string::npos && ParseDigits(stem.substr(0, dot), pid) && ParseDigits(stem.substr(dot + 1), &seq);
  }
  // ".<x>.modelcard-tmp.<pid>.<n>", and ".<x>.modelcard-old.<pid>.<n>" (IsOldTextCopy)
  for (const std::string marker : {".modelcard-tmp.", ".modelcard-old."}) {
    const size_t at = name.rfind(marker);
    if (!name.empty() && name[0] == '.' && at != std::string::npos && at > 1) {
      const std::string rest = name.substr(at + marker.size());
      const size_t dot = rest.find('.');
      if (dot != std::string::npos && ParseDigits(rest.substr(0, dot), pid) && ParseDigits(rest.substr(dot + 1), &seq))
        return true;
    }
  }
  // "<x>.tmp.<pid>", <x> a kind of file modelcard writes (a user's "notes.tmp.1" is not ours)
  const size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string::npos || !ParseDigits(name.substr(tmp + 5), pid)) return false;
  const std::string stem = name.substr(0, tmp);
  for (const char* ext : {".md", ".json", ".svg"}) {
    const size_t n = std::strlen(ext);
    if (stem.size() > n && stem.compare(stem.size() - n, n, ext) == 0) return true;
  }
  return false;
}

std::vector<std::string> FindTemporaryFiles(const std::string& root, const std::vector<std::string>& folders,
                                            bool only_dead) {
  std::vector<std::string> found;
  auto scan = [&](const std::string& folder, bool staging) {
    std::error_code ec;
    fs::directory_iterator it(folder, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec)) continue;
      const std::string name = it->path().filename().string();
      long pid = 0;
      const bool known = IsTemporaryFileName(name, staging, &pid);
      if (!staging && !known) continue;  // a document folder: only our temporary names
      if (only_dead && known && ProcessRunning(pid)) continue;
      found.push_back(it->path().string());
    }
  };
  scan(StagingDir(root), true);
  for (const std::string& folder : folders) scan(folder, false);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

bool IsOldTextCopy(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  return !name.empty() && name[0] == '.' && name.find(".modelcard-old.") != std::string::npos;
}

std::vector<std::string> SweepStaleTemporaries(const std::string& root, const std::vector<std::string>& folders) {
  std::vector<std::string> removed;
  for (const std::string& file : FindTemporaryFiles(root, folders, /*only_dead=*/true))
    if (!IsOldTextCopy(file) && ::unlink(file.c_str()) == 0) removed.push_back(file);
  ::rmdir(StagingDir(root).c_str());  // only when empty
  return removed;
}

engine::Status ReadFile(const std::string& path, std::string* bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return engine::Status::NotFound(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) return engine::Status::IOError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, "cannot open", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return ErrnoStatus(errno, "cannot read", path);
  *bytes = ss.str();
  return engine::Status::OK();
}

namespace internal {
void SetBeforeRenameHookForTesting(void (*hook)(const char* staged_path)) { g_before_rename_hook = hook; }
}  // namespace internal

}  // namespace publish
