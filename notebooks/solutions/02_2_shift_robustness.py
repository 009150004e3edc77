# Exercise 2: how the MLP and LeNet cope with digits shifted to the right.
import keras
import matplotlib.pyplot as plt
import numpy as np

import cnnlab
from cnnlab import models, recipes, training

B = cnnlab.budget(epochs=(3, 2))
(x_train, y_train), (x_test, y_test), _, _ = cnnlab.load_mnist()
x_train, x_test = training.as_float_images(x_train), training.as_float_images(x_test)

keras.utils.set_random_seed(0)
mlp = models.mlp()
mlp.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
training.fit(mlp, x_train, y_train, epochs=B.epochs, batch_size=128, log_every=B.epochs)
lenet, _, _ = recipes.train_modern_lenet(x_train, y_train, epochs=B.epochs, log_every=B.epochs)


def shift_right(x, pixels):
    shifted = np.roll(x, pixels, axis=2)
    shifted[:, :, :pixels] = 0  # the columns that wrapped round
    return shifted


shifts = [0, 1, 2, 3, 4]
scores = {name: [training.accuracy(model, shift_right(x_test, s), y_test) for s in shifts]
          for name, model in (("MLP", mlp), ("LeNet", lenet))}
for name, acc in scores.items():
    print(f"{name:6s}", "  ".join(f"{s}px {a:.1%}" for s, a in zip(shifts, acc, strict=True)))

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, acc in scores.items():
    ax.plot(shifts, np.array(acc) * 100, "o-", label=name)
ax.set_xlabel("shift to the right (pixels)")
ax.set_ylabel("test accuracy (%)")
ax.set_title("robustness to translation")
ax.legend()
plt.show()

# Shared filters respond to a stroke wherever it is, and max pooling absorbs small moves; the
# MLP has a separate weight for every pixel and meets the shifted strokes with the wrong ones.
assert scores["LeNet"][3] > scores["MLP"][3]
