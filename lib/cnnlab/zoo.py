"""``keras.applications`` architectures beside their published ImageNet accuracy, for charts of
accuracy against speed. Timing them needs no weights: ``build`` makes each with random ones."""

from __future__ import annotations

import keras

SOURCE = "Keras Applications, table of available models: https://keras.io/api/applications/"
# name: (top-1 accuracy %, parameters in millions, input side in pixels), as that table gives
# them (single centre crop on the ImageNet validation set, TensorFlow backend).
PUBLISHED = {
    "MobileNetV2": (71.3, 3.5, 224),
    "EfficientNetB0": (77.1, 5.3, 224),
    "DenseNet121": (75.0, 8.1, 224),
    "ResNet50": (74.9, 25.6, 224),
    "ResNet50V2": (76.0, 25.6, 224),
    "InceptionV3": (77.9, 23.9, 299),
    "Xception": (79.0, 22.9, 299),
    "VGG16": (71.3, 138.4, 224),
}


def build(name: str):
    """The named architecture with random weights (nothing is downloaded)."""
    if name not in PUBLISHED:
        raise ValueError(f"unknown architecture {name!r}; choose from {sorted(PUBLISHED)}.")
    side = PUBLISHED[name][2]
    return getattr(keras.applications, name)(weights=None, input_shape=(side, side, 3))
