# Exercise 2: label smoothing by hand against Keras.
import keras
import numpy as np

classes, smoothing, label = 10, 0.2, 3
# every class gets smoothing / classes; the true class keeps the remaining 1 - smoothing on top
target = np.full(classes, smoothing / classes)
target[label] += 1 - smoothing
print("smoothed target:", target.round(3).tolist())
assert np.isclose(target.sum(), 1) and np.isclose(target[label], 0.82)

rng = np.random.default_rng(0)
predictions = rng.dirichlet(np.ones(classes), size=4).astype("float32")
one_hot = np.tile(np.eye(classes)[label], (4, 1)).astype("float32")
by_hand = -(target * np.log(predictions)).sum(axis=1).mean()
loss = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)
by_keras = float(keras.ops.convert_to_numpy(loss(one_hot, predictions)))
print(f"cross-entropy by hand {by_hand:.5f}, by Keras {by_keras:.5f}")
assert np.isclose(by_hand, by_keras, rtol=1e-5)
