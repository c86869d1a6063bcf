#!/usr/bin/env python3
"""Loads the built Hugo site's posts in headless Chromium and checks what a reader sees.

  browser_post.py --public DIR --site DIR --screenshots DIR [--shot SLUG] [--no-selfcheck]

DIR public is a `hugo` build of DIR site. The pages are served from 127.0.0.1 on a free port by a
server in this process that logs every request; Chromium (Debian's, headless) is driven through
chromedriver's WebDriver HTTP API (urllib, no Selenium). Chromium resolves no host name at all
(--host-resolver-rules), so nothing can leave the machine, and the test fails if a page even tries.

For every non-draft post (site/content/posts/<slug>/index.md), against counts read from its Markdown:
  - KaTeX typeset every ```math block (.math-display holding a .katex) and every $`...`$ (.math-inline),
    and there is no .katex-error;
  - no raw "$$", "```math" or "$`" in the page text outside code, no math block rendered as code, no
    $<code>...</code>$ left, no "$" beside typeset math;
  - no console error (WebDriver browser log, level SEVERE); every image and web font loaded;
  - every request (WebDriver performance log, Network.requestWillBeSent; resource timing) went to the
    local server, and the server answered every one with 2xx/3xx.
It saves full-page PNG screenshots of one post (light and dark colour scheme) for people to look at.
Self-check (default on): copies of that post with a planted fault (an external script, a broken formula,
raw $$ text, a console error, no KaTeX script, a missing image) must each fail with the expected kind of problem.
Exit status 0 when every check passes. Standard library only.
"""
import argparse
import base64
import functools
import http.server
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True
import posts_source  # noqa: E402  (tests/e2e/posts_source.py)

CHROMIUM = [os.environ.get("MODELCARD_CHROMIUM", ""), "/usr/lib/chromium/chromium", "/usr/bin/chromium"]
CHROMEDRIVER = [os.environ.get("MODELCARD_CHROMEDRIVER", ""), "/usr/bin/chromedriver"]
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


def first_executable(candidates, what):
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    sys.exit(f"FAIL: {what} not found (tried {', '.join(c for c in candidates if c)})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the local server: static files of the built site, every request logged ---------------------
class Server:
    def __init__(self, root):
        self.requests = []  # (method, path, status)
        log = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_request(self, code="-", size="-"):
                try:
                    status = int(code)
                except (TypeError, ValueError):
                    status = 0
                log.append((self.command, self.path, status))

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# --- a minimal WebDriver client -----------------------------------------------------------------
class WebDriverError(Exception):
    pass


class Browser:
    def __init__(self, workdir):
        driver = first_executable(CHROMEDRIVER, "chromedriver (Debian package chromium-driver)")
        chromium = first_executable(CHROMIUM, "chromium (Debian package chromium)")
        self.log_path = pathlib.Path(workdir, "chromedriver.log")
        for attempt in range(3):  # the free port may be taken between free_port() and chromedriver's bind
            port = free_port()
            self.base = f"http://127.0.0.1:{port}"
            self.proc = subprocess.Popen([driver, f"--port={port}", f"--log-path={self.log_path}", "--log-level=WARNING"],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            if self.wait_ready():
                break
            self.close()
        else:
            sys.exit(f"FAIL: chromedriver did not start (log: {self.log_text()})")
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-proxy-server",
                # Nothing resolves except the local server's address: no request can leave the machine.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                "--mute-audio", "--hide-scrollbars", "--force-device-scale-factor=1", "--force-color-profile=srgb",
                "--lang=en-US", "--window-size=1024,900"]
        caps = {"browserName": "chrome", "pageLoadStrategy": "normal",
                "timeouts": {"pageLoad": 30000, "script": 30000, "implicit": 0},
                "goog:chromeOptions": {"binary": chromium, "args": args},
                "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"}}
        try:
            self.session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}}, timeout=120)["sessionId"]
        except (OSError, WebDriverError) as e:
            self.close()
            sys.exit(f"FAIL: cannot start a Chromium session: {e} (chromedriver log: {self.log_text()})")

    def wait_ready(self):
        deadline = time.monotonic() + 30
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                if self.call("GET", "/status", timeout=2).get("ready"):
                    return True
            except (OSError, WebDriverError, ValueError):
                pass
            time.sleep(0.1)
        return False

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def call(self, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with DIRECT.open(req, timeout=timeout) as r:
                return json.load(r).get("value")
        except urllib.error.HTTPError as e:
            try:
                value = json.load(e).get("value", {})
                raise WebDriverError(f"{value.get('error')}: {value.get('message', '')[:500]}") from None
            except ValueError:
                raise WebDriverError(f"HTTP {e.code} from chromedriver") from None

    def s(self, method, path, body=None, timeout=60):
        return self.call(method, f"/session/{self.session}{path}", body, timeout)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def run(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def run_async(self, script, *args):
        return self.s("POST", "/execute/async", {"script": script, "args": list(args)})

    def logs(self, kind):
        return self.s("POST", "/se/log", {"type": kind})

    def cdp(self, cmd, params=None):
        return self.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params or {}})

    def close(self):
        quit_ok = not getattr(self, "session", None)
        try:
            if not quit_ok:
                self.call("DELETE", f"/session/{self.session}", timeout=20)
                quit_ok = True
        except (OSError, WebDriverError):
            pass
        self.session = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not quit_ok:  # a Chromium the failed quit left behind, in the process group of our chromedriver
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass


# --- one page ------------------------------------------------------------------------------------
SETTLE = """
const done = arguments[arguments.length - 1];
setTimeout(() => done("timeout"), 15000);
document.querySelectorAll("img[loading=lazy]").forEach(i => { i.loading = "eager"; });
Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => { i.addEventListener("load", r); i.addEventListener("error", r); })))
  .then(() => document.fonts.ready)
  .then(() => requestAnimationFrame(() => requestAnimationFrame(() => done("ok"))));
"""

INSPECT = r"""
const inToc = e => !!e.closest("#TableOfContents");
const disp = [...document.querySelectorAll(".math-display")];
const inl = [...document.querySelectorAll(".math-inline")];
const typeset = (e, inner) => !!e.querySelector(inner) && !e.querySelector(".katex-error");
// Text a reader sees outside code and typeset math (a code listing may well contain "$$").
const clone = document.body.cloneNode(true);
clone.querySelectorAll("pre, code, script, style, .katex").forEach(e => e.remove());
const text = clone.textContent;
const beside = inl.filter(e => {
  const p = e.previousSibling, n = e.nextSibling;
  return (p && /\$\s*$/.test(p.textContent)) || (n && /^\s*\$/.test(n.textContent));
});
const codeInDollars = [...document.querySelectorAll("code")].filter(e => !e.closest("pre")).filter(e => {
  const p = e.previousSibling, n = e.nextSibling;
  return p && n && /\$$/.test(p.textContent) && /^\$/.test(n.textContent);
});
return {
  title: document.title,
  codeInDollars: codeInDollars.map(e => e.textContent.slice(0, 60)),
  display: disp.length,
  displayTypeset: disp.filter(e => typeset(e, ".katex-display > .katex")).length,
  inline: inl.filter(e => !inToc(e)).length,
  inlineTypeset: inl.filter(e => !inToc(e) && typeset(e, ":scope > .katex")).length,
  notTypeset: [...disp, ...inl].filter(e => !e.querySelector(".katex")).map(e => e.textContent.slice(0, 100)),
  katexErrors: [...document.querySelectorAll(".katex-error")].map(e => (e.title || e.textContent).slice(0, 200)),
  raw: ["$$", "```math", "$`"].filter(m => text.includes(m)),
  mathAsCode: document.querySelectorAll("code.language-math, code[data-lang=math]").length,
  dollarBeside: beside.map(e => e.textContent.slice(0, 60)),
  images: [...document.images].map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
  fontErrors: [...document.fonts].filter(f => f.status === "error").map(f => f.family),
  resources: performance.getEntriesByType("resource").map(e => e.name),
  katexLoaded: typeof katex !== "undefined",
};
"""


class Checker:
    def __init__(self, browser, server):
        self.b, self.server = browser, server

    def allowed(self, url):
        return url.startswith(self.server.base + "/") or url.split(":", 1)[0] in ("data", "blob", "about")

    def drain(self):
        self.b.logs("browser")
        self.b.logs("performance")
        return len(self.server.requests)

    def check(self, path, post):
        """Problems [(kind, message)] of the page at `path`, against the counts of `post` (a posts_source.Post)."""
        problems = []
        start = self.drain()
        url = self.server.base + path
        try:
            self.b.go(url)
            settled = self.b.run_async(SETTLE)
            r = self.b.run(INSPECT)
        except WebDriverError as e:
            return [("load", f"{path}: {e}")]
        if settled != "ok":
            problems.append(("load", f"images/fonts still loading after 15 s ({settled})"))
        want_display, want_inline = len(post.math_blocks), len(post.inline_math)
        if r["display"] != want_display:
            problems.append(("math", f"{r['display']} .math-display elements, source has {want_display} ```math blocks"))
        if r["displayTypeset"] != want_display:
            problems.append(("math", f"KaTeX typeset {r['displayTypeset']} of {want_display} display formulas"))
        if r["inline"] != want_inline:
            problems.append(("math", f"{r['inline']} .math-inline elements in the content, source has {want_inline} $`...`$"))
        if r["inlineTypeset"] != want_inline:
            problems.append(("math", f"KaTeX typeset {r['inlineTypeset']} of {want_inline} inline formulas"))
        if (want_display or want_inline) and not r["katexLoaded"]:
            problems.append(("math", "KaTeX is not loaded"))
        if not (want_display or want_inline) and r["katexLoaded"]:
            problems.append(("math", "KaTeX is loaded on a page without math"))
        for t in r["notTypeset"]:
            problems.append(("math", f"not typeset: {t!r}"))
        for t in r["katexErrors"]:
            problems.append(("katex-error", f"KaTeX error: {t}"))
        for m in r["raw"]:
            problems.append(("raw-text", f"raw {m!r} in the page text"))
        if r["mathAsCode"]:
            problems.append(("math", f"{r['mathAsCode']} math block(s) rendered as code, not as .math-display"))
        for t in r["codeInDollars"]:
            problems.append(("raw-text", f"inline math left as $`...`$ code: {t!r}"))
        for t in r["dollarBeside"]:
            problems.append(("raw-text", f"a '$' is left beside typeset inline math {t!r}"))
        for img in r["images"]:
            if not img["ok"]:
                problems.append(("image", f"image did not load: {img['src']}"))
        for f in r["fontErrors"]:
            problems.append(("font", f"web font did not load: {f}"))
        # Console: every SEVERE entry (script errors, console.error, failed loads) fails; warnings are shown.
        warnings = []
        for e in self.b.logs("browser"):
            if e.get("level") == "SEVERE":
                problems.append(("console", f"console error: {e.get('message', '')[:300]}"))
            elif e.get("level") == "WARNING":
                warnings.append(e.get("message", "")[:200])
        # Requests: the browser's own network log and the page's resource timing; every URL must be local.
        urls = set(r["resources"])
        for e in self.b.logs("performance"):
            try:
                msg = json.loads(e["message"])["message"]
            except (KeyError, ValueError):
                continue
            if msg.get("method") == "Network.requestWillBeSent":
                urls.add(msg["params"]["request"]["url"])
            elif msg.get("method") == "Network.webSocketCreated":
                urls.add(msg["params"]["url"])
        for u in sorted(urls):
            if not self.allowed(u):
                problems.append(("external-request", f"request leaves localhost: {u[:200]}"))
        served = self.server.requests[start:]
        for method, p, status in served:
            if not 200 <= status < 400:
                problems.append(("http", f"{method} {p} -> {status}"))
        print(f"  {path}: {r['displayTypeset']}/{want_display} display + {r['inlineTypeset']}/{want_inline} inline "
              f"formulas typeset, {len(r['images'])} images, {len(served)} requests served, {len(problems)} problems")
        for w in warnings[:3]:
            print(f"    note: console warning: {w}")
        return problems

    def screenshot(self, path, out_png, dark=False):
        self.b.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
        self.b.go(self.server.base + path)
        self.b.run_async(SETTLE)
        m = self.b.cdp("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.b.cdp("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                     "clip": {"x": 0, "y": 0, "width": m["width"], "height": m["height"], "scale": 1}})
        self.b.cdp("Emulation.setEmulatedMedia", {"features": []})
        out_png.write_bytes(base64.b64decode(shot["data"]))
        return int(m["width"]), int(m["height"])


# --- self-check: planted faults must be caught ----------------------------------------------------
# Each plant writes a copy of the post's page beside it (same directory, so its relative URLs still work).
PLANTS = {
    "external-request": lambda h: h.replace("</head>", '<script src="https://cdn.example.com/x.js"></script></head>', 1),
    "katex-error": lambda h: re.sub(r'(<div class="math-display">)', r"\1\\frac{1}{\\left( ", h, count=1),
    "raw-text": lambda h: h.replace('<div class="post-content">', '<div class="post-content"><p>$$E = mc^2$$</p>', 1),
    "console": lambda h: h.replace("</body>", '<script>console.error("planted error")</script></body>', 1),
    "math": lambda h: h.replace('<script src="/katex/katex.min.js"></script>', "", 1),
    "image": lambda h: h.replace('<div class="post-content">', '<div class="post-content"><p><img src="planted-missing.svg" alt="x"></p>', 1),
}


def selfcheck(checker, public, slug, post):
    page = pathlib.Path(public, "posts", slug, "index.html")
    html = page.read_text(encoding="utf-8")
    missed = []
    for kind, plant in PLANTS.items():
        planted = plant(html)
        if planted == html:
            missed.append(f"{kind}: could not plant it in {page.name}")
            continue
        name = f"selfcheck-{kind}.html"
        pathlib.Path(page.parent, name).write_text(planted, encoding="utf-8")
        problems = checker.check(f"/posts/{slug}/{name}", post)
        pathlib.Path(page.parent, name).unlink()
        caught = [m for k, m in problems if k == kind]
        if caught:
            print(f"    caught as expected: {kind}: {caught[0][:150]}")
        else:
            missed.append(f"{kind}: planted fault not detected (got {sorted({k for k, _ in problems}) or 'no problem'})")
    return missed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--public", required=True, help="the hugo build of --site")
    ap.add_argument("--site", required=True, help="the Hugo site whose content/posts/*/index.md were built")
    ap.add_argument("--screenshots", required=True, help="directory for the PNG screenshots")
    ap.add_argument("--shot", default="gpt2", help="post to screenshot and to plant faults in (default gpt2)")
    ap.add_argument("--no-selfcheck", action="store_true")
    a = ap.parse_args()
    t0 = time.monotonic()

    posts = [p for p in posts_source.posts(a.site) if not p.draft]
    if not posts:
        sys.exit("FAIL: no non-draft post under content/posts/")
    shot = next((p for p in posts if p.slug == a.shot), posts[0])
    server = Server(a.public)
    failures = []
    with tempfile.TemporaryDirectory() as work:
        browser = Browser(work)
        try:
            checker = Checker(browser, server)
            for post in posts:
                for kind, msg in checker.check(f"/posts/{post.slug}/", post):
                    failures.append(f"/posts/{post.slug}/: {kind}: {msg}")
            out = pathlib.Path(a.screenshots)
            out.mkdir(parents=True, exist_ok=True)
            for dark in (False, True):
                png = out / f"{shot.slug}{'-dark' if dark else ''}.png"
                w, h = checker.screenshot(f"/posts/{shot.slug}/", png, dark)
                print(f"screenshot ({'dark' if dark else 'light'}, {w}x{h}): {png.resolve()}")
            if not a.no_selfcheck:
                print(f"self-check: planting faults in copies of /posts/{shot.slug}/")
                for m in selfcheck(checker, a.public, shot.slug, shot):
                    failures.append(f"self-check: {m}")
        except WebDriverError as e:
            failures.append(f"WebDriver: {e} (chromedriver log: {browser.log_text()})")
        finally:
            browser.close()
            server.close()
    paths = sorted({p for _, p, _ in server.requests})
    print(f"local server: {len(server.requests)} requests, {len(paths)} distinct paths; {time.monotonic() - t0:.1f} s")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
