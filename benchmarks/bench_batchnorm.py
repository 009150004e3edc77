"""Training speed with cnnlab's fused batch norm against Keras's own layer, same networks.

    .venv/bin/python benchmarks/bench_batchnorm.py [--repeats 3]

Notebook 04's VGG-style network (width 16) and notebook 03's ResNet-9 (width 12), each timed
with both layers (``cnnlab.batchnorm.keras_twin``), alternately, as the median of ``--repeats``
passes of 10 SGD steps on 256 random images after a warm-up (``cnnlab.speed``). One JSON line
per network.
"""

import argparse
import json
from datetime import date

from cnnlab import models, speed
from cnnlab.batchnorm import keras_twin
from cnnlab.envinfo import machine


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for model in (models.cifar_vgg(16, (1, 1, 2, 2)), models.cifar_resnet9(12)):
        rates = {"keras": speed.training_speed(keras_twin(model), repeats=args.repeats),
                 "fused": speed.training_speed(model, repeats=args.repeats)}
        print(json.dumps({"model": model.name, "keras_img_s": round(rates["keras"]),
                          "fused_img_s": round(rates["fused"]),
                          "speedup": round(rates["fused"] / rates["keras"], 2),
                          "date": str(date.today()), "machine": machine()}), flush=True)


if __name__ == "__main__":
    main()
