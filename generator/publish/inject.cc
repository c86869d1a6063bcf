// Inject mode (see inject.h): one pass over the lines finds the regions, with their byte
// ranges; a second step splices the generated content into those ranges.
#include "generator/publish/inject.h"
#include "generator/publish/atomic_write.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

namespace publish {
namespace {

// One line of a text. `text` excludes the ending ("\n", "\r\n" or nothing on the last line).
struct Line {
  std::string_view text;
  size_t begin = 0;  // offset of the line's first byte
  size_t next = 0;   // offset just past its ending
  bool crlf = false;
};

// A UTF-8 byte order mark at the start of a file belongs to no line: it is kept byte for byte
// (it lies before the first region) but a marker on the first line is still recognised.
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t begin = text.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  while (begin < text.size()) {
    size_t newline = text.find('\n', begin);
    Line line;
    line.begin = begin;
    if (newline == std::string_view::npos) {
      line.text = text.substr(begin);
      line.next = text.size();
    } else {
      size_t end = newline;
      if (end > begin && text[end - 1] == '\r') {
        --end;
        line.crlf = true;
      }
      line.text = text.substr(begin, end - begin);
      line.next = newline + 1;
    }
    lines.push_back(line);
    begin = line.next;
  }
  return lines;
}

// Without the spaces and tabs (and a stray '\r') around it.
std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Follows fenced code blocks line by line (see inject.h for the rules).
class FenceTracker {
 public:
  // True when the line is a fence or inside a fenced block: no marker can be on it.
  bool Consume(std::string_view line, int number) {
    std::string_view s = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
    size_t run = 0;
    if (!s.empty() && (s[0] == '`' || s[0] == '~')) run = s.find_first_not_of(s[0]);
    if (run == std::string_view::npos) run = s.size();
    if (open_) {
      if (run >= open_length_ && s[0] == open_char_ && Trim(s.substr(run)).empty()) open_ = false;
      return true;
    }
    if (run < 3) return false;
    // An info string after backticks cannot contain a backtick (CommonMark), so "```a``` b" is code.
    if (s[0] == '`' && s.find('`', run) != std::string_view::npos) return false;
    open_ = true;
    open_char_ = s[0];
    open_length_ = run;
    open_line_ = number;
    return true;
  }
  bool open() const { return open_; }
  int open_line() const { return open_line_; }

 private:
  bool open_ = false;
  char open_char_ = 0;
  size_t open_length_ = 0;
  int open_line_ = 0;
};

enum class MarkerKind { kNone, kBegin, kEnd, kBadBegin, kBadEnd };

struct Marker {
  MarkerKind kind = MarkerKind::kNone;
  std::string slug, section;
  std::string why;  // for kBadBegin / kBadEnd
};

// A slug or section: lowercase letters, digits, '-' and '_' (never a path).
bool IsPlainName(const std::string& word) {
  if (word.empty()) return false;
  for (char c : word)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

Marker ParseMarker(std::string_view line) {
  Marker m;
  std::string_view s = Trim(line);
  if (s.size() < 7 || s.substr(0, 4) != "<!--" || s.substr(s.size() - 3) != "-->") return m;
  std::vector<std::string> words;
  std::string_view inner = s.substr(4, s.size() - 7);
  for (size_t i = 0; i < inner.size();) {
    size_t b = inner.find_first_not_of(" \t", i);
    if (b == std::string_view::npos) break;
    size_t e = std::min(inner.size(), inner.find_first_of(" \t", b));
    words.emplace_back(inner.substr(b, e - b));
    i = e;
  }
  if (words.size() < 2 || words[1] != "MODELCARD") return m;
  if (words[0] == "BEGIN") {
    if (words.size() == 4 && IsPlainName(words[2]) && IsPlainName(words[3])) {
      m.kind = MarkerKind::kBegin;
      m.slug = words[2];
      m.section = words[3];
    } else if (words.size() == 4) {
      m.kind = MarkerKind::kBadBegin;
      const bool slug_bad = !IsPlainName(words[2]);
      m.why = std::string("the ") + (slug_bad ? "slug" : "section") + " '" + words[slug_bad ? 2 : 3] +
              "' is not a name: lowercase letters, digits, '-' and '_'";
    } else {
      m.kind = MarkerKind::kBadBegin;
      m.why = words.size() == 2   ? "missing the slug and the section"
              : words.size() == 3 ? "missing the section"
                                  : "extra words after the section";
    }
  } else if (words[0] == "END") {
    m.kind = words.size() == 2 ? MarkerKind::kEnd : MarkerKind::kBadEnd;
    m.why = "END takes no slug or section";
  }
  return m;
}

// A region with the byte range of its content: [content_begin, content_end).
struct RegionSpan {
  InjectRegion region;
  size_t content_begin = 0;  // just past the BEGIN line's ending
  size_t content_end = 0;    // the END line's first byte
  bool crlf = false;         // the BEGIN line ends in "\r\n"
};

std::string At(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

engine::Status ScanRegions(const std::string& text, const std::string& path, std::vector<RegionSpan>* spans) {
  FenceTracker fence;
  bool in_region = false;
  RegionSpan current;
  int number = 0;
  for (const Line& line : SplitLines(text)) {
    ++number;
    if (fence.Consume(line.text, number)) continue;
    Marker m = ParseMarker(line.text);
    auto got = [&line] { return "got '" + std::string(Trim(line.text)) + "'"; };
    switch (m.kind) {
      case MarkerKind::kNone: break;
      case MarkerKind::kBadBegin:
        return engine::Status::InvalidArgument(At(path, number) + "expected " + kInjectBeginSyntax + ", " + got() +
                                               " (" + m.why + ")");
      case MarkerKind::kBadEnd:
        return engine::Status::InvalidArgument(At(path, number) + "expected " + kInjectEndSyntax + ", " + got() + " (" +
                                               m.why + ")");
      case MarkerKind::kBegin:
        if (in_region) {
          const int open = current.region.begin_line;
          return engine::Status::InvalidArgument(At(path, open) + "no END MODELCARD for the BEGIN at line " +
                                                 std::to_string(open) + " before the next BEGIN at line " +
                                                 std::to_string(number) + " (regions cannot nest; end each one with " +
                                                 kInjectEndSyntax + ")");
        }
        in_region = true;
        current = RegionSpan();
        current.region.slug = m.slug;
        current.region.section = m.section;
        current.region.begin_line = number;
        current.content_begin = line.next;
        current.crlf = line.crlf;
        break;
      case MarkerKind::kEnd:
        if (!in_region) {
          return engine::Status::InvalidArgument(At(path, number) +
                                                 "END MODELCARD without a matching BEGIN (a region is " +
                                                 kInjectBeginSyntax + " ... " + kInjectEndSyntax + ")");
        }
        in_region = false;
        current.region.end_line = number;
        current.content_end = line.begin;
        spans->push_back(current);
        break;
    }
  }
  if (in_region) {
    const int open = current.region.begin_line;
    std::string hint = "add " + std::string(kInjectEndSyntax) + " on its own line after the region";
    if (fence.open() && fence.open_line() > open) {
      hint = "the code fence opened at line " + std::to_string(fence.open_line()) +
             " is never closed, so markers after it are not recognised";
    }
    return engine::Status::InvalidArgument(At(path, open) + "no END MODELCARD for the BEGIN at line " +
                                           std::to_string(open) + " (" + hint + ")");
  }
  return engine::Status::OK();
}

// The content as it will sit between the markers: ends in a newline, with "\r\n" endings
// when the file's BEGIN line has them.
std::string NormalizeContent(const std::string& markdown, bool crlf) {
  std::string content = markdown;
  if (!content.empty() && content.back() != '\n') content += '\n';
  if (!crlf) return content;
  std::string out;
  out.reserve(content.size() + content.size() / 16);
  for (size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\n' && (i == 0 || content[i - 1] != '\r')) out += '\r';
    out += content[i];
  }
  return out;
}

// OK when `content` re-scans as plain text: no marker outside a code fence, no fence left open.
engine::Status CheckContent(const std::string& content, const RegionSpan& span, const std::string& path) {
  const std::string what =
      At(path, span.region.begin_line) + "the content for " + span.region.slug + " " + span.region.section;
  FenceTracker fence;
  int number = 0;
  for (const Line& line : SplitLines(content)) {
    ++number;
    if (fence.Consume(line.text, number)) continue;
    if (ParseMarker(line.text).kind != MarkerKind::kNone) {
      return engine::Status::InvalidArgument(
          what + " has a MODELCARD marker on its line " + std::to_string(number) +
          ", which would break the region on the next run (show marker syntax inside a code fence)");
    }
  }
  if (fence.open()) {
    return engine::Status::InvalidArgument(what + " opens a code fence on its line " +
                                           std::to_string(fence.open_line()) +
                                           " and never closes it, which would hide the END marker");
  }
  return engine::Status::OK();
}

// `status` with `location` put in front of its message, keeping its kind. Status exposes its
// kind only through ToString()'s prefix ("not found: ..."), so the kind is read from there.
engine::Status WithLocation(const engine::Status& status, const std::string& location) {
  const std::string full = status.ToString();
  const std::string kind = full.substr(0, full.size() - status.message().size());
  const std::string message = location + status.message();
  if (kind == "not found: ") return engine::Status::NotFound(message);
  if (kind == "I/O error: ") return engine::Status::IOError(message);
  if (kind == "internal error: ") return engine::Status::Internal(message);
  if (kind == "unavailable: ") return engine::Status::Unavailable(message);
  return engine::Status::InvalidArgument(message);
}

engine::Status ErrnoStatus(const std::string& path, const std::string& what) {
  return engine::Status::IOError(path + ": " + what + ": " + std::strerror(errno));
}

// `path` resolved through every symlink and "..", or "" (errno set) when it cannot be.
std::string RealPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return "";
  std::string out(resolved);
  std::free(resolved);
  return out;
}

// InvalidArgument unless `st` is a regular file.
engine::Status CheckWritableKind(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) {
    const char* kind = S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : "not a regular file";
    return engine::Status::InvalidArgument(path + ": is " + std::string(kind) + "; inject fills Markdown files only");
  }
  return engine::Status::OK();
}

bool WriteAllBytes(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// A file with several hard links is written in place, so every link keeps seeing it (a new file
// renamed over it would split them): the new bytes go in with one pwrite at offset 0, then the file
// is cut to their length and flushed. The old bytes are first staged beside it as a hidden copy
// (".<name>.modelcard-old.<pid>.<n>": `check` reports it, the sweep never removes it), removed
// once the file is flushed: a run killed in between leaves the old text there, never lost.
engine::Status WriteInPlace(const std::string& path, const std::string& bytes, const struct stat& st) {
  std::string old;
  if (engine::Status s = ReadFile(path, &old); !s.ok()) return s;
  const std::string::size_type slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  static int counter = 0;
  const std::string backup =
      dir + "." + name + ".modelcard-old." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const int bfd = ::open(backup.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (st.st_mode & 07777) & 0600);
  if (bfd < 0) return ErrnoStatus(path, "cannot stage a copy of the old text as '" + backup + "'");
  if (!WriteAllBytes(bfd, old) || ::fsync(bfd) != 0) {
    engine::Status s = ErrnoStatus(path, "cannot stage a copy of the old text as '" + backup + "'");
    ::close(bfd);
    ::unlink(backup.c_str());
    return s;
  }
  ::close(bfd);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    engine::Status s = ErrnoStatus(path, "cannot open for writing");
    ::unlink(backup.c_str());
    return s;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  if (done < bytes.size() || ::ftruncate(fd, static_cast<off_t>(bytes.size())) != 0 || ::fsync(fd) != 0) {
    // Put the old text back (the same way); the staged copy stays if even that fails.
    engine::Status s = ErrnoStatus(path, "cannot write in place");
    size_t back = 0;
    while (back < old.size()) {
      const ssize_t n = ::pwrite(fd, old.data() + back, old.size() - back, static_cast<off_t>(back));
      if (n <= 0) break;
      back += static_cast<size_t>(n);
    }
    const bool restored =
        back == old.size() && ::ftruncate(fd, static_cast<off_t>(old.size())) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (restored) ::unlink(backup.c_str());
    return restored ? s : engine::Status::IOError(s.message() + "; the old text is kept in '" + backup + "'");
  }
  ::close(fd);
  ::unlink(backup.c_str());
  return engine::Status::OK();
}

}  // namespace

engine::Status FindInjectRegions(const std::string& text, const std::string& path, std::vector<InjectRegion>* out) {
  std::vector<RegionSpan> spans;
  engine::Status s = ScanRegions(text, path, &spans);
  for (const RegionSpan& span : spans) out->push_back(span.region);
  return s;
}

engine::Status InjectRegions(const std::string& text, const std::string& path, const InjectContentFn& content,
                             std::string* out) {
  std::vector<RegionSpan> spans;
  engine::Status s = ScanRegions(text, path, &spans);
  if (!s.ok()) return s;
  std::string result;
  result.reserve(text.size());
  size_t copied = 0;  // text[0, copied) is in `result`
  for (const RegionSpan& span : spans) {
    std::string markdown;
    s = content(span.region, &markdown);
    if (!s.ok()) return WithLocation(s, At(path, span.region.begin_line));
    const std::string normalized = NormalizeContent(markdown, span.crlf);
    s = CheckContent(normalized, span, path);
    if (!s.ok()) return s;
    result.append(text, copied, span.content_begin - copied);
    result += normalized;
    copied = span.content_end;
  }
  result.append(text, copied, std::string::npos);
  *out = std::move(result);
  return engine::Status::OK();
}

engine::Status ListInjectSections(const std::string& templates_dir, std::vector<std::string>* out) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(templates_dir) / "inject";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return engine::Status::OK();
  std::vector<std::string> names;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string file = it->path().filename().string();
    constexpr std::string_view kExt = ".mustache";
    if (file.size() <= kExt.size() || file.compare(file.size() - kExt.size(), kExt.size(), kExt) != 0) continue;
    const std::string stem = file.substr(0, file.size() - kExt.size());
    std::error_code kind_ec;
    if (IsPlainName(stem) && it->is_regular_file(kind_ec)) names.push_back(stem);
  }
  if (ec) return engine::Status::IOError(dir.string() + ": cannot list directory: " + ec.message());
  std::sort(names.begin(), names.end());
  out->insert(out->end(), names.begin(), names.end());
  return engine::Status::OK();
}

engine::Status ResolveInjectTarget(const std::string& path, const std::string& tree, std::string* write_path) {
  struct stat link_st;
  if (::lstat(path.c_str(), &link_st) != 0) {
    if (errno == ENOENT) return engine::Status::NotFound(path + ": no such file");
    return ErrnoStatus(path, "cannot inspect");
  }
  std::string target = path;
  if (S_ISLNK(link_st.st_mode)) {
    target = RealPath(path);
    if (target.empty()) {
      return engine::Status::InvalidArgument(path + ": is a symlink whose target cannot be resolved (" +
                                             std::strerror(errno) +
                                             "); inject writes through a symlink only to an "
                                             "existing file");
    }
    const std::string root = RealPath(tree.empty() ? "." : tree);
    if (root.empty()) return ErrnoStatus(tree, "cannot resolve the output root");
    const std::string prefix = root == "/" ? root : root + "/";
    if (target.compare(0, prefix.size(), prefix) != 0) {
      return engine::Status::InvalidArgument(path + ": is a symlink to " + target + ", outside the output root " +
                                             root +
                                             "; inject writes only inside it (hint: inject the target "
                                             "itself, or run from a directory that contains it)");
    }
  }
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) return ErrnoStatus(target, "cannot inspect");
  if (engine::Status s = CheckWritableKind(target == path ? path : path + " -> " + target, st); !s.ok()) return s;
  *write_path = target;
  return engine::Status::OK();
}

engine::Status WriteInjectedFile(const std::string& write_path, const std::string& bytes) {
  struct stat st;
  if (::lstat(write_path.c_str(), &st) != 0) return ErrnoStatus(write_path, "cannot inspect");
  if (S_ISLNK(st.st_mode)) {
    return engine::Status::InvalidArgument(write_path + ": became a symlink since it was checked; not written");
  }
  if (engine::Status s = CheckWritableKind(write_path, st); !s.ok()) return s;
  if (st.st_nlink > 1) return WriteInPlace(write_path, bytes, st);
  const std::string::size_type slash = write_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : write_path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? write_path : write_path.substr(slash + 1);
  // Hidden (a leading dot), so Hugo and globs never pick it up while it exists, and named like the
  // temporary files publish/atomic_write stages beside a target (".<name>.modelcard-tmp.<pid>.<n>"),
  // so that `check` reports one a kill -9 left and the sweep removes it. It is staged beside the
  // file, not in the staging folder: the rename must stay within the file's own file system.
  static int counter = 0;
  const std::string tmp =
      dir + "." + name + ".modelcard-tmp." + std::to_string(::getpid()) + "." + std::to_string(900000 + counter++);
  const mode_t mode = st.st_mode & 07777;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0600);
  if (fd < 0) return ErrnoStatus(write_path, "cannot create temporary file '" + tmp + "'");
  auto fail = [&](const std::string& what) {
    engine::Status s = ErrnoStatus(write_path, what);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  };
  // Owner and group first (only root or the owner may), then the mode: fchown clears set-id bits.
  if (::fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) return fail("cannot set the owner of '" + tmp + "'");
  if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of '" + tmp + "'");
  if (!WriteAllBytes(fd, bytes) || ::fsync(fd) != 0) return fail("cannot write temporary file '" + tmp + "'");
  if (::close(fd) != 0) {
    engine::Status s = ErrnoStatus(write_path, "cannot close temporary file '" + tmp + "'");
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), write_path.c_str()) != 0) {
    engine::Status s = ErrnoStatus(write_path, "cannot replace file");
    ::unlink(tmp.c_str());
    return s;
  }
  return engine::Status::OK();
}

}  // namespace publish
