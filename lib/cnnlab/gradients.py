"""Gradients of a network's outputs with respect to its input or a layer's activations.

Everything that climbs or reads a gradient (feature visualisation, saliency, Grad-CAM, DeepDream)
goes through ``gradient_function``, the one place that knows the backend: TensorFlow's
GradientTape (compiled with tf.function), ``jax.value_and_grad`` (jitted) or PyTorch autograd.
The helpers also accept Sequential models, which in Keras 3 have no symbolic output of their own
until they are rebuilt as functional ones (``as_functional``).
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np


def gradient_function(objective: Callable) -> Callable:
    """Compile ``objective(x, *args) -> scalar`` into ``g(x, *args) -> (value, dvalue/dx)``.

    ``x`` and the returned gradient are NumPy float32 arrays; ``args`` are extra inputs (random
    transforms, say) that are not differentiated. Build it once and call it in a loop.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function(reduce_retracing=True)
        def step(x, *args):
            with tf.GradientTape() as tape:
                tape.watch(x)
                value = objective(x, *args)
            return value, tape.gradient(value, x)

        def run(x, *args):
            value, grad = step(tf.constant(x, tf.float32), *args)
            return float(value), grad.numpy()

        return run
    if backend == "jax":
        import jax

        step = jax.jit(jax.value_and_grad(objective))

        def run(x, *args):
            value, grad = step(np.asarray(x, np.float32), *args)
            return float(value), np.array(grad)  # a writable copy: JAX's buffer is read-only

        return run
    if backend == "torch":
        def run(x, *args):
            t = keras.ops.convert_to_tensor(np.asarray(x, np.float32)).requires_grad_(True)
            value = objective(t, *[keras.ops.convert_to_tensor(a) for a in args])
            value.backward()
            return float(value.detach().cpu()), t.grad.detach().cpu().numpy()

        return run
    raise NotImplementedError(f"gradients are not implemented for the {backend} backend")


def _graph(model: keras.Model):
    """(functional model, {layer name: its output tensor in that model's graph})."""
    if not isinstance(model, keras.Sequential):
        return model, {layer.name: layer.output for layer in model.layers}
    if not model.built:
        raise ValueError("build the Sequential model first (call it on data, or give it an Input)")
    # A Sequential's layers already belong to a hidden graph; record the outputs of ours.
    inputs = keras.Input(model.input_shape[1:], name="input")
    x, outputs = inputs, {}
    for layer in model.layers:
        x = outputs[layer.name] = layer(x)
    return keras.Model(inputs, x, name=f"{model.name}_functional"), outputs


def as_functional(model: keras.Model) -> keras.Model:
    """A functional model sharing ``model``'s layers and weights; Sequential models are rebuilt
    so that their layers' outputs can be named (their own ``.output`` is often undefined)."""
    return _graph(model)[0]


def _tensor(model, outputs, name):
    if name not in outputs:
        convs = [n for n in outputs if "conv" in n.lower()][-3:]
        raise ValueError(f"{model.name} has no layer {name!r}; its last conv layers are {convs}")
    return outputs[name]


def _input(model):
    return model.inputs[0] if len(model.inputs) == 1 else model.inputs


def layer_model(model: keras.Model, layer_names) -> keras.Model:
    """A model from ``model``'s input to the outputs of the named layers (one name or a list)."""
    model, outputs = _graph(model)
    if isinstance(layer_names, str):
        return keras.Model(_input(model), _tensor(model, outputs, layer_names))
    return keras.Model(_input(model), [_tensor(model, outputs, n) for n in layer_names])


def split_at(model: keras.Model, layer_name: str) -> tuple[keras.Model, keras.Model]:
    """Cut ``model`` after a layer into (input -> activations, activations -> output).

    Every path from the input to the output must pass through that layer (true of any layer of
    a Sequential model and of the last conv block of a ResNet or EfficientNet; false inside a
    residual block, whose skip connection goes around it).
    """
    model, outputs = _graph(model)
    cut = _tensor(model, outputs, layer_name)
    try:
        tail = keras.Model(cut, model.output)
    except ValueError as err:
        raise ValueError(
            f"cannot split {model.name} at {layer_name!r}: some path to the output goes around "
            f"it (a skip connection). Choose a layer every path passes through, such as the "
            f"last convolution's activation."
        ) from err
    return keras.Model(_input(model), cut), tail


def saliency(model, images, class_index, *, preprocess=None) -> np.ndarray:
    """Simonyan et al.'s saliency: |d logit[class] / d pixel|, maximised over colour channels.

    ``images`` are pixels (n, h, w, 3); ``preprocess`` maps them to the model's input. The
    model should output logits (scores before softmax). Returns (n, h, w) maps in [0, 1].
    """
    model = as_functional(model)
    prep = preprocess or (lambda t: t)
    onehot = keras.ops.one_hot(np.broadcast_to(class_index, len(images)), model.output.shape[-1])

    def score(x, hot):
        return keras.ops.sum(model(prep(x), training=False) * hot)

    _, grad = gradient_function(score)(np.asarray(images, np.float32), onehot)
    maps = np.abs(grad).max(axis=-1)
    return maps / np.maximum(maps.max(axis=(1, 2), keepdims=True), 1e-12)


def grad_cam(model, images, class_index, layer_name, *, preprocess=None) -> np.ndarray:
    """Grad-CAM (Selvaraju et al., 2017): the layer's channels weighted by the mean gradient of
    the class score on them, summed, rectified, and scaled up to the image's size.

    Returns (n, h, w) maps in [0, 1] for images of shape (n, h, w, 3).
    """
    images = np.asarray(images, np.float32)
    head, tail = split_at(model, layer_name)
    prep = preprocess or (lambda t: t)
    acts = keras.ops.convert_to_numpy(head(prep(images), training=False))
    onehot = keras.ops.one_hot(np.broadcast_to(class_index, len(images)), tail.output.shape[-1])

    def score(a, hot):
        return keras.ops.sum(tail(a, training=False) * hot)

    _, grad = gradient_function(score)(acts, onehot)
    weights = grad.mean(axis=(1, 2), keepdims=True)
    cams = np.maximum((weights * acts).sum(axis=-1), 0.0)
    cams /= np.maximum(cams.max(axis=(1, 2), keepdims=True), 1e-12)
    return np.stack([_resize(c, images.shape[1:3]) for c in cams])


def _resize(a, shape):
    from PIL import Image

    return np.asarray(Image.fromarray(a.astype(np.float32)).resize(shape[::-1], Image.BILINEAR))


def logits_model(model: keras.Model) -> keras.Model:
    """A copy of a classifier whose last layer's softmax is removed, so that it outputs logits.

    Gradients of a softmax output mix every class in; Grad-CAM and saliency want the class's
    own score. Models that already output logits are returned unchanged.
    """
    last = model.layers[-1]
    if getattr(last, "activation", None) is not keras.activations.softmax:
        return model
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.layers[-1].activation = keras.activations.linear
    return copy
