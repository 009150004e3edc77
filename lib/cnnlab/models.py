"""Model builders the lectures and benchmarks share. Layer names follow the papers."""

from __future__ import annotations

import keras
from keras import layers

ACTIVATIONS = ("tanh", "relu")
POOLINGS = {"average": layers.AveragePooling2D, "max": layers.MaxPooling2D}


def feature_extractor(model, layer_names):
    """A model from ``model``'s input to the outputs of the named layers (Sequential or
    functional alike), for looking at feature maps. It returns a list of tensors, or the one
    tensor when one layer is named."""
    missing = [n for n in layer_names if n not in {layer.name for layer in model.layers}]
    if missing:
        raise ValueError(f"{model.name} has no layers {missing}; it has "
                         f"{[layer.name for layer in model.layers]}.")
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    return keras.Model(inputs, [model.get_layer(n).output for n in layer_names],
                       name=f"{model.name}_features")


def mlp(input_shape=(28, 28, 1), hidden=256, classes=10, name="mlp"):
    """The baseline: Flatten, Dense ``hidden`` ReLU, Dense ``classes`` softmax."""
    return keras.Sequential([
        keras.Input(input_shape),
        layers.Flatten(name="flatten"),
        layers.Dense(hidden, activation="relu", name="hidden"),
        layers.Dense(classes, activation="softmax", name="output"),
    ], name=name)


def seed_convnet(input_shape=(28, 28, 1), classes=10, name="convnet"):
    """The design source's MNIST ConvNet: Conv 32 5x5, pool, Conv 64 3x3, pool, Dense 256."""
    return keras.Sequential([
        keras.Input(input_shape),
        layers.Conv2D(32, 5, padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(256, activation="relu", name="dense"),
        layers.Dense(classes, activation="softmax", name="output"),
    ], name=name)


def seed_cifar_cnn(input_shape=(32, 32, 3), classes=10, name="seed_cifar_cnn"):
    """The design source's CIFAR-10 model, layer for layer (its 1x1 max-pools included: they
    pass their input through unchanged)."""
    return keras.Sequential([
        keras.Input(input_shape),
        layers.Conv2D(128, 3, padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(128, 3, activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Dropout(0.25, name="dropout1"),
        layers.Conv2D(64, 2, activation="relu", name="conv3"),
        layers.MaxPooling2D(1, name="pool3"),
        layers.Conv2D(32, 2, activation="relu", name="conv4"),
        layers.MaxPooling2D(1, name="pool4"),
        layers.Conv2D(32, 2, activation="relu", name="conv5"),
        layers.MaxPooling2D(1, name="pool5"),
        layers.Dropout(0.25, name="dropout2"),
        layers.Flatten(name="flatten"),
        layers.Dense(64, activation="relu", name="dense"),
        layers.Dense(classes, activation="softmax", name="output"),
    ], name=name)


def _conv_bn(x, filters, name, batch_norm=True):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm, name=f"{name}_conv")(x)
    if batch_norm:  # batch norm's shift does a bias's job
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def cifar_resnet9(width=16, classes=10, input_shape=(32, 32, 3), name=None, batch_norm=True):
    """A ResNet-9 in the layout of D. Page's fast CIFAR-10 trainer, at ``width`` channels in its
    first layer (Page uses 64): prep, then three stages that each double the channels and
    halve the map, with a residual pair of convolutions after stages 1 and 3.
    ``batch_norm=False`` gives the same network with plain biased convolutions."""
    inputs = keras.Input(input_shape)
    x = _conv_bn(inputs, width, "prep", batch_norm)
    for stage, residual in ((1, True), (2, False), (3, True)):
        x = _conv_bn(x, width * 2**stage, f"stage{stage}", batch_norm)
        x = layers.MaxPooling2D(2, name=f"stage{stage}_pool")(x)
        if residual:
            r = _conv_bn(x, width * 2**stage, f"stage{stage}_res1", batch_norm)
            r = _conv_bn(r, width * 2**stage, f"stage{stage}_res2", batch_norm)
            x = layers.Add(name=f"stage{stage}_add")([x, r])
    x = layers.GlobalMaxPooling2D(name="pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=name or f"resnet9_w{width}")


def lenet5(activation="tanh", pooling="average", input_shape=(28, 28, 1), classes=10,
           name=None, shift=0.0):
    """LeNet-5 (LeCun et al., 1998) on 28x28 MNIST, padded by 2 to the paper's 32x32.

    ``activation="tanh", pooling="average"`` is the published network (with C3 connected to
    all S2 maps, and a softmax output instead of RBF units); ``"relu", "max"`` is the modern one.
    ``shift`` > 0 adds random translations of up to that fraction of the image (in training only).
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}.")
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {tuple(POOLINGS)}, got {pooling!r}.")
    pool = POOLINGS[pooling]
    padding = (32 - input_shape[0]) // 2
    augment = [layers.RandomTranslation(shift, shift, fill_mode="constant", name="shift")]
    return keras.Sequential([
        keras.Input(input_shape),
        *(augment if shift else []),
        layers.ZeroPadding2D(padding, name="pad_to_32"),
        layers.Conv2D(6, 5, activation=activation, name="C1"),
        pool(2, name="S2"),
        layers.Conv2D(16, 5, activation=activation, name="C3"),
        pool(2, name="S4"),
        layers.Conv2D(120, 5, activation=activation, name="C5"),
        layers.Flatten(name="flatten"),
        layers.Dense(84, activation=activation, name="F6"),
        layers.Dense(classes, activation="softmax", name="output"),
    ], name=name or f"lenet5_{activation}_{pooling}")
