// See torch_error.h.
#include "engine/torch_error.h"

#include <c10/util/Exception.h>

#include <exception>

namespace engine {

std::string CurrentExceptionMessage() {
  try {
    throw;
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

Status StatusFromCurrentException() { return Status::Internal(CurrentExceptionMessage()); }

}  // namespace engine
