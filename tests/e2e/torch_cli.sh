#!/usr/bin/env bash
# End-to-end test of the modelcard CLI on the bundled specs: exact counts, exact errors for bad
# specs (and nothing written), a real build of the tiny spec, and byte-identical re-rendering.
#   tests/e2e/torch_cli.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache   # calibrate afresh, never touch the user's cache
cd "$SRC"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_eq() { [ "$1" == "$2" ] || fail "$3: expected [$2], got [$1]"; }

# --- count: the published numbers, as results JSON -------------------------------------------
json=$("$MC" count specs/gpt2.yaml --json) || fail "count gpt2 exited non-zero"
for pair in small:124439808 medium:354823168 large:774030080 xl:1557611200; do
  size=${pair%%:*}
  want=${pair#*:}
  got=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print([s for s in d["sizes"] if s["name"]==sys.argv[1]][0]["parameters"]["total"])' "$size" <<<"$json")
  expect_eq "$got" "$want" "gpt2 $size parameters"
done
got=$(python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["sizes"][0]; print(s["flops"]["batch"], s["flops"]["sequence_length"], s["flops"]["forward"])' <<<"$json")
expect_eq "$got" "1 1024 291648307200" "gpt2 small forward FLOPs"
got=$("$MC" count specs/llama2.yaml --size 7b --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sizes"][0]["parameters"]["total"])')
expect_eq "$got" "6738415616" "llama-2-7b parameters"
for key in schema model slug spec_sha256 sizes environment; do
  python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if sys.argv[1] in d else 1)' "$key" <<<"$json" ||
    fail "count --json lacks key $key"
done

# --- bad specs: one clear file:line:col line, non-zero exit, nothing written -------------------
check_bad() {  # file expected-message
  local out rc
  out=$("$MC" build "tests/data/specs/$1" --out "$WORK/bad" 2>&1)
  rc=$?
  [ $rc -ne 0 ] || fail "$1: exit code 0"
  expect_eq "$(head -n1 <<<"$out")" "tests/data/specs/$1:$2" "$1 message"
  [ ! -e "$WORK/bad" ] || fail "$1: something was written"
}
check_bad misspelled_key.yaml "14:7: unknown key 'num_kv_head' (did you mean 'num_kv_heads'?)"
check_bad wrong_type.yaml "11:19: 'num_layers' must be an integer, got 'twelve'"
check_bad syntax_error.yaml "4:15: YAML syntax error: illegal map value"
check_bad indivisible_heads.yaml "13:18: embedding_dim (770) must be divisible by num_heads (12)"
"$MC" lint specs/ >/dev/null || fail "lint of the bundled specs reported problems"

# --- a flag that applies to none of the given specs is an error, before anything is measured ---
out=$("$MC" profile specs/resnet50.yaml --no-generate 2>&1) && fail "profile resnet50 --no-generate exited 0"
grep -q "^modelcard: error: --no-generate does not apply: no spec here generates token by token (resnet50 is resnet" <<<"$out" ||
  fail "profile resnet50 --no-generate: unexpected message [$out]"
out=$("$MC" profile specs/vit.yaml --seq 64 2>&1) && fail "profile vit --seq exited 0"

# --- build the tiny spec: results + card + documentation page ----------------------------------
"$MC" build specs/tiny.yaml --out "$WORK/out" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build tiny"; }
for f in results/tiny.json cards/tiny.md docs/tiny.md; do
  [ -s "$WORK/out/$f" ] || fail "build did not write $f"
done
python3 - "$WORK/out/results/tiny.json" <<'PY' || fail "results JSON does not follow the contract"
import json, sys
d = json.load(open(sys.argv[1]))
size = d["sizes"][0]
assert size["parameters"]["total"] == 120576, size["parameters"]
runs = {r["scenario"]: r for r in size["runs"]}
fwd = runs["forward"]
for k in ("mean", "p50", "p90", "p99", "stdev", "count"):
    assert k in fwd["latency_s"], k
assert fwd["latency_s"]["count"] >= 3 and fwd["latency_s"]["p50"] > 0
assert fwd["throughput"]["tokens_per_s"] > 0 and fwd["memory"]["peak_bytes"] > 0
assert fwd["memory"]["weights_bytes"] == 120576 * 4
assert 0 < fwd["mfu"] < 5, fwd["mfu"]
assert runs["generate"]["throughput"]["decode_tokens_per_s"] > 0
env = d["environment"]
assert env["libtorch"].startswith("2.") and env["threads"] == fwd["threads"] >= 1 and env["peak_flops_per_s"]["float32"] > 0
PY
grep -q "^| tiny | cpu | float32 | 1 | 16 |" "$WORK/out/docs/tiny.md" || fail "doc lacks the measured benchmark row"
if grep -n -E '\{\{|\[Model Name\]|\bXX+\b' "$WORK/out/cards/tiny.md" "$WORK/out/docs/tiny.md"; then
  fail "placeholder text left in the documents"
fi

# --- every command the documentation page shows runs as written ------------------------------
while IFS= read -r line; do
  read -r -a words <<<"$line"
  extra=()
  [ "${words[1]}" == "build" ] && extra=(--out "$WORK/usage")
  "$MC" "${words[@]:1}" "${extra[@]}" >/dev/null 2>"$WORK/usage.err" || { cat "$WORK/usage.err"; fail "documented command failed: $line"; }
done < <(grep -E '^modelcard (count|lint|profile|build|render) ' "$WORK/out/docs/tiny.md" | sort -u)
grep -q -E '^modelcard profile ' "$WORK/out/docs/tiny.md" || fail "doc shows no profile command"

# --- render from the stored results: same bytes -----------------------------------------------
cp "$WORK/out/docs/tiny.md" "$WORK/doc.before"
"$MC" render specs/tiny.yaml --out "$WORK/out" >/dev/null || fail "render tiny"
cmp -s "$WORK/doc.before" "$WORK/out/docs/tiny.md" || fail "render is not byte-identical to build's output"

if [ $failures -eq 0 ]; then echo "torch_cli: all checks passed"; else echo "torch_cli: $failures failed"; fi
[ $failures -eq 0 ]
