"""`make slides` and `make site`, built here from the committed notebooks and opened in headless
Chromium: every page answers 200, every image decodes, the maths renders, no console error, no
request leaves localhost, each deck has its notebook's slides. Screenshots: build/screenshots/."""

import json
import re
import sys

import nbformat
import pytest

from conftest import ROOT

sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tools" / "site")]
import browser  # noqa: E402
import make_site  # noqa: E402
import slides_metadata  # noqa: E402

pytestmark = pytest.mark.skipif(
    browser.CHROMIUM is None,
    reason="needs Debian's chromium on PATH (apt-get install chromium; .ci/run installs it)")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="needs requirements/site.txt (make test installs it)")

BUILD = ROOT / "build"
STEMS = [p.stem for p in make_site.NOTEBOOKS]
TEX = re.compile(r"\$[^$\s][^$]*\$")


@pytest.fixture(scope="module")
def built():
    make_site.build_slides()
    make_site.build_site()
    with browser.serve(BUILD) as base, sync_api.sync_playwright() as pw:
        chromium = browser.launch(pw)
        yield lambda path, **kw: browser.inspect(
            chromium, f"{base}/{path}", BUILD / "screenshots" / shot_name(path), **kw)
        chromium.close()


def shot_name(path):
    return path.replace("/", "_").replace(".html", ".png")


def has_math(stem):
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return any(TEX.search(c.source) for c in nb.cells if c.cell_type == "markdown")


def assert_clean(report):
    assert report["status"] == 200
    assert report["console_errors"] == [], report["console_errors"]
    assert report["outside_requests"] == [], "requests left localhost"
    assert report["broken_images"] == [], "images that did not decode"


@pytest.mark.parametrize("stem", ["index", "results", *STEMS])
def test_site_page(built, stem):
    report = built(f"site/{stem}.html")
    assert_clean(report)
    if stem == "results":  # benchmarks/RESULTS.md with every plot report.py drew
        assert report["images"] == len(list((ROOT / "benchmarks" / "figures").glob("*.png")))
    if stem in ("index", "results"):
        return
    assert report["images"] > 0
    assert report["math"]["errors"] == 0
    assert (report["math"]["rendered"] > 0) == has_math(stem), "maths rendered by MathJax"


@pytest.mark.parametrize("stem", STEMS)
def test_deck(built, stem):
    report = built(f"slides/{stem}.slides.html", deck=True)
    assert_clean(report)
    cells = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    assert report["slides"] == len(slides_metadata.slides(cells))
    assert report["math"]["errors"] == 0


def test_site_links_the_decks(built):
    home = (BUILD / "site" / "index.html").read_text(encoding="utf-8")
    for stem in STEMS:
        assert f'href="slides/{stem}.slides.html"' in home and f'href="{stem}.html"' in home
        assert (BUILD / "site" / "slides" / f"{stem}.slides.html").is_file()
    assert 'href="results.html"' in home
