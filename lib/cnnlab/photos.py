"""Real colour photographs that ship with scikit-image, for filters, saliency and dreams."""

from __future__ import annotations

import numpy as np
from PIL import Image

# name in skimage.data: what it shows (all real photographs, bundled with scikit-image)
PHOTOS = {
    "astronaut": "astronaut Eileen Collins (NASA)",
    "chelsea": "Chelsea the cat",
    "coffee": "a cup of coffee",
    "rocket": "a rocket on its launch pad (NASA)",
    "hubble_deep_field": "the Hubble deep field (NASA)",
    "immunohistochemistry": "stained tissue under a microscope",
    "retina": "a human retina",
}


def photo(name: str) -> np.ndarray:
    """The named photograph as uint8 RGB (h, w, 3)."""
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose from {sorted(PHOTOS)}")
    from skimage import data

    return np.ascontiguousarray(getattr(data, name)()[..., :3])


def random_crops(n: int, size: int, *, seed: int = 0, names=tuple(PHOTOS)) -> np.ndarray:
    """``n`` square crops of random position and side (``size`` up to the shorter side) from
    the photographs, resized to ``size``: uint8 (n, size, size, 3)."""
    rng = np.random.default_rng(seed)
    images = [photo(name) for name in names]
    out = np.empty((n, size, size, 3), np.uint8)
    for i in range(n):
        img = images[rng.integers(len(images))]
        h, w = img.shape[:2]
        side = int(rng.integers(min(size, h, w), min(h, w) + 1))
        top, left = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        crop = Image.fromarray(img[top:top + side, left:left + side])
        out[i] = np.asarray(crop.resize((size, size), Image.BICUBIC))
    return out
