# Exercise 3: SmoothGrad (Smilkov et al., 2017) averages saliency over noisy copies.
import matplotlib.pyplot as plt
import numpy as np

import cnnlab
from cnnlab import gradients, photos, pretrained

B = cnnlab.budget(copies=(16, 4))
net = pretrained.load()
cat = net.prepare(photos.photo("chelsea"))
target = int(np.argmax(net.logits(cat)[0]))
rng = np.random.default_rng(0)
noisy = np.clip(cat + rng.normal(0, 0.15 * 255, (B.copies, *cat.shape)), 0, 255).astype("float32")
plain = gradients.saliency(net.model, cat[None], target, preprocess=net.preprocess)[0]
smooth = gradients.saliency(net.model, noisy, target, preprocess=net.preprocess).mean(axis=0)
smooth /= smooth.max()


def total_variation(m):
    return float(np.abs(np.diff(m, axis=0)).sum() + np.abs(np.diff(m, axis=1)).sum()) / m.sum()


tv_plain, tv_smooth = total_variation(plain), total_variation(smooth)
print(f"total variation per unit of saliency: plain {tv_plain:.2f}, "
      f"SmoothGrad ({B.copies} copies) {tv_smooth:.2f}")
fig, axes = plt.subplots(1, 2, figsize=(7, 3.6))
for ax, m, title in zip(axes, (plain, smooth), ("saliency", "SmoothGrad"), strict=True):
    ax.imshow(m, cmap="gray")
    ax.set_title(title)
    ax.set_xticks([]), ax.set_yticks([])
plt.show()
assert tv_smooth < tv_plain  # averaging removes speckle
