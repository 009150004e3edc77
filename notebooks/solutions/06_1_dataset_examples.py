# Exercise 1: a channel's visualisation beside the real crops that excite it most.
import matplotlib.pyplot as plt
import numpy as np

import cnnlab
from cnnlab import featurevis, photos, pretrained

B = cnnlab.budget(size=(128, 48), steps=(96, 8), crops=(200, 30))
net = pretrained.load(any_size=True)
layer, channels = "block5c_add", [0, 1, 2, 3]
wanted = featurevis.visualize_channels(net.model, layer, channels, preprocess=net.preprocess,
                                       size=B.size, steps=B.steps)
crops = photos.random_crops(B.crops, B.size, seed=2)
acts = featurevis.channel_means(net.model, layer, crops, channels, preprocess=net.preprocess)
fig, axes = plt.subplots(len(channels), 4, figsize=(8, 2.1 * len(channels)))
for r, ch in enumerate(channels):
    best = np.argsort(-acts[:, r])[:3]
    axes[r, 0].imshow(wanted[r])
    axes[r, 0].set_ylabel(f"channel {ch}")
    for c, i in enumerate(best, start=1):
        axes[r, c].imshow(crops[i])
        axes[r, c].set_title(f"{acts[i, r]:.1f}", fontsize=8)
    print(f"channel {ch}: best real crops score {[round(float(a), 1) for a in acts[best, r]]}")
for ax in axes.flat:
    ax.set_xticks([]), ax.set_yticks([])
axes[0, 0].set_title("visualisation", fontsize=8)
plt.tight_layout()
plt.show()
# the top crops are ranked: each scores at least as much as every other crop on its channel
assert all(acts[np.argsort(-acts[:, r])[0], r] == acts[:, r].max() for r in range(len(channels)))
