# Exercise 1: shards of unequal size. Each device averages over its own shard, so a shard's
# gradient must count in proportion to its size; a plain average of the devices' gradients
# over-weights the examples of the smaller shards.
import numpy as np

import cnnlab
from cnnlab import distributed, training

(x_train, y_train), _, _, _ = cnnlab.load_cifar10()
x = training.as_float_images(x_train[:100]).reshape(100, -1).astype("float64")
y = y_train[:100]
W = np.random.default_rng(0).normal(0, 0.01, (3072, 10))


def gradient(W, x, y):  # softmax regression (no bias), as in section 1
    p = np.exp(x @ W - (x @ W).max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return x.T @ p / len(y)


full = gradient(W, x, y)
shards = np.array_split(np.arange(100), 3)  # 34, 33 and 33 examples
grads = [gradient(W, x[s], y[s]) for s in shards]
plain = np.mean(grads, axis=0)
weighted = sum(len(s) * g for s, g in zip(shards, grads, strict=True)) / 100
error = np.abs(plain - full).max() / np.abs(full).max()
print(f"shards of {[len(s) for s in shards]}: the plain average is off by {error:.1e} of the "
      f"largest gradient; weighted by shard size, the error is "
      f"{np.abs(weighted - full).max() / np.abs(full).max():.0e}")
assert error > 1e-4 and np.allclose(weighted, full, rtol=0, atol=1e-12)
# Keras's engines average the devices' gradients with equal weights (and JAX cannot even lay out
# an uneven split), so the course refuses the split and says what to change:
try:
    distributed.check_split(100, 3)
except ValueError as refusal:
    print(refusal)
