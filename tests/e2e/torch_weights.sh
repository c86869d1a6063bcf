#!/usr/bin/env bash
# Real weights end to end (issue 7): `modelcard import` writes a spec from the tiny GPT-2 fixture
# checkpoint, `build` measures it on the loaded weights (with the load time), `eval` measures
# perplexity on a token file and equals the perplexity of transformers' own logits
# (tests/data/hf_reference/gpt2/reference.json), and the card's evaluation table shows it; the
# same for the ViT fixture's top-1 / top-5 accuracy on a labelled set.
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

# The model types of Llama 3 (three rope scalings), Mistral (a window of 5), Gemma, Gemma 2
# (alternating local / global layers, soft-caps), Phi-3, Qwen3, GPT-NeoX, Qwen3-MoE and DeepSeek-V3
# (MLA, grouped sigmoid routing): `import` + `eval` over the first reference sequence give the
# perplexity of transformers' logits (windows and original contexts shorter than the 11 predicted
# tokens, so they matter). llama_dynamic is not here: dynamic NTK's frequencies depend on the
# length of the forward pass, so the reference's 12-token logits are not what an 11-token window
# computes (hf_reference_test compares it with transformers at the same length).
for name in llama3 llama_yarn llama_linear mistral_window gemma gemma2 phi3 qwen3 gpt_neox \
  qwen3_moe deepseek_v3 deepseek_v3_nolora; do
  NFIX=$SRC/tests/data/hf_reference/$name
  out=$("$MC" import "$NFIX" --out "specs/$name.yaml" 2>&1) || { fail "$name import failed: $out"; continue; }
  python3 - "$NFIX/reference.json" "$WORK/$name.bin" "$WORK/$name.txt" <<'PY'
import json, math, struct, sys
ref = json.load(open(sys.argv[1]))
ids, logits = ref["input_ids"][0], ref["logits"][0]
open(sys.argv[2], "wb").write(struct.pack("<%dH" % len(ids), *ids))
nll = 0.0
for t in range(len(ids) - 1):
    row = logits[t]
    m = max(row)
    nll += m + math.log(sum(math.exp(x - m) for x in row)) - row[ids[t + 1]]
open(sys.argv[3], "w").write(repr(math.exp(nll / (len(ids) - 1))))
PY
  out=$("$MC" eval "specs/$name.yaml" --data "$name.bin" --window 11 --name reference-ids 2>&1) ||
    { fail "$name eval failed: $out"; continue; }
  got=$(sed -n 's/.*perplexity \([0-9.]*\) on reference-ids.*/\1/p' <<<"$out")
  want=$(cat "$name.txt")
  python3 -c 'import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); print(f"{sys.argv[3]} perplexity: ours {g}, transformers {w:.6f}"); sys.exit(0 if abs(g - w) <= 1e-3 * w else 1)' "$got" "$want" "$name" ||
    fail "$name eval perplexity $got differs from the reference's $want"
done
"$MC" render specs/ --templates "$SRC/templates" >/dev/null 2>&1 || fail "render after eval failed"
grep -qE '^\| gpt2 \| perplexity \| reference-ids \| 11 tokens predicted \| [0-9.]+ \| float32 \|' cards/gpt2.md ||
  fail "cards/gpt2.md lacks the measured perplexity row"

printf '\x01' >odd.bin
out=$("$MC" eval specs/fixture.yaml --data odd.bin 2>&1) && fail "eval accepted an odd-sized token file"
grep -qF "not a whole number of uint16 token ids" <<<"$out" || fail "odd-size message: $out"
printf '\xff\xff' >big.bin
out=$("$MC" eval specs/fixture.yaml --data big.bin 2>&1) && fail "eval accepted an id outside the vocabulary"
grep -qF "token 0 is 65535, outside the vocabulary (97 ids)" <<<"$out" || fail "vocabulary message: $out"

# Text: the gpt2_bpe fixture ships vocab.json + merges.txt; eval tokenizes bpe/sample.txt with our
# byte-level BPE and must give the perplexity of transformers' logits over the same windows.
BPE=$SRC/tests/data/hf_reference/gpt2_bpe
out=$("$MC" import "$BPE" --out specs/bpe.yaml 2>&1) || fail "gpt2_bpe import failed: $out"
read -r want_ppl want_tokens window < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["perplexity"], r["tokens"], r["window"])' "$BPE/reference.json")
out=$("$MC" eval specs/bpe.yaml --data "$SRC/tests/data/hf_reference/bpe/sample.txt" --window "$window" 2>&1) ||
  fail "text eval failed: $out"
echo "$out" | head -1
got=$(sed -n 's/.*perplexity \([0-9.]*\) on sample.txt.*/\1/p' <<<"$out")
python3 -c 'import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); print(f"text perplexity: ours {g}, transformers {w:.6f}"); sys.exit(0 if abs(g - w) <= 1e-4 * w else 1)' "$got" "$want_ppl" ||
  fail "text eval perplexity $got differs from the reference's $want_ppl"
grep -qF "on sample.txt ($(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$want_tokens") tokens in" <<<"$out" ||
  fail "text eval predicted a different number of tokens than the reference ($want_tokens): $out"
"$MC" render specs/ --templates "$SRC/templates" >/dev/null 2>&1 || fail "render after the text eval failed"
grep -qE '^\| gpt2-bpe \| perplexity \| sample.txt \| [0-9,]+ tokens predicted \(text, byte-level BPE\) \|' cards/gpt2-bpe.md ||
  fail "cards/gpt2-bpe.md lacks the text perplexity row: $(grep -A5 'Measured here' cards/gpt2-bpe.md)"
printf 'plain text\n' >words.txt
out=$("$MC" eval specs/fixture.yaml --data words.txt 2>&1) && fail "text eval without a tokenizer succeeded"
grep -qF "has no vocab.json + merges.txt" <<<"$out" || fail "missing-tokenizer message: $out"

# A classifier (issue 7, point 5): import the ViT fixture, build it on the loaded weights (training
# step and experiments included), then top-1 / top-5 accuracy on its labelled set must equal the
# accuracy of transformers' own logits (eval_reference.json), and the card shows both rows.
VIT=$SRC/tests/data/hf_reference/vit
# `import --eval` names the labelled set in the spec (evaluation.measure): `build` alone measures it.
out=$("$MC" import "$VIT" --out specs/vit.yaml --eval "$VIT/eval.safetensors" 2>&1) || fail "vit import failed: $out"
grep -qE '^    - data: .*hf_reference/vit/eval.safetensors$' specs/vit.yaml || fail "import --eval wrote no measure entry: $(cat specs/vit.yaml)"
out=$("$MC" build specs/vit.yaml --templates "$SRC/templates" 2>&1) || fail "vit build failed: $out"
grep -qE '^\| vit \| top-1 accuracy \| eval.safetensors \| 32 images \| 50(\.0)?% \| float32 \|' cards/vit.md ||
  fail "import + build gave no measured top-1 row: $(grep -A6 'Measured here' cards/vit.md)"
grep -qF 'loaded from the checkpoint' docs/experiments/vit/README.md ||
  fail "the vit experiments README does not say it ran on the loaded weights"
grep -qE '^\| vit \| `.*` \| vit \| 40 \|' docs/vit.md || fail "docs/vit.md lacks the load row: $(grep -A4 'Weights loaded' docs/vit.md)"
python3 - "$WORK/results/vit.json" <<'PY' || fail "the vit results lack a train run or experiments on the loaded weights"
import json, sys
size = json.load(open(sys.argv[1]))["sizes"][0]
assert size["weights_load"]["layout"] == "vit", size["weights_load"]
assert any(r["scenario"] == "train" for r in size["runs"]), [r["scenario"] for r in size["runs"]]
assert len(size["experiments"]) == 8, len(size["experiments"])
PY
out=$("$MC" eval specs/vit.yaml --data "$VIT/eval.safetensors" --name fixture-eval 2>&1) || fail "vit eval failed: $out"
echo "$out" | head -1
read -r want1 want5 n < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["top1"], r["top5"], r["n"])' "$VIT/eval_reference.json")
got1=$(sed -n 's/.*top-1 \([0-9.]*\)%.*/\1/p' <<<"$out")
got5=$(sed -n 's/.*top-5 \([0-9.]*\)%.*/\1/p' <<<"$out")
python3 -c 'import sys; g1, g5, w1, w5 = map(float, sys.argv[1:]); print(f"accuracy: ours top-1 {g1}% top-5 {g5}%, transformers {100*w1:.2f}% {100*w5:.2f}%"); sys.exit(0 if abs(g1 - 100*w1) < 0.01 and abs(g5 - 100*w5) < 0.01 else 1)' "$got1" "$got5" "$want1" "$want5" ||
  fail "eval accuracy ($got1%, $got5%) differs from the reference's ($want1, $want5)"
"$MC" render specs/ --templates "$SRC/templates" >/dev/null 2>&1 || fail "render after the vit eval failed"
grep -qE "^\| vit \| top-1 accuracy \| fixture-eval \| $n images \| [0-9.]+% \| float32 \|" cards/vit.md ||
  fail "cards/vit.md lacks the measured top-1 row: $(grep -A6 'Measured here' cards/vit.md)"
grep -qE "^\| vit \| top-5 accuracy \| fixture-eval \| $n images \|" cards/vit.md || fail "cards/vit.md lacks the top-5 row"
# A re-measure keeps `eval`'s rows of the same checkpoint beside the spec's own.
out=$("$MC" build specs/vit.yaml --force --no-experiments --no-train --templates "$SRC/templates" 2>&1) || fail "vit rebuild failed: $out"
grep -qE "^\| vit \| top-1 accuracy \| fixture-eval \|" cards/vit.md && grep -qE "^\| vit \| top-1 accuracy \| eval.safetensors \|" cards/vit.md ||
  fail "a rebuild lost an evaluation row: $(grep -A8 'Measured here' cards/vit.md)"
out=$("$MC" import "$VIT" --out specs/vit2.yaml --eval "$WORK/none.safetensors" 2>&1) && fail "import --eval accepted a missing file"
grep -qF "none.safetensors: --eval names no readable file" <<<"$out" || fail "import --eval message: $out"
out=$("$MC" eval specs/vit.yaml --data tokens.bin 2>&1) && fail "a classifier accepted a token file"
grep -qF "a classifier is evaluated on a labelled set" <<<"$out" || fail "classifier/token-file message: $out"
out=$("$MC" eval specs/fixture.yaml --data "$VIT/eval.safetensors" 2>&1) && fail "a language model accepted a labelled set"
grep -qF "accuracy needs a classifier" <<<"$out" || fail "decoder/labelled-set message: $out"

if [ $failures -ne 0 ]; then echo "torch_weights: $failures check(s) failed"; exit 1; fi
echo "torch_weights: all checks passed"
