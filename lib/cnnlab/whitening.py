"""A first layer that whitens image patches: a fixed convolution computed from the data.

The first convolution of a CIFAR network spends its early training learning to decorrelate
neighbouring pixels and colours. Keller Jordan's airbench (2024) skips that: its first layer is a
2x2 convolution whose filters are the eigenvectors of the training patches' covariance, scaled
to unit variance (and their negatives, so a ReLU-like activation loses nothing). It is set
before training, left frozen, and the network learns faster from the start.
"""

from __future__ import annotations

import numpy as np


def patches(images, size: int) -> np.ndarray:
    """Every ``size`` x ``size`` patch of ``images`` (N, H, W, C), flattened in the order of a
    Keras kernel (row, column, channel): shape (N * (H - size + 1) * (W - size + 1), size² C)."""
    x = np.asarray(images)
    if x.ndim != 4 or min(x.shape[1:3]) < size or size < 1:
        raise ValueError(f"expected images (N, H, W, C) of at least {size}x{size} pixels, "
                         f"got shape {x.shape}.")
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(1, 2))
    # (N, H', W', C, size, size) -> (N, H', W', size, size, C)
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, size * size * x.shape[-1])


def whitening_filters(images, size: int = 2, eps: float = 5e-4):
    """Kernel (size, size, C, 2 size² C) and bias for a convolution that whitens the patches of
    ``images`` (float, any scale): filter k is the k-th principal direction of the centred
    patches divided by the square root of its variance, most variance first, then the same
    filters negated. On the training patches, the first half of the outputs then has zero mean
    and (nearly) the identity covariance.

    ``eps`` regularises the smallest directions, in units of the per-channel-standardised
    images' variance (airbench's 5e-4), so it does not depend on the images' scale.
    """
    x = np.asarray(images, np.float64)
    p, channels = patches(x, size), x.shape[-1]
    if len(p) < p.shape[1]:
        raise ValueError(f"{len(p)} patches cannot estimate a {p.shape[1]}-dimensional "
                         "covariance: give more images.")
    mean = p.mean(axis=0)
    centred = p - mean
    covariance = centred.T @ centred / len(p)
    # eps counts in standardised units: scale it by each input's own variance
    scale = np.tile(np.diag(covariance).reshape(-1, channels).mean(axis=0), size * size)
    values, vectors = np.linalg.eigh(covariance / np.sqrt(np.outer(scale, scale)))
    values, vectors = values[::-1], vectors[:, ::-1]  # most variance first
    filters = vectors / np.sqrt(values + eps) / np.sqrt(scale)[:, None]
    filters = np.concatenate([filters, -filters], axis=1)
    kernel = filters.reshape(size, size, channels, -1).astype("float32")
    return kernel, (-mean @ filters).astype("float32")
