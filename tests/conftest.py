import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
# The offline mirror beside the checkout on the course's own machines (and CI there).
MIRROR = Path(os.environ.get("CNNLAB_DATA_DIR") or ROOT.parent / "shared" / "data")


@pytest.fixture
def full_mode(monkeypatch, tmp_path):
    """Full mode with no mirror and an empty private cache."""
    monkeypatch.delenv("CNNLAB_FAST", raising=False)
    monkeypatch.delenv("CNNLAB_DATA_DIR", raising=False)
    monkeypatch.setenv("CNNLAB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def fast_mode(monkeypatch):
    monkeypatch.setenv("CNNLAB_FAST", "1")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
