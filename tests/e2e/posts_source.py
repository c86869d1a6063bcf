"""What the Hugo site's posts contain, read from their Markdown sources, for the e2e tests.

hugo_posts.py (static checks of the built HTML) and browser_post.py (headless Chromium) compare the
built pages against these counts, so no test hard-codes how many formulas or tables a post has.
Standard library only. Posts are page bundles: site/content/posts/<slug>/index.md.
"""
import pathlib
import re

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`{]*)")
# GitHub's inline math: $`...`$ (Goldmark renders it as $<code>...</code>$).
INLINE_MATH = re.compile(r"\$`([^`]+)`\$")
TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def front_matter(text):
    """Top-level scalar keys of a YAML front matter (enough for flags and strings; nested maps skipped)."""
    fm = {}
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return fm
    for line in lines[1:]:
        if line.strip() == "---":
            break
        m = re.match(r"^([A-Za-z_][\w-]*):\s*(.*?)\s*$", line)
        if not m:
            continue
        key, value = m.group(1), re.sub(r"\s+#.*$", "", m.group(2))
        if value in ("true", "false"):
            fm[key] = value == "true"
        else:
            fm[key] = value.strip("\"'")
    return fm


def body(text):
    """The Markdown after the front matter."""
    m = re.match(r"---[ \t]*\n.*?\n---[ \t]*(\n|$)", text, re.S)
    return text[m.end():] if m else text


class Post:
    """One post bundle: its front matter and what its Markdown body holds (outside code blocks)."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.slug = self.path.parent.name
        text = self.path.read_text(encoding="utf-8")
        self.fm = front_matter(text)
        self.draft = self.fm.get("draft") is True
        self.math_blocks = []      # TeX of every ```math block
        self.inline_math = []      # TeX of every $`...`$
        self.code_languages = []   # info string of every other fenced block ("" when none)
        self.tables = 0
        self.images = []           # src of every ![alt](src)
        self.headings = []         # (level, text) of ATX headings
        fence = None
        block = []
        prev = ""
        for line in body(text).splitlines():
            if fence:
                if re.match(r"^ {0,3}" + re.escape(fence[0]) + r"{%d,}\s*$" % len(fence), line):
                    if lang == "math":
                        self.math_blocks.append("\n".join(block))
                    fence = None
                else:
                    block.append(line)
                continue
            m = FENCE.match(line)
            if m:
                fence, lang, block = m.group(1), m.group(2), []
                if lang != "math":
                    self.code_languages.append(lang)
                continue
            self.inline_math += INLINE_MATH.findall(line)
            self.images += IMAGE.findall(line)
            if "|" in prev and TABLE_DELIMITER.match(line) and "-" in line:
                self.tables += 1
            h = re.match(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if h:
                self.headings.append((len(h.group(1)), h.group(2)))
            prev = line

    def __repr__(self):
        return (f"Post({self.slug}: draft={self.draft}, {len(self.math_blocks)} math blocks, "
                f"{len(self.inline_math)} inline math, {self.tables} tables, {len(self.images)} images)")


def posts(site_dir):
    """Every post bundle under <site_dir>/content/posts/*/index.md, sorted by slug."""
    return [Post(p) for p in sorted(pathlib.Path(site_dir, "content", "posts").glob("*/index.md"))]


if __name__ == "__main__":
    import sys
    for post in posts(sys.argv[1] if len(sys.argv) > 1 else "site"):
        print(post)
