"""ScaledSGD: chosen variables learn at a multiple of the rate; Muon: orthogonal steps for
convolution kernels."""

import keras
import numpy as np
import pytest

from cnnlab.optimizers import Muon, ScaledSGD, orthogonalize


def test_scaled_variables_move_that_many_times_further():
    dense = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    dense.build((None, 1))
    optimizer = ScaledSGD(0.1, rate_scales={"bias": 64.0})
    optimizer.apply([np.ones((1, 1), "float32"), np.ones(1, "float32")], dense.trainable_weights)
    np.testing.assert_allclose(np.asarray(dense.kernel), [[1 - 0.1]])
    np.testing.assert_allclose(np.asarray(dense.bias), [-0.1 * 64])


def test_config_round_trip_and_bad_scales():
    optimizer = ScaledSGD(0.5, momentum=0.85, nesterov=True, rate_scales={"beta": 8.0})
    again = ScaledSGD.from_config(optimizer.get_config())
    assert again.rate_scales == {"beta": 8.0} and again.nesterov
    with pytest.raises(ValueError, match="positive"):
        ScaledSGD(rate_scales={"beta": 0})


@pytest.mark.parametrize("shape", [(3, 3, 8, 32), (3, 3, 32, 8), (40, 16)])
def test_orthogonalize_evens_out_singular_values(shape):
    rng = np.random.default_rng(0)
    # singular values spread over a factor of about 10 (3 steps even out about 40)
    g = (rng.normal(size=shape) * np.logspace(-1, 0, shape[-1])).reshape(-1, shape[-1])
    o = np.asarray(orthogonalize(g.reshape(shape).astype("float32"))).reshape(g.shape)
    u, before, vt = np.linalg.svd(g, full_matrices=False)
    after = np.linalg.svd(o, compute_uv=False)
    assert before.max() / before.min() > 8
    # the quintic iteration stops short of exact: airbench's coefficients leave values near 1
    assert 0.5 < after.min() and after.max() < 1.3, after
    # the singular vectors stay: in their basis, o is diagonal
    in_basis = u.T @ o @ vt.T
    np.testing.assert_allclose(in_basis - np.diag(np.diag(in_basis)), 0, atol=1e-4)


def test_muon_steps_kernels_orthogonally_and_the_rest_by_sgd():
    rng = np.random.default_rng(1)
    conv = keras.layers.Conv2D(4, 3, use_bias=True)
    conv.build((None, 8, 8, 2))
    kernel = rng.normal(size=(3, 3, 2, 4)).astype("float32") * 3
    conv.kernel.assign(kernel)
    grads = [rng.normal(size=(3, 3, 2, 4)).astype("float32"), np.ones(4, "float32")]
    optimizer = Muon(0.1, kernel_rate=0.5, kernel_momentum=0.6, nesterov=True, momentum=0.85,
                     weight_decay=0.1, rate_scales={"bias": 2.0})
    optimizer.apply(grads, conv.trainable_weights)
    # the kernel: rescaled to norm sqrt(4 filters), no decay, then a step of 0.1 x 0.5 along the
    # orthogonalised Nesterov momentum (1.6 g on the first step: the same direction as g)
    expected = kernel * (2 / np.linalg.norm(kernel)) - 0.05 * np.asarray(orthogonalize(grads[0]))
    np.testing.assert_allclose(np.asarray(conv.kernel), expected, rtol=1e-4, atol=1e-5)
    # the bias: Keras's Nesterov SGD at twice the rate (its decay of a zero bias is zero)
    np.testing.assert_allclose(np.asarray(conv.bias), -0.1 * 2 * (1 + 0.85) * np.ones(4),
                               rtol=1e-5)
    again = Muon.from_config(optimizer.get_config())
    assert (again.kernel_rate, again.kernel_momentum) == (0.5, 0.6)
    with pytest.raises(ValueError, match="kernel_rate"):
        Muon(kernel_rate=0)
