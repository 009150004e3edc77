"""Reference convolution and pooling in NumPy, vectorised, NHWC like Keras.

Notebook 01 builds these from loops first; these are the versions the later lectures reuse,
and tests hold them equal to Keras.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .layer_math import same_padding

PADDINGS = ("valid", "same")


def _pairs(value, name):
    pair = (value, value) if np.isscalar(value) else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < 1 for v in pair):
        raise ValueError(f"{name} must be a positive int or a pair of them, got {value!r}.")
    return tuple(int(v) for v in pair)


def _pad(x, padding, window, stride, dilation=(1, 1), value=0.0):
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, got {padding!r}.")
    if padding == "valid":
        return x
    (top, bottom), (left, right) = (
        same_padding(x.shape[ax], window[i], stride[i], dilation[i]) for i, ax in enumerate((1, 2))
    )
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def _windows(x, window, stride, dilation=(1, 1)):
    """All windows: (N, H_out, W_out, C, kh, kw), a view (no copy) of the padded input."""
    span = tuple(d * (k - 1) + 1 for k, d in zip(window, dilation, strict=True))
    if x.shape[1] < span[0] or x.shape[2] < span[1]:
        raise ValueError(f"window {span} is larger than the (padded) input {x.shape[1:3]}.")
    v = sliding_window_view(x, span, axis=(1, 2))
    return v[:, :: stride[0], :: stride[1], :, :: dilation[0], :: dilation[1]]


def conv2d(x, kernel, bias=None, *, strides=1, padding="valid", dilation=1):
    """Cross-correlation as ``keras.layers.Conv2D`` computes it.

    x: (N, H, W, C_in); kernel: (kh, kw, C_in, C_out), Keras's layout; bias: (C_out,).
    """
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if x.ndim != 4 or kernel.ndim != 4:
        raise ValueError(f"x must be NHWC and kernel (kh, kw, C_in, C_out); got {x.shape}, "
                         f"{kernel.shape}.")
    if x.shape[-1] != kernel.shape[2]:
        raise ValueError(f"input has {x.shape[-1]} channels, kernel expects {kernel.shape[2]}.")
    strides, dilation = _pairs(strides, "strides"), _pairs(dilation, "dilation")
    window = kernel.shape[:2]
    win = _windows(_pad(x, padding, window, strides, dilation), window, strides, dilation)
    # sum over C_in, kh, kw of window * kernel, for every output channel
    out = np.einsum("nhwcij,ijco->nhwo", win, kernel, optimize=True)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64)
    return out


def pool2d(x, pool_size=2, strides=None, *, padding="valid", mode="max"):
    """Max or average pooling as ``keras.layers.MaxPooling2D`` / ``AveragePooling2D`` compute it.

    With ``padding="same"`` the padded positions never win a max and are not counted in an
    average (TensorFlow's rule).
    """
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}.")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"x must be NHWC, got shape {x.shape}.")
    window = _pairs(pool_size, "pool_size")
    strides = window if strides is None else _pairs(strides, "strides")
    if mode == "max":
        win = _windows(_pad(x, padding, window, strides, value=-np.inf), window, strides)
        return win.max(axis=(-2, -1))
    ones = np.ones(x.shape[:3] + (1,))
    total = _windows(_pad(x, padding, window, strides), window, strides).sum(axis=(-2, -1))
    count = _windows(_pad(ones, padding, window, strides), window, strides).sum(axis=(-2, -1))
    return total / count
