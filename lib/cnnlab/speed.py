"""Images per second of a model on the machine at hand, for comparisons within one run.

Shared machines are noisy: compare figures measured in one session as ratios, and take the
median of several repeats (these functions do).
"""

from __future__ import annotations

import math
import statistics
import time

import keras
import numpy as np

from .losses import SparseCategoricalCrossentropy


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
    return _race(models, batch_size, steps, repeats, seed)[0]


def _race(models, batch_size, steps, repeats, seed):
    """compare_training_speed's rates, and each model's seconds of warm-up (its first
    ``steps`` steps, compiling included)."""
    _check(batch_size=batch_size, steps=steps, repeats=repeats)
    probes = {}
    for name, model in models.items():
        probes[name] = keras.models.clone_model(model)
        probes[name].compile(keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True),
                             SparseCategoricalCrossentropy())
    rng = np.random.default_rng(seed)
    first = next(iter(models.values()))
    x = rng.random((batch_size, *first.input_shape[1:]), dtype="float32")
    y = rng.integers(0, first.output_shape[-1], batch_size)

    def run(probe):
        start = time.perf_counter()
        for _ in range(steps):
            probe.train_on_batch(x, y)
        return time.perf_counter() - start

    # the warm-up: compiling and memory allocation are not steady-state speed
    warmups = {name: run(probe) for name, probe in probes.items()}
    rates = {name: [] for name in probes}
    for _ in range(repeats):
        for name, probe in probes.items():
            rates[name].append(batch_size * steps / run(probe))
    return rates, warmups


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


def images_within(seconds, rates, *, epochs=1, cap=None, step=100, overheads=(),
                  validation_images=0) -> int:
    """How many training images each of several runs may see, for ``epochs`` epochs each, so
    that all the runs together take about ``seconds``, given each one's training images per
    second (``rates``, e.g. medians of :func:`compare_training_speed`). At most ``cap``; rounded
    down to a multiple of ``step``. A lecture keeps its time this way on a slow machine while
    every run still sees the same images for the same epochs.

    ``overheads``: fixed seconds (each run's compiling, say), taken off the budget first.
    ``validation_images``: the images each run predicts after every epoch, at three times its
    training pace (a forward pass is about a third of a training step's work)."""
    if not seconds > 0 or not rates or min(rates) <= 0:
        raise ValueError(f"need a budget above 0 seconds and positive speeds, got {seconds!r} "
                         f"and {list(rates)!r}.")
    _check(epochs=epochs, step=step)
    if cap is not None and cap < step:
        raise ValueError(f"cap ({cap!r}) is below one step of {step} images: give a cap of at "
                         f"least {step}, or a smaller step.")
    if min(overheads, default=0) < 0 or validation_images < 0:
        raise ValueError(f"overheads and validation_images must be 0 or more, got "
                         f"{list(overheads)!r} and {validation_images!r}.")
    fixed = sum(overheads) + sum(epochs * validation_images / (3 * r) for r in rates)
    per_image = epochs * sum(1 / r for r in rates)
    fit = (seconds - fixed) / per_image
    if cap is not None:
        fit = min(fit, cap)
    if fit < step:
        spent = f" after {fixed:.0f} s of probing, compiling and validation" if fixed else ""
        raise ValueError(f"{seconds:g} s fit only {max(fit, 0):.0f} images per run at these "
                         f"speeds ({', '.join(f'{r:.0f}' for r in rates)} img/s){spent}: give a "
                         f"budget of at least {math.ceil(fixed + step * per_image)} s, or fewer "
                         "runs or epochs.")
    return int(fit // step * step)


def plan_images(models: dict, seconds, *, epochs=1, batch_size=128, steps=2, cap=None,
                step=100, validation_images=0) -> int:
    """:func:`images_within` for ``models`` (name to model) at the pace this machine shows
    now: the models are raced once (:func:`compare_training_speed`, ``steps`` steps of
    ``batch_size``). The budget counts the whole experiment: this probe's own time, each run's
    compiling (its warm-up, less its steps at full pace), its training and its validation.
    A ``step`` of ``batch_size`` leaves no partial batch, which JAX would compile again."""
    if not models:
        raise ValueError("give at least one model to plan for, as {name: model}.")
    if not seconds > 0:
        raise ValueError(f"need a budget above 0 seconds, got {seconds!r}.")
    _check(epochs=epochs, step=step)
    start = time.perf_counter()
    rates, warmups = _race(models, batch_size, steps, 1, 0)
    paces = {name: statistics.median(r) for name, r in rates.items()}
    compiling = [max(warmups[name] - batch_size * steps / paces[name], 0.0) for name in paces]
    probing = time.perf_counter() - start
    return images_within(seconds, list(paces.values()), epochs=epochs, cap=cap, step=step,
                         overheads=[probing, *compiling], validation_images=validation_images)


def within(seconds, items):
    """``items`` one by one while the time since the first leaves room for another as long as
    the last one took: a loop of timings then keeps a lecture's time on a slow machine by doing
    fewer of them. An item is taken from ``items`` only when it will be used."""
    if not seconds > 0:
        raise ValueError(f"need a budget above 0 seconds, got {seconds!r}.")
    return _within(seconds, iter(items))


def _within(seconds, items):
    start = last = time.perf_counter()
    while True:
        now = time.perf_counter()
        previous, last = now - last, now
        if now - start + previous > seconds:
            return
        try:
            item = next(items)
        except StopIteration:
            return
        yield item
