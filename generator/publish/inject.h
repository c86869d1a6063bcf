// Inject mode: fills the marked regions of a hand-written Markdown file (a repository README)
// with generated content and leaves every other byte alone. FindInjectRegions/InjectRegions are
// pure text in, text out; ResolveInjectTarget/WriteInjectedFile write the result back without
// changing what the file is (its mode, the symlink that points at it, its hard links).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/status.h"

namespace publish {

// A region is two marker lines and whatever lies between them:
//
//   <!-- BEGIN MODELCARD <slug> <section> -->
//   ...generated content, replaced on every run...
//   <!-- END MODELCARD -->
//
// A marker is recognised only when the comment is the whole line (spaces and tabs around it
// allowed; the words inside are separated by any run of spaces; case matters) and the line is
// not part of a fenced code block, so documentation can show the syntax. A fence is a line
// that starts, after any indentation, with ``` or ~~~ (three or more); the next line starting
// with at least as many of the same character and nothing else after them closes it. A fence
// left open at the end of the file runs to the end of the file.
// Regions cannot nest. The same (slug, section) may appear in several regions; each is filled.
// A UTF-8 byte order mark at the start of the file is kept and does not hide a marker on line 1.
// The slug and the section are plain names ([a-z0-9_-]): anything else is a malformed BEGIN, so
// a section can never name a path ("../model-specification"); which sections exist is the
// caller's list (ListInjectSections).
inline constexpr char kInjectBeginSyntax[] = "<!-- BEGIN MODELCARD <slug> <section> -->";
inline constexpr char kInjectEndSyntax[] = "<!-- END MODELCARD -->";

struct InjectRegion {
  std::string slug;     // "gpt2"
  std::string section;  // "parameters"
  int begin_line = 0;   // 1-based line of the BEGIN marker
  int end_line = 0;     // 1-based line of the END marker
};

// Appends every region of `text` to *out, in file order. `path` is used only in messages.
// Returns OK, or InvalidArgument "path:line: message (hint)" for the first of:
//   - a BEGIN with no END before the next BEGIN (regions cannot nest) or the end of the file:
//     "README.md:3: no END MODELCARD for the BEGIN at line 3 ..."
//   - an END with no open BEGIN: "README.md:9: END MODELCARD without a matching BEGIN ..."
//   - a BEGIN without exactly a slug and a section after MODELCARD, or an END with words after
//     MODELCARD: "README.md:3: expected <!-- BEGIN MODELCARD <slug> <section> -->, got '...' ..."
//   - a slug or section that is not a plain name: "README.md:3: ... (the section
//     '../model-specification' is not a name: lowercase letters, digits, '-' and '_')"
// On error *out holds the regions found before the faulty line.
engine::Status FindInjectRegions(const std::string& text, const std::string& path, std::vector<InjectRegion>* out);

// Produces the Markdown for one region into *markdown; an unknown slug or section is its error.
using InjectContentFn = std::function<engine::Status(const InjectRegion& region, std::string* markdown)>;

// Replaces the lines between each BEGIN and its END with content(region), calling `content`
// once per region in file order. Everything outside the regions, and the marker lines
// themselves, stay byte for byte (CRLF line endings and a missing final newline included).
// The content is put on its own lines: a newline is appended when it lacks one (empty
// content leaves the END right after the BEGIN), and when the BEGIN line ends in "\r\n" each
// lone "\n" of the content becomes "\r\n". Injecting the same content again gives the same
// bytes.
// Returns OK and sets *out, or leaves *out untouched and returns:
//   - the errors of FindInjectRegions;
//   - an error of `content`, with "path:<begin line>: " put in front and its kind kept;
//   - InvalidArgument when the content would break the file on the next run: it has a marker
//     line outside a code fence, or it leaves a code fence open (which would hide the END).
engine::Status InjectRegions(const std::string& text, const std::string& path, const InjectContentFn& content,
                             std::string* out);

// The sections a region may name: the stems of <templates_dir>/inject/*.mustache that are plain
// names, sorted ("benchmarks", "parameters", "summary" for the bundled templates). Empty when
// the directory is missing; IOError when it cannot be listed.
engine::Status ListInjectSections(const std::string& templates_dir, std::vector<std::string>* out);

// Where injecting into `path` writes, checked before anything is rendered or written:
//   - a regular file: `path` itself;
//   - a symlink: its final target, which must be a regular file inside `tree` (the output root;
//     both compared after resolving every link), else InvalidArgument naming the target;
//   - a file with more than one hard link: `path` itself (WriteInjectedFile writes it in place).
//   - anything else (a directory, a FIFO, a device): InvalidArgument.
// NotFound when `path` does not exist.
engine::Status ResolveInjectTarget(const std::string& path, const std::string& tree, std::string* write_path);

// Replaces the file `write_path` (as given by ResolveInjectTarget) with `bytes` atomically: a
// temporary file in the same directory, created with the file's permission bits (and owner and
// group where the process may set them), flushed, then renamed over it. The checks of
// ResolveInjectTarget are repeated on the file itself just before. On failure the file is
// untouched and the temporary file removed.
// A file with several hard links is written in place instead (a rename would split the links):
// the old text is first staged beside it as a hidden copy (publish::IsOldTextCopy), then the new bytes are
// written at offset 0 in one pwrite, the file is cut to their length and flushed, and the staged
// copy removed. A failure puts the old text back; a run killed in between leaves the staged copy,
// which `check` reports, so the old text is never lost.
engine::Status WriteInjectedFile(const std::string& write_path, const std::string& bytes);

}  // namespace publish
