# Exercise 3: lecture 02's ConvNet, counted by hand and by Keras.
import keras

from cnnlab import layer_math as lm

# 'same' convs keep 28x28, each 2x2 pool halves: 28 -> 14 -> 7
by_hand = [
    ("conv 32 5x5 same", (28, 28, 32), lm.conv_params(5, 1, 32)),
    ("max pool 2", (14, 14, 32), 0),
    ("conv 64 3x3 same", (14, 14, 64), lm.conv_params(3, 32, 64)),
    ("max pool 2", (7, 7, 64), 0),
    ("flatten", (7 * 7 * 64,), 0),
    ("dense 256", (256,), lm.dense_params(7 * 7 * 64, 256)),
    ("dense 10", (10,), lm.dense_params(256, 10)),
]
model = keras.Sequential([
    keras.Input((28, 28, 1)),
    keras.layers.Conv2D(32, 5, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
total = sum(p for _, _, p in by_hand)
for (name, shape, params), layer in zip(by_hand, model.layers, strict=True):
    assert tuple(layer.output.shape[1:]) == shape and layer.count_params() == params, name
    print(f"{name:18s} {str(shape):15s} {params:>9,}")
print(f"{'total':34s} {total:>9,}")
assert total == model.count_params()
biggest = max(by_hand, key=lambda row: row[2])
print(f"{biggest[0]} holds {biggest[2] / total:.0%}: it connects all 3,136 flattened values "
      f"to each of 256 units, while conv weights are shared across positions.")
