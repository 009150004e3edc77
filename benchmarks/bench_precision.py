"""Training throughput of notebook 03's ResNet-9 in float32 against mixed bfloat16.

    .venv/bin/python benchmarks/bench_precision.py [--widths 12 16] [--repeats 3]

Random input (speed does not depend on the pixels). Each setting runs in a fresh process
(the precision policy is global) and prints one JSON line; the median of --repeats timed passes
of 16 steps on a batch of 256 (``cnnlab.speed.training_speed``) is reported, after a warm-up.
"""

import argparse
import json
import subprocess
import sys
from datetime import date

CHILD = """
import json, sys
import keras
from cnnlab import models, speed
policy, width, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
keras.mixed_precision.set_global_policy(policy)
rate = speed.training_speed(models.cifar_resnet9(width), batch_size=256, steps=16,
                            repeats=repeats)
print(json.dumps({"policy": policy, "width": width, "images_per_second": round(rate)}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--widths", type=int, nargs="+", default=[12, 16])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from cnnlab.envinfo import machine

    for width in args.widths:
        rates = {}
        for policy in ("float32", "mixed_bfloat16"):
            out = subprocess.run([sys.executable, "-c", CHILD, policy, str(width),
                                  str(args.repeats)], capture_output=True, text=True, check=True)
            rates[policy] = json.loads(out.stdout.strip().splitlines()[-1])["images_per_second"]
        print(json.dumps({"model": f"resnet9_w{width}", "float32_img_s": rates["float32"],
                          "bf16_img_s": rates["mixed_bfloat16"],
                          "bf16_speedup": round(rates["mixed_bfloat16"] / rates["float32"], 2),
                          "date": str(date.today()), "machine": machine()}), flush=True)


if __name__ == "__main__":
    main()
