# Exercise 1: the baseline's 1x1 max-pools are identities; removing them changes nothing.
import time

import keras
import numpy as np

from cnnlab import models

full = models.seed_cifar_cnn()
keep = [layer for layer in full.layers if layer.name not in ("pool3", "pool4", "pool5")]
slim = keras.Sequential([keras.Input((32, 32, 3)),
                         *[layer.__class__.from_config(layer.get_config()) for layer in keep]])
for layer in keep:
    slim.get_layer(layer.name).set_weights(layer.get_weights())
print("parameters:", full.count_params(), "with the 1x1 pools,", slim.count_params(), "without")

x = np.random.default_rng(0).uniform(size=(64, 32, 32, 3)).astype("float32")
same = np.allclose(keras.ops.convert_to_numpy(full(x)), keras.ops.convert_to_numpy(slim(x)),
                   atol=1e-6)
print("outputs equal:", same)
assert same and full.count_params() == slim.count_params()


def best_of(model, repeats=5):
    model(x)  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(x)
        times.append(time.perf_counter() - start)
    return min(times)


print(f"forward pass on 64 images: {best_of(full) * 1e3:.1f} ms with, "
      f"{best_of(slim) * 1e3:.1f} ms without the 1x1 pools")
