# Exercise 3: a guided dream. Instead of "more of whatever you see", ask every position of the
# photo for features like those of a guide image: maximise the dot product of each position's
# features with the guide's mean feature vector.
import keras
import numpy as np

import cnnlab
from cnnlab import deepdream, gradients, photos, plots, pretrained

B = cnnlab.budget(side=(512, 128), steps=(20, 5))
LAYER = "block5c_add"
net = pretrained.load(any_size=True)
features = gradients.layer_model(net.model, LAYER)


def mean_feature(image):
    acts = features(net.preprocess(np.asarray(image, np.float32)[None]), training=False)
    return keras.ops.convert_to_numpy(acts)[0].mean(axis=(0, 1))


guide = photos.photo("chelsea").astype("float32")
direction = mean_feature(guide)
direction /= np.linalg.norm(direction)
towards = keras.ops.convert_to_tensor(direction)
guided_by_cat = deepdream.Objective(  # each position's features, projected on the cat's
    lambda x: keras.ops.mean(keras.ops.matmul(features(net.preprocess(x)), towards)))


def cosine(image):
    f = mean_feature(image)
    return float(f @ direction / np.linalg.norm(f))


photo = photos.photo("astronaut", long_side=B.side)
guided = deepdream.dream(guided_by_cat, photo, steps=B.steps)
free = deepdream.dream(deepdream.Dreamer(net.model, LAYER, net.preprocess), photo, steps=B.steps)
scores = [cosine(im) for im in (photo, free, guided)]
print("cosine with the cat's mean feature: photo {:.2f}, free dream {:.2f}, guided dream {:.2f}"
      .format(*scores))
titles = ["the guide", "photo", f"free dream ({scores[1]:.2f})",
          f"guided by the cat ({scores[2]:.2f})"]
plots.side_by_side([guide, photo, free, guided], titles)
assert scores[2] > max(scores[0], scores[1])
