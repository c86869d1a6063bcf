#!/usr/bin/env bash
# Stored results are never lost and a killed run leaves nothing half-written (issue 14):
#  1. `render` / `build` / `check` of one spec of a project keep the other models' comparisons: the
#     one-spec documents are byte-identical to rendering the whole folder, and `check specs/` passes;
#  2. `build <spec> --force --no-experiments` re-measures the rows and keeps the stored experiments;
#  3. `kill -9` at random moments of a measuring build and of a render leaves every document as it
#     was or as the run makes it (byte for byte), no temporary file beside a document, and the
#     next run sweeps what the kill left in the staging folder;
#  4. `check` reports a stray temporary file and fails; `render` removes it.
#   tests/e2e/torch_stored_results.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_in() { grep -qF -- "$2" <<<"$1" || fail "$3: lacks [$2] in: $(head -c 600 <<<"$1")"; }
DOCS=(cards/tiny.md docs/tiny.md docs/guides/tiny.md docs/experiments/tiny/README.md site/content/posts/tiny/index.md
      cards/tiny-two.md docs/tiny-two.md site/content/posts/tiny-two/index.md)

P=$WORK/project
mkdir -p "$P/specs"
cp "$SRC/specs/tiny.yaml" "$P/specs/tiny.yaml"
sed -e 's/^name: .*/name: Tiny GPT Two/' -e 's/^slug: .*/slug: tiny-two/' "$SRC/specs/tiny.yaml" >"$P/specs/tiny-two.yaml"
printf 'profile: {min_iterations: 2, min_seconds: 0, warmup: 0}\n' >"$P/modelcard.yaml"
cd "$P"
mct() { "$MC" "$1" --templates "$SRC/templates" "${@:2}"; }

# The project, measured once with its experiments.
out=$(mct build specs/ 2>&1) || { echo "$out"; echo "FAIL: the first build failed"; exit 1; }
python3 -c 'import json,sys; sys.exit(0 if json.load(open("results/tiny.json"))["sizes"][0].get("experiments") else 1)' ||
  fail "the first build stored no experiments for tiny"
cp -r "$P" "$WORK/before"

# 1. One spec: byte-identical documents (the comparison with tiny-two kept), check passes.
out=$(mct render specs/tiny.yaml 2>&1) || fail "render of one spec failed: $out"
for d in "${DOCS[@]}"; do cmp -s "$d" "$WORK/before/$d" || fail "render specs/tiny.yaml changed $d"; done
grep -qF 'Tiny GPT Two' docs/tiny.md || fail "docs/tiny.md lost the comparison with tiny-two"
out=$(mct build specs/tiny.yaml 2>&1) || fail "build of one current spec failed: $out"
expect_in "$out" "./results/tiny.json is up to date" "one-spec build of a current spec"
for d in "${DOCS[@]}"; do cmp -s "$d" "$WORK/before/$d" || fail "build specs/tiny.yaml changed $d"; done
out=$(mct check specs/tiny.yaml 2>&1) || fail "check of one spec failed: $out"
out=$(mct check specs/ 2>&1) || fail "check of the folder failed after one-spec runs: $out"

# 2. A partial re-measure keeps the stored experiments.
exp() { python3 -c 'import json,sys; print(json.dumps([s.get("experiments") for s in json.load(open(sys.argv[1]))["sizes"]], sort_keys=True))' "$1"; }
runs() { python3 -c 'import json,sys; print(json.dumps([s.get("runs") for s in json.load(open(sys.argv[1]))["sizes"]], sort_keys=True))' "$1"; }
before_exp=$(exp results/tiny.json)
before_runs=$(runs results/tiny.json)
out=$(mct build specs/tiny.yaml --force --no-experiments 2>&1) || fail "build --force --no-experiments failed: $out"
expect_in "$out" "wrote ./results/tiny.json" "the partial re-measure"
[ "$(exp results/tiny.json)" == "$before_exp" ] || fail "build --force --no-experiments lost or changed the stored experiments"
[ "$(runs results/tiny.json)" != "$before_runs" ] || fail "build --force did not re-measure the runs"
grep -q '^## ' docs/experiments/tiny/README.md || fail "the experiments README was not rendered"
out=$(mct check specs/ 2>&1) || fail "check after the partial re-measure failed: $out"
cp -r "$P" "$WORK/measured"

# Every document is byte-identical to its copy in $1 or in $2; no temporary file beside a document.
old_or_new() {
  local d bad=0
  for d in "${DOCS[@]}" results/tiny.json results/tiny-two.json; do
    [ -f "$d" ] || { fail "$3: $d is missing"; bad=1; continue; }
    cmp -s "$d" "$1/$d" || cmp -s "$d" "$2/$d" || { fail "$3: $d is neither the old nor the new file"; bad=1; }
  done
  local stray
  stray=$(find . -path ./.modelcard-tmp -prune -o -type f \( -name '*.tmp.*' -o -name '*.modelcard-tmp.*' -o -name '*.tmp' \) -print)
  [ -z "$stray" ] || { fail "$3: temporary files beside documents: $stray"; bad=1; }
  return $bad
}

# 3a. kill -9 during a measuring build: documents and results stay old, or are what the build
# writes (rendered here from the results it left).
for delay in 0.3 1.5 4; do
  rm -rf "$P" && cp -r "$WORK/measured" "$P" && cd "$P"
  "$MC" build specs/tiny.yaml --force --no-experiments --templates "$SRC/templates" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$WORK/rendered" && cp -r "$P" "$WORK/rendered"
  (cd "$WORK/rendered" && rm -rf .modelcard-tmp && mct render specs/ >/dev/null 2>&1) || fail "render after a kill at ${delay}s failed"
  old_or_new "$WORK/measured" "$WORK/rendered" "kill -9 of build at ${delay}s"
  out=$(mct render specs/ 2>&1) || fail "render after a kill at ${delay}s failed: $out"
  [ ! -e .modelcard-tmp ] || fail "the staging folder outlived the next run after a kill at ${delay}s: $(ls -A .modelcard-tmp)"
done

# 3b. kill -9 during a render of an edited spec, at twelve moments.
rm -rf "$P" && cp -r "$WORK/measured" "$P" && cd "$P"
sed -i 's/^tagline: .*/tagline: An edited tagline to render/' specs/tiny.yaml
rm -rf "$WORK/edited" && cp -r "$P" "$WORK/edited" && (cd "$WORK/edited" && mct render specs/ >/dev/null) || fail "render of the edited spec failed"
cmp -s cards/tiny.md "$WORK/edited/cards/tiny.md" && fail "the edited tagline did not change the card (the test would prove nothing)"
for ms in 5 20 40 60 80 100 130 160 200 250 300 400; do
  mct render specs/ >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '0.%03d' "$ms")"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  old_or_new "$WORK/measured" "$WORK/edited" "kill -9 of render at ${ms} ms"
  cp "$WORK/measured/cards/tiny.md" cards/tiny.md  # some documents old again for the next kill
done
mct render specs/ >/dev/null 2>&1 || fail "render after the kills failed"
out=$(mct check specs/ 2>&1) || fail "check after the kills and a render failed: $out"

# 4. A stray temporary file: check names it and fails; render removes it.
mkdir -p .modelcard-tmp && printf 'half' >.modelcard-tmp/999999.1.tmp
printf 'half' >docs/.tiny.md.modelcard-tmp.999999.2
out=$(mct check specs/ 2>&1) && fail "check passed with stray temporary files"
expect_in "$out" "999999.1.tmp is a stray temporary file" "check of a stray file in the staging folder"
expect_in "$out" ".tiny.md.modelcard-tmp.999999.2 is a stray temporary file" "check of a stray file beside a document"
mct render specs/ >/dev/null 2>&1 || fail "render with stray files failed"
[ ! -e .modelcard-tmp ] && [ ! -e docs/.tiny.md.modelcard-tmp.999999.2 ] || fail "render left the stray temporary files"
mct check specs/ >/dev/null 2>&1 || fail "check after render still fails"

[ $failures -eq 0 ] && echo "torch_stored_results: ok"
[ $failures -eq 0 ] || { echo "torch_stored_results: $failures check(s) failed"; exit 1; }
