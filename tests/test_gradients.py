"""cnnlab.gradients: exact gradients, Sequential and functional models alike, Grad-CAM = CAM."""

import keras
import numpy as np
import pytest

from cnnlab import gradients


def test_gradient_function_is_exact():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    w = np.array([1.0, -2.0, 0.5], np.float32)
    g = gradients.gradient_function(lambda t, v: keras.ops.sum(t**2 * v))
    value, grad = g(x, w)
    assert value == pytest.approx(float((x**2 * w).sum()))
    np.testing.assert_allclose(grad, 2 * x * w, rtol=1e-6)
    value, grad = g(x[:1], w)  # a new shape is fine
    np.testing.assert_allclose(grad, 2 * x[:1] * w, rtol=1e-6)


def _small_cnn(sequential: bool, seed=0, activation="relu"):
    keras.utils.set_random_seed(seed)
    layers = [keras.layers.Conv2D(6, 3, padding="same", activation=activation, name="conv"),
              keras.layers.Conv2D(5, 3, padding="same", activation=activation, name="last_conv"),
              keras.layers.GlobalAveragePooling2D(name="gap"),
              keras.layers.Dense(4, name="logits")]
    if sequential:
        model = keras.Sequential(layers)
        model.build((None, 12, 12, 3))
        return model
    inputs = keras.Input((12, 12, 3))
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)


def test_sequential_and_functional_give_the_same_maps():
    seq = _small_cnn(True)
    fun = _small_cnn(False)
    fun.set_weights(seq.get_weights())
    x = np.random.default_rng(0).uniform(0, 1, (3, 12, 12, 3)).astype(np.float32)
    for f in (lambda m: gradients.saliency(m, x, 2),
              lambda m: gradients.grad_cam(m, x, [0, 1, 3], "last_conv")):
        a, b = f(seq), f(fun)
        assert a.shape == (3, 12, 12) and 0 <= a.min() and a.max() == pytest.approx(1.0)
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_grad_cam_before_global_pooling_is_cam():
    """With GAP then Dense after the layer, Grad-CAM's weights are the Dense weights / (h w):
    the map is Zhou et al.'s class activation map, up to scale."""
    model = _small_cnn(False, seed=3)
    x = np.random.default_rng(1).uniform(0, 1, (2, 12, 12, 3)).astype(np.float32)
    acts = keras.ops.convert_to_numpy(gradients.layer_model(model, "last_conv")(x))
    kernel = model.get_layer("logits").get_weights()[0]  # (5, 4)
    for c in range(4):
        cam = np.maximum(acts @ kernel[:, c], 0)
        cam /= np.maximum(cam.max(axis=(1, 2), keepdims=True), 1e-12)
        np.testing.assert_allclose(gradients.grad_cam(model, x, c, "last_conv"), cam, atol=1e-5)


def test_gradient_matches_finite_differences():
    model = _small_cnn(False, activation="tanh")  # smooth: no ReLU kinks for the differences
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, (1, 12, 12, 3)).astype(np.float32)
    d = rng.standard_normal(x.shape).astype(np.float32)  # a direction through every pixel
    eps = 1e-2

    def score(t):
        return float(keras.ops.convert_to_numpy(model(t))[0, 1])

    numeric = (score(x + eps * d) - score(x - eps * d)) / (2 * eps)  # central difference
    _, grad = gradients.gradient_function(lambda t: keras.ops.sum(model(t)[:, 1]))(x)
    assert float((grad * d).sum()) == pytest.approx(numeric, rel=0.01)


def test_clear_errors():
    inputs = keras.Input((8, 8, 3))
    a = keras.layers.Conv2D(3, 3, padding="same", name="inner")(inputs)
    x = keras.layers.Add(name="add")([a, inputs])  # the skip goes around "inner"
    out = keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, out)
    with pytest.raises(ValueError, match="skip connection"):
        gradients.split_at(model, "inner")
    head, tail = gradients.split_at(model, "add")  # everything passes through the add
    assert tail.output.shape == (None, 2)
    with pytest.raises(ValueError, match="has no layer 'nope'"):
        gradients.layer_model(model, "nope")
    with pytest.raises(ValueError, match="build the Sequential"):
        gradients.as_functional(keras.Sequential([keras.layers.Dense(2)]))


def test_logits_model_strips_the_softmax():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    logits = keras.ops.convert_to_numpy(gradients.logits_model(model)(x))
    probs = keras.ops.convert_to_numpy(model(x))  # the original is untouched
    np.testing.assert_allclose(np.exp(logits) / np.exp(logits).sum(1, keepdims=True), probs,
                               rtol=1e-5)
    plain = _small_cnn(False)
    assert gradients.logits_model(plain) is plain
