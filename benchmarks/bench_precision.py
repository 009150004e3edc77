"""Training throughput of notebook 03's networks in float32 against mixed bfloat16.

    .venv/bin/python benchmarks/bench_precision.py [--networks resnet9_w12 airbench] [--repeats 3]

Random input (speed does not depend on the pixels). Each setting runs in a fresh process
(the precision policy is global) and prints one JSON line; the median of --repeats timed passes
(``cnnlab.speed.training_speed``) is reported, after a warm-up: 16 steps on a batch of 256 for
the ResNet-9s, 4 steps on a batch of 1,024 (the recipe's) for airbench's network.

Whether bf16 pays depends on the CPU: it needs fast bf16 arithmetic (AVX512-BF16 or AMX) and
oneDNN kernels that use it, and the casts around each layer cost time of their own.
"""

import argparse
import json
import subprocess
import sys

NETWORKS = {"resnet9_w12": (256, 16), "resnet9_w16": (256, 16), "airbench": (1024, 4)}
# name: (batch size, steps per timed pass)

CHILD = """
import json, sys
import keras
from cnnlab import models, speed
policy, name, batch, steps, repeats = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
keras.mixed_precision.set_global_policy(policy)
model = (models.cifar_airbench((32, 128, 128), activation="silu") if name == "airbench"
         else models.cifar_resnet9(int(name.removeprefix("resnet9_w"))))
rate = speed.training_speed(model, batch_size=batch, steps=steps, repeats=repeats)
print(json.dumps({"network": model.name, "images_per_second": round(rate)}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", nargs="+", choices=list(NETWORKS), default=list(NETWORKS))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    from cnnlab import records

    for name in args.networks:
        batch, steps = NETWORKS[name]
        rates = {}
        for policy in ("float32", "mixed_bfloat16"):
            out = subprocess.run([sys.executable, "-c", CHILD, policy, name, str(batch),
                                  str(steps), str(args.repeats)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rates[policy] = result["images_per_second"]
        print(json.dumps({"model": result["network"], "batch_size": batch,
                          "float32_img_s": rates["float32"],
                          "bf16_img_s": rates["mixed_bfloat16"],
                          "bf16_speedup": round(rates["mixed_bfloat16"] / rates["float32"], 2),
                          **records.stamp("random input")}), flush=True)


if __name__ == "__main__":
    main()
