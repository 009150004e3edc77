"""Opens built pages in headless Chromium (Debian's ``chromium``, driven by Playwright; no
browser download) and reports what a reader would meet: the HTTP status, console errors,
requests that leave localhost (blocked), undecoded images, maths and a deck's slides."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = shutil.which("chromium")
LOCAL = ("127.0.0.1", "localhost")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(root: Path):
    """Serves ``root`` on localhost; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM)


MATH = """async () => {
  if (!window.MathJax || !MathJax.Hub) return null;
  await new Promise(done => MathJax.Hub.Queue(done));
  return {rendered: document.querySelectorAll('.mjx-chtml').length,
          errors: document.querySelectorAll('.MathJax_Error, .mjx-merror').length};
}"""
BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"""
SLIDES = """() => new Promise(done => require(['vendor/reveal.js/dist/reveal.js'],
  Reveal => done(Reveal.isReady() ? Reveal.getTotalSlides() : -1)))"""
WEIGHT = """() => performance.getEntries().filter(e => 'encodedBodySize' in e)
  .reduce((sum, e) => sum + e.encodedBodySize, 0)"""


def inspect(browser, url: str, screenshot: Path | None = None, deck: bool = False) -> dict:
    """What opening ``url`` gives: status, console errors, outside requests, broken images,
    maths (None where the page loads no MathJax), slides (decks) and bytes loaded."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors, outside = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if urlparse(r.request.url).hostname in LOCAL:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    response = page.goto(url, wait_until="load")
    if deck:
        page.wait_for_selector(".reveal.ready", timeout=20_000)
    report = {"url": url, "status": response.status, "math": page.evaluate(MATH),
              "broken_images": page.evaluate(BROKEN_IMAGES),
              "images": page.evaluate("document.images.length"),
              "slides": page.evaluate(SLIDES) if deck else None}
    report["bytes"] = page.evaluate(WEIGHT)
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
    report |= {"console_errors": errors, "outside_requests": outside}
    page.close()
    return report
