#!/usr/bin/env bash
# End-to-end test of the CI set-up: the workflow and the pre-commit hooks are well-formed and name real
# commands, and the docs job's own script (scripts/docs-ci.sh) passes on a copy of this tree; then `check` catches
# a hand-edited document (with --diff), a deleted one and an edited spec, and `render` restores the documents.
#   tests/e2e/ci_workflow.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$(cd "$2" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
summary() {
  if [ $failures -eq 0 ]; then echo "ci_workflow: all checks passed"; else echo "ci_workflow: $failures failed"; fi
  [ $failures -eq 0 ]
  exit
}

WF=.github/workflows/modelcard.yml
HOOKS=.pre-commit-hooks.yaml
for f in "$WF" "$HOOKS" scripts/docs-ci.sh; do
  [ -f "$SRC/$f" ] || fail "$f does not exist"
done
[ $failures -eq 0 ] || summary
bash -n "$SRC/scripts/docs-ci.sh" || fail "scripts/docs-ci.sh has a syntax error"

# --- the workflow and the hooks: well-formed YAML with the jobs and hooks CI relies on ----------
entries=()
if python3 -c 'import yaml' 2>/dev/null; then
  checks=$(python3 - "$SRC/$WF" "$SRC/$HOOKS" <<'PY' 2>&1
import re, sys, yaml
wf_path, hooks_path = sys.argv[1:]
def problem(msg): print("PROBLEM " + msg)
try:
    wf = yaml.safe_load(open(wf_path))
except yaml.YAMLError as e:
    problem(f"{wf_path} is not valid YAML: {e}"); wf = None
if wf is not None:
    if not isinstance(wf, dict): problem("the workflow is not a mapping"); wf = {}
    on = wf.get("on", wf.get(True))          # YAML 1.1 reads a bare `on` key as true
    on = {on: None} if isinstance(on, str) else (dict.fromkeys(on) if isinstance(on, list) else (on or {}))
    for event in ("push", "pull_request", "workflow_dispatch", "schedule"):
        if event not in on: problem(f"the workflow does not run on {event}")
    jobs = wf.get("jobs") or {}
    for job in ("docs", "profile", "publish"):
        if job not in jobs: problem(f"the workflow has no job '{job}'")
    docs = jobs.get("docs") or {}
    runs = [s["run"].strip() for s in docs.get("steps") or [] if isinstance(s, dict) and "run" in s]
    if runs != ["bash scripts/docs-ci.sh"]:
        problem(f"the docs job must run exactly 'bash scripts/docs-ci.sh', runs {runs}")
    if not any(isinstance(s, dict) and str(s.get("uses", "")).startswith("actions/checkout@")
               for s in docs.get("steps") or []):
        problem("the docs job does not check out the repository")
    container = docs.get("container")
    if (container.get("image") if isinstance(container, dict) else container) != "debian:12":
        problem(f"the docs job's container is {container!r}, not debian:12")
    profile = jobs.get("profile") or {}
    if "vars.MODELCARD_PROFILE_RUNNER" not in str(profile.get("if", "")):
        problem("the profile job does not depend on vars.MODELCARD_PROFILE_RUNNER")
    if "MODELCARD_PROFILE_RUNNER" not in str(profile.get("runs-on", "")):
        problem("the profile job does not run on vars.MODELCARD_PROFILE_RUNNER")
    shards = ((profile.get("strategy") or {}).get("matrix") or {}).get("shard")
    if not isinstance(shards, list) or len(shards) < 2:
        problem(f"the profile job has no matrix of shards: {shards!r}")
    else:
        text = yaml.safe_dump(profile)
        if f"/{len(shards)}" not in text or "--shard" not in text:
            problem(f"the profile job does not run --shard I/{len(shards)} for its {len(shards)} shards")
    publish = jobs.get("publish") or {}
    needs = publish.get("needs")
    if "profile" not in ([needs] if isinstance(needs, str) else (needs or [])):
        problem("the publish job does not need the profile job")
    allowed = ("actions/checkout@", "actions/upload-artifact@", "actions/download-artifact@")
    for name, job in jobs.items():
        for s in (job or {}).get("steps") or []:
            uses = s.get("uses") if isinstance(s, dict) else None
            if uses and not uses.startswith(allowed):
                problem(f"job {name} uses a third-party action: {uses}")
try:
    hooks = yaml.safe_load(open(hooks_path))
except yaml.YAMLError as e:
    problem(f"{hooks_path} is not valid YAML: {e}"); hooks = None
if hooks is not None:
    if not isinstance(hooks, list): problem("the hooks file is not a list"); hooks = []
    by_id = {h.get("id"): h for h in hooks if isinstance(h, dict)}
    for hid, sub in (("modelcard-check", "check"), ("modelcard-render", "render")):
        h = by_id.get(hid)
        if h is None: problem(f"no hook '{hid}'"); continue
        if h.get("entry") != f"modelcard {sub}": problem(f"{hid}: entry is {h.get('entry')!r}")
        if h.get("language") != "system": problem(f"{hid}: language is {h.get('language')!r}")
        if h.get("pass_filenames") is not False: problem(f"{hid}: pass_filenames is not false")
        if h.get("args") != ["specs/"]: problem(f"{hid}: args are {h.get('args')!r}")
        pattern = re.compile(h.get("files", ""))
        for path in ("specs/tiny.yaml", "specs/x.yml", "results/tiny.json", "templates/model-specification.mustache"):
            if not pattern.search(path): problem(f"{hid}: files does not match {path}")
        for path in ("docs/tiny.md", "cards/tiny.md", "specs/schema.json", "generator/main.cc"):
            if pattern.search(path): problem(f"{hid}: files matches {path}")
    for h in hooks:
        if isinstance(h, dict) and h.get("entry"): print("ENTRY " + h["entry"])
PY
  ) || fail "the YAML checks crashed: $checks"
  while IFS= read -r line; do
    case "$line" in
      "PROBLEM "*) fail "${line#PROBLEM }" ;;
      "ENTRY "*) entries+=("${line#ENTRY }") ;;
    esac
  done <<<"$checks"
else
  echo "note: python3 cannot import yaml (Debian: python3-yaml); skipping the YAML well-formedness checks"
  docs_runs=$(awk '/^  [A-Za-z_-]+:/ { injob = ($1 == "docs:") } injob && /^ *(- )?run:/ { sub(/^ *(- )?run: */, ""); print }' "$SRC/$WF")
  [ "$docs_runs" == "bash scripts/docs-ci.sh" ] || fail "the docs job must run exactly 'bash scripts/docs-ci.sh', runs [$docs_runs]"
  while IFS= read -r e; do entries+=("$e"); done < <(sed -n 's/^ *entry: *//p' "$SRC/$HOOKS")
fi

# --- every hook's entry is a real subcommand of this modelcard --------------------------------
[ ${#entries[@]} -ge 2 ] || fail "found ${#entries[@]} hook entries, expected modelcard check and modelcard render"
for entry in "${entries[@]}"; do
  read -r -a words <<<"$entry"
  [ "${words[0]}" == "modelcard" ] || { fail "hook entry '$entry' does not run modelcard"; continue; }
  # CLI11 answers --help with the program's help (exit 0) even after an unknown subcommand, so the
  # subcommand's own usage line is what proves it exists.
  "$MC" "${words[@]:1}" --help >"$WORK/help.out" 2>&1 || { cat "$WORK/help.out"; fail "'$entry --help' exited non-zero"; continue; }
  grep -q -E "^Usage: [^ ]*modelcard ${words[1]}( |\$)" "$WORK/help.out" ||
    { cat "$WORK/help.out"; fail "'${words[1]}' is not a modelcard subcommand (no usage line of its own)"; }
done
bash "$SRC/scripts/docs-ci.sh" no-such-mode >/dev/null 2>&1
[ $? -eq 2 ] || fail "scripts/docs-ci.sh accepted an unknown mode"

# --- the docs job on a copy of this tree (tracked and untracked, not ignored files) -----------------
REPO=$WORK/repo
mkdir -p "$REPO"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$SRC" ls-files -z -co --exclude-standard |
    while IFS= read -r -d '' f; do if [ -e "$SRC/$f" ] || [ -L "$SRC/$f" ]; then printf '%s\0' "$f"; fi; done |
    tar -C "$SRC" --null -T - -cf - | tar -C "$REPO" -xf - || fail "copying the tree failed"
else
  tar -C "$SRC" --exclude='./build*' --exclude=./.git --exclude=./site/public -cf - . | tar -C "$REPO" -xf - ||
    fail "copying the tree failed"
fi
if [ ! -f "$REPO/scripts/docs-ci.sh" ] || [ ! -f "$REPO/specs/tiny.yaml" ]; then
  fail "the copy lacks scripts/docs-ci.sh or specs/tiny.yaml"
  summary
fi

tree_sum() { (cd "$REPO" && find . -type f -print0 | sort -z | xargs -0 sha256sum) }
before=$(tree_sum)
export MODELCARD_RENDER_BUILD_DIR=$WORK/build-render
(cd "$REPO" && bash scripts/docs-ci.sh) >"$WORK/docs-ci.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  tail -n 80 "$WORK/docs-ci.log"
  fail "scripts/docs-ci.sh exited $rc on an unchanged copy (stale committed documents, or the render-only build failed; log above)"
fi
grep -q 'is up to date' "$WORK/docs-ci.log" || fail "docs-ci.sh printed no 'is up to date' line"
if grep -E 'is (out of date|missing)' "$WORK/docs-ci.log"; then fail "docs-ci.sh reported stale documents (above)"; fi
[ "$before" == "$(tree_sum)" ] || fail "the docs job (check) changed files in the tree"
RMC=$MODELCARD_RENDER_BUILD_DIR/modelcard
[ -x "$RMC" ] || { fail "docs-ci.sh did not build $RMC"; summary; }

# --- a hand-edited document is out of date (with a diff), a deleted one missing; render fixes both ---
echo 'hand-edited line' >>"$REPO/docs/tiny.md"
rm "$REPO/cards/tiny.md"
(cd "$REPO" && "$RMC" check specs/) >"$WORK/check.log" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$WORK/check.log"; fail "check with docs/tiny.md edited and cards/tiny.md deleted exited $rc, expected 1"; }
grep -q 'docs/tiny.md is out of date' "$WORK/check.log" || { cat "$WORK/check.log"; fail "check did not report docs/tiny.md as out of date"; }
grep -q 'cards/tiny.md is missing' "$WORK/check.log" || { cat "$WORK/check.log"; fail "check did not report cards/tiny.md as missing"; }
(cd "$REPO" && "$RMC" check specs/ --diff) >"$WORK/diff.log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "check --diff exited $rc, expected 1"
grep -q '^-hand-edited line' "$WORK/diff.log" || { cat "$WORK/diff.log"; fail "check --diff did not show the hand-edited line as removed"; }
(cd "$REPO" && "$RMC" render specs/) >"$WORK/render.log" 2>&1 || { cat "$WORK/render.log"; fail "render failed"; }
(cd "$REPO" && "$RMC" check specs/) >"$WORK/check2.log" 2>&1 || { cat "$WORK/check2.log"; fail "check after render exited non-zero"; }
[ "$before" == "$(tree_sum)" ] || fail "render did not restore the committed documents byte for byte"

# --- an edited spec: prose needs only `render`; a measured input makes its stored results stale ---
# Prose (summary) changes the documents, not the measurements: the results stay current and check
# says the documents need `render`.
cp "$REPO/specs/tiny.yaml" "$WORK/tiny.yaml.orig"
sed -i 's/^summary: >-$/summary: >-\n  An edited summary sentence./' "$REPO/specs/tiny.yaml"
grep -q 'An edited summary sentence' "$REPO/specs/tiny.yaml" || fail "could not edit the summary of specs/tiny.yaml"
(cd "$REPO" && "$RMC" check specs/) >"$WORK/check3.log" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$WORK/check3.log"; fail "check after editing the summary of specs/tiny.yaml exited $rc, expected 1"; }
grep -q 'results/tiny[^ ]*\.json is up to date' "$WORK/check3.log" || { cat "$WORK/check3.log"; fail "a prose edit made results/tiny.json stale"; }
grep -q 'is stale' "$WORK/check3.log" && { cat "$WORK/check3.log"; fail "a prose edit made a results file stale"; }
grep -q 'cards/tiny.md is out of date (run `modelcard render`)' "$WORK/check3.log" || { cat "$WORK/check3.log"; fail "check did not say cards/tiny.md needs render"; }
grep -q 'run `modelcard render` and commit' "$WORK/check3.log" || { cat "$WORK/check3.log"; fail "check did not end with 'run modelcard render'"; }
if grep 'is out of date' "$WORK/check3.log" | grep -v tiny; then fail "check reported files of unedited specs as out of date (above)"; fi
(cd "$REPO" && "$RMC" render specs/) >"$WORK/render2.log" 2>&1 || { cat "$WORK/render2.log"; fail "render after a prose edit failed"; }
(cd "$REPO" && "$RMC" check specs/) >"$WORK/check4.log" 2>&1 || { cat "$WORK/check4.log"; fail "check after render of a prose edit exited non-zero"; }
# A measured input (the model's width) changes what build measures: its results are stale.
cp "$WORK/tiny.yaml.orig" "$REPO/specs/tiny.yaml"
sed -i 's/embedding_dim: 64,/embedding_dim: 128,/' "$REPO/specs/tiny.yaml"
grep -q 'embedding_dim: 128,' "$REPO/specs/tiny.yaml" || fail "could not edit the width of specs/tiny.yaml"
(cd "$REPO" && "$RMC" check specs/) >"$WORK/check5.log" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$WORK/check5.log"; fail "check after editing the width of specs/tiny.yaml exited $rc, expected 1"; }
grep -q 'results/tiny[^ ]*\.json is stale: measured inputs changed (run `modelcard build' "$WORK/check5.log" || { cat "$WORK/check5.log"; fail "check did not report results/tiny.json as stale (measured inputs)"; }
grep -q 'results are stale; run `modelcard build`' "$WORK/check5.log" || { cat "$WORK/check5.log"; fail "check did not end with 'run modelcard build'"; }
if grep 'is stale' "$WORK/check5.log" | grep -v tiny; then fail "check reported results of unedited specs as stale (above)"; fi
summary
