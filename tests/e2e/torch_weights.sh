#!/usr/bin/env bash
# Real weights end to end (issue 7, first slice): `modelcard import` writes a spec from the tiny
# GPT-2 fixture checkpoint, `build` measures it on the loaded weights (with the load time), `eval`
# measures perplexity on a token file and equals the perplexity of transformers' own logits
# (tests/data/hf_reference/gpt2/reference.json), and the card's evaluation table shows it.
#   tests/e2e/torch_weights.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$(cd "$2" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cd "$WORK"
printf 'profile: {min_iterations: 1, min_seconds: 0, warmup: 0}\n' >modelcard.yaml
FIX=$SRC/tests/data/hf_reference/gpt2

out=$("$MC" import "$FIX" --out specs/fixture.yaml 2>&1) || fail "import failed: $out"
grep -q '^      weights: ' specs/fixture.yaml || fail "the imported spec names no weights"
out=$("$MC" import "$FIX" --out specs/fixture.yaml 2>&1) && fail "import overwrote an existing spec"
grep -qF "specs/fixture.yaml exists" <<<"$out" || fail "no clear message for an existing spec: $out"
out=$("$MC" import "$WORK/nowhere" --out specs/x.yaml 2>&1) && fail "import of a missing directory succeeded"
grep -qF "config.json" <<<"$out" || fail "the missing-config error does not name config.json: $out"

out=$("$MC" build specs/fixture.yaml --templates "$SRC/templates" --no-experiments --no-train 2>&1) || fail "build failed: $out"
grep -qF '| gpt2 | `' docs/gpt2.md && grep -qF '| gpt2 | 28 |' docs/gpt2.md ||
  fail "docs/gpt2.md lacks the checkpoint load row (28 tensors): $(grep -A3 'Weights loaded' docs/gpt2.md)"

# Token file: the first reference sequence (12 ids) as little-endian uint16.
python3 - "$FIX/reference.json" "$WORK/tokens.bin" "$WORK/expected.txt" <<'PY'
import json, math, struct, sys
ref = json.load(open(sys.argv[1]))
ids, logits = ref["input_ids"][0], ref["logits"][0]
open(sys.argv[2], "wb").write(struct.pack("<%dH" % len(ids), *ids))
nll = 0.0
for t in range(len(ids) - 1):
    row = logits[t]
    m = max(row)
    lse = m + math.log(sum(math.exp(x - m) for x in row))
    nll += lse - row[ids[t + 1]]
open(sys.argv[3], "w").write(repr(math.exp(nll / (len(ids) - 1))))
PY
out=$("$MC" eval specs/fixture.yaml --data tokens.bin --window 11 --name reference-ids 2>&1) || fail "eval failed: $out"
got=$(sed -n 's/.*perplexity \([0-9.]*\) on reference-ids.*/\1/p' <<<"$out")
want=$(cat expected.txt)
python3 -c 'import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); print(f"perplexity: ours {g}, transformers {w:.6f}"); sys.exit(0 if abs(g - w) <= 1e-3 * w else 1)' "$got" "$want" ||
  fail "eval perplexity $got differs from the reference's $want"
grep -qF '11 tokens in 1 windows' <<<"$out" || fail "eval did not predict 11 tokens in 1 window: $out"
"$MC" render specs/ --templates "$SRC/templates" >/dev/null 2>&1 || fail "render after eval failed"
grep -qE '^\| gpt2 \| perplexity \| reference-ids \| 11 \| [0-9.]+ \| float32 \|' cards/gpt2.md ||
  fail "cards/gpt2.md lacks the measured perplexity row"

printf '\x01' >odd.bin
out=$("$MC" eval specs/fixture.yaml --data odd.bin 2>&1) && fail "eval accepted an odd-sized token file"
grep -qF "not a whole number of uint16 token ids" <<<"$out" || fail "odd-size message: $out"
printf '\xff\xff' >big.bin
out=$("$MC" eval specs/fixture.yaml --data big.bin 2>&1) && fail "eval accepted an id outside the vocabulary"
grep -qF "token 0 is 65535, outside the vocabulary (97 ids)" <<<"$out" || fail "vocabulary message: $out"

if [ $failures -ne 0 ]; then echo "torch_weights: $failures check(s) failed"; exit 1; fi
echo "torch_weights: all checks passed"
