# Exercise 3: C5 (120 filters of 5x5x16 on a 5x5x16 map) is Flatten + Dense(120).
import keras
import numpy as np

from cnnlab import layer_math as lm

layers = keras.layers
c5 = keras.Sequential([keras.Input((5, 5, 16)), layers.Conv2D(120, 5), layers.Flatten()])
dense = keras.Sequential([keras.Input((5, 5, 16)), layers.Flatten(), layers.Dense(120)])
print("parameters: C5", c5.count_params(), "| Flatten + Dense", dense.count_params())
assert c5.count_params() == dense.count_params() == lm.conv_params(5, 16, 120) == 48_120

kernel, bias = c5.layers[0].get_weights()          # (5, 5, 16, 120)
# Flatten orders a 5x5x16 map row by row, channels last: the same order as the kernel's axes
dense.layers[1].set_weights([kernel.reshape(5 * 5 * 16, 120), bias])
x = np.random.default_rng(0).normal(size=(4, 5, 5, 16)).astype("float32")
same = np.allclose(keras.ops.convert_to_numpy(c5(x)), keras.ops.convert_to_numpy(dense(x)),
                   atol=1e-5)
print("outputs equal (to 1e-5):", same)
assert same
