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


def plot_confusion(cm, class_names, *, title="confusion matrix", normalize=True):
    """Heat map of a confusion matrix (rows true, columns predicted), counts written in."""
    cm = np.asarray(cm)
    n = len(class_names)
    if cm.shape != (n, n):
        raise ValueError(f"confusion matrix {cm.shape} does not match {n} class names.")
    shown = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    fig, ax = plt.subplots(figsize=(0.55 * n + 2.5, 0.55 * n + 2))
    im = ax.imshow(shown, cmap="Blues")
    ax.set_xticks(range(n), class_names, rotation=45, ha="right")
    ax.set_yticks(range(n), class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    for i in range(n):
        for j in range(n):
            if cm[i, j]:
                dark = shown[i, j] > 0.5 * shown.max()
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, label="fraction of the row" if normalize else "count")
    fig.tight_layout()
    return fig


def filter_grid(kernel, *, ncols=8, title=None, size=1.0, zero_grey=False):
    """Show conv filters (kh, kw, C_in, C_out): colour when C_in is 3, else input channel 0.

    Each filter is scaled on its own, from its min (black) to its max (white); with
    ``zero_grey``, from minus to plus its largest magnitude, so that 0 is mid-grey and a filter
    of one sign shows as one (a filter that averages looks flat, not saturated).
    """
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ValueError(f"expected a conv kernel (kh, kw, C_in, C_out), got {kernel.shape}.")
    filters = np.moveaxis(kernel, -1, 0)
    filters = filters if kernel.shape[2] == 3 else filters[..., 0]
    axes = tuple(range(1, filters.ndim))
    lo = filters.min(axis=axes, keepdims=True)
    hi = filters.max(axis=axes, keepdims=True)
    if zero_grey:
        hi = np.abs(filters).max(axis=axes, keepdims=True)
        lo = -hi
    scaled = (filters - lo) / np.maximum(hi - lo, 1e-12)
    captions = [f"filter {i}" for i in range(len(scaled))]
    fig = image_grid(scaled, ncols=ncols, title=title, size=size,
                     labels=list(range(len(scaled))), class_names=captions)
    for ax in fig.axes:
        for im in ax.images:
            im.set_interpolation("nearest")
    return fig


def feature_maps(maps, *, ncols=8, title=None, size=1.3, cmap="viridis"):
    """Show the channels of one feature map (H, W, C), each scaled on its own."""
    maps = np.asarray(maps)
    if maps.ndim != 3:
        raise ValueError(f"expected one example's feature maps (H, W, C), got {maps.shape}.")
    channels = np.moveaxis(maps, -1, 0)
    return image_grid(channels, labels=list(range(len(channels))),
                      class_names=[f"channel {i}" for i in range(len(channels))],
                      ncols=ncols, title=title, size=size, cmap=cmap)


def side_by_side(images, titles=None, *, height=3.5, title=None):
    """Show photos of any sizes in one row at the same height, each with its title. Float
    images are taken as pixels in [0, 255] (as DeepDream returns them). Returns the Figure."""
    images = list(images)
    if not images:
        raise ValueError("side_by_side needs at least one image.")
    titles = list(titles) if titles is not None else [""] * len(images)
    if len(titles) != len(images):
        raise ValueError(f"{len(titles)} titles for {len(images)} images: give one per image.")
    pixels = [np.clip(np.asarray(im, np.float32), 0, 255).astype(np.uint8) for im in images]
    widths = [p.shape[1] / p.shape[0] for p in pixels]
    fig, axes = plt.subplots(1, len(pixels), figsize=(height * sum(widths), height + 0.4),
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, p, text in zip(axes[0], pixels, titles, strict=True):
        ax.imshow(p)
        ax.set_title(text, fontsize=9)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def step_gains(accuracies: Mapping[str, float], *, title=None):
    """Horizontal bars of accuracy after each cumulative step, each labelled with its accuracy
    and its gain over the step before (the ablation table of a recipe, drawn)."""
    if not accuracies:
        raise ValueError("step_gains needs at least one step.")
    names, values = list(accuracies), 100 * np.asarray(list(accuracies.values()), dtype=float)
    if not np.all((0 <= values) & (values <= 100)):
        raise ValueError(f"accuracies are fractions in [0, 1], got {list(accuracies.values())}.")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.2))
    y = np.arange(len(names))[::-1]  # the first step on top
    ax.barh(y, values, color="tab:blue")
    for yi, value, gain in zip(y, values, np.diff(values, prepend=np.nan), strict=True):
        note = f"{value:.1f} %" + ("" if np.isnan(gain) else f"  ({gain:+.1f})")
        ax.text(value + 0.5, yi, note, va="center", fontsize=9)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 100)
    ax.set_xlabel("test accuracy (%)")
    ax.set_title(title or "the recipe, one step at a time")
    fig.tight_layout()
    return fig


def degradation(curves: Mapping[str, Sequence[float]], *, title=None):
    """Training loss per epoch of plain and residual networks side by side, as in He et al.'s
    figures 1 and 6: ``{"plain-20": [loss per epoch], "residual-56": [...], ...}``."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, kind in zip(axes, ("plain", "residual"), strict=True):
        for name, curve in curves.items():
            if name.startswith(kind):
                ax.plot(range(1, len(curve) + 1), curve, "o-" if "56" in name else "s--",
                        ms=3, label=name)
        ax.set(xlabel="epoch", title=f"{kind} networks")
        ax.legend()
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("training loss")
    fig.suptitle(title or "training loss per epoch (cf. He et al., figures 1 and 6)")
    return fig
