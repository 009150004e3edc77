"""tools/gpu_check.py, the GPU command, run here on the CPU so that it cannot rot."""

import json
import os
import subprocess
import sys

import keras
import pytest

from conftest import ROOT

TOOL = ROOT / "tools" / "gpu_check.py"


def run(*args, timeout=900):
    return subprocess.run([sys.executable, str(TOOL), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.skipif(keras.backend.backend() != "jax",
                    reason="the GPU machines run JAX; CI runs this with make test BACKEND=jax")
def test_times_a_notebook_and_names_the_device(tmp_path):
    out = run("--mode", "fast", "--no-suite", "--notebooks", "1", "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "Keras" in out.stdout and "on jax" in out.stdout and "device: " in out.stdout
    record = json.loads((tmp_path / "times.jsonl").read_text().splitlines()[-1])
    assert record["backend"] == "jax" and record["mode"] == "fast"
    assert record["accelerators"] == [] and "no accelerator: jax sees none" in out.stdout
    (name, result), = record["notebooks"].items()
    assert name == "01_convolution_basics" and result["status"] == "ok"
    assert result["seconds"] > 0
    executed = (tmp_path / "01_convolution_basics.ipynb").read_text()
    assert '"output_type": "error"' not in executed and "mode: fast" in executed


def test_bad_backend_and_notebook_are_named():
    out = run("--backend", "theano")
    assert out.returncode != 0 and "invalid choice: 'theano'" in out.stderr
    out = run("--no-suite", "--notebooks", "42", "--backend", keras.backend.backend())
    assert out.returncode != 0 and "no notebook numbered 42" in out.stderr


@pytest.mark.parametrize("code, status", [
    ("raise ValueError('boom')", "error: ValueError: boom"),
    ("raise KeyboardInterrupt", "error: KeyboardInterrupt"),  # as an interrupted kernel ends
])
def test_a_failing_notebook_names_its_exception(tmp_path, code, status):
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("gpu_check", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    path = tmp_path / "99_fails.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_code_cell(code)])
    nbformat.write(nb, path)
    seconds, got = tool.run_notebook(path, dict(os.environ), tmp_path / "out")
    assert got == status and seconds > 0 and (tmp_path / "out" / path.name).is_file()
