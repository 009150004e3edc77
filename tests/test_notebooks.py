"""What every committed notebook and the README promise, checked without running a kernel
(nbval runs the notebooks themselves)."""

import json
import re

import pytest

from cnnlab.colab import badge_markdown, setup_cell_source

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIN_CHECKED = 3  # outputs nbval compares, per notebook
PROGRESS_BAR = re.compile(r"━|\d+/\d+ \[=*>?\.*\]")


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def text_outputs(cell):
    for out in cell.get("outputs", []):
        yield "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_shape(path):
    all_cells = cells(path)
    code = [c for c in all_cells if c["cell_type"] == "code"]
    first = source(all_cells[0])
    assert first.startswith("# ") and badge_markdown(path.name) in first, "title and Colab badge"
    assert source(code[0]) == setup_cell_source(), "first code cell must be the Colab setup cell"
    counts = [c["execution_count"] for c in code if c["execution_count"] is not None]
    assert counts == list(range(1, len(code) + 1)), "commit it executed top to bottom, fresh"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    for c in checked_cells(path):
        assert c["outputs"], f"a checked cell has no committed output:\n{source(c)[:200]}"
        for text in text_outputs(c):
            assert not PROGRESS_BAR.search(text), "no progress bars in checked cells"
    assert not any("CNNLAB_FAST" in source(c) or "os.environ" in source(c) for c in code), (
        "notebooks ask cnnlab.budget() for mode-dependent numbers, never the environment")


def checked_cells(path):
    """The code cells nbval compares: those whose first line is the marker."""
    return [c for c in cells(path) if c["cell_type"] == "code"
            and source(c).startswith("# NBVAL_CHECK_OUTPUT\n")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_checks_at_least_three_outputs(path):
    found = len(checked_cells(path))
    assert found >= MIN_CHECKED, (
        f"{path.name} checks {found} cell output(s): mark at least {MIN_CHECKED} cells whose "
        "output does not depend on the mode, the clock or the backend (shapes, parameter "
        "counts, layer tables, formula results) with a first line # NBVAL_CHECK_OUTPUT")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_and_solutions(path):
    loads = re.findall(r"%load (solutions/\S+\.py)", "".join(source(c) for c in cells(path)))
    assert len(loads) >= 3, "at least three exercises, each with a solution to %load"
    for rel in loads:
        assert (ROOT / "notebooks" / rel).is_file(), rel


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readme_lists_notebook_with_badge(path):
    assert badge_markdown(path.name) in (ROOT / "README.md").read_text(encoding="utf-8")


TRAINING_CALL = re.compile(r"(recipes\.train_\w+|training\.fit)\(")


def training_calls(path):
    """Every recipe or ``training.fit`` call in the notebook's code cells: the call's text and
    its cell's."""
    for cell in cells(path):
        text = source(cell) if cell["cell_type"] == "code" else ""
        for match in TRAINING_CALL.finditer(text):
            depth, end = 0, match.end() - 1
            for end in range(match.end() - 1, len(text)):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                if depth == 0:
                    break
            yield text[match.start(): end + 1], text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_training_run_has_a_time_budget(path):
    """A lecture keeps its time on a slow machine only if each training run can stop on time;
    notebook 05 and 08's runs get theirs through the images they train on
    (speed.plan_images, speed.images_within), measured in the same cell."""
    for call, text in training_calls(path):
        budgeted = re.search(r"\b(minutes|seconds)=", call)
        assert budgeted or re.search(r"\b(plan_images|images_within)\(", text), (
            f"{path.name}: this training run has no time budget (minutes= or seconds=): {call}")


def test_the_time_budget_check_finds_runs_without_one(tmp_path):
    cell = {"cell_type": "code", "source": ["model = recipes.train_cifar_modern(x, y, epochs=5)\n",
                                            "training.fit(m, x, y, epochs=2, seconds=30)"]}
    path = tmp_path / "99_x.ipynb"
    path.write_text(json.dumps({"cells": [cell]}))
    calls = [call for call, _ in training_calls(path)]
    assert calls == ["recipes.train_cifar_modern(x, y, epochs=5)",
                     "training.fit(m, x, y, epochs=2, seconds=30)"]
    with pytest.raises(AssertionError, match="no time budget"):
        test_every_training_run_has_a_time_budget(path)
