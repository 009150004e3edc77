"""CIFAR-10 on a training-time budget: the course's best 10-minute recipe for this machine (the
default), the design source's baseline, the fast modern recipe (ResNet-9), or the same recipe
with notebook 04's VGG-style network or notebook 05's ResNet-20, or airbench94's recipe and
network (narrower).

    .venv/bin/python benchmarks/bench_cifar.py --seed 0 1 2     # the best recipe, 3 seeds
    .venv/bin/python benchmarks/bench_cifar.py --model modern --minutes 10 --seed 0
    .venv/bin/python benchmarks/bench_cifar.py --model vgg --minutes 10 --seed 0 1 2
    .venv/bin/python benchmarks/bench_cifar.py --model vgg --clock --shift 2 --label-smoothing 0.1
    .venv/bin/python benchmarks/bench_cifar.py --model resnet20 --minutes 10
    .venv/bin/python benchmarks/bench_cifar.py --model airbench --clock --widths 32 128 128
    .venv/bin/python benchmarks/bench_cifar.py --model airbench --clock --muon 0.12
    .venv/bin/python benchmarks/bench_cifar.py --model airbench --clock --small-crops 24 0.5
    .venv/bin/python benchmarks/bench_cifar.py --model baseline --minutes 10
    .venv/bin/python benchmarks/bench_cifar.py --model baseline --epochs 40 --minutes 120

The best recipe (``--model best``) is airbench with Muon at 0.12, no lookahead, its schedule
on the clock, in the precision a short probe finds faster here (``cnnlab.precision``), at
widths 48-192-192 where that is mixed bf16 (the 90 % run) and 32-128-128 in float32. Where the
probe's pace (of 32-128-128) trains fewer than 12 epochs in the budget, it warms up over a tenth
of the time (not 0.23) and trains on 24-pixel crops for the first half, which learn more in few
epochs; where fewer than 7 (a slow CPU), it also trains 24-96-96 in batches of 512. Flags given
win one by one. With ``--precision`` given no probe runs, and the widths follow the precision
alone.

All train on the first 45,000 training images (the source's split; ``--train-images 50000``
for all of them) and are scored on the 10,000 test images after every epoch, which gives the
time to reach the source's 75.24 %. Training stops after the epoch in which ``--minutes`` of
training time are used up (with ``--clock``, before the step that would pass them). One JSON
line per seed: test accuracy (with flip test-time augmentation for the modern recipe and VGG,
and at the end also with flips and one-pixel translations), training seconds, epochs, images
per second, time to 75.24 %, data source, machine.
On the course's machines the data is the JPEG-decoded CIFAR-10 mirror: figures are a close
proxy for, not equal to, accuracy on the original CIFAR-10, and the JSON says so.

Runs scheduled for more than 10 minutes (``--minutes``) back up their training at the end of
every epoch (``cnnlab.resume``), to a folder under the cache named for the configuration: after
an interruption, ``kill -9`` included, the same command resumes the seed under way at its next
epoch (at most one epoch is lost; its time budget, clock schedule and accuracy curve go on) and
prints the seeds that had finished without training them again. ``--resume DIR`` backs up to DIR
(at any length of run), ``--no-backup`` not at all. A backup made with other flags is refused
with an error. The backup is deleted when the whole run has finished.
"""

import argparse
import inspect
import json
import math
import sys
from functools import partial

import keras

import cnnlab
from cnnlab import models, recipes, records, resume, training
from cnnlab import precision as precisions
from cnnlab.callbacks import AccuracyTracker, TimeLimit

N_TRAIN = 45_000  # the source's split: the last 5,000 training images validate
BATCH, AIRBENCH_BATCH = 256, 1024  # the modern recipe's, airbench's
VGG_WIDTH, VGG_BLOCKS, VGG_EPOCHS = 16, (1, 1, 2, 2), 10  # notebook 04's VGG-style network
RESNET20_EPOCHS = 4  # about 140 s per epoch here: the schedule ends within 10 minutes
AIRBENCH_WIDTHS, AIRBENCH_EPOCHS = (32, 128, 128), 10
BEST_WIDTHS = {"float32": AIRBENCH_WIDTHS, "mixed_bfloat16": (48, 192, 192)}
BEST = {"muon": 0.12, "no_lookahead": True, "clock": True}  # the flags --model best implies
# Where the budget buys few epochs at the probe's pace, a shorter warm-up and small crops first
# learn more in it (9.5 epochs: a Zen 4; fewer than 7: the 1-core AVX2 stand-in); at the Xeon
# AMX's 16.6 they gained nothing beyond the seeds' spread (3 seeds each, 17.7 minutes on the Zen
# 4). Where very few (a slow CPU), narrower stages in half the batch too (the stand-in). Records
# of 2026-12-07 and 2026-12-08.
FEW_EPOCHS, VERY_FEW_EPOCHS = 12, 7
FEW_EPOCHS_RECIPE = {"warmup_fraction": 0.1, "small_crops": [24, 0.5]}
VERY_FEW_EPOCHS_SHAPE = {"widths": (24, 96, 96), "batch_size": 512}
AIRBENCH_WARMUP = inspect.signature(recipes.train_cifar_airbench).parameters[
    "warmup_fraction"].default
BACKUP_MINUTES = 10  # longer runs back up every epoch unless told not to


def _vgg(input_shape, *, width=VGG_WIDTH, blocks=VGG_BLOCKS, batch_norm=True):
    return models.cifar_vgg(width, blocks, input_shape=input_shape, batch_norm=batch_norm)


def _resnet(input_shape, *, depth):
    return models.cifar_resnet(depth, input_shape=input_shape)


def best_setup(precision, images_per_second, seconds, train_images) -> dict:
    """``--model best``'s recipe settings (widths, batch size and any others): the precision's
    widths, with :data:`FEW_EPOCHS_RECIPE` where the probe's pace (``images_per_second``, None if
    no probe ran) trains fewer than :data:`FEW_EPOCHS` epochs of ``train_images`` in
    ``seconds``, and :data:`VERY_FEW_EPOCHS_SHAPE` where fewer than :data:`VERY_FEW_EPOCHS`."""
    setup = {"widths": BEST_WIDTHS[precision], "batch_size": AIRBENCH_BATCH}
    epochs = (math.inf if images_per_second is None
              else images_per_second * seconds / train_images)
    if epochs < FEW_EPOCHS:
        setup.update(FEW_EPOCHS_RECIPE)
    if epochs < VERY_FEW_EPOCHS:
        setup.update(VERY_FEW_EPOCHS_SHAPE)
    return setup


def series_name(argv) -> str:
    """The flags that define a run's recipe: the command line without its seeds."""
    words, skipping = [], False
    for word in argv:
        if word.startswith("--"):
            skipping = word == "--seed" or word.startswith("--seed=")
        if not skipping:
            words.append(word)
    return " ".join(words) or "the best recipe (bench_cifar.py's defaults)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="best",
                        choices=["best", "baseline", "modern", "vgg", "resnet20", "airbench"],
                        help="best (default): the course's best 10-minute recipe for this machine")
    parser.add_argument("--seed", type=int, nargs="+", default=[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training-time budget")
    parser.add_argument("--epochs", type=int,
                        help=f"default: 40 (baseline), 10 (modern), {VGG_EPOCHS} (vgg), "
                        f"{RESNET20_EPOCHS} (resnet20: what fits 10 minutes on 2 cores)")
    parser.add_argument("--width", type=int, help="first-layer width; default: 12 (modern), "
                        f"{VGG_WIDTH} (vgg)")
    parser.add_argument("--blocks", type=int, nargs="+", help="vgg: convolutions per stage; "
                        f"default: {' '.join(map(str, VGG_BLOCKS))}")
    parser.add_argument("--widths", type=int, nargs=3,
                        help="airbench: channels of its three stages; default: "
                        f"{' '.join(map(str, AIRBENCH_WIDTHS))} (airbench94: 64 256 256); "
                        "best: by the precision and the probe's pace")
    parser.add_argument("--activation", choices=["silu", "gelu", "relu"], default="silu",
                        help="airbench: the activation (default silu; airbench94: gelu)")
    parser.add_argument("--flip", choices=["alternate", "random"], default="alternate",
                        help="airbench: airbench's alternating flips (default), or random ones")
    parser.add_argument("--muon", type=float, metavar="RATE",
                        help="airbench: train the convolutions with Muon at this peak rate "
                             "(airbench94_muon: 0.24)")
    parser.add_argument("--warmup", type=float,
                        help="airbench: share of training spent warming up (default "
                             f"{AIRBENCH_WARMUP}; best where the budget buys few epochs: "
                             f"{FEW_EPOCHS_RECIPE['warmup_fraction']})")
    parser.add_argument("--no-lookahead", action="store_true",
                        help="airbench: no lookahead averaging (airbench94_muon has none)")
    parser.add_argument("--small-crops", nargs=2, type=float, metavar=("SIZE", "FRACTION"),
                        help="airbench: progressive resizing, random SIZE x SIZE crops for the "
                             "first FRACTION of training, then whole images (best where the "
                             "budget buys few epochs: "
                             f"{' '.join(map(str, FEW_EPOCHS_RECIPE['small_crops']))})")
    parser.add_argument("--pool-first", type=int, nargs="+", choices=[1, 2, 3], metavar="STAGE",
                        help="airbench: stages whose first convolution runs after the max-pool, "
                             "on a quarter of the positions (airbench: none)")
    parser.add_argument("--precision", choices=precisions.CHOICES,
                        help="airbench: compute in float32 or mixed bfloat16, faster where the "
                             "CPU has fast bf16 arithmetic (bench_precision.py); default auto: "
                             "whichever a short probe finds faster here")
    parser.add_argument("--batch-size", type=int,
                        help=f"images per step; default: {AIRBENCH_BATCH} (airbench; best: "
                             f"{VERY_FEW_EPOCHS_SHAPE['batch_size']} on a very slow CPU), {BATCH} "
                             "(the others)")
    parser.add_argument("--shift", type=int,
                        help="random translation in pixels (default 4; airbench 2)")
    parser.add_argument("--label-smoothing", type=float, default=0.2,
                        help="modern recipe: label smoothing (default 0.2)")
    parser.add_argument("--no-bn-decay", action="store_true",
                        help="modern recipe: no weight decay on batch norm's scales and shifts")
    parser.add_argument("--clock", action="store_true",
                        help="modern recipe: run the learning-rate schedule on the training clock "
                        "over --minutes (stopping mid-epoch), or --epochs if those run out first "
                        "(default 100)")
    parser.add_argument("--train-images", type=int, default=N_TRAIN,
                        help=f"train on the first this many of the 50,000 training images "
                        f"(default {N_TRAIN:,}, the source's split; 50000: all of them, as the "
                        "published fast trainers do)")
    parser.add_argument("--save", help="write the (last seed's) model to this .keras path")
    parser.add_argument("--series", help="the record's series, which benchmarks/report.py and "
                        "the notebooks group runs by (default: these flags, without --seed)")
    parser.add_argument("--resume", metavar="DIR",
                        help="back up every epoch to DIR, and resume the backup there if a run "
                        f"of the same flags was interrupted (default for runs of --minutes over "
                        f"{BACKUP_MINUTES}: a folder under the cache named for the flags)")
    parser.add_argument("--no-backup", action="store_true",
                        help="no backups, whatever --minutes")
    args = parser.parse_args(argv)
    series = args.series or series_name(sys.argv[1:] if argv is None else argv)
    if args.resume and args.no_backup:
        parser.error("--resume and --no-backup contradict each other: give one")
    if args.model == "best":
        args.model = "airbench"
        args.best = True
        for flag, value in BEST.items():
            if getattr(args, flag) is None or getattr(args, flag) is False:
                setattr(args, flag, value)
    else:
        args.best = False
    if args.clock and args.model == "baseline":
        parser.error("--clock applies to the modern recipe (modern, vgg, resnet20)")
    epochs = args.epochs or (100 if args.clock else {
        "baseline": 40, "modern": 10, "vgg": VGG_EPOCHS, "resnet20": RESNET20_EPOCHS,
        "airbench": AIRBENCH_EPOCHS}[args.model])
    if args.width is not None and args.model not in ("modern", "vgg"):
        parser.error("--width applies to --model modern and vgg only")
    if args.blocks is not None and args.model != "vgg":
        parser.error("--blocks applies to --model vgg only")
    width = args.width or (VGG_WIDTH if args.model == "vgg" else 12)
    blocks = tuple(args.blocks or VGG_BLOCKS)
    if epochs < 1 or args.minutes <= 0 or width < 1 or min(blocks) < 1:
        parser.error("--epochs, --minutes, --width and --blocks must be positive")
    batch = args.batch_size or (AIRBENCH_BATCH if args.model == "airbench" else BATCH)
    if batch < 1 or (args.batch_size and args.model == "baseline"):
        parser.error("--batch-size must be positive, and the baseline keeps the source's 32")
    shift = (2 if args.model == "airbench" else 4) if args.shift is None else args.shift
    if shift < 0 or not 0 <= args.label_smoothing < 1 or min(args.widths or [1]) < 1:
        parser.error("--shift must be at least 0, --label-smoothing in [0, 1) and --widths "
                     "positive")
    recipe = {"shift": shift, "label_smoothing": args.label_smoothing,
              **({"minutes": args.minutes} if args.clock else {})}
    if (args.muon is not None and args.muon <= 0) or not 0 <= (args.warmup or 0) < 1:
        parser.error("--muon must be positive and --warmup in [0, 1)")
    if args.model == "airbench":
        recipe.update(activation=args.activation, batch_size=batch,
                      flip=True if args.flip == "random" else "alternate")
        if args.muon is not None:
            recipe["muon_rate"] = args.muon
        if args.warmup is not None:
            recipe["warmup_fraction"] = args.warmup
        if args.no_lookahead:
            recipe["lookahead"] = False
        if args.small_crops is not None:
            size, until = args.small_crops
            if size != int(size) or not 1 <= size <= 32 or not 0 < until <= 1:
                parser.error("--small-crops takes a size of 1-32 pixels and a fraction in (0, 1]")
            recipe["small_crops"] = [int(size), until]
        if args.pool_first:
            recipe["pool_first"] = sorted(set(args.pool_first))
    else:
        if args.precision is not None:
            parser.error("--precision applies to --model airbench only")
        recipe["decay_batch_norm"] = not args.no_bn_decay
    build = None
    if args.model == "vgg":
        build = partial(_vgg, width=width, blocks=blocks)
    elif args.model == "resnet20":  # He et al.'s CIFAR ResNet-20 (shortcut A), same recipe
        build = partial(_resnet, depth=20)
    if not 1 <= args.train_images <= 50_000:
        parser.error("--train-images must be between 1 and 50000")
    if cnnlab.is_fast():
        parser.error("this benchmark measures full mode: unset CNNLAB_FAST")
    probed = None
    if args.model == "airbench":  # after every check: the probe takes a while
        precision, pace = args.precision or "auto", None
        widths = args.widths or AIRBENCH_WIDTHS  # the probe's, whatever best trains
        if precision == "auto":  # probed once per machine; the recipe reads the same cache
            precision, decision = recipes.airbench_precision(
                widths, args.activation, recipe.get("pool_first", ()))
            recipe["precision_probe"] = decision["img_s"]
            pace, probed = decision["img_s"][precision], list(widths)
        if args.best:  # flags given win over the machine's choice
            setup = best_setup(precision, pace, 60 * args.minutes, args.train_images)
            widths, batch = args.widths or setup["widths"], args.batch_size or setup["batch_size"]
            recipe.update({k: v for k, v in setup.items() if k not in recipe})
        recipe.update(widths=list(widths), precision=precision, batch_size=batch)

    # what a backup must match to be resumed: every flag that changes the training
    config = {"script": "bench_cifar", "backend": keras.backend.backend(), "epochs": epochs,
              "width": width, "blocks": blocks, "batch": batch,
              "recipe": {k: v for k, v in recipe.items() if k != "precision_probe"},
              "flags": {k: v for k, v in vars(args).items()
                        if k not in ("save", "resume", "no_backup")}}
    backup = args.resume or (resume.default_directory("bench_cifar", config)
                             if args.minutes > BACKUP_MINUTES and not args.no_backup else None)
    try:
        run = resume.RunBackup(backup, config) if backup else None
    except resume.BackupMismatch as error:
        parser.error(f"{error} (--resume DIR: another folder; --no-backup: none)")
    if run:
        print(f"backing up every epoch to {backup}: if interrupted, rerun the same command to "
              "resume", flush=True)

    (x_train, y_train), (x_test, y_test), _, source = cnnlab.load_cifar10()
    n_train = args.train_images
    x_train, y_train = x_train[:n_train], y_train[:n_train]
    x_test_f = training.as_float_images(x_test)
    tta = args.model != "baseline"
    for i, seed in enumerate(args.seed):
        name = f"{i + 1}-seed-{seed}"
        if run and run.result(name):  # finished before an interruption
            print(json.dumps(run.result(name)), flush=True)
            continue
        tracker = AccuracyTracker(x_test_f, y_test,
                                  predict=partial(training.predict_classes, flip_tta=tta))
        limit = TimeLimit(60 * args.minutes)
        # the limit first: evaluation is not training time; fit runs the backup last
        callbacks = [limit, tracker, *([run.training(name)] if run else [])]
        if args.model == "baseline":
            model, _, log = recipes.train_cifar_baseline(
                training.as_float_images(x_train), y_train, epochs=epochs, seed=seed,
                callbacks=callbacks)
        elif args.model == "airbench":
            model, _, log = recipes.train_cifar_airbench(
                x_train, y_train, epochs=epochs, seed=seed, callbacks=callbacks,
                **{k: v for k, v in recipe.items() if k != "precision_probe"})
        else:
            model, _, log = recipes.train_cifar_modern(
                x_train, y_train, epochs=epochs, width=width, seed=seed, build=build,
                batch_size=batch, callbacks=callbacks, **recipe)
        done = len(log.records)  # epochs begun; with --clock the last may be partial
        if args.clock:
            done = round(int(model.optimizer.iterations) / math.ceil(n_train / batch), 2)
        shifts = {"test_accuracy_flips_shifts": round(training.accuracy(
            model, x_test_f, y_test, flip_tta=True, shift_tta=1), 4)} if tta else {}
        # the tracker scores each epoch's end; the lookahead's average replaces the weights after
        final = (training.accuracy(model, x_test_f, y_test, flip_tta=True)
                 if args.model == "airbench" else tracker.points[-1][1])
        result = {
            "model": "best" if args.best else args.model, "series": series,
            "network": model.name, "seed": seed,
            "test_accuracy": round(final, 4), "tta": tta, **shifts,
            **({} if args.model == "baseline" else {"recipe": recipe}),
            **({"probed_widths": probed} if probed else {}),
            "train_seconds": round(log.train_seconds, 1), "epochs": done,
            "epochs_scheduled": None if args.clock else epochs,
            "images_per_second": round(done * n_train / log.train_seconds),
            "train_images": n_train,
            "seconds_to_75.24": tracker.time_to(recipes.CIFAR_BASELINE_TARGET),
            "curve": [(round(s), round(a, 4)) for s, a in tracker.points],
            "exact_data": source.exact, **records.stamp(str(source))}
        print(json.dumps(result), flush=True)
        if args.save and i == len(args.seed) - 1:  # before the seed counts as finished
            print("saved", training.save_model_to(model, args.save))
        if run:
            run.finish(name, result)
    if run:
        run.close()


if __name__ == "__main__":
    main()
