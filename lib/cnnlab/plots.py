"""Pictures the notebooks share: labelled image grids and training curves."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np


def image_grid(images, labels=None, class_names=None, predictions=None, *, ncols=8,
               title=None, size=1.4, cmap="gray"):
    """Show images in a grid with their class names under them.

    With ``predictions``, each caption reads ``predicted (true)`` and wrong ones are red.
    Returns the matplotlib Figure.
    """
    images = np.asarray(images)
    n = len(images)
    if n == 0:
        raise ValueError("image_grid needs at least one image.")
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] not in (1, 3)):
        raise ValueError(
            f"image_grid takes (N, H, W) or (N, H, W, 1 or 3) images, got shape {images.shape}."
        )
    for name, seq in (("labels", labels), ("predictions", predictions)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{len(seq)} {name} for {n} images: give one per image.")

    def caption(i):
        def name(k):
            k = int(k)
            return class_names[k] if class_names is not None else str(k)

        if predictions is None:
            return (name(labels[i]) if labels is not None else ""), "black"
        if labels is None:
            return name(predictions[i]), "black"
        ok = int(predictions[i]) == int(labels[i])
        text = name(predictions[i]) if ok else f"{name(predictions[i])}\n({name(labels[i])})"
        return text, "black" if ok else "red"

    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.35) * nrows),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        img = images[i]
        if img.ndim == 3 and img.shape[-1] == 1:
            img = img[..., 0]
        ax.imshow(img, cmap=cmap if img.ndim == 2 else None)
        text, color = caption(i)
        ax.set_title(text, fontsize=9, color=color)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _history_dict(history) -> dict:
    if isinstance(history, Mapping):
        return dict(history)
    if hasattr(history, "history"):  # keras.callbacks.History
        return dict(history.history)
    raise TypeError(f"expected a Keras History or a dict of per-epoch lists, got {type(history)}.")


def plot_history(histories, metrics: Sequence[str] = ("loss", "accuracy"), *, title=None):
    """Training curves, one panel per metric, train solid and validation dashed.

    ``histories`` is a History (or dict), or a mapping ``{label: history}`` to compare runs.
    """
    if isinstance(histories, Mapping) and all(
        hasattr(v, "history") or isinstance(v, Mapping) for v in histories.values()
    ) and histories:
        runs = {label: _history_dict(h) for label, h in histories.items()}
    else:
        runs = {"": _history_dict(histories)}
    for label, h in runs.items():
        missing = [m for m in metrics if m not in h]
        if missing:
            raise KeyError(f"run {label or 'history'} has no {missing}; it has {sorted(h)}.")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, (label, h) in enumerate(runs.items()):
            color = f"C{i}"
            epochs = np.arange(1, len(h[metric]) + 1)
            prefix = f"{label} " if label else ""
            ax.plot(epochs, h[metric], color=color, label=f"{prefix}train")
            if f"val_{metric}" in h:
                ax.plot(epochs, h[f"val_{metric}"], "--", color=color, label=f"{prefix}validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
