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


def photo(name: str, long_side: int | None = None) -> np.ndarray:
    """The named photograph as uint8 RGB (h, w, 3), resized (bicubic) so that its longer side
    is ``long_side`` pixels when that is given."""
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose from {sorted(PHOTOS)}")
    from skimage import data

    image = np.ascontiguousarray(getattr(data, name)()[..., :3])
    h, w = image.shape[:2]
    if long_side is None or long_side == max(h, w):
        return image
    if long_side < 1:
        raise ValueError(f"long_side must be a positive number of pixels, got {long_side}")
    scale = long_side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.BICUBIC))


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
