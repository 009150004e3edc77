"""Every exercise solution runs to the end; each asserts what it claims."""

import runpy

import pytest

from conftest import ROOT

SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("*.py"))


def test_there_are_solutions():
    assert len(SOLUTIONS) >= 3


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_runs(path, fast_mode, capsys):
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), "a solution shows its result"
