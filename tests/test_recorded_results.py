"""Figures that a notebook quotes from a benchmark (too slow to rerun in a lecture) must equal the
benchmark's records in benchmarks/results/."""

import ast
import json
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def records(pattern):
    files = sorted((ROOT / "benchmarks" / "results").glob(pattern))
    assert files, f"no benchmark records match {pattern}"
    return [json.loads(line) for f in files for line in f.read_text().splitlines() if line.strip()]


def quoted(notebook, name):
    """The literal assigned to ``name`` in a code cell of ``notebook``."""
    for cell in nbformat.read(ROOT / "notebooks" / notebook, as_version=4).cells:
        if cell.cell_type != "code" or name not in cell.source:
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
                return ast.literal_eval(node.value)
    raise AssertionError(f"{notebook} assigns no {name}")


def test_notebook_03_step_table_is_the_benchmarks():
    latest = {}
    for r in records("cifar-steps-*.jsonl"):
        if r["seed"] == 0 and r["epochs"] == 10:
            latest[r["step"]] = r  # a rerun replaces the step's earlier record
    assert sorted(latest) == list(range(len(latest))) and len(latest) >= 5
    expected = {r["name"]: r["test_accuracy"]["none"] for _, r in sorted(latest.items())}
    last = latest[max(latest)]["test_accuracy"]
    expected["+ test-time flips"] = last["flips"]
    expected["+ test-time 1-pixel translations"] = last["flips_shifts"]
    assert quoted("03_cifar10_cnn.ipynb", "STEP_ACCURACY") == expected
