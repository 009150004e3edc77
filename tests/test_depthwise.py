"""cnnlab.depthwise: shifted sums give Keras's depthwise convolution, values and gradients."""

import keras
import numpy as np
import pytest

from cnnlab import depthwise, gradients


@pytest.mark.parametrize("size", [(9, 9), (8, 11)])
@pytest.mark.parametrize("kernel", [3, 5])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_shifted_sums_equal_keras(size, kernel, stride, padding):
    rng = np.random.default_rng(kernel * 10 + stride)
    x = rng.normal(size=(2, *size, 4)).astype(np.float32)
    k = rng.normal(size=(kernel, kernel, 4, 1)).astype(np.float32)
    ours = depthwise.shifted_depthwise(x, k, (stride, stride), padding)
    theirs = keras.ops.depthwise_conv(x, k, strides=stride, padding=padding)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours),
                               keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("side, stride", [(10, 2), (9, 2), (9, 1)])
def test_gradients_equal_keras(side, stride):
    # with respect to the input (feature visualisation, DeepDream) and to the kernel (training)
    rng = np.random.default_rng(side)
    x = rng.normal(size=(1, side, side, 3)).astype(np.float32)
    k = rng.normal(size=(3, 3, 3, 1)).astype(np.float32)
    out = -(-side // stride)
    weight = rng.normal(size=(1, out, out, 3)).astype(np.float32)

    def ours(a, b):
        return keras.ops.sum(depthwise.shifted_depthwise(a, b, (stride, stride)) * weight)

    def theirs(a, b):
        return keras.ops.sum(keras.ops.depthwise_conv(a, b, strides=stride, padding="same")
                             * weight)

    for wrt_kernel in (False, True):
        grads = []
        for conv in (ours, theirs):
            objective = (lambda b, a, c=conv: c(a, b)) if wrt_kernel else conv
            _, grad = gradients.gradient_function(objective)(*((k, x) if wrt_kernel else (x, k)))
            grads.append(grad)
        np.testing.assert_allclose(*grads, rtol=1e-4, atol=1e-4)


def test_layer_is_kerass_with_the_same_weights():
    x = np.random.default_rng(1).normal(size=(2, 12, 12, 6)).astype(np.float32)
    ours = depthwise.DepthwiseConv2D(3, 2, padding="same", use_bias=True, activation="relu")
    theirs = keras.layers.DepthwiseConv2D(3, 2, padding="same", use_bias=True, activation="relu")
    ours.build(x.shape), theirs.build(x.shape)
    weights = [np.random.default_rng(2).normal(size=w.shape).astype(np.float32)
               for w in theirs.get_weights()]
    ours.set_weights(weights), theirs.set_weights(weights)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)),
                               keras.ops.convert_to_numpy(theirs(x)), rtol=1e-5, atol=1e-5)
    assert type(keras.layers.deserialize(keras.layers.serialize(ours))) is depthwise.DepthwiseConv2D


def test_a_depth_multiplier_is_refused_by_name():
    with pytest.raises(ValueError, match="depth multiplier of 1"):
        depthwise.shifted_depthwise(np.zeros((1, 4, 4, 2), np.float32),
                                    np.zeros((3, 3, 2, 2), np.float32))
