"""Every notebook is a deck: its slide metadata is the one tools/slides_metadata.py writes, its
first cell starts a slide, the Colab cell is skipped and no slide holds more than a screenful."""

import json
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import slides_metadata as sm  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_a_deck(path):
    nb = cells(path)
    assert sm.slide_type(nb[0]) == "slide", "the title cell starts the first slide"
    assert [sm.slide_type(c) for c in nb] == sm.slide_types(nb), (
        f"stale slide metadata: run python tools/slides_metadata.py {path.relative_to(ROOT)}")
    assert sm.slide_type(nb[1]) == "skip", "the Colab install cell is not shown"
    for group in sm.slides(nb):
        lines = sum(sm.cell_lines(nb[i]) for i in group)
        assert lines <= sm.LINE_LIMIT, f"cells {group} fill {lines} lines: split the slide"


def test_overflowing_cells_start_a_sub_slide():
    long_code = {"cell_type": "code", "source": "x = 1\n" * 30, "outputs": [], "metadata": {}}
    nb = [{"cell_type": "markdown", "source": "# title", "metadata": {}},
          {"cell_type": "markdown", "source": "## a section\ntext", "metadata": {}},
          long_code, dict(long_code),
          {"cell_type": "code", "source": "# %load solutions/x.py", "outputs": [], "metadata": {}}]
    assert sm.slide_types(nb) == ["slide", "slide", "subslide", "subslide", "fragment"]
