// Overflow-checked int64 arithmetic for the analytic counts (engine/count*.cc). Every +, - and *
// goes through __builtin_*_overflow; a step that overflows marks the result, and the mark is
// sticky, so a whole formula is evaluated and then checked once, where it can be named
// ("forward FLOPs 'mlp' exceed ..."). Plain C++ (engine core, no LibTorch).
//
// Discipline: a formula starts from a Checked operand (`Checked(2) * batch * ...`, or a local
// declared Checked), because int64_t * int64_t is evaluated before any conversion.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/report.h"
#include "engine/status.h"

namespace engine {

class Checked {
 public:
  constexpr Checked(int64_t v = 0) : value_(v) {}  // NOLINT: implicit, so literals and fields mix in
  int64_t value() const { return value_; }
  bool overflow() const { return overflow_; }

  friend Checked operator+(Checked a, Checked b) {
    Checked r;
    r.overflow_ = a.overflow_ || b.overflow_ || __builtin_add_overflow(a.value_, b.value_, &r.value_);
    return r;
  }
  friend Checked operator-(Checked a, Checked b) {
    Checked r;
    r.overflow_ = a.overflow_ || b.overflow_ || __builtin_sub_overflow(a.value_, b.value_, &r.value_);
    return r;
  }
  friend Checked operator*(Checked a, Checked b) {
    Checked r;
    r.overflow_ = a.overflow_ || b.overflow_ || __builtin_mul_overflow(a.value_, b.value_, &r.value_);
    return r;
  }
  // Division by a positive divisor cannot overflow; it keeps the operand's mark.
  friend Checked operator/(Checked a, int64_t positive_divisor) {
    Checked r(a.value_ / positive_divisor);
    r.overflow_ = a.overflow_;
    return r;
  }
  Checked& operator+=(Checked b) { return *this = *this + b; }

 private:
  int64_t value_ = 0;
  bool overflow_ = false;
};

using CheckedCounts = std::vector<std::pair<std::string, Checked>>;

// "9,223,372,036,854,775,807 (int64 max, about 9.2e18)": the limit every count must stay under.
inline std::string Int64LimitText() { return "9,223,372,036,854,775,807 (int64 max, about 9.2e18)"; }

inline Status OverflowError(const std::string& what) {
  return Status::InvalidArgument(what + " exceeds " + Int64LimitText());
}

// Checked named counts -> plain ones and their sum; the first that overflowed is named in the
// error ("<what> 'mlp'"), then the sum ("<what> total").
inline Status ToCounts(const CheckedCounts& in, const std::string& what, NamedCounts* out, int64_t* total) {
  out->clear();
  Checked sum;
  for (const auto& [name, n] : in) {
    if (n.overflow()) return OverflowError(what + " '" + name + "'");
    out->push_back({name, n.value()});
    sum += n;
  }
  if (sum.overflow()) return OverflowError(what + " total");
  if (total != nullptr) *total = sum.value();
  return Status::OK();
}

}  // namespace engine
