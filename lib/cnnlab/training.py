"""Training plumbing: the learning-rate schedule, a compact fit, accuracy and saved models."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import keras
import numpy as np

from . import modes
from .augment import ShuffledBatches, move_slices
from .callbacks import EpochLogger, TimeBudget
from .datasets import cache_dir
from .integrity import atomic_path
from .resume import Backup


def as_float_images(x) -> np.ndarray:
    """uint8 images to float32 in [0, 1], with a channel axis for grey images."""
    x = np.asarray(x)
    if x.dtype != np.uint8:
        raise TypeError(f"expected uint8 images as the loaders return them, got {x.dtype}.")
    if x.ndim == 3:
        x = x[..., None]
    return x.astype("float32") / 255.0


def warmup_cosine(peak_lr: float, total_steps: int, warmup_fraction: float = 0.2):
    """Linear warm-up from 0 to ``peak_lr``, then cosine decay to 0 (a one-cycle shape)."""
    if total_steps < 2:
        raise ValueError(f"total_steps must be at least 2, got {total_steps}.")
    if not 0 <= warmup_fraction < 1:
        raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction}.")
    warmup = int(total_steps * warmup_fraction)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0 if warmup else peak_lr, decay_steps=total_steps - warmup,
        warmup_target=peak_lr if warmup else None, warmup_steps=warmup)


def batches_per_call(n: int) -> int:
    """``steps_per_execution`` for ``compile``: ``n`` batches per call into the backend, which
    spares small networks Python's per-step cost. PyTorch's backend takes one at a time."""
    return 1 if keras.backend.backend() == "torch" else n


def fit(model, x, y=None, *, epochs, batch_size=None, validation=None, log_every=1,
        callbacks=(), images_per_epoch=None, seconds=None):
    """``model.fit`` with one log line per epoch and no progress bar.

    ``x`` is an array (with labels ``y``) or a ``keras.utils.PyDataset`` of batches (then give
    ``images_per_epoch`` for the images/second figure). ``callbacks`` run after the logger;
    a :class:`~cnnlab.resume.Backup` among them runs last and keeps the others' state, so an
    interrupted fit resumes where its last backup left it. Returns ``(history, logger)``;
    ``logger.train_seconds`` is the time spent in epochs. ``seconds``: a training-time budget
    (:class:`~cnnlab.callbacks.TimeBudget`); ``epochs`` is then a cap. Shuffling follows the seed of
    ``keras.utils.set_random_seed``. With TensorFlow, arrays travel as
    :class:`~cnnlab.augment.ShuffledBatches` through :func:`stream`: one data iterator for the
    whole fit, without tf.data's autotuning, so no stalls.
    """
    logger = EpochLogger(images_per_epoch or len(x), every=log_every)
    tensorflow = keras.backend.backend() == "tensorflow"
    if tensorflow and isinstance(x, np.ndarray) and y is not None:
        # Keras would start a data iterator per epoch, and ending one can stall (see stream)
        x, y = ShuffledBatches(x, y, batch_size=batch_size or 32,
                               seed=random.getrandbits(32)), None
        batch_size = None
    # an endless PyDataset (ShuffledBatches, AugmentedImages) counts its epoch in batches
    endless = isinstance(x, keras.utils.PyDataset) and x.num_batches is None
    data = stream(x) if endless and tensorflow else x
    if data is not x:
        _whole_executions(model, len(x))
    backups = [c for c in callbacks if isinstance(c, Backup)]
    others = [logger, *(c for c in callbacks if not isinstance(c, Backup))]
    if seconds is not None:  # first: evaluations at an epoch's end do not count as training
        others.insert(0, TimeBudget(seconds))
    for backup in backups:  # last: it restores the others' state after they reset it
        backup.track(*others)
    history = model.fit(data, y, epochs=epochs, batch_size=batch_size, validation_data=validation,
                        steps_per_epoch=len(x) if endless else None, shuffle=not endless,
                        verbose=0, callbacks=[*others, *backups])
    return history, logger


def _whole_executions(model, steps_per_epoch: int):
    """Lower ``model``'s ``steps_per_execution`` to a divisor of the epoch's steps. On an endless
    tf.data stream, TensorFlow runs whole executions past the epoch's end (Keras truncates the
    last one only where the data ends): 235 steps in executions of 8 trained 240 an epoch,
    beyond the planned schedule."""
    per_call = model.steps_per_execution
    fitting = max(d for d in range(1, per_call + 1) if steps_per_epoch % d == 0)
    if fitting != per_call:
        model.steps_per_execution = fitting
        model.train_function = None  # traced with the old count: trace again


def epochs_trained(model, images: int, batch_size: int) -> float:
    """The passes over ``images`` training images that ``model``'s optimizer has made in
    batches of ``batch_size``: with a time budget, the last one may have ended part-way."""
    if images < 1 or batch_size < 1:
        raise ValueError(f"images and batch_size must be at least 1, got {images}, {batch_size}.")
    return int(model.optimizer.iterations) * batch_size / images


def stream(batches):
    """An endless ``PyDataset`` as a tf.data stream without autotuning: its batches in order,
    two fetched ahead. Keras would prefetch with autotuning on, and when ``fit`` ends, closing
    that iterator waits for tf.data's autotuning thread to wake, which can take a minute."""
    import tensorflow as tf

    first = batches[0]
    spec = [tf.TensorSpec((None, *np.shape(a)[1:]), np.asarray(a).dtype) for a in first]
    if getattr(batches, "crop", None) is not None:  # images change size: leave it open
        spec[0] = tf.TensorSpec((None, None, None, np.shape(first[0])[-1]), spec[0].dtype)
    options = tf.data.Options()
    options.autotune.enabled = False
    data = tf.data.Dataset.from_generator(lambda: map(batches.__getitem__, itertools.count()),
                                          output_signature=tuple(spec))
    return data.prefetch(2).with_options(options)


def translate(x, dy, dx) -> np.ndarray:
    """Images (N, H, W, C) moved down by ``dy`` and right by ``dx`` pixels, the uncovered edge
    filled with zeros, as the training augmentation's pad-and-crop fills it."""
    x = np.asarray(x)
    h, w = x.shape[1:3]
    if abs(dy) >= h or abs(dx) >= w:
        raise ValueError(f"a move of ({dy}, {dx}) pixels leaves nothing of {h}x{w} images.")
    target, source = move_slices(dy, dx, h, w)
    out = np.zeros_like(x)
    out[(slice(None), *target)] = x[(slice(None), *source)]
    return out


def predict_proba(model, x, batch_size=1024, *, flip_tta=False, shift_tta=0) -> np.ndarray:
    """Class probabilities by direct batched calls (``model.predict`` would compile a function
    for every new model, which a lecture comparing many models pays for, and TF warns about).

    Test-time augmentation (right for photos, wrong for digits and text):
    ``flip_tta`` averages with the prediction for the left-right mirrored images;
    ``shift_tta=s`` then averages, at equal weight, with the mean prediction for the views moved
    by ``s`` pixels down-right and up-left (with their mirror images if ``flip_tta``), the
    test-time augmentation of Keller Jordan's airbench.
    """
    def run(images):
        return np.concatenate([keras.ops.convert_to_numpy(model(images[i : i + batch_size],
                                                                training=False))
                               for i in range(0, len(images), batch_size)])

    def views(images):
        return np.mean([run(images), run(images[:, :, ::-1])], axis=0) if flip_tta else run(images)

    if shift_tta < 0:
        raise ValueError(f"shift_tta is a move in pixels, at least 0; got {shift_tta}.")
    if len(x) == 0:
        return np.zeros((0, model.output_shape[-1]), dtype="float32")
    probs = views(x)
    if shift_tta:
        moved = [views(translate(x, d, d)) for d in (shift_tta, -shift_tta)]
        probs = (probs + np.mean(moved, axis=0)) / 2
    return probs


def predict_classes(model, x, batch_size=1024, *, flip_tta=False, shift_tta=0) -> np.ndarray:
    return np.argmax(predict_proba(model, x, batch_size, flip_tta=flip_tta, shift_tta=shift_tta),
                     axis=-1)


def accuracy(model, x, y, batch_size=1024, *, flip_tta=False, shift_tta=0) -> float:
    predicted = predict_classes(model, x, batch_size, flip_tta=flip_tta, shift_tta=shift_tta)
    return float(np.mean(predicted == np.asarray(y).reshape(-1)))


def model_path(name: str) -> Path:
    """Where a lecture's trained model lives: per mode, so a fast run never replaces a full one."""
    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"a model name is a plain file name, got {name!r}.")
    return cache_dir() / "models" / modes.mode() / f"{name}.keras"


def save_model(model, name: str) -> Path:
    """Save a lecture's model under its name (see :func:`model_path`)."""
    return save_model_to(model, model_path(name))


def save_model_to(model, path) -> Path:
    """Save atomically as ``.keras``: no half-written file if interrupted."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"Keras saves models to .keras files, got {path}.")
    with atomic_path(path, suffix=".keras") as tmp:  # Keras insists on the suffix
        model.save(tmp)
    return path


def load_model(name: str):
    """The saved model, or None if this mode has none yet (the caller then trains it)."""
    path = model_path(name)
    if not path.is_file():
        return None
    # safe_mode: no arbitrary code from the file; compile=False: reused for inference
    return keras.models.load_model(path, compile=False)
