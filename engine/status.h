// Status: the outcome of an operation that can fail, as a value (leveldb style).
// Errors flow back as Status to main.cc, the only place that prints and exits.
#pragma once

#include <string>
#include <utility>

namespace engine {

class Status {
 public:
  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsInternal() const { return code_ == Code::kInternal; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>" style; "OK" for success.
  std::string ToString() const;

 private:
  enum class Code { kOk, kInvalidArgument, kNotFound, kIOError, kInternal, kUnavailable };
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

inline std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "invalid argument: " + message_;
    case Code::kNotFound: return "not found: " + message_;
    case Code::kIOError: return "I/O error: " + message_;
    case Code::kInternal: return "internal error: " + message_;
    case Code::kUnavailable: return "unavailable: " + message_;
  }
  return message_;
}

}  // namespace engine

// Returns the Status of `expr` from the enclosing function when it is not OK: the one early-return
// form for every layer (leveldb's RETURN_IF_ERROR idiom).
#define RETURN_IF_ERROR(expr)                              \
  do {                                                     \
    ::engine::Status modelcard_status_ = (expr);           \
    if (!modelcard_status_.ok()) return modelcard_status_; \
  } while (0)
