"""DeepDream (Mordvintsev, Olah and Tyka, 2015): gradient ascent on a photo's own pixels so
that chosen layers of a trained network respond more strongly to it.

Unlike feature visualisation (``featurevis``), the objective is every channel of a layer at
once, the mean of its squared activations, and the start is a photograph, not noise: whatever
the network half-sees in the photo it is pushed to see more. What makes it work:

- **octaves**: dream first on a small copy of the photo (large patterns), then on larger ones;
- **detail re-injection**: each octave starts from the photo at that octave's size, which still
  has the fine detail that shrinking lost, plus the dream so far (``dream - base``) enlarged;
- **normalised steps**: each gradient is divided by its mean absolute value, so one step moves
  pixels by about ``step_size`` grey levels whatever the layer's scale; pixels stay in [0, 255];
- **jitter**: the photo is rolled by a few random pixels at each step, which hides the grid of
  strided layers;
- **tiles** for large photos: the gradient is computed tile by tile, each tile with a margin of
  context, and the grid moves randomly at every step, so no seam stays in place.

The gradient comes from ``gradients.gradient_function``, shared with notebook 06.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import keras
import numpy as np
from PIL import Image

from .gradients import gradient_function, layer_model
from .integrity import atomic_path
from .progress import Progress


def _layer_weights(layers) -> dict[str, float]:
    if isinstance(layers, str):
        layers = {layers: 1.0}
    elif not isinstance(layers, Mapping):
        layers = {name: 1.0 for name in layers}
    weights = {str(k): float(v) for k, v in layers.items()}
    if not weights or not all(math.isfinite(w) for w in weights.values()):
        raise ValueError("give at least one layer and finite weights, e.g. "
                         f"{{'block5c_add': 1.0}}; got {layers!r}")
    return weights


class Objective:
    """Any objective to dream with: ``objective(x) -> scalar`` of a batch of one image
    (1, h, w, 3) of pixels in [0, 255], with its gradient, whole or tile by tile.

    Tiles assume the objective is a mean over positions (a layer's mean activation, a logit
    after global pooling), so that each window's value stands for its share of the image.
    """

    def __init__(self, objective):
        self._objective = objective
        self._climb = gradient_function(objective)

    def loss(self, image) -> float:
        """The objective on one image (h, w, 3) of pixels in [0, 255]."""
        x = np.asarray(image, np.float32)[None]
        return float(keras.ops.convert_to_numpy(self._objective(x)))

    def gradient(self, image: np.ndarray, *, tile_size: int | None = None, margin: int = 32,
                 offset=(0, 0)) -> tuple[float, np.ndarray]:
        """(objective, its gradient) for one image (h, w, 3). With ``tile_size``, the gradient is
        assembled from tiles of at most that side, on a grid that starts ``offset`` (y, x)
        pixels in, each computed with ``margin`` pixels of context around it; the objective is
        then the area-weighted mean of the windows' objectives."""
        image = np.asarray(image, np.float32)
        if tile_size is None:
            value, grad = self._climb(image[None])
            return value, grad[0]
        if tile_size < 32 or margin < 0:
            raise ValueError(f"tile_size must be at least 32 and margin at least 0, "
                             f"got {tile_size} and {margin}")
        h, w = image.shape[:2]
        (wh, rows), (ww, cols) = (tile_windows(h, tile_size, margin, offset[0]),
                                  tile_windows(w, tile_size, margin, offset[1]))
        # the objective is a mean over the window: weigh it by the window's share of the image
        # so that every tile's gradient is on the scale of the whole image's
        share = wh * ww / (h * w)
        grad = np.zeros_like(image)
        total = 0.0
        for y0, y1, sy in rows:
            for x0, x1, sx in cols:
                value, g = self._climb(image[None, sy:sy + wh, sx:sx + ww])
                grad[y0:y1, x0:x1] = share * g[0, y0 - sy:y1 - sy, x0 - sx:x1 - sx]
                total += value * (y1 - y0) * (x1 - x0)
        return total / (h * w), grad


class Dreamer(Objective):
    """DeepDream's objective for one network and a weighted mix of its layers:
    ``Dreamer(model, {"block4c_add": 1.0, "block5c_add": 0.5}, preprocess)``.

    The objective is the weighted sum, over the layers, of the mean squared activation.
    ``preprocess`` maps pixels in [0, 255] to the model's input.
    """

    def __init__(self, model: keras.Model, layers, preprocess=None):
        self.weights = _layer_weights(layers)
        self.features = layer_model(model, list(self.weights))
        self._prep = preprocess or (lambda t: t)
        coeffs = list(self.weights.values())

        def objective(x):
            return sum(w * keras.ops.mean(keras.ops.square(a))
                       for w, a in zip(coeffs, self._activations(x), strict=True))

        super().__init__(objective)

    def _activations(self, x) -> list:
        acts = self.features(self._prep(x), training=False)
        return list(acts) if isinstance(acts, (list, tuple)) else [acts]

    def layer_losses(self, image) -> dict[str, float]:
        """Each chosen layer's mean squared activation on one image, unweighted."""
        acts = self._activations(np.asarray(image, np.float32)[None])
        return {name: float(np.mean(np.square(keras.ops.convert_to_numpy(a))))
                for name, a in zip(self.weights, acts, strict=True)}


def tile_windows(length: int, tile: int, margin: int, offset: int):
    """How :meth:`Objective.gradient` tiles one axis of ``length`` pixels: the window side
    and, per tile, (start, stop, window start).

    Tiles are at most ``tile`` long, on a grid that starts ``offset`` (mod tile) pixels in.
    Every window has the same side, ``tile + 2 margin`` (or the whole axis), so the compiled
    gradient is reused; it holds its tile with ``margin`` pixels of context on each side, or up
    to the image's own edge.
    """
    side = min(tile + 2 * margin, length)
    edges = sorted({0, length, *range(offset % tile, length, tile)})
    return side, [(a, b, min(max(a - margin, 0), length - side))
                  for a, b in zip(edges[:-1], edges[1:], strict=True)]


def resize(image: np.ndarray, shape) -> np.ndarray:
    """A float image (h, w, 3) resized to ``shape`` (h, w) with bicubic interpolation (PIL
    filters what it shrinks, so the small octaves do not alias)."""
    size = (int(shape[1]), int(shape[0]))
    return np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(image[..., c], np.float32))
                                .resize(size, Image.BICUBIC)) for c in range(image.shape[-1])], -1)


def octave_shapes(shape, octaves: int, scale: float) -> list[tuple[int, int]]:
    """The image sizes of the octaves, smallest first; the last is ``shape`` itself."""
    if octaves < 1 or scale <= 1.0:
        raise ValueError(f"need octaves >= 1 and an octave scale > 1, got {octaves} and {scale}")
    h, w = shape[:2]
    return [(max(1, round(h / scale ** i)), max(1, round(w / scale ** i)))
            for i in reversed(range(octaves))]


def dream(dreamer: Objective, image, *, octaves: int = 3, octave_scale: float = 1.4,
          steps: int = 20, step_size: float = 2.0, jitter: int = 16,
          tile_size: int | None = None, margin: int = 32, move_tiles: bool = True,
          seed: int = 0, progress: bool = False, callback=None) -> np.ndarray:
    """Dream on a photo (h, w, 3), uint8 or floats in [0, 255]; returns floats in [0, 255].

    ``dreamer`` is a :class:`Dreamer`, or any :class:`Objective` (a class's logit, a guide
    image's features: notebook 07's exercises dream with such objectives).

    ``steps`` gradient steps per octave, each moving pixels by ``step_size`` grey levels on
    average. ``tile_size`` (pixels) computes gradients tile by tile, each with ``margin`` pixels
    of context, for photos too large to process whole; the tile grid moves randomly at every
    step unless ``move_tiles=False``. ``progress`` shows a bar (``cnnlab.progress``: updated
    in place in a notebook, on stderr elsewhere); ``callback(octave, step, objective)`` is
    called after every step.
    """
    base = np.asarray(image, np.float32)
    if base.ndim != 3 or base.shape[-1] != 3:
        raise ValueError(f"dream takes one RGB image of shape (h, w, 3), got {base.shape}")
    if steps < 1 or step_size <= 0 or jitter < 0:
        raise ValueError(f"need steps >= 1, step_size > 0 and jitter >= 0, "
                         f"got {steps}, {step_size} and {jitter}")
    shapes = octave_shapes(base.shape, octaves, octave_scale)
    if min(shapes[0]) < 32:
        raise ValueError(f"the smallest octave would be {shapes[0][0]} x {shapes[0][1]} pixels; "
                         f"use fewer octaves or a smaller octave_scale for a {base.shape[:2]} "
                         "image")
    rng = np.random.default_rng(seed)
    bar = Progress(octaves * steps, "dreaming", enabled=progress)
    detail = np.zeros((*shapes[0], 3), np.float32)
    for octave, shape in enumerate(shapes):
        octave_base = base if shape == base.shape[:2] else resize(base, shape)
        x = octave_base + resize(detail, shape)
        for step in range(steps):
            dy, dx = rng.integers(-jitter, jitter + 1, size=2)
            rolled = np.roll(x, (dy, dx), axis=(0, 1))
            offset = rng.integers(0, tile_size, size=2) if tile_size and move_tiles else (0, 0)
            value, grad = dreamer.gradient(rolled, tile_size=tile_size, margin=margin,
                                           offset=offset)
            grad = np.roll(grad, (-dy, -dx), axis=(0, 1))
            x = np.clip(x + step_size * grad / (np.abs(grad).mean() + 1e-8), 0.0, 255.0)
            bar.update(f"octave {octave + 1}/{octaves} {shape[1]}x{shape[0]}")
            if callback is not None:
                callback(octave, step, value)
        detail = x - octave_base
    bar.close()
    return x


def seam_strength(before, after, axis: int) -> np.ndarray:
    """How far the dream's change (``after - before``) jumps more, or less, across each boundary
    between neighbouring rows (``axis=0``) or columns (``axis=1``) than across the boundaries
    3 to 6 pixels away on each side: ``|jump / jump nearby - 1|``. About 0 where the change is
    as smooth as around it; a seam stands out, whether it draws a line (a larger jump) or
    leaves a flat band (a smaller one). The six boundaries nearest each edge are given 0."""
    change = np.asarray(after, np.float32) - np.asarray(before, np.float32)
    others = tuple(a for a in range(change.ndim) if a != axis)
    jump = np.abs(np.diff(change, axis=axis)).mean(axis=others)
    out = np.zeros_like(jump)
    i = np.arange(6, len(jump) - 6)
    around = sum(jump[i + k] for k in (-6, -5, -4, -3, 3, 4, 5, 6)) / 8
    out[i] = np.abs(jump[i] / np.maximum(around, 1e-12) - 1)
    return out


def seam_at(before, after, borders, reach: int = 2) -> float:
    """The seam strength at a grid of tile borders: for each border (the boundary after pixel
    ``b``, along both axes), the largest ``seam_strength`` within ``reach`` boundaries of it,
    averaged over the borders."""
    strengths = [seam_strength(before, after, axis) for axis in (0, 1)]
    return float(np.mean([max(s[max(b - reach, 0):b + reach + 1].max() for s in strengths)
                          for b in borders]))


def save_png(image, path) -> Path:
    """Save floats in [0, 255] (or uint8) as an 8-bit PNG, atomically; returns the path."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"save_png writes PNG files: give a path ending in .png, "
                         f"not {path.name!r}")
    pixels = np.clip(np.rint(np.asarray(image, np.float32)), 0, 255).astype(np.uint8)
    if pixels.ndim != 3 or pixels.shape[-1] != 3:
        raise ValueError(f"save_png takes one RGB image of shape (h, w, 3), got {pixels.shape}")
    with atomic_path(path) as tmp:
        Image.fromarray(pixels).save(tmp, format="PNG")
    return path
