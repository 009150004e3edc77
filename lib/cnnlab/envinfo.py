"""The one line of environment every notebook prints under its setup cell."""

from __future__ import annotations

import os
import platform

from . import modes


def accelerators() -> list[str]:
    """Accelerators the active Keras backend can use; the only backend-specific code here."""
    import keras

    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        return [d.name.replace("/physical_device:", "") for d in tf.config.list_physical_devices()
                if d.device_type != "CPU"]
    if name == "jax":
        import jax

        return [str(d) for d in jax.devices() if d.platform != "cpu"]
    if name == "torch":
        import torch

        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return []


def backend_version() -> str:
    import keras

    name = keras.backend.backend()
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(name)
    if module is None:
        return name
    return f"{name} {__import__(module).__version__}"


def environment_line(*sources) -> str:
    """Versions, device, mode and data sources: ``print(environment_line(data.source))``."""
    import keras
    import numpy as np

    devices = ", ".join(accelerators()) or f"CPU only ({cores()} cores)"
    parts = [
        f"Python {platform.python_version()}",
        f"Keras {keras.__version__} on {backend_version()}",
        f"NumPy {np.__version__}",
        f"device: {devices}",
        f"mode: {modes.mode()}",
    ]
    parts += [f"data: {s}" for s in sources]
    return " | ".join(parts)


# CPU flags (Linux's names) that decide how fast a CPU trains, from the oldest to the newest
ISA_FLAGS = (("avx2", "AVX2"), ("avx512f", "AVX-512"), ("avx512_bf16", "AVX512-BF16"),
             ("amx_bf16", "AMX"))


def isa(flags: str, cap: str | None = None) -> str:
    """The vector extensions named in a /proc/cpuinfo ``flags`` line that matter here:
    ``"AVX2 AVX-512 AVX512-BF16"``, or ``"no AVX2"`` on an older or non-x86 CPU. ``cap``: the
    ``ONEDNN_MAX_CPU_ISA`` in force, which keeps oneDNN (TensorFlow's and PyTorch's CPU
    kernels) below what the CPU has; it is named, as the speeds measured depend on it."""
    have = set(flags.split())
    names = " ".join(name for flag, name in ISA_FLAGS if flag in have) or "no AVX2"
    return f"{names} (oneDNN capped: ONEDNN_MAX_CPU_ISA={cap})" if cap else names


def cores() -> int:
    """The CPU cores this process may run on (``taskset`` and cpusets limit them; a container's
    CPU quota does not show here)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _onednn_cap() -> str | None:
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA", "").strip()
    return None if cap.upper() in ("", "ALL", "DEFAULT") else cap  # ALL, DEFAULT: no cap


def _cpuinfo(key: str) -> str | None:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f
                        if line.split(":", 1)[0].strip() == key)
    except (OSError, StopIteration):
        return None


def machine() -> dict:
    """What a benchmark ran on, for its JSON line: the CPU's name and instruction set."""
    import keras

    flags = _cpuinfo("flags")
    return {"cpu": _cpuinfo("model name") or platform.processor() or platform.machine(),
            "isa": isa(flags, _onednn_cap()) if flags is not None else platform.machine(),
            "cores": cores(), "accelerators": accelerators(),
            "backend": backend_version(), "keras": keras.__version__}
