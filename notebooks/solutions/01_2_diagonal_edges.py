# Exercise 2: a kernel for 45-degree edges (bottom-left to top-right).
import matplotlib.pyplot as plt
import numpy as np
from skimage import data as photos

from cnnlab.conv_numpy import conv2d

# positive above-left of the anti-diagonal, negative below-right, zero on it: the difference
# across a 45-degree edge
diagonal = np.array([[2, 1, 0], [1, 0, -1], [0, -1, -2]], dtype=float)


def response(image, kernel):
    out = conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
    return np.abs(out)


n = 16
rows, cols = np.mgrid[:n, :n]
steps = {
    "diagonal step": (rows + cols < n).astype(float),
    "horizontal step": (rows < n // 2).astype(float),
    "vertical step": (cols < n // 2).astype(float),
}
strength = {name: response(im, diagonal).max() for name, im in steps.items()}
print({name: round(float(s), 2) for name, s in strength.items()})
assert strength["diagonal step"] > 1.3 * max(strength["horizontal step"],
                                             strength["vertical step"])

gray = photos.camera().astype(float) / 255
fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
axes[0].imshow(gray, cmap="gray")
axes[0].set_title("camera")
axes[1].imshow(response(gray, diagonal), cmap="gray")
axes[1].set_title("45-degree edges")
for ax in axes:
    ax.axis("off")
plt.show()
