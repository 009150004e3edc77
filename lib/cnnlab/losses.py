"""Cross-entropy on softmax outputs that keeps its gradient on every backend.

The course's classifiers end in a softmax, and Keras's ``CategoricalCrossentropy`` takes their
probabilities. On TensorFlow, Keras quietly finds the logits behind the softmax and computes the
loss from them, so its gradient, ``p - target``, never vanishes. JAX's tracers and PyTorch's
backend have no such shortcut: the loss is ``log(clip(p, 1e-7, 1 - 1e-7))``, and once a
confident mistake pushes a probability below 1e-7 (a logit gap of about 16) the clip passes no
gradient at all. At a high learning rate a single bad step can do that to the whole batch, and
the network stops learning: ResNet-9 at peak rate 0.2 ended at chance (11 %) on JAX where
TensorFlow reached 31-42 %.

These losses take the log of the probabilities themselves, floored only where float32 runs out,
so on every backend their gradient with respect to the logits is ``p - target``, as on
TensorFlow, up to a logit gap of about 87 instead of 16. ``SparseCategoricalCrossentropy`` is
the same loss for integer labels.
"""

from __future__ import annotations

import keras
from keras import ops

# float32's smallest normal number: below it a probability has no precision left to take the
# log of; above it the softmax's Jacobian cancels 1 / p exactly.
TINY = 1.1754944e-38


@keras.saving.register_keras_serializable(package="cnnlab")
class CategoricalCrossentropy(keras.losses.Loss):
    """``keras.losses.CategoricalCrossentropy`` for probabilities (one-hot targets), with
    the same ``label_smoothing`` and values, whose gradient survives saturated outputs."""

    def __init__(self, label_smoothing: float = 0.0, name: str = "categorical_crossentropy",
                 **kwargs):
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {label_smoothing}")
        super().__init__(name=name, **kwargs)
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        sizes = (y_true.shape[-1], y_pred.shape[-1])
        if None not in sizes and sizes[0] != sizes[1]:  # None: a symbolic size
            raise ValueError(f"targets of shape {tuple(y_true.shape)} for outputs of shape "
                             f"{tuple(y_pred.shape)}: give one-hot targets "
                             "(keras.utils.to_categorical) or use a sparse loss for labels")
        if self.label_smoothing:
            classes = ops.cast(ops.shape(y_true)[-1], y_pred.dtype)
            y_true = y_true * (1.0 - self.label_smoothing) + self.label_smoothing / classes
        return _cross_entropy(y_true, y_pred)

    def get_config(self) -> dict:
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


@keras.saving.register_keras_serializable(package="cnnlab")
class SparseCategoricalCrossentropy(keras.losses.Loss):
    """``keras.losses.SparseCategoricalCrossentropy`` for probabilities (integer labels, one
    per output position: shape ``(batch,)`` or ``(batch, 1)`` for a classifier), with the same
    values, whose gradient survives saturated outputs. On TensorFlow and JAX a label outside
    ``[0, classes)`` is not caught inside a compiled step: it counts as a zero loss (PyTorch
    raises, as Keras's own loss does on TensorFlow)."""

    def __init__(self, name: str = "sparse_categorical_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.convert_to_tensor(y_true)
        if len(y_true.shape) == len(y_pred.shape):
            if y_true.shape[-1] not in (1, None):  # None: a symbolic size
                raise ValueError(f"labels of shape {tuple(y_true.shape)} for outputs of shape "
                                 f"{tuple(y_pred.shape)}: give one integer label per example, "
                                 "or use CategoricalCrossentropy for one-hot targets")
            y_true = ops.reshape(y_true, ops.shape(y_pred)[:-1])
        targets = ops.one_hot(ops.cast(y_true, "int32"), y_pred.shape[-1], dtype=y_pred.dtype)
        return _cross_entropy(targets, y_pred)


def _cross_entropy(targets, probs):
    probs = probs / ops.sum(probs, axis=-1, keepdims=True)
    return -ops.sum(targets * ops.log(ops.maximum(probs, TINY)), axis=-1)
