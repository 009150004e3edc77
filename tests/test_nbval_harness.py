"""The harness itself: nbval with the repo's configuration compares checked cells and fails
when one changes, while clock- and process-dependent text is sanitized away."""

import subprocess
import sys

import nbformat

from conftest import ROOT


def notebook(path, cells):
    """cells: (source, committed stdout) pairs."""
    nb = nbformat.v4.new_notebook()
    for n, (source, out) in enumerate(cells, 1):
        cell = nbformat.v4.new_code_cell(source, execution_count=n)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=out)]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def run_nbval(path):
    cmd = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"),
           "--rootdir", str(ROOT), "-q", "-p", "no:randomly", str(path)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


CELLS = [
    ("import time\nprint(time.time())", "1.0\n"),  # unchecked: any output is fine
    ("# NBVAL_CHECK_OUTPUT\nprint(6 * 7)", "42\n"),
    ("# NBVAL_CHECK_OUTPUT\nprint(f'{time.time() % 7 + 1:.0f}ms/step at 0x7f3a2b1c9d0e')",
     "123ms/step at 0x55aa11bb22cc\n"),
    ("# NBVAL_CHECK_OUTPUT\nimport tempfile\nprint(tempfile.mkdtemp())", "/tmp/tmpabc123\n"),
]


def test_unchanged_outputs_pass(tmp_path):
    result = run_nbval(notebook(tmp_path / "same.ipynb", CELLS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_changed_checked_output_fails(tmp_path):
    changed = [*CELLS[:1], ("# NBVAL_CHECK_OUTPUT\nprint(6 * 7)", "41\n"), *CELLS[2:]]
    result = run_nbval(notebook(tmp_path / "changed.ipynb", changed))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 3 passed" in result.stdout
    assert "41" in result.stdout and "42" in result.stdout
