"""The command lines the Makefile builds (``make -n`` prints them without running them)."""

import shutil
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make_n(*args):
    return subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def lab_line(user_id):
    out = make_n("lab", f"USER_ID={user_id}")
    assert out.returncode == 0, out.stderr
    return next(line for line in out.stdout.splitlines() if "jupyter lab" in line)


def test_lab_allows_root_only_for_root():
    assert "--allow-root" in lab_line(0).split()
    assert "--allow-root" not in lab_line(1000).split()
    assert lab_line(1000).split()[-1] == "notebooks/"


def test_lab_turns_off_the_news_popup():
    # the override is written on the way to `jupyter lab`, inside .venv
    out = make_n("-B", "lab", "USER_ID=1000").stdout
    assert "overrides.json" in out and '"fetchNews": "false"' in out


def test_torch_installs_its_own_pins():
    out = make_n("-B", "unit", "BACKEND=torch")
    assert out.returncode == 0, out.stderr
    assert "-r requirements/torch.txt" in out.stdout
    assert "import torch" in out.stdout


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_tensorflow_and_jax_come_with_the_base_pins(backend):
    # notebook 08 trains on both in worker processes, whatever the backend
    pins = (ROOT / "requirements.txt").read_text()
    assert "\ntensorflow-cpu==" in pins and "\njax==" in pins and "\njaxlib==" in pins
    out = make_n("-B", "unit", f"BACKEND={backend}")
    assert out.returncode == 0, out.stderr
    assert "-r requirements.txt" in out.stdout and "requirements/" not in out.stdout
    assert f"import {backend}" in out.stdout


def test_unknown_backend_names_the_valid_ones():
    out = make_n("test", "BACKEND=theano")
    assert out.returncode != 0
    assert "BACKEND=theano" in out.stderr
    assert "tensorflow jax torch" in out.stderr
