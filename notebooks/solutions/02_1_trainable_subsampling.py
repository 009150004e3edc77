# Exercise 1: LeNet-5's trainable subsampling (S2) from Keras layers.
import keras
import numpy as np

s2 = keras.Sequential([
    keras.Input((28, 28, 6)),
    keras.layers.AveragePooling2D(2),                  # mean of each 2x2 window
    keras.layers.DepthwiseConv2D(1, use_bias=True),    # one coefficient and one bias per map
    keras.layers.Activation("tanh"),                   # the squashing function
])
print("parameters:", s2.count_params(), "(6 coefficients + 6 biases)")
assert s2.count_params() == 12

# the paper's description, computed by hand: tanh(coefficient * window sum + bias)
rng = np.random.default_rng(0)
coefficient, bias = rng.normal(size=6), rng.normal(size=6)
# the mean is the sum / 4, so the depthwise weight is 4 x the paper's coefficient
s2.layers[1].set_weights([(4 * coefficient).reshape(1, 1, 6, 1), bias])
x = rng.normal(size=(2, 28, 28, 6)).astype("float32")
window_sums = x.reshape(2, 14, 2, 14, 2, 6).sum(axis=(2, 4))
by_hand = np.tanh(coefficient * window_sums + bias)
keras_out = keras.ops.convert_to_numpy(s2(x))
print("Keras == the paper's formula (to 1e-5):", np.allclose(keras_out, by_hand, atol=1e-5))
assert np.allclose(keras_out, by_hand, atol=1e-5)
