"""DeepDream speed: one 3-octave dream of a 512-pixel photo with EfficientNet-Lite0.

    .venv/bin/python benchmarks/bench_deepdream.py [--photo astronaut] [--octaves 3]
        [--steps 20] [--repeats 3]

Notebook 07's settings by default (layers block4c_add + block5c_add, octaves of x1.4, 20 steps
each). One JSON line per repeat (seconds), then the median, with the machine. Target: <= 30 s
on 2 CPU cores. Each repeat builds its Dreamer and so traces the gradient function, as a
lecture's cell does.
"""

import argparse

from repeats import time_repeats

from cnnlab import deepdream, photos, pretrained

LAYERS = {"block4c_add": 1.0, "block5c_add": 1.0}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photo", default="astronaut", choices=sorted(photos.PHOTOS))
    parser.add_argument("--octaves", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if min(args.octaves, args.steps, args.repeats) < 1:
        parser.error("--octaves, --steps and --repeats must be at least 1")

    net = pretrained.load(any_size=True)
    image = photos.photo(args.photo)
    setting = {"photo": args.photo, "pixels": list(image.shape[:2]), "layers": LAYERS,
               "octaves": args.octaves, "octave_scale": 1.4, "steps_per_octave": args.steps}

    def job(repeat):
        dreamer = deepdream.Dreamer(net.model, LAYERS, net.preprocess)
        deepdream.dream(dreamer, image, octaves=args.octaves, steps=args.steps, seed=repeat)

    time_repeats(job, args.repeats, benchmark="DeepDream", setting=setting, network=net.source,
                 data=f"{net.source}; skimage.data {args.photo} photo")


if __name__ == "__main__":
    main()
