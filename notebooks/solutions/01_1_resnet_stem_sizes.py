# Exercise 1: sizes through ResNet's stem, by formula and by Keras.
import keras

from cnnlab import layer_math as lm

side_conv = lm.conv_output_size(224, 7, p=3, s=2)
side_pool = lm.conv_output_size(side_conv, 3, p=1, s=2)
params = lm.conv_params(7, 3, 64)
print(f"conv 7x7/2, pad 3:   224 -> {side_conv}  ({params:,} parameters)")
print(f"max pool 3x3/2, pad 1: {side_conv} -> {side_pool}")

stem = keras.Sequential([
    keras.Input((224, 224, 3)),
    keras.layers.ZeroPadding2D(3),
    keras.layers.Conv2D(64, 7, strides=2),
    # zeros are safe padding for a max pool here only after a ReLU; -inf is the general rule
    keras.layers.ZeroPadding2D(1),
    keras.layers.MaxPooling2D(3, strides=2),
])
shapes = [layer.output.shape[1:] for layer in stem.layers]
print("Keras:", shapes)
assert shapes[1] == (side_conv, side_conv, 64) and shapes[3] == (side_pool, side_pool, 64)
assert stem.count_params() == params == 9_472
