"""Feature visualisation speed: a grid of channel images of one EfficientNet-Lite0 layer.

    .venv/bin/python benchmarks/bench_featurevis.py [--layer block6d_add] [--channels 16]
        [--size 128] [--steps 96] [--repeats 3]

Notebook 06's settings by default (all regularisers). One JSON line per repeat (seconds), then
the median, with the machine. Target: 16 channels in <= 60 s on 2 CPU cores. Each repeat
traces the gradient function anew (``visualize_channels`` builds it), as a lecture's cell does.
"""

import argparse

from repeats import time_repeats

from cnnlab import featurevis, pretrained


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", default="block6d_add")
    parser.add_argument("--channels", type=int, default=16)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=96)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if min(args.channels, args.size, args.steps, args.repeats) < 1:
        parser.error("--channels, --size, --steps and --repeats must be at least 1")

    net = pretrained.load(any_size=True)
    setting = {"layer": args.layer, "channels": args.channels, "size": args.size,
               "steps": args.steps, "regularisers": featurevis.describe(featurevis.ALL)}

    def job(repeat):
        featurevis.visualize_channels(net.model, args.layer, range(args.channels),
                                      preprocess=net.preprocess, size=args.size,
                                      steps=args.steps, seed=repeat)

    time_repeats(job, args.repeats, benchmark="feature visualisation grid", setting=setting,
                 network=net.source, data=f"{net.source}; random start images")


if __name__ == "__main__":
    main()
