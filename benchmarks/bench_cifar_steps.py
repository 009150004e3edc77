"""Notebook 03's modern recipe built up one ingredient at a time: the gain of each step.

    .venv/bin/python benchmarks/bench_cifar_steps.py --seed 0
    .venv/bin/python benchmarks/bench_cifar_steps.py --from-step 3   # resume after step 2

Every step trains notebook 04's VGG-style network (width 16, stages 1-1-2-2) for the same
number of epochs (default 10, about 5 minutes each here) on the first 45,000 training images,
and adds one ingredient to the step before:

0. the network without batch norm, SGD with momentum 0.9 at a constant rate of 0.01, batch
   256, no augmentation, plain cross-entropy;
1. batch norm after every convolution;
2. random flips and translations of up to 2 pixels;
3. the tuned optimiser: Nesterov momentum, weight decay 5e-4, and a learning rate that warms
   up to 0.2 over the first 20 % of the steps, then decays to 0 on a cosine;
4. label smoothing 0.1.

Each model is scored on the 10,000 test images three ways: as it is, with test-time flips, and
with flips and one-pixel translations, so the last step also gives the gain of test-time
augmentation. One JSON line per step. On the course's machines the data is the JPEG-decoded
CIFAR-10 mirror: figures are a close proxy for, not equal to, accuracy on the original.
"""

import argparse
import json
from functools import partial

import keras
from bench_cifar import N_TRAIN, _vgg

import cnnlab
from cnnlab import recipes, records, training

START = {"batch_norm": False, "flip": False, "shift": 0, "tuned_optimizer": False,
         "label_smoothing": 0.0}
STEPS = (  # (name, the change it makes to the step before)
    ("plain network and SGD", {}),
    ("+ batch norm", {"batch_norm": True}),
    ("+ flips and 2-pixel translations", {"flip": True, "shift": 2}),
    ("+ Nesterov, weight decay, warm-up and cosine schedule", {"tuned_optimizer": True}),
    ("+ label smoothing 0.1", {"label_smoothing": 0.1}),
)


def cumulative_settings():
    """Each step's full settings: the start with every change up to that step applied."""
    settings, out = dict(START), []
    for name, change in STEPS:
        settings = {**settings, **change}
        out.append((name, settings))
    return out


def train_step(settings, x_train, y_train, *, epochs, seed):
    optimizer = None if settings["tuned_optimizer"] else keras.optimizers.SGD(0.01, momentum=0.9)
    return recipes.train_cifar_modern(
        x_train, y_train, epochs=epochs, seed=seed, shift=settings["shift"],
        flip=settings["flip"], label_smoothing=settings["label_smoothing"], optimizer=optimizer,
        build=partial(_vgg, batch_norm=settings["batch_norm"]), log_every=epochs)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--from-step", type=int, default=0, choices=range(len(STEPS)))
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be positive")
    if cnnlab.is_fast():
        parser.error("this benchmark measures full mode: unset CNNLAB_FAST")

    (x_train, y_train), (x_test, y_test), _, source = cnnlab.load_cifar10()
    x_train, y_train = x_train[:N_TRAIN], y_train[:N_TRAIN]
    x_test = training.as_float_images(x_test)
    for step, (name, settings) in enumerate(cumulative_settings()):
        if step < args.from_step:
            continue
        model, _, log = train_step(settings, x_train, y_train, epochs=args.epochs,
                                   seed=args.seed)
        accuracy = {tta: round(training.accuracy(model, x_test, y_test, **kwargs), 4)
                    for tta, kwargs in (("none", {}), ("flips", {"flip_tta": True}),
                                        ("flips_shifts", {"flip_tta": True, "shift_tta": 1}))}
        print(json.dumps({
            "step": step, "name": name, "settings": settings, "network": model.name,
            "seed": args.seed, "test_accuracy": accuracy,
            "train_accuracy_last_epoch": round(log.records[-1]["accuracy"], 4),
            "train_seconds": round(log.train_seconds, 1), "epochs": args.epochs,
            "images_per_second": round(args.epochs * N_TRAIN / log.train_seconds),
            "exact_data": source.exact, **records.stamp(str(source))}), flush=True)


if __name__ == "__main__":
    main()
