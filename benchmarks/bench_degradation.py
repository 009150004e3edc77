"""ResNet's degradation problem, trained long enough to see it (He et al., 2015, figures 1 and 6):
plain and residual CIFAR-10 networks of 20 and 56 layers, the same recipe, the same images.

    .venv/bin/python benchmarks/bench_degradation.py >> \\
        benchmarks/results/degradation-$(date +%F)-<machine>.jsonl

Notebook 05 trains the four networks for under a hundred steps, too few for the paper's picture.
Here they train for ``--epochs`` passes over ``--train-images`` images (defaults sized for a few
CPU hours at half the paper's width, a quarter of its arithmetic: stages of 8, 16 and 32
filters). The recipe is
notebook 05's: notebook 03's SGD with Nesterov momentum, weight decay and a warm-up and cosine
schedule, flips, no shifts and no label smoothing, so that the training loss measures how well
each network fits its data. One JSON line per network: its final training loss, its accuracy
on held-out training images, and its training loss per epoch (``curve``).

Every epoch is backed up (``cnnlab.resume``; a cache folder named for the flags, or
``--resume DIR``): rerun the same command after an interruption and it goes on from the last
finished epoch, printing the networks already done from the backup. ``--no-backup``: none.
"""

import argparse
import contextlib
import json
import math
import sys

import cnnlab
from cnnlab import models, recipes, records, resume, training
from cnnlab.callbacks import AccuracyTracker

NETWORKS = ("plain-20", "plain-56", "residual-20", "residual-56")


def network(name: str, width: int):
    kind, depth = name.split("-")
    return lambda shape: models.cifar_resnet(int(depth), residual=kind == "residual",
                                             width=width, input_shape=shape)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS),
                        help=f"kind-depth, depth 6n + 2 (default: {' '.join(NETWORKS)})")
    parser.add_argument("--width", type=int, default=8, help="first stage's filters (paper: 16)")
    parser.add_argument("--train-images", type=int, default=10_000)
    parser.add_argument("--val-images", type=int, default=5_000,
                        help="held out from the end of the training set")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--peak-lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", metavar="DIR", help="the backup folder (default: one under "
                        "the cache named for the flags)")
    parser.add_argument("--no-backup", action="store_true", help="no backups")
    args = parser.parse_args(argv)
    if args.resume and args.no_backup:
        parser.error("--resume and --no-backup contradict each other: give one")
    for name in args.networks:
        kind, _, depth = name.partition("-")
        if kind not in ("plain", "residual") or not depth.isdigit():
            parser.error(f"network {name!r}: expected plain-<depth> or residual-<depth>")
    if args.train_images < 1 or args.val_images < 1 or args.epochs < 1:
        parser.error("--train-images, --val-images and --epochs must be positive")
    (x_train, y_train), _, _, source = cnnlab.load_cifar10()
    if args.train_images + args.val_images > len(x_train):
        parser.error(f"--train-images + --val-images must be at most {len(x_train):,}")
    x_fit, y_fit = x_train[:args.train_images], y_train[:args.train_images]
    x_val = training.as_float_images(x_train[-args.val_images:])
    y_val = y_train[-args.val_images:]
    config = {"script": "bench_degradation", "data": str(source), "flags": {
        k: v for k, v in vars(args).items() if k not in ("resume", "no_backup")}}
    run = None
    if not args.no_backup:
        folder = args.resume or resume.default_directory("bench_degradation", config)
        try:
            run = resume.RunBackup(folder, config, printer=lambda *a: print(*a, file=sys.stderr))
        except resume.BackupMismatch as error:
            parser.error(f"{error} (--resume DIR: another folder; --no-backup: none)")
    for name in args.networks:
        if run and run.result(name):  # finished before an interruption
            print(json.dumps(run.result(name)), flush=True)
            continue
        tracker = AccuracyTracker(x_val, y_val, printer=None,
                                  predict=lambda m, x: training.predict_classes(m, x))
        with contextlib.redirect_stdout(sys.stderr):  # progress apart from the records
            model, _, log = recipes.train_cifar_modern(
                x_fit, y_fit, epochs=args.epochs, batch_size=args.batch_size,
                peak_lr=args.peak_lr, label_smoothing=0.0, shift=0, seed=args.seed,
                callbacks=[tracker, *([run.training(name)] if run else [])],
                build=network(name, args.width))
        # the log's records span the epochs before an interruption too; the history does not
        loss = [round(r["loss"], 4) for r in log.records]
        result = {
            "network": name, "model": model.name, "width": args.width, "seed": args.seed,
            "train_loss": loss[-1], "val_accuracy": round(tracker.points[-1][1], 4),
            "steps": args.epochs * math.ceil(args.train_images / args.batch_size),
            "epochs": args.epochs, "curve": loss,
            "val_curve": [round(a, 4) for _, a in tracker.points],
            "train_images": args.train_images, "val_images": args.val_images,
            "batch_size": args.batch_size, "peak_lr": args.peak_lr,
            "train_seconds": round(log.train_seconds, 1),
            "exact_data": source.exact, **records.stamp(str(source))}
        print(json.dumps(result), flush=True)
        if run:
            run.finish(name, result)
    if run:
        run.close()


if __name__ == "__main__":
    main()
