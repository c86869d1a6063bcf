// Atomic file replacement: readers see the old file or the new one, never half of either, and no
// temporary file ever sits beside a document (where Hugo would publish it).
#pragma once

#include <string>
#include <vector>

#include "engine/status.h"

namespace publish {

// The folder temporary files are staged in: "<root>/.modelcard-tmp". Hidden, outside every
// document folder and outside Hugo's site/, on the output root's file system.
std::string StagingDir(const std::string& root);

// Writes `bytes` to `path` atomically, creating missing parent directories first:
//   1. the bytes go to an unnamed temporary file (O_TMPFILE) in StagingDir(staging_root), flushed;
//      where the file system has no O_TMPFILE, to a named one there ("<pid>.<n>.tmp");
//   2. it is linked there as "<pid>.<n>.tmp" and renamed over `path` (atomic within a file system).
// A file is named only between 2's link and rename; SIGINT, SIGTERM and SIGHUP remove it (then the
// signal does what it did before), and `kill -9` in that instant leaves it in the staging folder
// only, where SweepStaleTemporaries removes it. The staging folder is removed when empty.
// When `path` is on another file system than the staging folder (or the folder cannot be made),
// the temporary file is staged in path's own folder as ".<name>.modelcard-tmp.<pid>.<n>" instead.
// On any failure `path` is left untouched, no temporary file remains, and the error (IOError) names
// the path and the reason.
engine::Status WriteFileAtomic(const std::string& path, const std::string& bytes,
                               const std::string& staging_root = ".");

// Whether `name` (a file name, no folder) is one of the temporary files a write leaves when it is
// killed: "<pid>.<n>.tmp" (in the staging folder), ".<x>.modelcard-tmp.<pid>.<n>" (staged beside
// its target), ".<x>.modelcard-old.<pid>.<n>" (IsOldTextCopy) or "<x>.tmp.<pid>" with <x> a .md, .json or .svg file
// (beside its target, by older versions of modelcard). Sets *pid to the writer's process id.
bool IsTemporaryFileName(const std::string& name, bool in_staging_dir, long* pid);

// The temporary files interrupted writes left: every file in StagingDir(root), and the files of
// `folders` (not recursive) that IsTemporaryFileName. With only_dead, those of running processes
// (a write in progress) are left out. Sorted.
std::vector<std::string> FindTemporaryFiles(const std::string& root, const std::vector<std::string>& folders,
                                            bool only_dead);

// Whether `path` is the copy of a hand-written file's old text that an in-place inject stages
// beside it (".<name>.modelcard-old.<pid>.<n>", publish/inject): reported like a temporary file,
// never removed by the sweep (after a kill it may be the only copy of that text).
bool IsOldTextCopy(const std::string& path);

// Removes FindTemporaryFiles(root, folders, only_dead=true), except IsOldTextCopy files, and
// StagingDir(root) when it is then empty. Returns the files removed.
std::vector<std::string> SweepStaleTemporaries(const std::string& root, const std::vector<std::string>& folders);

// Reads a whole file. NotFound when it does not exist, IOError when it cannot be read.
engine::Status ReadFile(const std::string& path, std::string* bytes);

namespace internal {
// Test seam: called with the staged file's name right before it is renamed over the target.
void SetBeforeRenameHookForTesting(void (*hook)(const char* staged_path));
}  // namespace internal

}  // namespace publish
