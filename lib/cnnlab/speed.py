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


def _check(batch_size, steps, repeats):
    for name, v in (("batch_size", batch_size), ("steps", steps), ("repeats", repeats)):
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive whole number, got {v!r}.")


def training_speed(model, *, batch_size=256, steps=10, repeats=3, seed=0) -> float:
    """Training images per second: ``steps`` SGD steps on random images, median of ``repeats``.

    The model is compiled on a copy of its architecture, so its own weights and optimizer are
    untouched.
    """
    _check(batch_size, steps, repeats)
    probe = keras.models.clone_model(model)
    probe.compile(keras.optimizers.SGD(0.01, momentum=0.9), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    x = rng.random((batch_size * steps, *model.input_shape[1:]), dtype="float32")
    y = rng.integers(0, model.output_shape[-1], len(x))
    return _median_rate(lambda: probe.fit(x, y, batch_size=batch_size, epochs=1, verbose=0,
                                          shuffle=False), len(x), repeats)


def inference_speed(model, *, batch_size=1, steps=10, repeats=3, seed=0) -> float:
    """Inference images per second at ``batch_size``: ``steps`` calls of the compiled predict
    step (``predict_on_batch``, as deployed code would run it), median of ``repeats``."""
    _check(batch_size, steps, repeats)
    x = np.random.default_rng(seed).random((batch_size, *model.input_shape[1:]),
                                           dtype="float32")

    def run():
        for _ in range(steps):
            model.predict_on_batch(x)

    return _median_rate(run, batch_size * steps, repeats)
