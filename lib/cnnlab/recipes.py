"""Training recipes shared by the lectures and the benchmarks, so both run the same code."""

from __future__ import annotations

import math

import keras

from . import models, training


def train_modern_lenet(x_train, y_train, *, epochs=4, batch_size=256, peak_lr=0.006,
                       shift=0.07, validation=None, log_every=1, seed=0):
    """The modern LeNet: ReLU, max-pooling, Adam with warm-up and cosine decay, and random
    shifts of up to ``shift`` x 28 (about 2) pixels while training.

    ``x_train``: float images (N, 28, 28, 1) in [0, 1]. Returns ``(model, history, logger)``.
    ``steps_per_execution`` runs several batches per call into TensorFlow: for a network this
    small, Python's per-step overhead is a large share of the time.
    """
    keras.utils.set_random_seed(seed)
    model = models.lenet5("relu", "max", input_shape=tuple(x_train.shape[1:]), shift=shift)
    steps = epochs * math.ceil(len(x_train) / batch_size)
    model.compile(keras.optimizers.Adam(training.warmup_cosine(peak_lr, steps)),
                  "sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=8)
    history, logger = training.fit(model, x_train, y_train, epochs=epochs,
                                   batch_size=batch_size, validation=validation,
                                   log_every=log_every)
    return model, history, logger
