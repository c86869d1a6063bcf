#!/usr/bin/env bash
# The AVX2 path end to end on any x86-64 CPU: with MODELCARD_CPU_ISA=avx2 (what a CPU without
# AVX-512 runs: AMD Zen 3, most CI runners) `profile --dtype bfloat16` and a `build` that lists
# bfloat16, trains and runs the optimization study all succeed, every bfloat16 row is measured,
# and the documents say that bfloat16 ran emulated on ATen's GEMM.
#   tests/e2e/torch_avx2.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache   # calibrate afresh, never touch the user's cache
cd "$SRC"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# An unknown value of the switch is one clear error.
out=$(MODELCARD_CPU_ISA=sse2 "$MC" count specs/tiny.yaml 2>&1) && fail "MODELCARD_CPU_ISA=sse2 accepted"
grep -q "MODELCARD_CPU_ISA=sse2 is not supported" <<<"$out" || fail "unknown switch value: [$out]"

export MODELCARD_CPU_ISA=avx2
out=$("$MC" profile specs/tiny.yaml --dtype bfloat16 --min-iterations 2 --min-seconds 0 --no-train 2>&1) ||
  fail "profile --dtype bfloat16 failed on the AVX2 path: $out"
grep -q "bfloat16 forward b1 t16" <<<"$out" || fail "profile printed no bfloat16 forward row: $out"

# A build with both dtypes, the training step and the study, into a scratch tree.
mkdir -p "$WORK/specs"
sed -e 's/dtypes: \[float32\]/dtypes: [float32, bfloat16]/' specs/tiny.yaml >"$WORK/specs/tiny.yaml"
grep -q "dtypes: \[float32, bfloat16\]" "$WORK/specs/tiny.yaml" || fail "could not list bfloat16 in the tiny spec"
out=$("$MC" build "$WORK/specs/tiny.yaml" --out "$WORK/out" 2>&1) || fail "build on the AVX2 path failed: $out"
grep -q "warning: .*could not run here" <<<"$out" && fail "a scenario failed on the AVX2 path: $out"
python3 - "$WORK/out/results/tiny.json" <<'PY' || fail "results of the AVX2 build"
import json, sys
d = json.load(open(sys.argv[1]))
env = d["environment"]
assert "emulated" in env["blas"] and "forced" in env["cpu_features"], (env["blas"], env["cpu_features"])
runs = d["sizes"][0]["runs"]
for scenario in ("forward", "generate", "train"):
    dtypes = {r["dtype"] for r in runs if r["scenario"] == scenario}
    assert dtypes == {"float32", "bfloat16"}, (scenario, dtypes)
assert not d["sizes"][0].get("failures"), d["sizes"][0]["failures"]
ex = {e["id"]: e for e in d["sizes"][0]["experiments"]}
assert len(ex) == 8, sorted(ex)
for e in ex.values():
    assert "failed" not in e.get("reason", ""), (e["id"], e["reason"])
assert [v["name"] for v in ex["mixed_precision"]["variants"]] == ["float32", "bfloat16"]
assert "emulated" in ex["mixed_precision"]["setup"], ex["mixed_precision"]["setup"]
assert "7-bit activations" in ex["int8_weights"]["setup"], ex["int8_weights"]["setup"]
PY
grep -q "emulated in float32" "$WORK/out/docs/tiny.md" || fail "the documentation page does not say bfloat16 was emulated"

echo "torch_avx2: $failures failure(s)"
[ "$failures" -eq 0 ]
