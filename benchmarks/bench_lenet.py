"""The modern LeNet-5 on the full MNIST, with notebook 02's recipe.

    .venv/bin/python benchmarks/bench_lenet.py --seed 0 1 2 [--epochs 4] [--save lenet.keras]

One JSON line per seed (test accuracy, training seconds, epochs, images per second, data source,
machine), then the medians. Target: >= 99.0% test accuracy in <= 30 s of training on 2 cores.
Full MNIST comes from CNNLAB_DATA_DIR, the cache or the download (cnnlab.load_mnist).
"""

import argparse
import json
import statistics
from pathlib import Path

import cnnlab
from cnnlab import recipes, records, training


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--save", type=Path, help="write the (last seed's) model to this .keras")
    args = parser.parse_args()
    if args.epochs < 1 or args.batch_size < 1:
        parser.error("--epochs and --batch-size must be at least 1")
    if args.save and args.save.suffix != ".keras":
        parser.error(f"--save needs a .keras path, got {args.save}")
    if cnnlab.is_fast():
        parser.error("this benchmark measures full mode: unset CNNLAB_FAST")

    (x_train, y_train), (x_test, y_test), _, source = cnnlab.load_mnist()
    x_train, x_test = training.as_float_images(x_train), training.as_float_images(x_test)
    runs = []
    for seed in args.seed:
        model, _, log = recipes.train_modern_lenet(
            x_train, y_train, epochs=args.epochs, batch_size=args.batch_size, seed=seed,
            log_every=args.epochs)
        run = {"seed": seed, "test_accuracy": round(training.accuracy(model, x_test, y_test), 4),
               "train_seconds": round(log.train_seconds, 1), "epochs": args.epochs,
               "images_per_second": round(args.epochs * len(x_train) / log.train_seconds)}
        runs.append(run)
        print(json.dumps({"model": "modern LeNet-5", **run, **records.stamp(str(source))}),
              flush=True)
    if args.save:
        training.save_model_to(model, args.save)
    medians = {k: statistics.median(r[k] for r in runs)
               for k in ("test_accuracy", "train_seconds", "images_per_second")}
    print(json.dumps({"model": "modern LeNet-5", "median_of_seeds": len(runs), **medians,
                      **records.stamp(str(source))}))


if __name__ == "__main__":
    main()
