"""Depthwise convolution that is quick on JAX's CPU backend too.

XLA's CPU compiler runs a depthwise convolution (one filter per channel, a grouped convolution
with as many groups as channels) as a slow generic loop, forwards and above all backwards: on
the course's 2-core CPU, gradient ascent through EfficientNet-Lite (notebooks 06 and 07) ran
about five times slower on JAX than on TensorFlow. Written as what it is, a weighted sum of
``k * k`` shifted copies of the input, it becomes elementwise work that XLA fuses well.
TensorFlow, PyTorch and JAX on a GPU keep Keras's own kernel.
"""

from __future__ import annotations

import functools

import keras
from keras import ops


@functools.cache
def shifted_sums() -> bool:
    """True where depthwise convolutions should run as shifted sums: JAX on a CPU."""
    if keras.backend.backend() != "jax":
        return False
    import jax

    return jax.default_backend() == "cpu"


def _same_padding(size: int, kernel: int, stride: int) -> tuple[int, int, int]:
    """(output size, padding before, padding after) of a "same" convolution along one axis."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def shifted_depthwise(x, kernel, strides=(1, 1), padding="same"):
    """``keras.ops.depthwise_conv`` (channels last, depth multiplier 1, no dilation) as a sum
    of shifted, strided slices of ``x`` weighted by ``kernel`` (kh, kw, channels, 1)."""
    kh, kw, channels, multiplier = kernel.shape
    if multiplier != 1:
        raise ValueError(f"shifted_depthwise takes a depth multiplier of 1, got {multiplier}")
    (sh, sw), (h, w) = strides, x.shape[1:3]
    if padding == "same":
        (oh, top, bottom), (ow, left, right) = (_same_padding(h, kh, sh),
                                                _same_padding(w, kw, sw))
        x = ops.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    else:
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = 0.0
    for i in range(kh):
        for j in range(kw):
            window = x[:, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw, :]
            out = out + window * kernel[i, j, :, 0]
    return out


@keras.saving.register_keras_serializable(package="cnnlab")
class DepthwiseConv2D(keras.layers.DepthwiseConv2D):
    """Keras's layer with the same weights, configuration and results; on JAX's CPU backend it
    computes :func:`shifted_depthwise` (channels last, depth multiplier 1, no dilation)."""

    def call(self, inputs):
        if not (shifted_sums() and self.depth_multiplier == 1 and self.data_format ==
                "channels_last" and tuple(self.dilation_rate) == (1, 1)
                and all(isinstance(n, int) for n in inputs.shape[1:3])):  # sizes fixed by jit
            return super().call(inputs)
        outputs = shifted_depthwise(inputs, ops.cast(self.kernel, inputs.dtype),
                                    tuple(self.strides), self.padding)
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs) if self.activation is not None else outputs
