"""Rebuild the fast-mode subsets in this folder from the offline mirror (provenance script).

    python data/make_subsets.py ../shared/data

Draws a class-balanced sample with a fixed seed, keeps canonical order, stores the canonical
indices beside the pixels, and writes with savez_compressed (no pickles). Prints each file's sha256.
"""

import sys
from pathlib import Path

import numpy as np

from cnnlab.integrity import file_digest, verify_file

HERE = Path(__file__).parent
MNIST_SHA = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
CIFAR_EXACT_SHA = "4d7eabecff53c9cb309c925071103907d17484c42399b8ec57f7bd6367c95633"


def balanced(labels, per_class, rng, allowed=None):
    """Sorted positions (into ``labels``) with ``per_class`` of each class, among ``allowed``."""
    pool = np.arange(len(labels)) if allowed is None else np.asarray(allowed)
    picks = [rng.choice(pool[labels[pool] == c], per_class, replace=False) for c in range(10)]
    return np.sort(np.concatenate(picks))


def save(name, **arrays):
    path = HERE / name
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)
    print(f"{name}  {file_digest(path)}  {path.stat().st_size:,} bytes")


def main(mirror):
    mirror = Path(mirror)
    rng = np.random.default_rng(2026)

    verify_file(mirror / "mnist.npz", MNIST_SHA)
    with np.load(mirror / "mnist.npz", allow_pickle=False) as m:
        tr = balanced(m["y_train"], 500, rng)
        te = balanced(m["y_test"], 100, rng)
        save("mnist-subset.npz", x_train=m["x_train"][tr], y_train=m["y_train"][tr],
             x_test=m["x_test"][te], y_test=m["y_test"][te], train_idx=tr, test_idx=te)

    verify_file(mirror / "cifar10-exact-subset.npz", CIFAR_EXACT_SHA)
    with np.load(mirror / "cifar10-exact-subset.npz", allow_pickle=False) as c:
        # positions within the exact subset, chosen by the canonical labels of those images
        tr = balanced(c["y_train"][c["train_idx"]], 250, rng)
        te = balanced(c["y_test"][c["test_idx"]], 50, rng)
        save("cifar10-subset.npz",
             x_train=c["x_train_exact"][tr], y_train=c["y_train"][c["train_idx"][tr]],
             x_test=c["x_test_exact"][te], y_test=c["y_test"][c["test_idx"][te]],
             train_idx=c["train_idx"][tr], test_idx=c["test_idx"][te])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "data")
