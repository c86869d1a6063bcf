#!/usr/bin/env python3
"""Static checks of a `hugo` build of the site against the posts' Markdown sources (for hugo_site.sh).

  hugo_posts.py <public dir> <site dir>

Every post bundle site/content/posts/<slug>/index.md: a draft is not published; any other has its page, with
  - the TOC nav (<nav id="TableOfContents">) when showToc is true, none when false;
  - as many <table>s as the Markdown has tables;
  - one .math-display element per ```math block and one .math-inline element per $`...`$ (outside the TOC),
    each holding exactly the TeX of its source (escaped once, so KaTeX reads what the author wrote), no
    "$<code>" left, and the local KaTeX script and stylesheet exactly when there is math;
  - chroma-coloured code when the post has fenced code with a language, plain code when disableHLJS: true.
Every HTML page: KaTeX's script exactly when it has a math element; every <img src>, <script src>, stylesheet and icon <link href> on this site resolves to a
file of the build (URLs on another host are reported too). Standard library only; exit status 1 on failure.
"""
import html.parser
import pathlib
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True
import posts_source  # noqa: E402  (tests/e2e/posts_source.py)

SITE_HOST = "example.org"  # baseURL's host in site/hugo.toml


class Page(html.parser.HTMLParser):
    """What the checks need from one HTML page."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.toc = 0              # <nav id="TableOfContents"> count
        self.in_toc = 0           # depth of <nav> inside the TOC
        self.tables = 0
        self.display, self.inline = [], []   # TeX of .math-display / .math-inline (outside the TOC)
        self.grab = None          # (list, depth) while inside a math element
        self.depth = 0
        self.urls = []            # (tag, url) of img src, script src, stylesheet/icon link href
        self.any_math = False     # a .math-display or .math-inline anywhere (TOC included)
        self.chroma = 0           # elements with class chroma
        self.plain_pre_code = 0   # <pre><code> without chroma
        self.pre = None           # inside a <pre>: whether it has class chroma
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "nav":
            if self.in_toc:
                self.in_toc += 1
            elif a.get("id") == "TableOfContents":
                self.toc += 1
                self.in_toc = 1
        if tag == "table":
            self.tables += 1
        if "chroma" in classes:
            self.chroma += 1
        if tag == "pre":
            self.pre = "chroma" in classes
        if tag == "code" and self.pre is False:
            self.plain_pre_code += 1
        if tag == "img" and a.get("src"):
            self.urls.append(("img", a["src"]))
        if tag == "script" and a.get("src"):
            self.urls.append(("script", a["src"]))
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {"stylesheet", "icon"}:
            self.urls.append(("link", a["href"]))
        if tag in ("br", "img", "link", "meta", "hr", "input", "source", "wbr"):
            return
        self.depth += 1
        if {"math-display", "math-inline"} & set(classes):
            self.any_math = True
        if self.grab is None and not self.in_toc and tag in ("div", "span"):
            if "math-display" in classes:
                self.display.append("")
                self.grab = (self.display, self.depth)
            elif "math-inline" in classes:
                self.inline.append("")
                self.grab = (self.inline, self.depth)

    def handle_endtag(self, tag):
        if tag == "pre":
            self.pre = None
        if tag == "nav" and self.in_toc:
            self.in_toc -= 1
        if tag in ("br", "img", "link", "meta", "hr", "input", "source", "wbr"):
            return
        if self.grab and self.grab[1] == self.depth:
            self.grab = None
        self.depth -= 1

    def handle_data(self, data):
        if self.grab:
            self.grab[0][-1] += data


def resolve(public, page_path, url):
    """Problem text, or None when url (found on page_path) is a file of the build or not on this site."""
    page_url = "https://" + SITE_HOST + "/" + page_path.relative_to(public).as_posix()
    u = urllib.parse.urlsplit(urllib.parse.urljoin(page_url, url))
    if u.scheme == "data":
        return None
    if u.netloc != SITE_HOST:
        return f"not served by this site: {url}"
    target = public / urllib.parse.unquote(u.path).lstrip("/")
    if u.path.endswith("/"):
        target = target / "index.html"
    return None if target.is_file() else f"no such file in the build: {url}"


def short(tex):
    return repr(tex) if tex is None or len(tex) <= 160 else repr(tex[:160]) + "..."


def first_difference(built, source):
    for i, (b, s) in enumerate(zip(built + [None] * len(source), source + [None] * len(built))):
        if b != s:
            return f"formula {i + 1}: page {short(b)}, Markdown {short(s)}"
    return "same formulas"


def main(public, site):
    public, site = pathlib.Path(public), pathlib.Path(site)
    failures = []
    fail = failures.append
    posts = posts_source.posts(site)
    if not posts:
        fail(f"no post bundle under {site}/content/posts/*/index.md")
    for post in posts:
        page_file = public / "posts" / post.slug / "index.html"
        name = f"posts/{post.slug}"
        if post.draft:
            if page_file.exists():
                fail(f"{name}: a draft is published")
            continue
        if not page_file.is_file():
            fail(f"{name}: no page {page_file.relative_to(public)} (future date? expired?)")
            continue
        text = page_file.read_text(encoding="utf-8")
        page = Page(text)
        show_toc = post.fm.get("showToc") is True
        if show_toc and any(level >= 2 for level, _ in post.headings) and page.toc != 1:
            fail(f"{name}: showToc is true but the page has {page.toc} <nav id=\"TableOfContents\">")
        if not show_toc and page.toc:
            fail(f"{name}: showToc is not true but the page has a table of contents")
        if page.tables != post.tables:
            fail(f"{name}: {page.tables} <table> elements, the Markdown has {post.tables} tables")
        if page.display != post.math_blocks:
            fail(f"{name}: {len(page.display)} .math-display elements, {len(post.math_blocks)} ```math blocks in the "
                 f"Markdown; {first_difference(page.display, post.math_blocks)}")
        if page.inline != post.inline_math:
            fail(f"{name}: {len(page.inline)} .math-inline elements outside the TOC, {len(post.inline_math)} $`...`$ in "
                 f"the Markdown; {first_difference(page.inline, post.inline_math)}")
        if "$<code>" in text:
            fail(f"{name}: inline math left as $<code>...</code>$")
        has_math = bool(post.math_blocks or post.inline_math)
        for tag in ('<script src="/katex/katex.min.js"></script>', '<link rel="stylesheet" href="/katex/katex.min.css">'):
            if (tag in text) != has_math:
                fail(f"{name}: {'lacks' if has_math else 'has, without math,'} {tag}")
        if post.fm.get("disableHLJS") is True:
            if page.chroma:
                fail(f"{name}: disableHLJS is true but code is coloured (class=\"chroma\")")
            if post.code_languages and page.plain_pre_code < len(post.code_languages):
                fail(f"{name}: {page.plain_pre_code} plain <pre><code> blocks, {len(post.code_languages)} code blocks")
        elif any(post.code_languages) and not page.chroma:
            fail(f"{name}: fenced code with a language but no chroma highlighting")
        print(f"  {name}: toc {page.toc}, {page.tables} tables, {len(page.display)} display + {len(page.inline)} inline "
              f"formulas, {page.chroma} chroma blocks, {sum(1 for t, _ in page.urls if t == 'img')} images")
    pages = sorted(public.rglob("*.html"))
    checked = 0
    for p in pages:
        page = Page(p.read_text(encoding="utf-8"))
        katex = any(t == "script" and u.endswith("/katex.min.js") for t, u in page.urls)
        if katex != page.any_math:
            fail(f"{p.relative_to(public)}: {'loads KaTeX without math' if katex else 'has math but no KaTeX'}")
        for tag, url in page.urls:
            checked += 1
            problem = resolve(public, p, url)
            if problem:
                fail(f"{p.relative_to(public)}: <{tag}> {problem}")
    print(f"  {len(pages)} pages: {checked} <img>/<script>/<link> URLs resolved")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
