import itertools

import keras
import pytest

from cnnlab import layer_math as lm


@pytest.mark.parametrize(
    "w, f, s, padding, dilation",
    [c for c in itertools.product([7, 28, 32, 33], [1, 3, 5], [1, 2, 3], ["valid", "same"],
                                  [1, 2])
     if (c[2] == 1 or c[4] == 1) and c[0] >= c[4] * (c[1] - 1) + 1],
)
def test_output_size_matches_keras(w, f, s, padding, dilation):
    layer = keras.layers.Conv2D(4, f, strides=s, padding=padding, dilation_rate=dilation)
    out = layer.compute_output_shape((1, w, w, 3))
    pad = sum(lm.same_padding(w, f, s, dilation))
    if padding == "valid":
        expected = lm.conv_output_size(w, f, 0, s, dilation)
    elif pad % 2 == 0:  # symmetric padding: the formula with P = pad / 2
        expected = lm.conv_output_size(w, f, pad // 2, s, dilation)
    else:  # same padding puts the odd pixel after: (W + pad - F_eff) // S + 1
        expected = (w + pad - dilation * (f - 1) - 1) // s + 1
    assert out[1] == out[2] == expected
    if padding == "same":
        assert expected == -(-w // s)


@pytest.mark.parametrize("f, c_in, c_out", [(1, 3, 8), (3, 3, 32), (5, 3, 10), (3, 64, 128)])
def test_conv_params_match_keras(f, c_in, c_out):
    layer = keras.layers.Conv2D(c_out, f)
    layer.build((None, 32, 32, c_in))
    assert layer.count_params() == lm.conv_params(f, c_in, c_out)
    no_bias = keras.layers.Conv2D(c_out, f, use_bias=False)
    no_bias.build((None, 32, 32, c_in))
    assert no_bias.count_params() == lm.conv_params(f, c_in, c_out, bias=False)


def test_worked_examples():
    assert lm.conv_output_size(32, 5, 0, 1) == 28
    assert lm.conv_output_size(32, 5, 0, 2) == 14  # not 28: floor(27 / 2) + 1
    assert lm.conv_params(5, 3, 10) == 760
    assert lm.conv_params(3, 3, 32) == 896
    assert lm.dense_params(640 * 480 * 3, 1000) == 921_601_000
    assert lm.receptive_field(3) == 7 and lm.receptive_field(2, dilation=2) == 9


@pytest.mark.parametrize("w, f, s", [(4, 3, 2), (7, 4, 3), (5, 2, 1)])
def test_transposed_output_size_matches_keras(w, f, s):
    layer = keras.layers.Conv2DTranspose(2, f, strides=s, padding="valid")
    assert layer.compute_output_shape((1, w, w, 1))[1] == lm.transposed_output_size(w, f, 0, s)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: lm.conv_output_size(3, 5), "does not fit"),
        (lambda: lm.conv_output_size(32, 0), "f must be a positive"),
        (lambda: lm.conv_output_size(32, 3, -1), "padding p"),
        (lambda: lm.conv_params(3, 3, 2.5), "c_out must be"),
        (lambda: lm.conv_output_size(32, 3, s=True), "s must be"),
        (lambda: lm.conv_output_size(32, 3, p=True), "padding p"),
        (lambda: lm.transposed_output_size(2, 3, p=-1), "padding p"),
        (lambda: lm.transposed_output_size(1, 2, p=1), "removes the whole"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
