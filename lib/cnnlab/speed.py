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


def images_within(seconds, rates, *, epochs=1, cap=None, step=100) -> int:
    """How many training images each of several runs may see, for ``epochs`` epochs each, so
    that all the runs together take about ``seconds``, given each one's training images per
    second (``rates``, e.g. medians of :func:`compare_training_speed`). At most ``cap``; rounded
    down to a multiple of ``step``. A lecture keeps its time this way on a slow machine while
    every run still sees the same images for the same epochs."""
    if not seconds > 0 or not rates or min(rates) <= 0:
        raise ValueError(f"need a budget above 0 seconds and positive speeds, got {seconds!r} "
                         f"and {list(rates)!r}.")
    _check(epochs=epochs, step=step)
    fit = seconds / (epochs * sum(1 / r for r in rates))
    if cap is not None:
        fit = min(fit, cap)
    if fit < step:
        raise ValueError(f"{seconds:g} s fit only {fit:.0f} images per run at these speeds "
                         f"({', '.join(f'{r:.0f}' for r in rates)} img/s): give a budget of at "
                         f"least {seconds * step / fit:.0f} s, or fewer runs or epochs.")
    return int(fit // step * step)
