"""Feature visualisation: images that excite one channel of a layer, by gradient ascent.

The naive version climbs the gradient of the channel's mean activation with respect to the
pixels and finds high-frequency noise. The regularisers of Olah, Mordvintsev and Schubert,
"Feature Visualization" (Distill, 2017) make the images readable:

- transformation robustness: each step sees the image randomly shifted (jitter), scaled and
  rotated, so only patterns that survive small moves get reinforced;
- a decorrelated parameterisation: climbing in a Fourier basis whose amplitudes are scaled down
  at high frequencies, with colours decorrelated, instead of in raw pixels. For plain gradient
  ascent, a basis scaled by f^-d is exactly the same as filtering each pixel gradient by f^-2d
  (``precondition``), which is how it is done here. Lucid uses d = 1 with Adam; with plain,
  normalised steps d = 0.5 keeps more detail;
- blur (Yosinski et al., 2015): a light Gaussian blur every few steps damps what is left of
  the high frequencies.

All the channels are optimised at once, one image each, in one batch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras
import numpy as np
from scipy import ndimage

from .gradients import gradient_function, layer_model

# Square root of the colour correlation of ImageNet pixels (Lucid's
# color_correlation_svd_sqrt), so that gradient steps in its basis are decorrelated.
COLOR_SQRT = np.array([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], np.float32)


@dataclass(frozen=True)
class Regularisers:
    jitter: int = 0  # pixels of random shift per step
    scale: float = 0.0  # random zoom in [1 - scale, 1 + scale]
    rotate: float = 0.0  # random rotation in [-rotate, rotate] degrees
    decorrelate: bool = False  # Fourier and colour preconditioning
    blur: float = 0.0  # Gaussian blur sigma, in pixels, applied every ``blur_every`` steps
    blur_every: int = 4


NAIVE = Regularisers()
TRANSFORMS = Regularisers(jitter=8, scale=0.05, rotate=5.0)
DECORRELATED = Regularisers(jitter=8, scale=0.05, rotate=5.0, decorrelate=True)
ALL = Regularisers(jitter=8, scale=0.05, rotate=5.0, decorrelate=True, blur=0.5)


def precondition(grad: np.ndarray, decay: float = 0.5) -> np.ndarray:
    """Filter pixel gradients (n, h, w, 3) as a step in the decorrelated basis would: Fourier
    amplitudes scaled by (1 / frequency)^(2 decay), colours by the ImageNet colour covariance.
    The mean (zero frequency) is left out: it would only brighten or darken the whole image."""
    h, w = grad.shape[1:3]
    grad = grad - grad.mean(axis=(1, 2), keepdims=True)
    freq = np.sqrt(np.fft.fftfreq(h)[:, None] ** 2 + np.fft.rfftfreq(w)[None, :] ** 2)
    gain = (1.0 / np.maximum(freq, 1.0 / max(h, w))) ** (2 * decay)
    spectrum = np.fft.rfft2(grad, axes=(1, 2)) * gain[None, :, :, None]
    grad = np.fft.irfft2(spectrum, s=(h, w), axes=(1, 2)).astype(np.float32)
    return grad @ (COLOR_SQRT @ COLOR_SQRT.T)


def _random_transform(rng, n, size, reg: Regularisers) -> np.ndarray:
    """Per image, the 8 numbers of ``keras.ops.image.affine_transform``: output pixel (x, y)
    reads the input at a random rotation, zoom and shift of it about the centre."""
    out = np.zeros((n, 8), np.float32)
    c = (size - 1) / 2.0
    for i in range(n):
        zoom = 1.0 + rng.uniform(-reg.scale, reg.scale)
        theta = np.deg2rad(rng.uniform(-reg.rotate, reg.rotate))
        dx, dy = rng.integers(-reg.jitter, reg.jitter + 1, size=2)
        a = np.cos(theta) / zoom
        b = np.sin(theta) / zoom
        out[i, :6] = (a, -b, c - a * c + b * c + dx, b, a, c - b * c - a * c + dy)
    return out


def visualize_channels(model, layer_name: str, channels, *, preprocess=None, size: int = 128,
                       steps: int = 96, lr: float = 0.03, reg: Regularisers = ALL,
                       seed: int = 0, callback=None) -> np.ndarray:
    """One image per channel of ``layer_name`` that maximises the channel's mean activation.

    ``preprocess`` maps pixels in [0, 255] to the model's input. Returns float images in
    [0, 1] of shape (len(channels), size, size, 3). ``callback(step)`` is called every step
    (a progress bar, say).
    """
    channels = np.asarray(channels, int).reshape(-1)
    features = layer_model(model, layer_name)
    depth = features.output.shape[-1]
    if channels.size == 0 or channels.min() < 0 or channels.max() >= depth:
        raise ValueError(f"{layer_name} has channels 0-{depth - 1}, got {channels.tolist()}")
    prep = preprocess or (lambda t: t)
    pick = keras.ops.one_hot(channels, depth)  # (n, depth): which channel each image serves

    def objective(x, transform):
        moved = keras.ops.image.affine_transform(x * 255.0, transform, fill_mode="reflect")
        acts = features(prep(moved), training=False)
        return keras.ops.sum(keras.ops.mean(acts, axis=(1, 2)) * pick)

    climb = gradient_function(objective)
    rng = np.random.default_rng(seed)
    x = (0.5 + 0.01 * rng.standard_normal((channels.size, size, size, 3))).astype(np.float32)
    for step in range(steps):
        _, grad = climb(x, _random_transform(rng, channels.size, size, reg))
        if reg.decorrelate:
            grad = precondition(grad)
        grad /= grad.std(axis=(1, 2, 3), keepdims=True) + 1e-8
        x = np.clip(x + lr * grad, 0.0, 1.0)
        if reg.blur and (step + 1) % reg.blur_every == 0:
            x = ndimage.gaussian_filter(x, sigma=(0, reg.blur, reg.blur, 0))
        if callback is not None:
            callback(step)
    return x


def channel_means(model, layer_name: str, images, channels, *, preprocess=None,
                  batch_size: int = 32) -> np.ndarray:
    """Mean activation of each channel on each image: shape (n_images, len(channels))."""
    features = layer_model(model, layer_name)
    prep = preprocess or (lambda t: t)
    images = np.asarray(images, np.float32)
    out = []
    for i in range(0, len(images), batch_size):
        acts = keras.ops.convert_to_numpy(features(prep(images[i:i + batch_size]), training=False))
        out.append(acts.mean(axis=(1, 2))[:, np.asarray(channels, int)])
    return np.concatenate(out)


def describe(reg: Regularisers) -> str:
    """A short label for a set of regularisers, for figure titles."""
    parts = [f"{k}={v}" for k, v in asdict(reg).items()
             if v and k != "blur_every" and not (k == "decorrelate" and v is False)]
    return ", ".join(parts) or "naive"
