"""Images per second of a model on the machine at hand, for comparisons within one run.

Shared machines are noisy: compare figures measured in one session as ratios, and take the
median of several repeats (these functions do).
"""

from __future__ import annotations

import statistics
import time

import keras
import numpy as np


def _median_rate(run, images: int, repeats: int) -> float:
    run()  # warm-up: compiling and memory allocation are not steady-state speed
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return images / statistics.median(times)


def _check(**values):
    for name, v in values.items():
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive whole number, got {v!r}.")


def training_speed(model, *, batch_size=256, steps=10, repeats=3, seed=0) -> float:
    """Training images per second: ``steps`` SGD steps on random images, median of ``repeats``.

    The model is compiled on a copy of its architecture, so its own weights and optimizer are
    untouched.
    """
    rates = compare_training_speed({"model": model}, batch_size=batch_size, steps=steps,
                                   repeats=repeats, seed=seed)
    return statistics.median(rates["model"])


def compare_training_speed(models: dict, *, batch_size=256, steps=10, repeats=3,
                           seed=0) -> dict:
    """Training images per second of several models, taken in turns: after a warm-up, each
    of ``repeats`` rounds runs ``steps`` SGD steps of every model on the same random batch,
    so a busy spell on a shared machine slows them alike. Returns each name's rates, one per
    round: compare their medians.

    Each model is compiled on a copy of its architecture (its weights are untouched). Steps
    are ``train_on_batch`` calls: a ``fit`` per round would start a data iterator each time,
    and with TensorFlow, ending one sometimes stalls for seconds.
    """
    _check(batch_size=batch_size, steps=steps, repeats=repeats)
    probes = {}
    for name, model in models.items():
        probes[name] = keras.models.clone_model(model)
        probes[name].compile(keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True),
                             "sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    first = next(iter(models.values()))
    x = rng.random((batch_size, *first.input_shape[1:]), dtype="float32")
    y = rng.integers(0, first.output_shape[-1], batch_size)

    def run(probe):
        start = time.perf_counter()
        for _ in range(steps):
            probe.train_on_batch(x, y)
        return batch_size * steps / (time.perf_counter() - start)

    for probe in probes.values():
        run(probe)  # warm-up: compiling and memory allocation are not steady-state speed
    rates = {name: [] for name in probes}
    for _ in range(repeats):
        for name, probe in probes.items():
            rates[name].append(run(probe))
    return rates


def inference_speed(model, *, batch_size=1, steps=10, repeats=3, seed=0) -> float:
    """Inference images per second at ``batch_size``: ``steps`` calls of the compiled predict
    step (``predict_on_batch``, as deployed code would run it), median of ``repeats``."""
    _check(batch_size=batch_size, steps=steps, repeats=repeats)
    x = np.random.default_rng(seed).random((batch_size, *model.input_shape[1:]),
                                           dtype="float32")

    def run():
        for _ in range(steps):
            model.predict_on_batch(x)

    return _median_rate(run, batch_size * steps, repeats)
