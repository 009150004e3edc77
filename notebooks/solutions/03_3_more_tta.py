# Exercise 3: test-time augmentation with flips and one-pixel shifts.
# Uses notebook 03's model when it is saved, else trains a small one (fast budget) first.
import numpy as np

import cnnlab
from cnnlab import recipes, training

B = cnnlab.budget(epochs=(6, 1))
(x_train, y_train), _, _, _ = cnnlab.load_cifar10()
n_val = len(x_train) // 10
x_val = training.as_float_images(x_train[-n_val:])
y_val = y_train[-n_val:]
model = training.load_model("cifar10_resnet9")
if model is None:
    model, _, _ = recipes.train_cifar_modern(x_train[:-n_val], y_train[:-n_val],
                                             epochs=B.epochs, log_every=B.epochs)

views = [x_val, x_val[:, :, ::-1]]
flips_only = np.mean([training.predict_proba(model, v) for v in views], axis=0)
views += [training.translate(x_val, dy, dx) for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0))]
all_views = np.mean([training.predict_proba(model, v) for v in views], axis=0)
scores = {name: float(np.mean(np.argmax(p, -1) == y_val))
          for name, p in (("no TTA", training.predict_proba(model, x_val)),
                          ("flips", flips_only), ("flips + shifts", all_views))}
# cnnlab's own: half weight on the two diagonal one-pixel moves (the scheme of airbench)
scores["cnnlab, shift_tta=1"] = training.accuracy(model, x_val, y_val, flip_tta=True, shift_tta=1)
print({k: f"{v:.2%}" for k, v in scores.items()})
# Shifts of 1 pixel are views the network saw in training (up to 4 px), so they carry less
# new information than the mirror image; averaging them can still smooth out errors.
assert np.array_equal(training.translate(x_val[:2], 0, 0), x_val[:2])
assert np.array_equal(training.translate(x_val[:2], 0, 1)[:, :, 1:], x_val[:2, :, :-1])
assert all(0 <= v <= 1 for v in scores.values())
