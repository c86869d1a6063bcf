#!/usr/bin/env bash
# Issue 14, "memory guard": profile refuses at once, with the estimate and the figure it exceeds,
# a scenario that cannot fit (Llama 2 70B anywhere; 13B, 7B and GPT-2 at batch 512 x 1024 tokens on
# a 24 GB machine); build skips such a row with the reason and documents it; --max-memory
# overrides the detected limit; --threads above the cores is refused and calibrates nothing.
#   tests/e2e/torch_memory_guard.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache   # never touch the user's calibration
cd "$SRC"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# refused <what> <expected substring> <modelcard args...>: non-zero exit within 5 s, one line
# naming the estimate and the limit, nothing calibrated (refused before anything is allocated).
refused() {
  local what=$1 want=$2
  shift 2
  local start out rc
  start=$(date +%s)
  out=$("$MC" "$@" 2>&1)
  rc=$?
  [ $rc -ne 0 ] || fail "$what: exit code 0"
  [ $(($(date +%s) - start)) -le 5 ] || fail "$what: not refused at once"
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "$what: not one line: $out"
  grep -q "needs an estimated" <<<"$out" || fail "$what: no estimate in: $out"
  grep -qF "$want" <<<"$out" || fail "$what: [$want] not in: $out"
  [ ! -e "$WORK/cache" ] || fail "$what: calibrated before refusing"
}

refused "llama2 70b" "specs/llama2.yaml: size '70b': building the float32 model needs an estimated 514.7 GiB" \
  profile specs/llama2.yaml --size 70b
refused "llama2 13b on 24 GB" "more than the 22.4 GiB set by --max-memory" \
  profile specs/llama2.yaml --size 13b --max-memory 24GB
refused "llama2 7b on 24 GB" "more than the 22.4 GiB set by --max-memory" \
  profile specs/llama2.yaml --size 7b --max-memory 24GB
refused "gpt2 b512 t1024" "the float32 forward pass (batch 512 × 1024 tokens) needs an estimated 102.1 GiB" \
  profile specs/gpt2.yaml --size small --batch 512 --seq 1024 --max-memory 24GB
refused "tiny under 1 MiB" "more than the 1.0 MiB set by --max-memory" \
  profile specs/tiny.yaml --max-memory 1MiB

out=$("$MC" profile specs/tiny.yaml --max-memory 12XB 2>&1) && fail "--max-memory 12XB accepted"
grep -q "not a memory size" <<<"$out" || fail "--max-memory 12XB: $out"

# --threads above the cores: an error naming them; nothing measured, no calibration stored.
cores=$(nproc)
out=$("$MC" profile specs/tiny.yaml --threads 1000 2>&1) && fail "--threads 1000 accepted"
grep -q "exceeds the $cores logical CPUs" <<<"$out" || fail "--threads 1000: $out"
[ ! -e "$WORK/cache" ] || fail "--threads 1000: a calibration was stored"

# A modelcard.yaml (or spec) thread count above the cores is capped with a warning: the same
# project runs on machines of every size; the calibration is stored for the threads really used.
mkdir -p "$WORK/project"
printf 'profile:\n  threads: 4096\n' >"$WORK/project/modelcard.yaml"
out=$(cd "$WORK/project" && "$MC" profile "$SRC/specs/tiny.yaml" --no-train --no-generate --json 2>"$WORK/project/err")
grep -q "profile.threads 4096 exceeds the $cores logical CPUs available here; measuring with $cores" "$WORK/project/err" ||
  fail "profile.threads 4096: no warning: $(cat "$WORK/project/err")"
got=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["environment"]["threads"], d["sizes"][0]["runs"][0]["threads"])' <<<"$out")
[ "$got" == "$cores $cores" ] || fail "profile.threads 4096: measured with [$got] threads, not $cores"
python3 -c 'import json,sys; t=[e["threads"] for e in json.load(open(sys.argv[1]))["entries"]]; sys.exit(0 if t and max(t) <= int(sys.argv[2]) else 1)' \
  "$WORK/cache/calibration.json" "$cores" || fail "a calibration with more threads than cores was stored"

# build: the training step (2.1 MiB estimated) does not fit in 1.5 MiB; forward and generate do.
# The row is skipped with its reason, printed and documented; the others are measured.
out=$("$MC" build specs/tiny.yaml --out "$WORK/out" --no-experiments --max-memory 1.5MiB 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "build with a row over --max-memory: rc $rc: $out"
grep -q "train b1 could not run here (the float32 training step (batch 1 × 16 tokens) needs an estimated" <<<"$out" ||
  fail "build: no warning for the skipped train row: $out"
doc=$(find "$WORK/out" -name 'tiny*.md' -path '*docs*' | head -1)
if [ -z "$doc" ]; then
  fail "build wrote no documentation"
else
  grep -q "Not measured on this machine:.*train.*needs an estimated" "$doc" || fail "$doc: the skipped row is not documented"
  grep -q "| tiny | forward, cpu float32, batch 1 × 16 tokens | .* | .* KiB (.*%) |" "$doc" ||
    fail "$doc: no estimate beside the measured forward peak"
fi
python3 - "$WORK/out/results/tiny.json" <<'PY' || fail "stored results: train should be a failure, forward and generate runs"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sizes"][0]
assert sorted(r["scenario"] for r in s["runs"]) == ["forward", "generate"], s["runs"]
assert [f["scenario"] for f in s["failures"]] == ["train"], s.get("failures")
PY

[ $failures -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }
