#!/usr/bin/env bash
# Spec prose is data, never markup (issue 14): a spec whose name, tagline and summary hold a Hugo
# shortcode, a mustache tag, raw HTML, a link and a '---' line passes lint, renders every document,
# and the real Hugo build publishes that text as text: no iframe or other element from it, no
# shortcode run, no heading made of the '---' line, the title as written.
#   tests/e2e/hugo_prose.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
command -v hugo >/dev/null || { echo "FAIL: hugo is not installed"; exit 1; }

mkdir -p "$WORK/out/specs" "$WORK/out/results"
python3 - "$SRC/specs/tiny.yaml" "$WORK/out/specs/hostile.yaml" <<'PY' || exit 1
import sys
s = open(sys.argv[1]).read()
s = s.replace("name: Tiny GPT\nslug: tiny\n", 'name: "Hostile {{x}} <b>bold</b>"\nslug: hostile\n')
s = s.replace("tagline: A two-layer GPT-style decoder for fast end-to-end tests",
              'tagline: "{{< youtube dQw4w9WgXcQ >}} and {{% notice warning %}}x{{% /notice %}}"')
s = s.replace("summary: >-\n", 'summary: |-\n  A first line\n  ---\n  <iframe src="//evil.example/"></iframe> <script>alert(1)</script>\n'
              '  [click](javascript:alert(1)) **not bold**\n', 1)
s = s.replace("draft: true", "draft: false")
open(sys.argv[2], "w").write(s)
PY
# The tiny model's stored results stand in for a measurement (render reads, never measures).
sed 's/"tiny"/"hostile"/' "$SRC/tests/data/results/tiny.json" >"$WORK/out/results/hostile.json"

(cd "$WORK/out" && "$MC" lint specs/hostile.yaml) || fail "lint rejected the hostile prose (it is valid text)"
(cd "$WORK/out" && "$MC" render specs/hostile.yaml --out "$WORK/out" >"$WORK/render.log" 2>&1) ||
  { cat "$WORK/render.log"; fail "render failed"; }
for doc in cards/hostile.md docs/hostile.md docs/guides/hostile.md docs/experiments/hostile/README.md \
           site/content/posts/hostile/index.md; do
  f=$WORK/out/$doc
  [ -s "$f" ] || { fail "$doc was not written"; continue; }
  grep -q '{{[<%]' "$f" && fail "$doc holds a Hugo shortcode opener: $(grep -m1 -n '{{[<%]' "$f")"
  grep -nE '(^|[^\\])<(iframe|script|b>)' "$f" | grep -v '^[0-9]*:title: ' | grep -v '"""' | grep -v '│' |
    grep -v '^[0-9]*:🏗️' | grep -v '^[0-9]*:!\[' && fail "$doc holds raw HTML from the spec (lines above)"
done

cp -r "$SRC/site" "$SRC/hugo-theme" "$WORK/" || exit 1
rm -rf "$WORK/site/content/posts/"*/
cp -r "$WORK/out/site/content/posts/hostile" "$WORK/site/content/posts/" || exit 1
log=$(hugo --source "$WORK/site" --destination "$WORK/public" 2>&1) || { echo "$log"; fail "hugo failed"; }
grep -E 'WARN|ERROR' <<<"$log" && fail "hugo printed WARN or ERROR lines (above)"
page=$WORK/public/posts/hostile/index.html
[ -f "$page" ] || { echo "FAIL: $page was not generated"; exit 1; }
python3 - "$page" <<'PY' || failures=$((failures + 1))
import html.parser, sys
text = open(sys.argv[1], encoding="utf-8").read()
bad = []

class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.heads, self.in_head, self.data = [], [], None, ""
    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.in_head, self.data = tag, ""
    def handle_endtag(self, tag):
        if tag == self.in_head:
            self.heads.append(self.data.strip())
            self.in_head = None
    def handle_data(self, data):
        if self.in_head:
            self.data += data

p = Tags()
p.feed(text)
for tag, attrs in p.tags:
    if tag in ("iframe", "object", "embed"):
        bad.append(f"an <{tag}> element: {attrs}")
    if tag == "script" and attrs.get("src", "/").startswith(("http:", "https:", "//")) and "example.org" not in attrs.get("src", ""):
        bad.append(f"a third-party script: {attrs}")
    for name, value in attrs.items():
        if value and "javascript:" in value:
            bad.append(f"a javascript: URL in <{tag} {name}>")
if "alert(1)</script>" in text.replace("&lt;/script&gt;", ""):
    bad.append("the spec's <script> is live in the page")
if "<b>bold</b>" in text or "<strong>not bold</strong>" in text:
    bad.append("the spec's HTML or emphasis became markup")
if any(h == "A first line" for h in p.heads):
    bad.append("'---' under a summary line made a heading")
for expected in ("{{&lt; youtube dQw4w9WgXcQ &gt;}}", "{{% notice warning %}}", "[click](javascript:alert(1))",
                 "Hostile {{x}} &lt;b&gt;bold&lt;/b&gt;", "**not bold**"):
    if expected not in text:
        bad.append(f"the text as written is missing: {expected}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

[ $failures -eq 0 ] && echo "hugo_prose: ok (hostile prose published as text)"
[ $failures -eq 0 ] || { echo "hugo_prose: $failures check(s) failed"; exit 1; }
