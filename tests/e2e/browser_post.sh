#!/usr/bin/env bash
# Headless-browser test of the blog: builds the Hugo site (site/ + hugo-theme/) into a temporary directory,
# serves it from 127.0.0.1 and loads every non-draft post in Debian's headless Chromium through chromedriver
# (browser_post.py, standard-library Python): KaTeX typeset every formula of the Markdown (display and inline,
# no .katex-error, no raw "$$" / "```math" / "$`" text), no console error, every image and font loaded, and no
# request leaves localhost. Then it plants faults in copies of the gpt2 post and fails unless each is caught.
# Full-page screenshots of the gpt2 post (light and dark) go to $MODELCARD_SCREENSHOT_DIR, by default
# <build dir>/screenshots/ (the directory of the modelcard binary ctest passes); the paths are printed.
#   tests/e2e/browser_post.sh <modelcard binary (only its directory is used)> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for tool in hugo chromedriver python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh installs it)"; exit 1; }
done
SHOTS=${MODELCARD_SCREENSHOT_DIR:-$(cd "$(dirname "$MC")" 2>/dev/null && pwd)/screenshots}
mkdir -p "$SHOTS" 2>/dev/null && [ -w "$SHOTS" ] || SHOTS=$SRC/build/screenshots
mkdir -p "$SHOTS" 2>/dev/null && [ -w "$SHOTS" ] || { SHOTS=${TMPDIR:-/tmp}/modelcard-screenshots; mkdir -p "$SHOTS"; }

cp -r "$SRC/site" "$SRC/hugo-theme" "$WORK/" || { echo "FAIL: cannot copy site/ and hugo-theme/"; exit 1; }
rm -rf "$WORK/site/public" "$WORK/site/resources"
log=$(hugo --source "$WORK/site" --destination "$WORK/public" 2>&1) || { echo "$log"; echo "FAIL: hugo build failed"; exit 1; }

# The whole run (Chromium start, every post, screenshots, self-check) takes about 10 s on 2 cores.
PYTHONDONTWRITEBYTECODE=1 timeout -k 10 240 \
  python3 "$SRC/tests/e2e/browser_post.py" --public "$WORK/public" --site "$WORK/site" --screenshots "$SHOTS"
rc=$?
[ $rc -eq 124 ] && echo "FAIL: browser_post.py timed out"
if [ $rc -ne 0 ]; then echo "browser_post: FAILED"; exit 1; fi
echo "browser_post: all checks passed"
