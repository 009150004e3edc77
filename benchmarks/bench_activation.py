"""Training speed of the airbench-style network with each activation, on this machine.

    .venv/bin/python benchmarks/bench_activation.py [--widths 32 128 128] [--repeats 5]

``models.cifar_airbench`` built with GELU (exact, through erf: airbench94's choice), GELU's
tanh approximation, SiLU and ReLU, trained on batches of 1,024 as
``recipes.train_cifar_airbench`` trains it. Passes of 6 steps on random images take turns
(``cnnlab.speed.compare_training_speed``); one JSON line gives every pass, the medians and
each activation's speed relative to exact GELU.
"""

import argparse
import json
import statistics

import keras

from cnnlab import models, records
from cnnlab.speed import compare_training_speed


@keras.saving.register_keras_serializable(package="bench")  # the probes are clones
def gelu_tanh(x):
    return keras.activations.gelu(x, approximate=True)


ACTIVATIONS = {
    "gelu": "gelu",
    "gelu_tanh": gelu_tanh,
    "silu": "silu",
    "relu": "relu",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--widths", type=int, nargs=3, default=[32, 128, 128])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    nets = {name: models.cifar_airbench(tuple(args.widths), activation=activation)
            for name, activation in ACTIVATIONS.items()}
    rates = compare_training_speed(nets, batch_size=1024, steps=6, repeats=args.repeats)
    medians = {name: round(statistics.median(r)) for name, r in rates.items()}
    print(json.dumps({"network": next(iter(nets.values())).name,
                      "img_s": {name: [round(x) for x in r] for name, r in rates.items()},
                      "median_img_s": medians,
                      "relative_to_gelu": {name: round(m / medians["gelu"], 2)
                                           for name, m in medians.items()},
                      **records.stamp("random input")}), flush=True)


if __name__ == "__main__":
    main()
