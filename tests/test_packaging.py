"""A non-editable install (what Colab's setup cell does) carries the fast-mode subsets and the
benchmark records."""

import subprocess
import sys

from cnnlab import records

from conftest import ROOT


def test_wheel_carries_the_subsets(tmp_path):
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
             "--quiet", "-w", str(tmp_path / "wheel"), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "wheel").glob("cnnlab-*.whl")
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
               "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    probe = ("import cnnlab; from cnnlab import records; d = cnnlab.load_mnist(); "
             "print(d.source.path.relative_to(cnnlab.__path__[0]), d.train[0].shape); "
             "print(records.directory().name, len(records.load('cifar')))")
    # -I: isolated, so the editable install in this venv cannot answer instead
    result = subprocess.run([sys.executable, "-I", "-c",
                             f"import sys; sys.path.insert(0, {str(target)!r}); {probe}"],
                            env={"CNNLAB_FAST": "1", "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # ... and the benchmark records that notebooks 03-05 read
    assert result.stdout.split("\n")[:2] == [
        "_data/mnist-subset.npz (5000, 28, 28)", f"_records {len(records.load('cifar'))}"]
