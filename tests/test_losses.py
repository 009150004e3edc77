"""cnnlab.losses: Keras's values, and a gradient that survives a saturated softmax everywhere."""

import keras
import numpy as np
import pytest

from cnnlab import gradients, losses


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_values_match_keras_where_nothing_saturates(smoothing):
    rng = np.random.default_rng(0)
    probs = _softmax(rng.normal(size=(8, 10)).astype(np.float32))
    targets = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 8)]
    ours = losses.CategoricalCrossentropy(label_smoothing=smoothing)(targets, probs)
    theirs = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)(targets, probs)
    assert float(ours) == pytest.approx(float(theirs), rel=1e-5)


@pytest.mark.parametrize("gap", [5.0, 30.0])
def test_gradient_is_p_minus_target_through_a_saturated_softmax(gap):
    # the network is sure of class 0 (by `gap` logits); the answer is class 1. Keras's loss on
    # JAX and PyTorch clips p at 1e-7 and passes no gradient beyond a gap of about 16.
    logits = np.array([[gap, 0.0, 0.0]], np.float32)
    target = np.array([[0.0, 1.0, 0.0]], np.float32)
    loss = losses.CategoricalCrossentropy(label_smoothing=0.2)

    def objective(z, t):
        return loss(t, keras.ops.softmax(z))

    value, grad = gradients.gradient_function(objective)(logits, target)
    smoothed = target * 0.8 + 0.2 / 3
    np.testing.assert_allclose(grad, _softmax(logits) - smoothed, atol=1e-5)
    assert value == pytest.approx(-(smoothed * np.log(np.maximum(_softmax(logits), 1e-38))).sum(),
                                  rel=1e-4)


def test_saves_and_loads_with_its_smoothing():
    config = keras.losses.serialize(losses.CategoricalCrossentropy(label_smoothing=0.1))
    back = keras.losses.deserialize(config)
    assert isinstance(back, losses.CategoricalCrossentropy) and back.label_smoothing == 0.1


@pytest.mark.parametrize("bad", [-0.1, 1.0])
def test_bad_smoothing_says_what_is_allowed(bad):
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\)"):
        losses.CategoricalCrossentropy(label_smoothing=bad)


def test_labels_instead_of_one_hot_targets_are_refused():
    probs = _softmax(np.zeros((4, 10), np.float32))
    with pytest.raises(ValueError, match="one-hot targets"):
        losses.CategoricalCrossentropy()(np.zeros((4, 1), np.float32), probs)


@pytest.mark.parametrize("label_shape", [(8,), (8, 1)])
def test_sparse_values_match_keras(label_shape):
    rng = np.random.default_rng(1)
    probs = _softmax(rng.normal(size=(8, 10)).astype(np.float32))
    labels = rng.integers(0, 10, 8).reshape(label_shape)
    ours = losses.SparseCategoricalCrossentropy()(labels, probs)
    theirs = keras.losses.SparseCategoricalCrossentropy()(labels, probs)
    assert float(ours) == pytest.approx(float(theirs), rel=1e-5)


def test_sparse_gradient_is_p_minus_target_through_a_saturated_softmax():
    logits = np.array([[30.0, 0.0, 0.0], [0.0, 0.0, 2.0]], np.float32)
    labels = np.array([1, 2])
    loss = losses.SparseCategoricalCrossentropy()

    def objective(z, y):
        return loss(y, keras.ops.softmax(z))

    _, grad = gradients.gradient_function(objective)(logits, labels)
    # the loss is the batch's mean, so each row's gradient is (p - target) / 2
    np.testing.assert_allclose(grad, (_softmax(logits) - np.eye(3)[labels]) / 2, atol=1e-5)


def test_sparse_refuses_one_hot_targets_and_saves():
    probs = _softmax(np.zeros((4, 10), np.float32))
    with pytest.raises(ValueError, match="one integer label per example"):
        losses.SparseCategoricalCrossentropy()(np.eye(10, dtype=np.float32)[:4], probs)
    back = keras.losses.deserialize(keras.losses.serialize(losses.SparseCategoricalCrossentropy()))
    assert isinstance(back, losses.SparseCategoricalCrossentropy)


def test_sparse_takes_a_label_per_pixel():
    rng = np.random.default_rng(2)
    probs = _softmax(rng.normal(size=(2, 4, 4, 5)).astype(np.float32))
    labels = rng.integers(0, 5, (2, 4, 4, 1))
    ours = losses.SparseCategoricalCrossentropy()(labels, probs)
    theirs = keras.losses.SparseCategoricalCrossentropy()(labels, probs)
    assert float(ours) == pytest.approx(float(theirs), rel=1e-5)
