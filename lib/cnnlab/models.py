"""Model builders the lectures and benchmarks share. Layer names follow the papers."""

from __future__ import annotations

import keras
from keras import layers

from .batchnorm import BatchNormalization

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


def leaf_layers(model):
    """Every layer of ``model`` that is not itself a model: nested models are opened up."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from leaf_layers(layer)
        else:
            yield layer


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
        x = BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)  # fused on TensorFlow
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


# AlexNet as the design source tabulates it (Krizhevsky et al., 2012, without its response
# normalisation and dropout, which hold no parameters): ("conv", name, filters, F, S, P).
ALEXNET_SPEC = (
    ("conv", "conv1", 96, 11, 4, 0), ("pool", "pool1", 3, 2),
    ("conv", "conv2", 256, 5, 1, 2), ("pool", "pool2", 3, 2),
    ("conv", "conv3", 384, 3, 1, 1), ("conv", "conv4", 384, 3, 1, 1),
    ("conv", "conv5", 256, 3, 1, 1), ("pool", "pool3", 3, 2),
    ("fc", "fc6", 4096), ("fc", "fc7", 4096), ("fc", "fc8", 1000),
)
ALEXNET_GROUPED = ("conv2", "conv4", "conv5")  # the layers split across the paper's two GPUs


def alexnet(groups=1, input_shape=(227, 227, 3), classes=1000, name=None):
    """AlexNet as :data:`ALEXNET_SPEC`. ``groups=2`` splits conv2, conv4 and conv5 in two
    halves that see only their own half of the input channels, as on the paper's two GPUs."""
    g = {n: groups for n in ALEXNET_GROUPED}
    return keras.Sequential([
        keras.Input(input_shape),
        layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1"),
        layers.MaxPooling2D(3, strides=2, name="pool1"),
        layers.Conv2D(256, 5, padding="same", groups=g["conv2"], activation="relu",
                      name="conv2"),
        layers.MaxPooling2D(3, strides=2, name="pool2"),
        layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3"),
        layers.Conv2D(384, 3, padding="same", groups=g["conv4"], activation="relu",
                      name="conv4"),
        layers.Conv2D(256, 3, padding="same", groups=g["conv5"], activation="relu",
                      name="conv5"),
        layers.MaxPooling2D(3, strides=2, name="pool3"),
        layers.Flatten(name="flatten"),
        layers.Dense(4096, activation="relu", name="fc6"),
        layers.Dense(4096, activation="relu", name="fc7"),
        layers.Dense(classes, activation="softmax", name="fc8"),
    ], name=name or ("alexnet" if groups == 1 else f"alexnet_{groups}_groups"))


def cifar_vgg(width=16, blocks=(1, 1, 2, 2), classes=10, input_shape=(32, 32, 3), name=None,
              batch_norm=True):
    """A VGG-style network for 32x32 images: stages of 3x3 convolutions with batch norm and
    ReLU (``blocks[i]`` of them at ``width * 2**i`` channels), each stage closed by a 2x2
    max-pool; then a global max-pool and the classifier. ``batch_norm=False`` gives the same
    network with plain biased convolutions."""
    if not blocks or any(not isinstance(n, int) or n < 1 for n in blocks):
        raise ValueError(f"blocks must be positive layer counts per stage, got {blocks!r}.")
    inputs = keras.Input(input_shape, name="input")
    x = inputs
    for stage, n in enumerate(blocks, start=1):
        for i in range(1, n + 1):
            x = _conv_bn(x, width * 2 ** (stage - 1), f"block{stage}_{i}", batch_norm)
        x = layers.MaxPooling2D(2, name=f"block{stage}_pool")(x)
    x = layers.GlobalMaxPooling2D(name="pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs,
                       name=name or f"vgg{sum(blocks) + 1}_w{width}")


@keras.saving.register_keras_serializable(package="cnnlab")
class PartialIdentity(keras.initializers.Initializer):
    """A 3x3 convolution's kernel that starts as the identity on its first ``C_in`` filters
    (each passes one input channel through, PyTorch's ``dirac_``) and random on the rest, at
    PyTorch's default scale. Deep stacks then start close to passing their input on."""

    def __call__(self, shape, dtype=None):
        kh, kw, c_in, c_out = shape
        kernel = keras.ops.convert_to_numpy(keras.initializers.VarianceScaling(
            1 / 3, "fan_in", "uniform")(shape, dtype or "float32"))
        n = min(c_in, c_out)
        kernel[..., :n] = 0
        kernel[kh // 2, kw // 2, range(n), range(n)] = 1
        return keras.ops.convert_to_tensor(kernel, dtype=dtype)


def cifar_airbench(widths=(32, 128, 128), classes=10, input_shape=(32, 32, 3), name=None, *,
                   activation="gelu", pool_first=()):
    """The network of Keller Jordan's airbench94 (2024), the fastest published CIFAR-10
    trainer, at ``widths`` channels in its three stages (airbench94: 64, 256, 256).

    A frozen 2x2 whitening convolution (24 filters: set it with
    :func:`cnnlab.whitening.whitening_filters`; only its bias trains), GELU, then three stages
    of conv, 2x2 max-pool, batch norm, GELU, conv, batch norm, GELU; a global max-pool and a
    bias-free classifier whose logits are divided by 9. Batch norm learns shifts only (no
    scales, momentum 0.6) and the convolutions start as :class:`PartialIdentity`.
    ``activation`` replaces GELU (any Keras activation). ``pool_first`` names stages (1-3)
    whose first convolution runs after the max-pool, on a quarter of the positions: cheaper,
    and a departure from airbench.
    """
    if len(widths) != 3 or any(not isinstance(w, int) or w < 1 for w in widths):
        raise ValueError(f"widths are three positive channel counts, got {widths!r}.")
    early = {pool_first} if isinstance(pool_first, int) else set(pool_first)
    if not early <= {1, 2, 3}:
        raise ValueError(f"pool_first names stages 1, 2 or 3, got {pool_first!r}.")
    inputs = keras.Input(input_shape, name="input")
    # the whitening and the softmax stay in float32 under a mixed-precision policy: whitening
    # magnifies the image's faintest directions, and bf16 keeps only 8 bits of each pixel
    whiten = layers.Conv2D(2 * 2 * 2 * input_shape[-1], 2, name="whiten", dtype="float32")
    x = layers.Activation(activation, name="whiten_act")(whiten(inputs))
    whiten.kernel.trainable = False  # set from the data, then fixed

    def conv_bn_act(x, filters, name, pool=None):
        if pool == "before":
            x = layers.MaxPooling2D(2, name=f"{name}_pool")(x)
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                          kernel_initializer=PartialIdentity(), name=f"{name}_conv")(x)
        if pool == "after":
            x = layers.MaxPooling2D(2, name=f"{name}_pool")(x)
        x = BatchNormalization(momentum=0.6, scale=False, name=f"{name}_bn")(x)
        return layers.Activation(activation, name=f"{name}_act")(x)

    for stage, width in enumerate(widths, start=1):
        x = conv_bn_act(x, width, f"stage{stage}_1",
                        pool="before" if stage in early else "after")
        x = conv_bn_act(x, width, f"stage{stage}_2")
    x = layers.GlobalMaxPooling2D(name="pool")(x)
    x = layers.Dense(classes, use_bias=False, name="logits")(x)
    x = layers.Rescaling(1 / 9, name="temperature")(x)
    outputs = layers.Activation("softmax", name="output", dtype="float32")(x)
    return keras.Model(inputs, outputs, name=name or "airbench_w" + "_".join(map(str, widths)))


@keras.saving.register_keras_serializable(package="cnnlab")
class PadChannels(layers.Layer):
    """Zero channels appended to a tensor: the parameter-free shortcut ("option A") of the CIFAR
    ResNets, which widens the identity when a stage doubles its channels."""

    def __init__(self, extra, **kwargs):
        super().__init__(**kwargs)
        self.extra = extra

    def call(self, x):
        return keras.ops.pad(x, [[0, 0]] * (len(x.shape) - 1) + [[0, self.extra]])

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + self.extra)

    def get_config(self):
        return {**super().get_config(), "extra": self.extra}


SHORTCUTS = ("A", "B")


def _shortcut(x, filters, stride, kind, name):
    if stride == 1 and x.shape[-1] == filters:
        return x  # identity
    if kind == "B":  # projection: a strided 1x1 convolution and batch norm
        x = layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=f"{name}_proj")(x)
        return BatchNormalization(momentum=0.9, name=f"{name}_proj_bn")(x)
    # option A: keep every other pixel, pad the new channels with zeros
    x = layers.MaxPooling2D(1, strides=stride, name=f"{name}_subsample")(x)
    return PadChannels(filters - x.shape[-1], name=f"{name}_pad")(x)


def cifar_resnet(depth=20, *, residual=True, shortcut="A", classes=10, input_shape=(32, 32, 3),
                 name=None, width=16):
    """The CIFAR-10 ResNets of He et al. (2015), section 4.2: depth ``6n + 2``. A 3x3
    convolution with 16 filters, three stages of ``n`` blocks (two 3x3 convolutions each) at 16,
    32 and 64 filters on 32x32, 16x16 and 8x8 maps, global average pooling and the classifier.
    Batch norm follows every convolution; ReLU follows batch norm, and the addition.

    ``shortcut``: "A" (identity, zero-padded where a stage widens: no parameters, the paper's
    choice for CIFAR) or "B" (a 1x1 projection where shapes change). ``residual=False`` gives
    the "plain" network of the same depth, with no shortcuts at all. ``width``: the first stage's
    filters (the paper's 16); the later stages have twice and four times as many.
    """
    if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth must be 6n + 2 with n >= 1 (20, 32, 44, 56, 110), got {depth!r}.")
    if shortcut not in SHORTCUTS:
        raise ValueError(f"shortcut must be one of {SHORTCUTS}, got {shortcut!r}.")
    n = (depth - 2) // 6
    inputs = keras.Input(input_shape, name="input")
    if not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive number of filters, got {width!r}.")
    x = _conv_bn(inputs, width, "conv1")
    for stage, filters in enumerate((width, 2 * width, 4 * width), start=1):
        for block in range(1, n + 1):
            stride = 2 if stage > 1 and block == 1 else 1
            prefix = f"stage{stage}_block{block}"
            y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False,
                              name=f"{prefix}_conv1")(x)
            y = BatchNormalization(momentum=0.9, name=f"{prefix}_bn1")(y)
            y = layers.Activation("relu", name=f"{prefix}_relu1")(y)
            y = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                              name=f"{prefix}_conv2")(y)
            y = BatchNormalization(momentum=0.9, name=f"{prefix}_bn2")(y)
            if residual:
                y = layers.Add(name=f"{prefix}_add")([_shortcut(x, filters, stride, shortcut,
                                                                 prefix), y])
            x = layers.Activation("relu", name=f"{prefix}_out")(y)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="output")(x)
    kind = "resnet" if residual else "plain"
    suffix = "" if width == 16 else f"_w{width}"
    return keras.Model(inputs, outputs, name=name or f"{kind}{depth}{suffix}")


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
