"""The whitening first layer: its filters decorrelate the patches they were computed from."""

import numpy as np
import pytest

from cnnlab import models
from cnnlab.whitening import patches, whitening_filters


def test_patches_follow_the_keras_kernel_order():
    x = np.arange(2 * 3 * 3 * 2).reshape(2, 3, 3, 2)
    p = patches(x, 2)
    assert p.shape == (2 * 2 * 2, 8)
    np.testing.assert_array_equal(p[0], x[0, :2, :2].reshape(-1))  # (row, column, channel)
    np.testing.assert_array_equal(p[3], x[0, 1:3, 1:3].reshape(-1))
    with pytest.raises(ValueError, match="at least 4x4"):
        patches(x, 4)


def test_the_layer_whitens_correlated_colour_images():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(200, 8, 8, 1))
    # strongly correlated channels and neighbours, far from zero mean, on a [0, 255]-like scale
    x = 100 + 30 * np.concatenate([base, base + 0.1 * rng.normal(size=base.shape),
                                   rng.normal(size=base.shape)], axis=-1)
    x[:, 1:] += 20 * x[:, :-1]
    kernel, bias = whitening_filters(x, size=2, eps=0.0)
    assert kernel.shape == (2, 2, 3, 24) and bias.shape == (24,)
    out = patches(x, 2) @ kernel.reshape(12, 24) + bias
    half = out[:, :12]
    np.testing.assert_allclose(half.mean(axis=0), 0, atol=1e-3)
    np.testing.assert_allclose(np.cov(half, rowvar=False, bias=True), np.eye(12), atol=1e-3)
    np.testing.assert_allclose(out[:, 12:], -half, atol=1e-5)


def test_eps_damps_the_weakest_directions_whatever_the_scale():
    x = np.random.default_rng(1).random((50, 6, 6, 3))
    small, _ = whitening_filters(x, eps=0.1)
    large, _ = whitening_filters(255 * x, eps=0.1)
    np.testing.assert_allclose(255 * large, small, rtol=1e-4, atol=1e-6)


def test_too_few_patches_is_a_clear_error():
    with pytest.raises(ValueError, match="give more images"):
        whitening_filters(np.zeros((1, 2, 2, 3)), size=2)


def _activations(model):
    return {layer.activation.__name__ for layer in model.layers if layer.name.endswith("_act")}


def test_airbench_network_layout_and_frozen_whitening():
    model = models.cifar_airbench((8, 16, 16))
    assert model.get_layer("whiten").output.shape[1:] == (31, 31, 24)
    assert model.get_layer("stage3_2_act").output.shape[1:] == (3, 3, 16)
    trainable = {w.path for w in model.trainable_weights}
    assert "whiten/bias" in trainable and "whiten/kernel" not in trainable
    assert not any(p.endswith("gamma") for p in trainable)  # batch norm shifts only
    kernel = np.asarray(model.get_layer("stage2_2_conv").kernel)
    identity = np.zeros((3, 3, 16, 16))
    identity[1, 1] = np.eye(16)
    np.testing.assert_array_equal(kernel, identity)  # 16 -> 16: all filters pass a channel on
    wider = np.asarray(model.get_layer("stage2_1_conv").kernel)  # 8 -> 16
    np.testing.assert_array_equal(wider[..., :8], identity[:, :, :8, :8])
    assert _activations(model) == {"gelu"}  # airbench94's choice, unless told otherwise
    assert _activations(models.cifar_airbench((8, 16, 16), activation="silu")) == {"silu"}
    bound = 1 / np.sqrt(9 * 8)  # PyTorch's default: uniform within 1 / sqrt(fan_in)
    assert 0.5 * bound < np.abs(wider[..., 8:]).max() <= bound
    with pytest.raises(ValueError, match="three positive"):
        models.cifar_airbench((8, 16))


def test_airbench_pool_first_convolves_after_pooling():
    base, early = models.cifar_airbench((8, 16, 16)), models.cifar_airbench((8, 16, 16),
                                                                           pool_first=(2, 3))
    assert early.get_layer("stage1_1_conv").output.shape[1:] == (31, 31, 8)  # unchanged
    for stage, side in ((2, 7), (3, 3)):
        assert base.get_layer(f"stage{stage}_1_conv").output.shape[1:3] == (2 * side + 1,) * 2
        assert early.get_layer(f"stage{stage}_1_conv").output.shape[1:3] == (side, side)
    assert early.get_layer("stage3_2_act").output.shape[1:] == (3, 3, 16)  # same shapes after
    assert early.count_params() == base.count_params()
    one = models.cifar_airbench((8, 16, 16), pool_first=3)  # a single stage may come bare
    assert one.get_layer("stage3_1_conv").output.shape[1:3] == (3, 3)
    with pytest.raises(ValueError, match="stages 1, 2 or 3"):
        models.cifar_airbench((8, 16, 16), pool_first=(4,))
