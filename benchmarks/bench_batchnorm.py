"""Training speed with cnnlab's fused batch norm against Keras's own layer, same networks.

    .venv/bin/python benchmarks/bench_batchnorm.py [--repeats 5]

Notebook 04's VGG-style network (width 16) and notebook 03's ResNet-9 (width 12), each built
with both layers (``cnnlab.batchnorm.keras_twin``) and trained with SGD and Nesterov
momentum, as the recipe trains them. Passes of 16 steps on a batch of 256 random images
alternate between the two (``cnnlab.speed.compare_training_speed``), so a busy spell on a
shared machine hits both; the JSON line per network gives every pass and the ratio of the
medians.
"""

import argparse
import json
import statistics

from cnnlab import models, records
from cnnlab.batchnorm import keras_twin
from cnnlab.speed import compare_training_speed


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for model in (models.cifar_vgg(16, (1, 1, 2, 2)), models.cifar_resnet9(12)):
        rates = compare_training_speed({"fused": model, "keras": keras_twin(model)},
                                       batch_size=256, steps=16, repeats=args.repeats)
        medians = {name: statistics.median(r) for name, r in rates.items()}
        print(json.dumps({"model": model.name,
                          "fused_img_s": [round(r) for r in rates["fused"]],
                          "keras_img_s": [round(r) for r in rates["keras"]],
                          "speedup": round(medians["fused"] / medians["keras"], 2),
                          **records.stamp("random input")}), flush=True)


if __name__ == "__main__":
    main()
