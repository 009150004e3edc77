# Exercise 2: occlusion sensitivity (Zeiler and Fergus, 2014) against Grad-CAM.
import matplotlib.pyplot as plt
import numpy as np

import cnnlab
from cnnlab import gradients, photos, pretrained

B = cnnlab.budget(positions=(13, 4))  # positions of the grey square along each side
PATCH = 64
net = pretrained.load()
cup = net.prepare(photos.photo("coffee"))
score = net.logits(cup)[0]
target = int(np.argmax(score))

side = cup.shape[0]
starts = np.linspace(0, side - PATCH, B.positions).astype(int)
batch, where = [], []
for top in starts:
    for left in starts:
        grey = cup.copy()
        grey[top:top + PATCH, left:left + PATCH] = 127.0
        batch.append(grey)
        where.append((top, left))
occluded = net.logits(np.stack(batch))[:, target]
drop, count = np.zeros((side, side)), np.zeros((side, side))
for (top, left), s in zip(where, occluded, strict=True):
    drop[top:top + PATCH, left:left + PATCH] += score[target] - s  # fall in the class's logit
    count[top:top + PATCH, left:left + PATCH] += 1
drop /= np.maximum(count, 1)
cam = gradients.grad_cam(net.model, cup[None], target, "top_activation",
                         preprocess=net.preprocess)[0]
agreement = np.corrcoef(drop.ravel(), cam.ravel())[0, 1]
print(f"predicted {pretrained.class_names()[target]!r} (logit {score[target]:.1f}); largest fall "
      f"when occluded {drop.max():.2f}; correlation of the two maps {agreement:.2f}")

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
axes[0].imshow(cup.astype("uint8"))
axes[1].imshow(drop, cmap="magma")
axes[1].set_title("fall in the logit when occluded")
axes[2].imshow(cup.astype("uint8"))
axes[2].imshow(cam, cmap="jet", alpha=0.45)
axes[2].set_title("Grad-CAM")
for ax in axes:
    ax.set_xticks([]), ax.set_yticks([])
plt.show()
assert drop.max() > 0  # hiding part of the cup costs the network some evidence
