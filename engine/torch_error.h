// The one boundary between LibTorch's exceptions and our Status. Engine code that calls LibTorch
// wraps the calls in
//   try { ... } catch (...) { return StatusFromCurrentException(); }
// so a c10::Error (shape mismatch, out of memory, an unsupported kernel) or any other exception
// becomes Status::Internal with a one-line message, never a crash or a C++ backtrace.
#pragma once

#include <string>

#include "engine/status.h"

namespace engine {

// The exception being handled, as Status::Internal: a c10::Error's message without its
// backtrace, a std::exception's what(), or "unknown exception". Call only inside a catch block.
Status StatusFromCurrentException();

// The same message as text (for callers that record a failure instead of returning it).
std::string CurrentExceptionMessage();

}  // namespace engine
