"""Training speed with cnnlab's fused batch norm against Keras's own layer, same networks.

    .venv/bin/python benchmarks/bench_batchnorm.py [--repeats 5]

Notebook 04's VGG-style network (width 16) and notebook 03's ResNet-9 (width 12), each built
with both layers (``cnnlab.batchnorm.keras_twin``) and compiled as the recipe compiles them
(SGD with Nesterov momentum, 8 steps per execution). After a warm-up, passes of 16 batches of
256 random images alternate between the two, so a busy spell on a shared machine hits both;
the JSON line per network gives every pass and the ratio of the medians.
"""

import argparse
import json
import statistics
import time
from datetime import date

import keras
import numpy as np

from cnnlab import models
from cnnlab.batchnorm import keras_twin
from cnnlab.envinfo import machine


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((256 * 16, 32, 32, 3), dtype=np.float32)
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, len(x))]
    for model in (models.cifar_vgg(16, (1, 1, 2, 2)), models.cifar_resnet9(12)):
        pair = {"fused": model, "keras": keras_twin(model)}
        for m in pair.values():
            m.compile(keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
                      "categorical_crossentropy", steps_per_execution=8)
            m.fit(x[:2048], y[:2048], batch_size=256, epochs=1, verbose=0)  # warm-up
        rates = {name: [] for name in pair}
        for _ in range(args.repeats):
            for name, m in pair.items():
                start = time.perf_counter()
                m.fit(x, y, batch_size=256, epochs=1, verbose=0)
                rates[name].append(round(len(x) / (time.perf_counter() - start)))
        medians = {name: statistics.median(r) for name, r in rates.items()}
        print(json.dumps({"model": model.name, "fused_img_s": rates["fused"],
                          "keras_img_s": rates["keras"],
                          "speedup": round(medians["fused"] / medians["keras"], 2),
                          "date": str(date.today()), "machine": machine()}), flush=True)


if __name__ == "__main__":
    main()
