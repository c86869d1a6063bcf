#!/usr/bin/env bash
# Builds the Hugo site (site/ with the theme in hugo-theme/) in a temporary copy and checks what a reader
# relies on: a clean build (no WARN/ERROR), the sample post (the theme's own TOC, plain code, inline and display
# math, an SVG chart), every generated post against its Markdown (hugo_posts.py), a valid HTML5 shell, KaTeX
# served from the site itself and only where there is math, no script or stylesheet from any other host.
#   tests/e2e/hugo_site.sh <modelcard binary (unused)> <source dir>
set -uo pipefail
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

command -v hugo >/dev/null || { echo "FAIL: hugo is not installed"; exit 1; }
cp -r "$SRC/site" "$SRC/hugo-theme" "$WORK/" || { echo "FAIL: cannot copy site/ and hugo-theme/"; exit 1; }

# --- build: exit status 0 and not one WARN or ERROR line ---------------------------------------
log=$(hugo --source "$WORK/site" --destination "$WORK/public" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "hugo exited with $rc"
if grep -E 'WARN|ERROR' <<<"$log"; then fail "hugo printed WARN or ERROR lines (above)"; fi
[ $rc -eq 0 ] || { echo "$log"; echo "hugo_site: $failures check(s) failed"; exit 1; }

# --- the sample post: what the generated posts do not use ----------------------------------------
# UseHugoToc: false (the theme's own TOC, down to h4), disableHLJS: true (plain code), inline math, an SVG chart.
post=$WORK/public/posts/sample/index.html
[ -f "$post" ] || { echo "FAIL: $post was not generated"; exit 1; }
expect_in() { grep -qF -- "$2" "$1" || fail "${1#"$WORK"/} lacks $3: $2"; }
expect_in "$post" '<!DOCTYPE html>' "the doctype"
expect_in "$post" '<meta charset="utf-8">' "the charset declaration"
expect_in "$post" '<nav id="TableOfContents"' "the table of contents"
expect_in "$post" '<a href="#why-sqrtd_k">Why <span class="math-inline">\sqrt{d_k}</span></a>' \
  "the theme's own TOC entry for an h4 with inline math (UseHugoToc: false)"
expect_in "$post" '<th style="text-align:right">Parameters</th>' "the right-aligned table header"
expect_in "$post" '<pre tabindex="0"><code class="language-cpp" data-lang="cpp">int64_t attention_params' \
  "plain, un-coloured code (disableHLJS: true)"
expect_in "$post" 'With <span class="math-inline">d_\text{model} = 768</span> and' "inline math without its dollars"
expect_in "$post" '<script src="/katex/katex.min.js"></script>' "the local KaTeX script"
expect_in "$post" '<link rel="stylesheet" href="/katex/katex.min.css">' "the local KaTeX stylesheet"
expect_in "$post" '<img src="chart.svg" alt="Bar chart:' "the SVG chart with its alt text"
grep -q 'class="math-display">\\mathrm{Attention}(Q, K, V)' "$post" || fail "attention formula is not in a math-display element"

# --- every post bundle against its Markdown: drafts unpublished; page, TOC, tables, display and inline math
# (the TeX itself), KaTeX only with math, chroma or plain code; every <img>/<script>/<link> URL resolves.
PYTHONDONTWRITEBYTECODE=1 python3 "$SRC/tests/e2e/hugo_posts.py" "$WORK/public" "$WORK/site" || failures=$((failures + 1))

# KaTeX files really served by the site; KaTeX loaded only where there is math.
for f in katex/katex.min.js katex/katex.min.css katex/fonts/KaTeX_Main-Regular.woff2; do
  [ -s "$WORK/public/$f" ] || fail "site does not serve /$f"
done
grep -q katex "$WORK/public/index.html" && fail "home page (no math) loads KaTeX"

# Every page: HTML5 shell, and <script>/<link> URLs only on this site (baseURL host) or relative.
python3 - "$WORK/public" <<'PY' || failures=$((failures + 1))
import pathlib, re, sys
bad = []
pages = list(pathlib.Path(sys.argv[1]).rglob("*.html"))
for page in pages:
    text = page.read_text(encoding="utf-8")
    if not text.startswith("<!DOCTYPE html>") or '<meta charset="utf-8">' not in text:
        bad.append(f"{page}: no <!DOCTYPE html> / <meta charset=\"utf-8\">")
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", text, re.I):
        for url in re.findall(r"(?:https?:)?//[^\s\"'>]+", tag):
            if not re.match(r"(?:https?:)?//example\.org/", url):
                bad.append(f"{page}: third-party URL in {tag}")
for b in bad:
    print("FAIL:", b)
print(f"checked {len(pages)} pages for doctype, charset and third-party <script>/<link> URLs")
sys.exit(1 if bad else 0)
PY

# searchHidden: true keeps the sample post out of the search index.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(1 if any("/posts/sample/" in e["permalink"] for e in d) else 0)' \
  "$WORK/public/index.json" || fail "index.json is not valid JSON or lists the searchHidden sample post"
# RSS for the home page and the posts section, with the sample post in it.
grep -q '<link>https://example.org/posts/sample/</link>' "$WORK/public/posts/index.xml" || fail "posts RSS lacks the sample post"
[ -f "$WORK/public/index.xml" ] || fail "no home RSS feed"
[ -f "$WORK/public/tags/transformer/index.html" ] || fail "no tag page for 'transformer'"
[ -f "$WORK/public/categories/theme/index.html" ] || fail "no category page for 'theme'"

# Archetype: `hugo new --kind model` gives a skeleton with every front-matter key the theme reads.
cmp -s "$SRC/hugo-theme/archetypes/model.md" "$SRC/hugo-theme/archetypes/model/index.md" ||
  fail "archetypes model.md (single file) and model/index.md (page bundle) differ"
(cd "$WORK/site" && hugo new --kind model posts/new-model >/dev/null 2>&1) || fail "hugo new --kind model posts/new-model failed"
skeleton=$WORK/site/content/posts/new-model/index.md
for key in title date draft description author tags categories canonicalURL showToc TocOpen UseHugoToc hidemeta \
  comments disableHLJS disableShare hideSummary searchHidden ShowReadingTime ShowBreadCrumbs ShowPostNavLinks \
  ShowWordCount ShowRssButtonInSectionTermList cover editPost; do
  grep -q "^$key:" "$skeleton" 2>/dev/null || fail "archetype model.md lacks front-matter key $key"
done

if [ $failures -ne 0 ]; then echo "hugo_site: $failures check(s) failed"; exit 1; fi
echo "hugo_site: all checks passed"
