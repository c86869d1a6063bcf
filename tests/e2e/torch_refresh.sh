#!/usr/bin/env bash
# The CI refresh workflow end to end (issue 6): build only what changed, `check` fails on stale
# documents and passes after `build`, renders are byte-identical, inject fills only its regions,
# `--shard I/N` results merge, and a labelled machine's results sit beside the default ones.
#   tests/e2e/torch_refresh.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_in() { grep -qF -- "$2" <<<"$1" || fail "$3: lacks [$2] in: $(head -c 600 <<<"$1")"; }

# A project of two tiny models, measured quickly (modelcard.yaml's profile defaults).
P=$WORK/project
mkdir -p "$P/specs"
cp "$SRC/specs/tiny.yaml" "$P/specs/tiny.yaml"
sed -e 's/^name: .*/name: Tiny GPT Two/' -e 's/^slug: .*/slug: tiny-two/' "$SRC/specs/tiny.yaml" >"$P/specs/tiny-two.yaml"
grep -q '^slug: tiny-two' "$P/specs/tiny-two.yaml" || fail "could not derive the second spec"
printf 'profile: {min_iterations: 1, min_seconds: 0, warmup: 0}\ninject: [README.md]\n' >"$P/modelcard.yaml"
cat >"$P/README.md" <<'MD'
# My models

Hand-written intro: keep me.

<!-- BEGIN MODELCARD tiny parameters -->
stale text
<!-- END MODELCARD -->

Between the regions: keep me too.

<!-- BEGIN MODELCARD tiny-two benchmarks -->
<!-- END MODELCARD -->
Last line, no newline at the end.
MD
printf '%s' "$(cat "$P/README.md")" >"$P/README.md"  # drop the final newline
cd "$P"
mct() { "$MC" "$1" --templates "$SRC/templates" "${@:2}"; }  # a subcommand with the bundled templates

# 1. The first build measures both and writes every document; check passes.
out=$($MC build specs/ --templates "$SRC/templates" --no-experiments 2>&1) || fail "first build failed: $out"
expect_in "$out" "wrote ./results/tiny.json" "first build"
expect_in "$out" "injected ./README.md" "first build injects README.md"
out=$(mct check specs/ 2>&1) || fail "check after build exited non-zero: $out"
expect_in "$out" "./docs/experiments/tiny/README.md is up to date" "check"
expect_in "$out" "README.md is up to date" "check of the inject file"
grep -qF 'Hand-written intro: keep me.' README.md || fail "inject changed the text outside the regions"
grep -qF 'stale text' README.md && fail "inject left the region's old text"
grep -qF '| Tiny GPT `tiny` | Parameters | Share of total |' README.md || fail "the parameters region was not filled"
[ "$(tail -c 33 README.md)" == "Last line, no newline at the end." ] || fail "inject changed the end of the file"

# 2. Nothing changed: build measures nothing and the documents keep their bytes.
cp -r docs "$WORK/docs-before"
out=$($MC build specs/ --templates "$SRC/templates" --no-experiments 2>&1) || fail "second build failed"
expect_in "$out" "./results/tiny.json is up to date (measured inputs and engine unchanged; --force measures again)" "second build"
diff -r "$WORK/docs-before" docs >/dev/null || fail "a build from the same results changed the documents"

# 3. Determinism: two renders from the same results are byte-identical.
mkdir -p "$WORK/r1" "$WORK/r2"
cp -r results "$WORK/r1/" && cp -r results "$WORK/r2/"
mct render specs/ --out "$WORK/r1" >/dev/null || fail "render 1 failed"
mct render specs/ --out "$WORK/r2" >/dev/null || fail "render 2 failed"
diff -r "$WORK/r1" "$WORK/r2" >/dev/null || fail "two renders of the same results differ"
diff -r "$WORK/r1/docs" docs >/dev/null || fail "render differs from build"

# 4. Edit a spec's prose: its results stay current, check asks for `render` only, build measures nothing.
sed -i 's/^tagline: .*/tagline: An edited tagline/' specs/tiny.yaml
out=$(mct check specs/ 2>&1) && fail "check passed with an edited tagline"
expect_in "$out" "./results/tiny.json is up to date" "check after a prose edit"
expect_in "$out" "./cards/tiny.md is out of date (run \`modelcard render\`)" "check after a prose edit"
expect_in "$out" "documents are out of date; run \`modelcard render\`" "check after a prose edit"
out=$($MC build specs/ --templates "$SRC/templates" --no-experiments 2>&1) || fail "build after a prose edit failed"
expect_in "$out" "./results/tiny.json is up to date (measured inputs and engine unchanged" "build after a prose edit"
mct check specs/ >/dev/null 2>&1 || fail "check after a prose edit and build still fails"
# Edit a measured input (profile.sequence_lengths): check fails (stale results), build re-measures it
# only, check passes again.
grep -q '^  sequence_lengths: ' specs/tiny.yaml || fail "specs/tiny.yaml has no profile.sequence_lengths line"
sed -i 's/^  sequence_lengths: .*/  sequence_lengths: [8]/' specs/tiny.yaml
out=$(mct check specs/ 2>&1) && fail "check passed with an edited spec"
expect_in "$out" "./results/tiny.json is stale: measured inputs changed (run \`modelcard build" "check after an edit"
expect_in "$out" "results are stale; run \`modelcard build\`" "check after an edit"
out=$($MC build specs/ --templates "$SRC/templates" --no-experiments 2>&1) || fail "build after the edit failed"
expect_in "$out" "wrote ./results/tiny.json" "build after the edit"
expect_in "$out" "./results/tiny-two.json is up to date" "build after the edit leaves the other spec"
mct check specs/ >/dev/null 2>&1 || fail "check after rebuilding still fails"

# 5. A hand edit inside a generated document (or a region) is stale; --diff shows it.
sed -i 's/^# /# EDITED /' cards/tiny.md
out=$(mct check specs/ --diff 2>&1) && fail "check passed with a hand-edited card"
expect_in "$out" "./cards/tiny.md is out of date" "check of an edited card"
expect_in "$out" "+++ b/./cards/tiny.md" "the unified diff"
rm docs/guides/tiny-two.md
out=$(mct check specs/ 2>&1) && fail "check passed with a missing document"
expect_in "$out" "./docs/guides/tiny-two.md is missing" "check of a missing document"
mct render specs/ >/dev/null || fail "render failed"
mct check specs/ >/dev/null 2>&1 || fail "check after render still fails"

# 6. Bad markers: one clear error, nothing written.
printf 'a\n<!-- BEGIN MODELCARD tiny parameters -->\nb\n' >bad.md
cp bad.md "$WORK/bad.md"
out=$(mct inject bad.md 2>&1) && fail "inject accepted a region without END"
expect_in "$out" "bad.md:2" "the error names the BEGIN line"
cmp -s bad.md "$WORK/bad.md" || fail "a failed inject changed the file"
printf '<!-- BEGIN MODELCARD nosuch parameters -->\n<!-- END MODELCARD -->\n' >bad2.md
out=$(mct inject bad2.md 2>&1) && fail "inject accepted an unknown model"
expect_in "$out" "unknown model 'nosuch'" "unknown model"

# 7. Shards: each measures its own specs and writes results only; the results merge.
S=$WORK/sharded
mkdir -p "$S"
cp -r specs "$S/" && cp modelcard.yaml "$S/" && cp README.md "$S/"
cd "$S"
for i in 1 2; do
  out=$($MC build specs/ --shard "$i/2" --templates "$SRC/templates" --no-experiments 2>&1) || fail "shard $i/2 failed: $out"
  expect_in "$out" "shard $i/2: results only" "shard $i"
done
[ -f results/tiny.json ] && [ -f results/tiny-two.json ] || fail "the shards did not measure both specs"
[ ! -e cards ] || fail "a shard wrote documents"
mct render specs/ >/dev/null || fail "render of the merged shards failed"
mct check specs/ >/dev/null 2>&1 || fail "check of the merged shards failed"
out=$($MC build specs/ --shard 3/2 2>&1) && fail "--shard 3/2 accepted"
expect_in "$out" "--shard '3/2' must be I/N" "bad shard"

# 8. A labelled machine's results sit beside the default machine's; documents show both.
out=$($MC build specs/tiny.yaml specs/tiny-two.yaml --machine second-box --templates "$SRC/templates" --no-experiments 2>&1) ||
  fail "build --machine failed: $out"
[ -f results/tiny@second-box.json ] || fail "no results/tiny@second-box.json"
grep -qF '| tiny | cpu (second-box) | float32 |' docs/tiny.md || fail "docs/tiny.md lacks the second machine's rows"
grep -qF '| tiny | cpu | float32 |' docs/tiny.md || fail "docs/tiny.md lost the default machine's rows"

if [ $failures -ne 0 ]; then echo "torch_refresh: $failures check(s) failed"; exit 1; fi
echo "torch_refresh: all checks passed"
