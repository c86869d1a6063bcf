// Atomic file replacement: readers see the old file or the new one, never half of either.
#pragma once

#include <string>

#include "engine/status.h"

namespace publish {

// Writes `bytes` to `path.tmp.<pid>`, flushes it, then renames it over `path`, creating
// missing parent directories first. On any failure the temporary file is removed, `path`
// is left untouched, and the error (IOError) names the path and the reason.
engine::Status WriteFileAtomic(const std::string& path, const std::string& bytes);

// Reads a whole file. NotFound when it does not exist, IOError when it cannot be read.
engine::Status ReadFile(const std::string& path, std::string* bytes);

}  // namespace publish
