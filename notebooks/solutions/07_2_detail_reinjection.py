# Exercise 2: what detail re-injection buys. Without it, each octave starts from the previous
# octave's dream enlarged, so the fine detail lost when the photo was shrunk never comes back.
import numpy as np
from scipy import ndimage

import cnnlab
from cnnlab import deepdream, photos, plots, pretrained

B = cnnlab.budget(side=(512, 128), steps=(20, 5))
net = pretrained.load(any_size=True)
dreamer = deepdream.Dreamer(net.model, {"block4c_add": 1.0, "block5c_add": 1.0}, net.preprocess)
photo = photos.photo("astronaut", long_side=B.side).astype("float32")

with_detail = deepdream.dream(dreamer, photo, steps=B.steps)
shapes = deepdream.octave_shapes(photo.shape, 3, 1.4)
x = deepdream.resize(photo, shapes[0])
for octave, shape in enumerate(shapes):  # the same loop, but nothing re-injected
    x = deepdream.dream(dreamer, deepdream.resize(x, shape), octaves=1, steps=B.steps, seed=octave)
without_detail = x


def fine(image):  # what a 2-pixel blur removes: the photo's finest detail
    grey = np.asarray(image, np.float32).mean(axis=-1)
    return grey - ndimage.gaussian_filter(grey, 2)


kept = [np.corrcoef(fine(photo).ravel(), fine(d).ravel())[0, 1]
        for d in (with_detail, without_detail)]
print(f"correlation of the fine detail with the photo's: {kept[0]:.2f} with re-injection, "
      f"{kept[1]:.2f} without")
crop = slice(B.side // 8, B.side // 2)  # the face, enlarged
plots.side_by_side([photo[crop, crop], with_detail[crop, crop], without_detail[crop, crop]],
                   ["photo", f"detail re-injected ({kept[0]:.2f})",
                    f"not re-injected ({kept[1]:.2f})"])
assert kept[0] > kept[1]
