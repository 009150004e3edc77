"""Float32 or mixed bfloat16: whichever trains faster here, found by a short timed probe.

Mixed bf16 pays only where the CPU (or GPU) has fast bf16 arithmetic and the backend's kernels
use it: 1.4x float32's speed on an AMD Zen 4 with AVX512-BF16, 0.1x on a Zen 2 with AVX2 only.
So ``precision="auto"`` times a few training steps of the network in each, and picks the faster;
a precision that cannot train here at all (oneDNN capped below bf16 by ``ONEDNN_MAX_CPU_ISA``
fails to build TensorFlow's bf16 kernels, say) counts as 0 images per second, with a warning.
The decision is remembered per machine, backend and network in ``<cache>/precision.json``;
``CNNLAB_PRECISION_REFRESH=1`` (or ``refresh=True``) probes again. The probe steps on batches
of 64, not a recipe's 1,024: on a CPU without fast bf16 a step of 1,024 would take half a minute.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import warnings

import keras

from .datasets import cache_dir
from .envinfo import machine
from .integrity import atomic_path

PRECISIONS = ("float32", "mixed_bfloat16")
CHOICES = ("auto", *PRECISIONS)
# the probe: a warm-up step, then rounds of one step on a small batch, in turns
PROBE = {"batch_size": 64, "steps": 1, "repeats": 3}


@contextlib.contextmanager
def dtype_policy(precision):
    """Keras's global dtype policy set to ``precision`` (one of :data:`PRECISIONS`) while
    layers are built in the block; they keep it after."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision is one of {CHOICES}, got {precision!r}.")
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def check(precision) -> str:
    if precision not in CHOICES:
        raise ValueError(f"precision is one of {CHOICES}, got {precision!r}: 'auto' times both "
                         f"on this machine and takes the faster.")
    return precision


def _key(name: str) -> str:
    m = machine()
    return " | ".join([m["cpu"], m["isa"], ", ".join(m["accelerators"]) or "no accelerator",
                       m["backend"], f"keras {m['keras']}", name])


def _cache_file():
    return cache_dir() / "precision.json"


def _read_cache() -> dict:
    try:
        cached = json.loads(_cache_file().read_text())
    except (OSError, ValueError):
        return {}  # missing or unreadable: probe again
    return cached if isinstance(cached, dict) else {}


def probe(build) -> dict:
    """Training images per second of ``build()`` in each precision (median of the probe's
    rounds, taken in turns so that a busy spell slows both alike). A precision the machine
    cannot train in (a backend with no bf16 kernel for one of the layers) gets 0, with a
    warning that says why; float32 must train."""
    from .speed import compare_training_speed

    models = {}
    for precision in PRECISIONS:
        with dtype_policy(precision):
            models[precision] = build()
    try:
        rates = compare_training_speed(models, **PROBE)
    except Exception:  # noqa: BLE001 - which precision failed, and why, is found below
        rates = compare_training_speed({"float32": models["float32"]}, **PROBE)  # must train
        try:
            rates.update(compare_training_speed({"mixed_bfloat16": models["mixed_bfloat16"]},
                                                **PROBE))
        except Exception as err:  # noqa: BLE001 - which kernel fails, and how, is the backend's
            warnings.warn(f"mixed_bfloat16 could not train here, so float32 it is "
                          f"({_reason(err)})", stacklevel=2)
            rates["mixed_bfloat16"] = [0.0]
    return {p: round(statistics.median(r), 1) for p, r in rates.items()}


def _reason(err: Exception) -> str:
    """The last line of what went wrong, without Keras's wrapper (its bold middle part) or a
    backend's traceback lines: "could not create a primitive descriptor ...", say."""
    text = str(err)
    if "\x1b[1m" in text:
        text = text.split("\x1b[1m", 1)[1].split("\x1b[0m", 1)[0]
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.strip().startswith(("[[", "[Op:", "File "))]
    return (lines[-1] if lines else type(err).__name__)[:300]


def choose(build, name: str, *, refresh: bool = False) -> dict:
    """The faster precision for the network ``build()`` (named ``name``, which should say its
    widths and input shape) on this machine: ``{"precision": ..., "img_s": {"float32": ...,
    "mixed_bfloat16": ...}, "key": ..., "cached": bool}``. The probe takes a few seconds, once
    per machine and network; a decision in which a precision could not train is not
    remembered, as the failure may pass."""
    key = _key(name)
    refresh = refresh or os.environ.get("CNNLAB_PRECISION_REFRESH") == "1"
    everything = _read_cache()
    if key in everything and not refresh:
        return {**everything[key], "key": key, "cached": True}
    speeds = probe(build)
    decision = {"precision": max(PRECISIONS, key=speeds.get), "img_s": speeds}
    if not all(speeds.values()):
        return {**decision, "key": key, "cached": False}
    everything[key] = decision
    try:
        with atomic_path(_cache_file()) as tmp:
            tmp.write_text(json.dumps(everything, indent=1))
    except OSError as err:  # a read-only cache costs a probe next time, nothing more
        warnings.warn(f"could not remember the precision in {_cache_file()}: {err}",
                      stacklevel=2)
    return {**decision, "key": key, "cached": False}
