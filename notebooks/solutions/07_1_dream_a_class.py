# Exercise 1: dream a class. The objective is one class's logit instead of a layer's
# activations; deepdream.dream dreams with any deepdream.Objective.
import numpy as np
from scipy.special import softmax

import cnnlab
from cnnlab import deepdream, photos, plots, pretrained

B = cnnlab.budget(side=(400, 128), steps=(20, 5))
CLASS = "goldfish"
net = pretrained.load(any_size=True)  # keeps its classifier: global pooling takes any size
target = pretrained.class_names().index(CLASS)
# the logit after global pooling is a mean over positions: an Objective, tiles and all
goldfish = deepdream.Objective(lambda x: net.model(net.preprocess(x), training=False)[0, target])
photo = photos.photo("coffee", long_side=B.side * 3 // 2)
dream = deepdream.dream(goldfish, photo, steps=B.steps)
classifier = pretrained.load()  # the fixed 224-pixel network, on the usual centre crop
p_before, p_after = (softmax(classifier.logits(classifier.prepare(np.uint8(np.clip(im, 0, 255)))),
                             axis=-1)[0, target] for im in (photo, dream))
print(f"P({CLASS}): {p_before:.2%} for the photo, {p_after:.2%} for the dream")
plots.side_by_side([photo, dream], ["photo", f"dreaming of {CLASS}: P = {p_after:.0%}"])
assert p_after > 20 * p_before  # the network now sees far more goldfish than before
