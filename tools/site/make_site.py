"""The decks and the course site, from the committed notebooks as they are: nothing is
executed and nothing comes from a CDN (the JavaScript comes from npm's registry, see vendor.py).

    python tools/site/make_site.py slides   # make slides: build/slides/<notebook>.slides.html
    python tools/site/make_site.py site     # make site: build/site/ (index.html, a page per
                                        # notebook, the decks under slides/)

A notebook with an error output, or not executed, stops the build with its name.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import time
from pathlib import Path

import jinja2
import nbformat
import vendor
from nbconvert import HTMLExporter, SlidesExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets.config import Config

from cnnlab.colab import REPO_URL, badge_markdown, colab_url

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TEMPLATES = Path(__file__).parent / "templates"
BUILD = ROOT / "build"
BENCHMARKS = ROOT / "benchmarks"
LOAD = re.compile(r"^# %load (solutions/\S+\.py)$")


class NotebookError(SystemExit):
    """A notebook the site cannot show: the message names it."""


def load(path: Path):
    """The notebook, checked (executed, no error output), its Colab badge as a plain link."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            if out.output_type == "error":
                raise NotebookError(f"{path.name}: cell {i} has an error output ({out.ename}: "
                                    f"{out.evalue}). Fix it and re-execute (make execute).")
        if cell.execution_count is None:
            raise NotebookError(f"{path.name}: not executed (code cell {i} never ran). "
                                "Commit it executed: make execute.")
    for cell in nb.cells:
        if cell.cell_type == "markdown":  # the badge is an image from colab.research.google.com
            cell.source = cell.source.replace(badge_markdown(path.name),
                                              f"[Open in Colab]({colab_url(path.name)})")
    return nb


def with_solutions(nb):
    """Each ``%load`` cell becomes its solution's code, folded under the exercise."""
    for i, cell in enumerate(nb.cells):
        match = LOAD.match(cell.source.strip()) if cell.cell_type == "code" else None
        if match:
            code = (ROOT / "notebooks" / match[1]).read_text(encoding="utf-8").rstrip()
            nb.cells[i] = nbformat.v4.new_markdown_cell(
                f'<details class="cnnlab-solution"><summary>Solution: <code>{match[1]}</code>'
                f"</summary>\n\n```python\n{code}\n```\n\n</details>")
    return nb


def title(nb) -> str:
    return nb.cells[0].source.splitlines()[0].lstrip("# ").strip()


def exporter(cls, template: str):
    config = Config()
    config[cls.__name__].update(
        mathjax_url=f"vendor/{vendor.URLS['mathjax']}",
        require_js_url=f"vendor/{vendor.URLS['require_js']}",
        jquery_url=f"vendor/{vendor.URLS['jquery']}")
    if cls is SlidesExporter:
        config.SlidesExporter.reveal_url_prefix = f"vendor/{vendor.URLS['reveal']}"
        config.SlidesExporter.reveal_theme = "white"  # "simple" imports Google's fonts
        config.SlidesExporter.reveal_scroll = True    # a tall slide scrolls, as in RISE
    return cls(config=config, template_name=template, extra_template_basedirs=[str(TEMPLATES)])


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def build_slides(out: Path = BUILD / "slides", notebooks=NOTEBOOKS) -> list[Path]:
    """One reveal.js deck per notebook, with its committed outputs."""
    notebooks = [(path, load(path)) for path in notebooks]  # check them all before writing
    fresh(out)
    vendor.install(out / "vendor", ["reveal.js", "requirejs", "jquery", "mathjax"])
    slides = exporter(SlidesExporter, "cnnlab_reveal")
    written = []
    for path, nb in notebooks:
        html, _ = slides.from_notebook_node(nb)
        written.append(out / f"{path.stem}.slides.html")
        written[-1].write_text(html, encoding="utf-8")
    return written


def _readme_section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## )", text, re.S | re.M)
    return match[1]


def _site_links(markdown: str) -> str:
    """README links made to work on the site: notebooks to their pages, badges to Colab and
    slides links, other repository paths to GitHub."""
    for path in NOTEBOOKS:
        markdown = markdown.replace(
            badge_markdown(path.name),
            f"[Colab]({colab_url(path.name)}) · [slides](slides/{path.stem}.slides.html)")
        markdown = markdown.replace(f"](notebooks/{path.name})", f"]({path.stem}.html)")
    return re.sub(r"\]\((?!https?://|#|slides/|results\.html|\d\d_)([^)]+)\)",
                  rf"]({REPO_URL}/blob/main/\1)",
                  markdown)


def home_page(readme: str) -> str:
    """The home page from the README: what the course is, the notebooks, how to run it and the
    results the README sets in bold."""
    html = lambda md: markdown2html_mistune(_site_links(md))  # noqa: E731
    results = _readme_section(readme, "Results").split("\n\n")
    table = [row for row in results[1].splitlines()
             if not row.startswith("| ") or "**" in row.split("|")[2] or row.startswith("| figure")]
    results_md = (f"{results[0]}\n\nThe figures the README sets in bold; all of them, with "
                  "their machines and plots, are in [the full results](results.html).\n\n"
                  + "\n".join(table))
    return _template("home.html.j2").render(
        intro=html(readme.split("\n## ", 1)[0]),
        setup=html(_readme_section(readme, "Set up and run")),
        notebooks=html(_readme_section(readme, "The notebooks")),
        results=html(results_md).replace("<table>", '<table class="results">'),
        date=dt.date.today().isoformat(), repo=REPO_URL)


def _template(name: str):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False)
    return env.get_template(name)


def results_page(report: str) -> str:
    """benchmarks/RESULTS.md as a page; its plots sit in figures/ beside it."""
    html = markdown2html_mistune(re.sub(r"\]\((?!https?://|#|figures/)([^)]+)\)",
                                        rf"]({REPO_URL}/blob/main/benchmarks/\1)", report))
    return _template("results.html.j2").render(
        report=html,
        date=dt.date.today().isoformat(), repo=REPO_URL)


def build_site(out: Path = BUILD / "site", slides_dir: Path = BUILD / "slides",
               notebooks=NOTEBOOKS) -> list[Path]:
    """The home page, one page per notebook (outputs, solutions, navigation) and the decks."""
    notebooks = [(path, with_solutions(load(path))) for path in notebooks]
    fresh(out)
    vendor.install(out / "vendor", ["requirejs", "mathjax"])
    page = exporter(HTMLExporter, "cnnlab_page")
    links = [{"href": f"{path.stem}.html", "title": title(nb)} for path, nb in notebooks]
    written = [out / "index.html"]
    written[0].write_text(home_page((ROOT / "README.md").read_text(encoding="utf-8")),
                          encoding="utf-8")
    written.append(out / "results.html")
    written[-1].write_text(results_page((BENCHMARKS / "RESULTS.md").read_text(encoding="utf-8")),
                           encoding="utf-8")
    shutil.copytree(BENCHMARKS / "figures", out / "figures")
    for i, (path, nb) in enumerate(notebooks):
        nav = {"prev": links[i - 1] if i else None, "next": (links[i + 1:] or [None])[0],
               "slides": f"slides/{path.stem}.slides.html", "colab": colab_url(path.name)}
        html, _ = page.from_notebook_node(nb, resources={"cnnlab": nav})
        written.append(out / links[i]["href"])
        written[-1].write_text(html, encoding="utf-8")
    shutil.copytree(slides_dir, out / "slides")
    (out / ".nojekyll").touch()  # GitHub Pages: serve the files as they are
    return written


def main(argv: list[str]) -> int:
    if argv[:1] not in (["slides"], ["site"]):
        print(__doc__)
        return 2
    started = time.perf_counter()
    pages = build_slides()
    if argv[0] == "site":
        pages = build_site()
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in pages) / len(pages) / 1e6
    print(f"{len(pages)} pages in {pages[0].parent.relative_to(ROOT)}/ in {seconds:.1f} s "
          f"({size:.2f} MB a page on average)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
