#!/usr/bin/env bash
# The render-only modelcard and the unit tests (the fuzz test included) under AddressSanitizer and
# UndefinedBehaviorSanitizer: configures and builds them (-O1, no LibTorch) in <build dir>/sanitize
# beside the binary under test, runs every unit test, then count / lint / render / check of the
# bundled specs on a copy of the tree. Any sanitizer report fails the test.
#   tests/e2e/sanitize.sh <modelcard binary> <source dir>
#
# Opt-in: it runs only with MODELCARD_SANITIZE=1 (e.g. `MODELCARD_SANITIZE=1 ctest -R sanitize`).
# Building the sanitized tree from a cold cache took 853 s on the 2-core development machine (under
# load from other builds), the unit tests 48 s and the CLI 6 s: about 15 minutes, which would take
# CI (2 cores, about 18 minutes now, 30 at most) past its budget. With ccache warm a rebuild takes
# seconds. MODELCARD_FUZZ_ITERATIONS (default here 300) is passed on to the fuzz test.
set -uo pipefail
MC=$1
SRC=$(cd "$2" && pwd)
if [ "${MODELCARD_SANITIZE:-0}" != 1 ]; then
  echo "sanitize: skipped: opt-in (MODELCARD_SANITIZE=1), its cold build takes about 14 minutes on 2 cores"
  exit 0
fi
export MODELCARD_FUZZ_ITERATIONS=${MODELCARD_FUZZ_ITERATIONS:-300}
BUILD=$(cd "$(dirname "$MC")" && pwd)/sanitize
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
start=$SECONDS

FLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
# Sanitizer reports exit 86 (never 1, which check uses for "stale") and print a stack.
export ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=exitcode=86:print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=exitcode=86

echo "sanitize: configuring $BUILD"
cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE= -DMODELCARD_WITH_TORCH=OFF \
  -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >"$WORK/configure.log" 2>&1 ||
  { cat "$WORK/configure.log"; echo "sanitize: configure failed"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 2 ] && jobs=2  # CI and the development machine have 2 cores
cmake --build "$BUILD" --target modelcard unit_tests -j "$jobs" >"$WORK/build.log" 2>&1 ||
  { tail -n 60 "$WORK/build.log"; echo "sanitize: build failed"; exit 1; }
echo "sanitize: built in $((SECONDS - start)) s"
SMC=$BUILD/modelcard

# A sanitizer report anywhere in a log, or the sanitizer exit code, is a failure.
sanitized() {  # <what> <rc> <log>
  if [ "$2" -eq 86 ] || [ "$2" -ge 128 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$3"; then
    grep -E -A30 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$3" | head -n 60
    fail "$1: sanitizer report or crash (exit $2)"
    return 1
  fi
  return 0
}

t=$SECONDS
"$BUILD/tests/unit_tests" >"$WORK/unit.log" 2>&1
rc=$?
grep -E '^fuzz:|^\[doctest\] (test cases|assertions)' "$WORK/unit.log"
sanitized "unit_tests" $rc "$WORK/unit.log" && { [ $rc -eq 0 ] || { tail -n 40 "$WORK/unit.log"; fail "unit_tests exited $rc"; }; }
echo "sanitize: unit tests in $((SECONDS - t)) s"

# The CLI on a copy of the tree (render writes documents).
t=$SECONDS
mkdir -p "$WORK/tree"
for d in specs templates results cards docs site modelcard.yaml README.md; do
  [ -e "$SRC/$d" ] && cp -r "$SRC/$d" "$WORK/tree/"
done
cd "$WORK/tree"
for spec in specs/*.yaml; do
  "$SMC" count "$spec" >"$WORK/count.log" 2>&1
  rc=$?
  sanitized "count $spec" $rc "$WORK/count.log" && { [ $rc -eq 0 ] || { tail "$WORK/count.log"; fail "count $spec exited $rc"; }; }
done
"$SMC" lint specs/ >"$WORK/lint.log" 2>&1
rc=$?
sanitized "lint" $rc "$WORK/lint.log" && { [ $rc -le 1 ] || { tail "$WORK/lint.log"; fail "lint exited $rc"; }; }
for bad in "$SRC"/tests/data/specs/*.yaml; do
  "$SMC" lint "$bad" >"$WORK/lint-bad.log" 2>&1
  rc=$?
  sanitized "lint $(basename "$bad")" $rc "$WORK/lint-bad.log" &&
    { [ $rc -eq 1 ] || { cat "$WORK/lint-bad.log"; fail "lint of the bad spec $(basename "$bad") exited $rc, expected 1"; }; }
done
"$SMC" render specs/ >"$WORK/render.log" 2>&1
rc=$?
sanitized "render" $rc "$WORK/render.log" && { [ $rc -eq 0 ] || { tail "$WORK/render.log"; fail "render exited $rc"; }; }
# check after render: the documents match; results may be stale (exit 1), which is not this test's concern.
"$SMC" check specs/ --diff >"$WORK/check.log" 2>&1
rc=$?
sanitized "check" $rc "$WORK/check.log" && { [ $rc -le 1 ] || { tail "$WORK/check.log"; fail "check exited $rc"; }; }
if grep -E 'is (out of date|missing)' "$WORK/check.log"; then fail "check after render found documents out of date (above)"; fi
echo "sanitize: CLI in $((SECONDS - t)) s"

echo "sanitize: $((SECONDS - start)) s in all"
if [ $failures -ne 0 ]; then echo "sanitize: $failures check(s) failed"; exit 1; fi
echo "sanitize: all checks passed"
