import keras
import numpy as np
import pytest

import cnnlab
from cnnlab.envinfo import accelerators


def test_environment_line(fast_mode):
    data = cnnlab.load_mnist()
    line = cnnlab.environment_line(data.source)
    assert f"Keras {keras.__version__} on {keras.backend.backend()}" in line
    assert f"NumPy {np.__version__}" in line
    assert "mode: fast" in line and "data: MNIST from the subset" in line
    assert "device: " in line
    assert isinstance(accelerators(), list)


def test_machine_describes_the_run():
    from cnnlab.envinfo import machine

    m = machine()
    assert m["cores"] >= 1 and m["cpu"] and m["keras"] == keras.__version__
    assert m["backend"].startswith(keras.backend.backend())


def test_machine_names_the_instruction_set():
    import platform
    from pathlib import Path

    from cnnlab.envinfo import isa, machine

    cpuinfo = Path("/proc/cpuinfo")
    flags = [line.split(":", 1)[1] for line in cpuinfo.read_text().splitlines()
             if line.split(":", 1)[0].strip() == "flags"] if cpuinfo.exists() else []
    assert machine()["isa"] == (isa(flags[0]) if flags else platform.machine())


def test_machine_names_a_capped_instruction_set_and_the_cores_it_may_use(monkeypatch):
    import os

    from cnnlab.envinfo import machine

    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    m = machine()
    assert m["cores"] == 1
    if m["isa"] != __import__("platform").machine():  # a Linux CPU with flags to read
        assert m["isa"].endswith("(oneDNN capped: ONEDNN_MAX_CPU_ISA=AVX2)")
        monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "all")  # oneDNN's name for no cap
        assert "capped" not in machine()["isa"]


@pytest.mark.parametrize("flags, expected", [
    ("fpu sse2 avx avx2 fma", "AVX2"),  # AMD Zen 2
    ("avx2 avx512f avx512bw avx512_bf16", "AVX2 AVX-512 AVX512-BF16"),  # AMD Zen 4
    ("avx2 avx512f avx512_bf16 amx_bf16 amx_tile", "AVX2 AVX-512 AVX512-BF16 AMX"),
    ("fp asimd", "no AVX2"),  # an ARM CPU
])
def test_isa_from_cpu_flags(flags, expected):
    from cnnlab.envinfo import isa

    assert isa(flags) == expected
    assert isa(flags, "AVX2") == f"{expected} (oneDNN capped: ONEDNN_MAX_CPU_ISA=AVX2)"
