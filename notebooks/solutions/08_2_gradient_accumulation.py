# Exercise 2: gradient accumulation. The optimizer keeps the mean gradient of 4 batches of 16 and
# applies it once: the step of a batch of 64, in a quarter of the memory for activations.
import keras
import numpy as np

import cnnlab
from cnnlab import models, training

(x_train, y_train), _, _, _ = cnnlab.load_cifar10()
x, y = training.as_float_images(x_train[:256]), y_train[:256]


def train(batch_size, accumulate=None):
    keras.utils.set_random_seed(0)  # the same starting weights every time
    model = models.cifar_vgg(8, batch_norm=False)
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9, gradient_accumulation_steps=accumulate),
                  "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model.get_weights()


def difference(a, b):
    return max(np.abs(u - v).max() for u, v in zip(a, b, strict=True))


big = train(64)
accumulated = train(16, accumulate=4)
small = train(16)
print(f"4 x 16, accumulated, against batches of 64: largest weight difference "
      f"{difference(accumulated, big):.1e}")
print(f"plain batches of 16 against batches of 64: {difference(small, big):.1e}")
assert difference(accumulated, big) < 1e-5 < 1e-3 < difference(small, big)
