"""Slide metadata for every notebook, so that each one is also a deck (RISE in JupyterLab,
reveal.js from ``make slides``). Idempotent: rerun it after ``make execute``::

    python tools/slides_metadata.py            # all notebooks, in place
    python tools/slides_metadata.py --check    # exit 1 if a notebook's metadata is stale

The title cell and each cell with a ``##`` heading start a slide; ``###`` headings, long
derivations (display maths), exercises, the set-up cell and any cell that would overflow a
screenful (LINE_LIMIT lines of source and text output) or add a second figure start a
sub-slide; the Colab install cell is skipped; the reading of a figure and the solutions'
``%load`` cells are fragments. Only ``metadata.slideshow`` changes: the files keep
nbformat's formatting.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LINE_LIMIT = 50  # lines of source and text output on a slide: a 1080p screen at RISE's zoom
WIDTH = 100      # characters before a line wraps
STARTS = ("slide", "subslide")
SECTION, SUBSECTION = re.compile(r"^## ", re.M), re.compile(r"^### ", re.M)


def _lines(text: str) -> int:
    return sum(max(1, math.ceil(len(line) / WIDTH)) for line in text.splitlines())


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def has_image(cell) -> bool:
    return any(k.startswith("image/") for o in cell.get("outputs", []) for k in o.get("data", {}))


def cell_lines(cell) -> int:
    """Lines a cell shows: its source plus its text outputs (a figure's text/plain is hidden)."""
    n = _lines(_text(cell["source"]))
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "text" in out:
            n += _lines(_text(out["text"]))
        elif "text/markdown" in data:
            n += _lines(_text(data["text/markdown"]))
        elif "text/plain" in data and not any(k.startswith("image/") for k in data):
            n += _lines(_text(data["text/plain"]))
    return n


def _is_colab_setup(cell) -> bool:
    return cell["cell_type"] == "code" and 'if "google.colab" in sys.modules' in _text(
        cell["source"])


def slide_types(cells) -> list[str]:
    """The slide type of each cell, by the rules in this module's docstring."""
    types, lines, image, code_seen = [], 0, False, 0
    for i, cell in enumerate(cells):
        src = _text(cell["source"]).lstrip()
        md = cell["cell_type"] == "markdown"
        n, figure = cell_lines(cell), has_image(cell)
        if _is_colab_setup(cell):
            types.append("skip")
            continue
        if cell["cell_type"] == "code":
            code_seen += 1
        if i == 0 or (md and SECTION.search(src)):
            kind = "slide"
        elif (md and (SUBSECTION.search(src) or src.startswith("**Exercise")
                      or ("$$" in src and _lines(src) >= 8))
              or code_seen == 1 and cell["cell_type"] == "code"
              or lines + n > LINE_LIMIT or (figure and image)):
            kind = "subslide"
        elif (md and types and i and has_image(cells[i - 1])) or src.startswith("# %load "):
            kind = "fragment"
        else:
            kind = "-"
        if kind in STARTS:
            lines, image = 0, False
        lines, image = lines + n, image or figure
        types.append(kind)
    return types


def slide_type(cell) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def slides(cells) -> list[list[int]]:
    """Cell indices per (sub-)slide as reveal.js shows them; skipped cells left out."""
    groups: list[list[int]] = []
    for i, cell in enumerate(cells):
        kind = slide_type(cell) or "-"
        if kind in ("skip", "notes"):
            continue
        if kind in STARTS or not groups:
            groups.append([])
        groups[-1].append(i)
    return groups


def dumps(nb) -> str:
    """nbformat's own formatting (sorted keys, indent 1, UTF-8), so diffs stay minimal."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def apply(path: Path) -> bool:
    """Writes the slide metadata into ``path``; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    for cell, kind in zip(nb["cells"], slide_types(nb["cells"]), strict=True):
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": kind}
    new = dumps(nb)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or NOTEBOOKS
    stale = []
    for path in paths:
        if check:
            nb = json.loads(path.read_text(encoding="utf-8"))
            want = slide_types(nb["cells"])
            have = [slide_type(c) for c in nb["cells"]]
            if want != have:
                stale.append(path.name)
        elif apply(path):
            print(f"slide metadata written: {path.name}")
    if stale:
        print("stale slide metadata, run python tools/slides_metadata.py:", *stale)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
