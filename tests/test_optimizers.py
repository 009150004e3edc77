"""ScaledSGD: chosen variables learn at a multiple of the rate."""

import keras
import numpy as np
import pytest

from cnnlab.optimizers import ScaledSGD


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
