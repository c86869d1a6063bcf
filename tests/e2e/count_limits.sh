#!/usr/bin/env bash
# End-to-end test of issue 14's "Numbers": `count` is analytic for every family (nothing built or
# allocated, whatever the size), and numbers past int64 from the command line or a spec are one
# clear error line, never a clamped, wrapped or negative count.
#   tests/e2e/count_limits.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$SRC"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Runs the command; prints "<exit code> <max RSS in MB> <seconds>" of it (its output to $WORK/out).
measure() {
  python3 - "$WORK/out" "$@" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
with open(sys.argv[1], "w") as out:
    try:
        rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT, timeout=60).returncode
    except subprocess.TimeoutExpired:
        rc = 124
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, round(time.monotonic() - t0, 1))
PY
}

# --- count builds nothing: a 12k-wide LSTM (7.4 GB of real weights when it was instantiated) and a
#     million-layer GPT-2 (gigabytes of modules on `meta`, then std::bad_alloc) count at once.
sed 's/large:  {embedding_dim: 1500, hidden_dim: 1500}/large:  {embedding_dim: 12000, hidden_dim: 12000}/' \
  specs/lstm.yaml >"$WORK/lstm12k.yaml"
grep -q "embedding_dim: 12000" "$WORK/lstm12k.yaml" || fail "lstm.yaml: the large size was not widened"
read -r rc rss secs < <(measure "$MC" count "$WORK/lstm12k.yaml" --size large)
[ "$rc" == 0 ] || fail "count of a 12k-wide LSTM exited $rc: $(cat "$WORK/out")"
[ "$rss" -lt 1500 ] || fail "count of a 12k-wide LSTM reached ${rss} MB (it must allocate no weights)"
grep -q "large: 2,544,202,000 parameters" "$WORK/out" || fail "12k LSTM count: $(cat "$WORK/out")"

sed 's/small:  {num_layers: 12,/small:  {num_layers: 1000000,/' specs/gpt2.yaml >"$WORK/layers.yaml"
"$MC" lint "$WORK/layers.yaml" >/dev/null || fail "a million-layer GPT-2 (7.1e12 parameters, which fit) fails lint"
read -r rc rss secs < <(measure "$MC" count "$WORK/layers.yaml" --size small)
[ "$rc" == 0 ] || fail "count of a million-layer GPT-2 exited $rc: $(cat "$WORK/out")"
[ "$rss" -lt 1500 ] || fail "count of a million-layer GPT-2 reached ${rss} MB"
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 10 else 1)' "$secs" ||
  fail "count of a million-layer GPT-2 took ${secs} s"
grep -q "small: 7,087,911,385,344 parameters" "$WORK/out" || fail "million-layer count: $(cat "$WORK/out")"

# --- the CLI's numbers: one error line naming the limit, exit 1, never a clamped or wrapped count.
expect_error() {  # expected-message command...
  local want=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  [ $rc -eq 1 ] || fail "$*: exit code $rc (output [$out])"
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "$*: more than one line: [$out]"
  [ "$out" == "$want" ] || fail "$*: expected [$want], got [$out]"
}
LIMIT="9,223,372,036,854,775,807 (int64 max, about 9.2e18)"
expect_error "modelcard: error: specs/gpt2.yaml: size 'small': --seq 3037000500: a sequence of 3,037,000,500 tokens is past the context of 1,024 learned positions (context_length)" \
  "$MC" count specs/gpt2.yaml --size small --seq 3037000500
expect_error "modelcard: error: specs/vit.yaml: size 'h14': batch 10000000000: forward FLOPs 'attention_projections' exceeds $LIMIT; hint: use a smaller batch or sequence length" \
  "$MC" count specs/vit.yaml --size h14 --batch 10000000000
expect_error "modelcard: error: --batch 9223372036854775808 exceeds $LIMIT" \
  "$MC" count specs/vit.yaml --size h14 --batch 9223372036854775808

# --- the spec's numbers: lint points at the key (file:line:col) and names the limit.
sed 's/context_length: 1024/context_length: 2147483647/' specs/gpt2.yaml >"$WORK/ctx.yaml"
out=$("$MC" lint "$WORK/ctx.yaml" 2>&1) && fail "lint of a 2^31-1 context exited 0"
line=$(grep -n "context_length: 2147483647" "$WORK/ctx.yaml" | cut -d: -f1)
grep -q "^$WORK/ctx.yaml:$line:21: size 'small': context_length 2147483647: forward FLOPs 'attention_scores' exceeds $LIMIT" <<<"$out" ||
  fail "lint of a 2^31-1 context: [$out]"
sed 's/image_size: 224/image_size: 2147483647/' specs/resnet50.yaml >"$WORK/image.yaml"
out=$("$MC" count "$WORK/image.yaml" 2>&1) && fail "count of a 2^31-1 image exited 0"
grep -q "image_size 2147483647: forward FLOPs 'stem' exceeds $LIMIT" <<<"$out" || fail "2^31-1 image: [$out]"
sed 's/small:  {num_layers: 12, embedding_dim: 768,/small:  {num_layers: 12, embedding_dim: 999999996,/' \
  specs/gpt2.yaml >"$WORK/wide.yaml"
out=$("$MC" count "$WORK/wide.yaml" --size small 2>&1) && fail "count of a 1e9-wide GPT-2 exited 0"
grep -q "^$WORK/wide.yaml:[0-9]*:45: size 'small': embedding_dim 999999996: parameters 'attention' exceeds $LIMIT" <<<"$out" ||
  fail "1e9-wide GPT-2: [$out]"

[ $failures -eq 0 ] && echo "count limits: all checks passed"
exit $((failures > 0))
