#!/usr/bin/env bash
# Corrupted checkpoints and bad eval inputs (issue 14, "Checkpoints and eval"): `eval` refuses,
# with one line naming the file (and the tensor), a safetensors header with a duplicated name,
# overlapping offsets, trailing bytes, an index that leaves a tensor out, NaN weights and a
# perplexity that overflows; --data that is a directory, /dev/zero or a FIFO; --window 0. Nothing
# is stored on any refusal, and stored results are never replaced. A stored null evaluation
# value (what a NaN perplexity used to write) renders as not measured.
#   tests/e2e/torch_checkpoint_faults.sh <modelcard binary> <source dir>
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
python3 - "$FIX" <<'PY' || fail "could not write the corrupted checkpoints"
import json, os, shutil, struct, sys
src = sys.argv[1]
raw = open(os.path.join(src, "model.safetensors"), "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
names = sorted(k for k in header if k != "__metadata__")
ids = json.load(open(os.path.join(src, "reference.json")))["input_ids"][0]
open("tokens.bin", "wb").write(struct.pack("<%dH" % len(ids), *ids))

def checkpoint(name, header_text, data):
    os.makedirs(name)
    shutil.copy(os.path.join(src, "config.json"), name)
    text = header_text.encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    open(os.path.join(name, "model.safetensors"), "wb").write(struct.pack("<Q", len(text)) + text + data)

a, b = "transformer.h.0.attn.c_attn.bias", "transformer.h.1.attn.c_attn.bias"
# A second entry for `a` with b's bytes: nlohmann kept the last one (perplexity 107 -> 119).
checkpoint("ck_dup", json.dumps(header)[:-1] + ', "%s": %s}' % (a, json.dumps(header[b])), data)
over = json.loads(json.dumps(header))
over[a]["data_offsets"] = header[b]["data_offsets"]  # two tensors on the same bytes (107 -> 190)
checkpoint("ck_overlap", json.dumps(over), data)
checkpoint("ck_trailing", json.dumps(header), data + b"\0" * 16)
nan = bytearray(data)
begin = header["transformer.h.0.attn.c_proj.weight"]["data_offsets"][0]
nan[begin + 8:begin + 12] = struct.pack("<f", float("nan"))
checkpoint("ck_nan", json.dumps(header), bytes(nan))
# Finite but enormous final-norm weights: the logits overflow float32 and the perplexity is NaN.
huge = bytearray(data)
s, e = header["transformer.ln_f.weight"]["data_offsets"]
huge[s:e] = struct.pack("<%df" % ((e - s) // 4), *([3e38] * ((e - s) // 4)))
checkpoint("ck_overflow", json.dumps(header), bytes(huge))
os.makedirs("ck_index")
shutil.copy(os.path.join(src, "config.json"), "ck_index")
shutil.copy(os.path.join(src, "model.safetensors"), "ck_index/model-00001-of-00001.safetensors")
json.dump({"metadata": {}, "weight_map": {k: "model-00001-of-00001.safetensors" for k in names[:-1]}},
          open("ck_index/model.safetensors.index.json", "w"))
print("left out of the index:", names[-1])
PY

# The good checkpoint first: its stored result must survive every refusal below.
out=$("$MC" eval specs/fixture.yaml --data tokens.bin --window 11 2>&1) || fail "eval of the fixture failed: $out"
grep -qF "perplexity 107.105 on tokens.bin" <<<"$out" || fail "fixture perplexity: $out"
stored=$(sha256sum results/gpt2.json)

# eval_with <checkpoint dir> [args]: the fixture spec pointed at another checkpoint.
eval_with() {
  local ck=$1
  shift
  sed "s#^      weights: .*#      weights: $WORK/$ck#" specs/fixture.yaml >"spec_$ck.yaml"
  timeout 60 "$MC" eval "spec_$ck.yaml" "$@" 2>&1
}
expect_refusal() {  # <what> <rc> <output> <expected text>
  [ "$2" -ne 0 ] && [ "$2" -ne 124 ] || fail "$1: exit $2 (0 = accepted, 124 = hung): $3"
  grep -qF -- "$4" <<<"$3" || fail "$1: message lacks '$4': $3"
  [ "$(grep -c . <<<"$3")" -eq 1 ] || fail "$1: more than one line: $3"
  [ "$(sha256sum results/gpt2.json)" = "$stored" ] || fail "$1: the stored results changed"
}

out=$(eval_with ck_dup --data tokens.bin --window 11); rc=$?
expect_refusal "duplicate tensor name" $rc "$out" \
  "ck_dup/model.safetensors: header names 'transformer.h.0.attn.c_attn.bias' twice"
out=$(eval_with ck_overlap --data tokens.bin --window 11); rc=$?
expect_refusal "overlapping offsets" $rc "$out" \
  "ck_overlap/model.safetensors: tensor 'transformer.h.1.attn.c_attn.bias': data_offsets [50816, 51200] overlap tensor 'transformer.h.0.attn.c_attn.bias' [50816, 51200]"
out=$(eval_with ck_trailing --data tokens.bin --window 11); rc=$?
expect_refusal "trailing bytes" $rc "$out" \
  "ck_trailing/model.safetensors: 16 trailing bytes after the last tensor ('transformer.wte.weight', ending at 118400) belong to no tensor"
out=$(eval_with ck_index --data tokens.bin --window 11); rc=$?
expect_refusal "incomplete index" $rc "$out" \
  "ck_index/model.safetensors.index.json: weight_map does not list tensor 'transformer.wte.weight' of model-00001-of-00001.safetensors"
out=$(eval_with ck_nan --data tokens.bin --window 11); rc=$?
expect_refusal "NaN weights" $rc "$out" \
  "ck_nan/model.safetensors: tensor 'transformer.h.0.attn.c_proj.weight' holds NaN (element 2 of (32, 32))"
out=$(eval_with ck_overflow --data tokens.bin --window 11); rc=$?
expect_refusal "overflowing perplexity" $rc "$out" "the perplexity is not finite"
python3 -c 'import json, sys; e = json.load(open("results/gpt2.json"))["sizes"][0]["evaluations"]; sys.exit(0 if [x["value"] for x in e] == [e[0]["value"]] and e[0]["value"] is not None else 1)' ||
  fail "the evaluations changed or hold a non-number: $(grep -A8 evaluations results/gpt2.json)"

# The memory guard before eval builds its model: over --max-memory, refused with the estimate.
out=$("$MC" eval specs/fixture.yaml --data tokens.bin --window 11 --max-memory 64KiB 2>&1); rc=$?
expect_refusal "eval over --max-memory" $rc "$out" "evaluating the float32 model (batch 8 × 12 tokens) needs an estimated"
grep -qF "set by --max-memory" <<<"$out" || fail "eval over --max-memory: the limit's source is not named: $out"

# --data that is not a regular file: refused before it is opened or read.
mkdir -p dir.bin
mkfifo fifo.bin
out=$(timeout 60 "$MC" eval specs/fixture.yaml --data dir.bin 2>&1); rc=$?
expect_refusal "--data directory" $rc "$out" "--data dir.bin: is a directory, not a regular file"
out=$(timeout 60 "$MC" eval specs/fixture.yaml --data /dev/zero 2>&1); rc=$?
expect_refusal "--data /dev/zero" $rc "$out" "--data /dev/zero: is a character device, not a regular file"
out=$(timeout 60 "$MC" eval specs/fixture.yaml --data fifo.bin 2>&1); rc=$?
expect_refusal "--data FIFO" $rc "$out" "--data fifo.bin: is a FIFO, not a regular file"
out=$("$MC" eval specs/fixture.yaml --data tokens.bin --window 0 2>&1); rc=$?
[ $rc -ne 0 ] || fail "--window 0 accepted"
grep -qF -- "--window: must be a positive number of tokens (got '0')" <<<"$out" || fail "--window 0 message: $out"
grep -qF "1.79" <<<"$out" && fail "--window 0 still prints CLI11's range: $out"

# A null value stored by an older eval: render shows the rest, eval stores again over it.
python3 - <<'PY' || fail "could not store a null value"
import json
j = json.load(open("results/gpt2.json"))
j["sizes"][0]["evaluations"].append(dict(j["sizes"][0]["evaluations"][0], dataset="nan.bin", value=None))
json.dump(j, open("results/gpt2.json", "w"), indent=2)
PY
out=$("$MC" render specs/ --templates "$SRC/templates" 2>&1) || fail "render of a stored null value failed: $out"
grep -qE '^\| gpt2 \| perplexity \| tokens.bin \|' cards/gpt2.md || fail "the measured row is gone after a null one"
grep -qF "nan.bin" cards/gpt2.md && fail "the null row was rendered: $(grep nan.bin cards/gpt2.md)"
out=$("$MC" eval specs/fixture.yaml --data tokens.bin --window 11 --name again 2>&1) || fail "eval over a stored null failed: $out"
# Stored results that cannot be read are reported before evaluating, and left as they are.
printf '{"broken": ' >results/gpt2.json
out=$("$MC" eval specs/fixture.yaml --data tokens.bin --window 11 2>&1) && fail "eval replaced unreadable results"
grep -qF "results/gpt2.json" <<<"$out" || fail "the unreadable-results message names no file: $out"
[ "$(cat results/gpt2.json)" = '{"broken": ' ] || fail "eval rewrote unreadable results"

if [ $failures -ne 0 ]; then echo "torch_checkpoint_faults: $failures check(s) failed"; exit 1; fi
echo "torch_checkpoint_faults: all checks passed"
