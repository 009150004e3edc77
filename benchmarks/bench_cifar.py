"""CIFAR-10: the design source's baseline or the fast modern recipe, on a training-time budget.

    .venv/bin/python benchmarks/bench_cifar.py --model modern --minutes 10 --seed 0
    .venv/bin/python benchmarks/bench_cifar.py --model baseline --minutes 10
    .venv/bin/python benchmarks/bench_cifar.py --model baseline --epochs 40 --minutes 120

Both train on the first 45,000 training images (the source's split) and are scored on the
10,000 test images after every epoch, which gives the time to reach the source's 75.24 %.
Training stops after the epoch in which ``--minutes`` of training time are used up. One JSON
line per seed: test accuracy (with flip test-time augmentation for the modern recipe),
training seconds, epochs, images per second, time to 75.24 %, data source, machine.
On the course's machines the data is the JPEG-decoded CIFAR-10 mirror: figures are a close
proxy for, not equal to, accuracy on the original CIFAR-10, and the JSON says so.
"""

import argparse
import json
from datetime import date
from functools import partial

import cnnlab
from cnnlab import recipes, training
from cnnlab.callbacks import AccuracyTracker, TimeLimit
from cnnlab.envinfo import machine

N_TRAIN = 45_000


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["baseline", "modern"], required=True)
    parser.add_argument("--seed", type=int, nargs="+", default=[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training-time budget")
    parser.add_argument("--epochs", type=int, help="default: 40 (baseline), 10 (modern)")
    parser.add_argument("--width", type=int, default=12, help="modern recipe: first-layer width")
    parser.add_argument("--save", help="write the (last seed's) model to this .keras path")
    args = parser.parse_args()
    epochs = args.epochs or (40 if args.model == "baseline" else 10)
    if epochs < 1 or args.minutes <= 0:
        parser.error("--epochs and --minutes must be positive")
    if cnnlab.is_fast():
        parser.error("this benchmark measures full mode: unset CNNLAB_FAST")

    (x_train, y_train), (x_test, y_test), _, source = cnnlab.load_cifar10()
    x_train, y_train = x_train[:N_TRAIN], y_train[:N_TRAIN]
    x_test_f = training.as_float_images(x_test)
    tta = args.model == "modern"
    for seed in args.seed:
        tracker = AccuracyTracker(x_test_f, y_test,
                                  predict=partial(training.predict_classes, flip_tta=tta))
        limit = TimeLimit(60 * args.minutes)
        if args.model == "baseline":
            model, _, log = recipes.train_cifar_baseline(
                training.as_float_images(x_train), y_train, epochs=epochs, seed=seed,
                callbacks=[limit, tracker])
        else:
            model, _, log = recipes.train_cifar_modern(
                x_train, y_train, epochs=epochs, width=args.width, seed=seed,
                callbacks=[limit, tracker])  # the limit first: evaluation is not training time
        done = len(log.records)
        print(json.dumps({
            "model": args.model, "seed": seed, "test_accuracy": round(tracker.points[-1][1], 4),
            "tta": tta, "train_seconds": round(log.train_seconds, 1), "epochs": done,
            "epochs_scheduled": epochs,
            "images_per_second": round(done * N_TRAIN / log.train_seconds),
            "seconds_to_75.24": tracker.time_to(recipes.CIFAR_BASELINE_TARGET),
            "curve": [(round(s), round(a, 4)) for s, a in tracker.points],
            "data": str(source), "exact_data": source.exact, "date": str(date.today()),
            "machine": machine()}), flush=True)
    if args.save:
        print("saved", training.save_model_to(model, args.save))


if __name__ == "__main__":
    main()
