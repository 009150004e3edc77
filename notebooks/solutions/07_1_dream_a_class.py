# Exercise 1: dream a class. The objective is one class's logit instead of a layer's
# activations; deepdream.dream takes any object with a Dreamer's gradient method.
import numpy as np
from scipy.special import softmax

import cnnlab
from cnnlab import deepdream, gradients, photos, plots, pretrained

B = cnnlab.budget(side=(400, 128), steps=(20, 5))
CLASS = "goldfish"
net = pretrained.load(any_size=True)  # keeps its classifier: global pooling takes any size
target = pretrained.class_names().index(CLASS)


class ClassDreamer:
    def __init__(self, model, preprocess, index):
        self._climb = gradients.gradient_function(
            lambda x: model(preprocess(x), training=False)[0, index])

    def gradient(self, image, **tiling):  # the photo is small: no tiles
        value, grad = self._climb(image[None])
        return value, grad[0]


photo = deepdream.resize(photos.photo("coffee").astype("float32"), (B.side, B.side * 3 // 2))
dream = deepdream.dream(ClassDreamer(net.model, net.preprocess, target), photo, steps=B.steps)
classifier = pretrained.load()  # the fixed 224-pixel network, on the usual centre crop
p_before, p_after = (softmax(classifier.logits(classifier.prepare(np.uint8(np.clip(im, 0, 255)))),
                             axis=-1)[0, target] for im in (photo, dream))
print(f"P({CLASS}): {p_before:.2%} for the photo, {p_after:.2%} for the dream")
plots.side_by_side([photo, dream], ["photo", f"dreaming of {CLASS}: P = {p_after:.0%}"])
assert p_after > 20 * p_before  # the network now sees far more goldfish than before
