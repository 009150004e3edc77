"""Data augmentation in NumPy, batch by batch: random flips and translations.

Done on uint8 arrays outside the model, so it costs little next to the training step on a CPU
and the model itself stays plain (no preprocessing layers to export or to skip at test time).
"""

from __future__ import annotations

import math

import keras
import numpy as np


def move_slices(dy, dx, h, w):
    """``(target, source)`` index pairs that move an h x w image down by ``dy`` and right by
    ``dx`` pixels: ``out[target] = image[source]``, the rest of ``out`` left as it was."""
    target = (slice(max(dy, 0), h + min(dy, 0)), slice(max(dx, 0), w + min(dx, 0)))
    source = (slice(max(-dy, 0), h + min(-dy, 0)), slice(max(-dx, 0), w + min(-dx, 0)))
    return target, source


def random_flip_shift(x, rng, *, flip=True, shift=4, flipped=None):
    """Flip each image left-right with probability 1/2 and move it by up to ``shift`` pixels in
    each direction, filling with zeros (the pad-and-crop of the CIFAR literature).
    ``flipped`` (one bool per image) says which images to flip, in place of random flips."""
    x = np.asarray(x)
    n, h, w = x.shape[:3]
    if flipped is None:
        flipped = rng.random(n) < 0.5 if flip else np.zeros(n, bool)
    elif len(flipped) != n:
        raise ValueError(f"{len(flipped)} flip flags for {n} images.")
    if not shift:
        return np.where(flipped[:, None, None, None], x[:, :, ::-1], x) if flipped.any() else x
    down, right = shift - rng.integers(0, 2 * shift + 1, (2, n))
    out = np.zeros_like(x)
    # one slice copy per image: four times faster than padding and gathering the whole batch,
    # which matters because it shares the CPU with the training step
    for i, (a, b) in enumerate(zip(down, right, strict=True)):
        target, source = move_slices(a, b, h, w)
        out[i][target] = (x[i, :, ::-1] if flipped[i] else x[i])[source]
    return out


def random_crops(x, size, rng):
    """A ``size`` x ``size`` window of each image, at a random place inside it."""
    n, h, w = x.shape[:3]
    if not isinstance(size, (int, np.integer)) or not 1 <= size <= min(h, w):
        raise ValueError(f"crops of {size!r} pixels do not fit images of {h} x {w}.")
    corners = rng.integers(0, [[h - size + 1], [w - size + 1]], (2, n)).T
    return np.stack([image[a:a + size, b:b + size]
                     for image, (a, b) in zip(x, corners, strict=True)])


class ShuffledBatches(keras.utils.PyDataset):
    """Arrays ``x`` and ``y`` in batches, shuffled anew every epoch, as one endless stream.

    An epoch is ``len(data)`` batches, but the stream does not end: batch ``i`` belongs to
    epoch ``i // len(data)``, which brings its new shuffle. Keras then keeps one data iterator
    for the whole of ``fit`` (give it ``steps_per_epoch=len(data)``, as
    :func:`cnnlab.training.fit` does). With TensorFlow, closing an iterator waits for its
    tf.data autotuning thread to wake, which can take half a minute: with a new iterator
    every epoch, as Keras starts for arrays and finite datasets, that stalled training.
    ``fit`` also feeds the stream through :func:`cnnlab.training.stream`, which turns
    autotuning off, so the end of ``fit`` does not wait either.
    """

    def __init__(self, x, y, *, batch_size=32, seed=0, **kwargs):
        super().__init__(**kwargs)
        if len(x) != len(y):
            raise ValueError(f"{len(x)} images but {len(y)} labels.")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}.")
        self.x, self.y, self.batch_size = x, y, batch_size
        self.rng = np.random.default_rng(seed)
        self.epoch = 0
        self.order = self.rng.permutation(len(self.x))

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    @property
    def num_batches(self):
        return None  # endless, to Keras: see the class docstring

    def new_epoch(self):
        self.order = self.rng.permutation(len(self.x))

    def indices(self, i):
        """The positions in ``x`` of batch ``i`` of the stream."""
        epoch, i = divmod(i, len(self))
        while self.epoch < epoch:  # Keras asks in order; a past epoch's index gets this one's
            self.epoch += 1
            self.new_epoch()
        return self.order[i * self.batch_size : (i + 1) * self.batch_size]

    def __getitem__(self, i):
        idx = self.indices(i)
        return self.x[idx], self.y[idx]


class AugmentedImages(ShuffledBatches):
    """Shuffled batches of augmented images scaled to [0, 1], with one-hot labels; a new
    shuffle and new augmentations every epoch, in an endless stream (see
    :class:`ShuffledBatches`).

    ``flip``: True (each image flipped at random each epoch), False, or "alternate" (airbench's
    alternating flip: random in the first epoch, then each image the other way round from the
    epoch before, so that any two epochs in a row show every image both ways).

    ``crop``: None, or a function of no arguments that says, batch by batch, the side of the
    square random crops to take (None: the whole image). Progressive resizing sets it to a
    small size early in training, when a fully convolutional network then steps faster.
    """

    def __init__(self, x_uint8, y, *, batch_size=256, classes=10, flip=True, shift=4, seed=0,
                 crop=None, **kwargs):
        if np.asarray(x_uint8).dtype != np.uint8:
            raise TypeError("AugmentedImages takes uint8 images, as the loaders return them.")
        if flip not in (True, False, "alternate"):
            raise ValueError(f'flip is True, False or "alternate", got {flip!r}.')
        super().__init__(x_uint8, np.asarray(y).reshape(-1), batch_size=batch_size, seed=seed,
                         **kwargs)
        if crop is not None and not callable(crop):
            raise TypeError(f"crop is None or a function that returns a size, got {crop!r}.")
        self.classes, self.flip, self.shift, self.crop = classes, flip, shift, crop
        self.flipped = self.rng.random(len(self.x)) < 0.5 if flip == "alternate" else None

    def new_epoch(self):
        super().new_epoch()
        if self.flipped is not None:
            self.flipped = ~self.flipped

    def __getitem__(self, i):
        idx = self.indices(i)
        images = random_flip_shift(self.x[idx], self.rng, flip=bool(self.flip), shift=self.shift,
                                   flipped=None if self.flipped is None else self.flipped[idx])
        size = self.crop() if self.crop else None
        if size is not None:
            images = random_crops(images, size, self.rng)
        labels = np.eye(self.classes, dtype="float32")[self.y[idx]]
        return np.divide(images, np.float32(255), dtype=np.float32), labels  # in one pass
