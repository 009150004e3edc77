"""Dataset loaders: ``load_mnist()`` and ``load_cifar10()``.

Each returns a :class:`Dataset` that unpacks like ``keras.datasets``::

    (x_train, y_train), (x_test, y_test), class_names, source = load_cifar10()

uint8 images (N, H, W[, C]) and uint8 labels of shape (N,). Where the data comes from:

* fast mode (``CNNLAB_FAST=1``): always the real subset committed in ``data/``;
* full mode: the first source that serves, in order: the mirror folder named by
  ``CNNLAB_DATA_DIR`` (each file verified by sha256), the user's cache, the canonical download
  (verified by its published hash, written to the cache atomically).

``source`` says which one served, and flags a lossy one. Nothing is ever unpickled.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import formats, modes
from .integrity import IntegrityError, download, verify_file

DATA_DIR_ENV = "CNNLAB_DATA_DIR"
CACHE_DIR_ENV = "CNNLAB_CACHE_DIR"

CLASS_NAMES = {
    "mnist": tuple(str(d) for d in range(10)),
    "cifar10": ("airplane", "automobile", "bird", "cat", "deer",
                "dog", "frog", "horse", "ship", "truck"),
}
TITLES = {"mnist": "MNIST", "cifar10": "CIFAR-10"}
_SHAPES = {"mnist": ((28, 28), 60000, 10000), "cifar10": ((32, 32, 3), 50000, 10000)}
_READERS = {"npz": formats.read_npz_splits, "cifar10-binary": formats.read_cifar10_binary}


class DataUnavailableError(RuntimeError):
    """No source could serve the dataset; the message lists what was tried and the fix."""


@dataclass(frozen=True)
class DataSource:
    """Where a dataset was loaded from."""

    dataset: str
    kind: str  # "mirror", "cache", "download" or "subset"
    path: Path
    lossy: str | None = None

    @property
    def exact(self) -> bool:
        return self.lossy is None

    def __str__(self) -> str:
        text = f"{TITLES[self.dataset]} from the {self.kind} {self.path}"
        return f"{text} (LOSSY: {self.lossy})" if self.lossy else text


class Dataset(NamedTuple):
    train: tuple  # (x_train, y_train)
    test: tuple  # (x_test, y_test)
    class_names: tuple
    source: DataSource


def manifest() -> dict:
    text = resources.files("cnnlab").joinpath("data_manifest.json").read_text()
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def cache_dir() -> Path:
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnlab"


def subset_dirs() -> list[Path]:
    """Where the committed subsets may be: inside an installed wheel, or the checkout's data/."""
    return [Path(__file__).parent / "_data", Path(__file__).resolve().parents[2] / "data"]


def load_mnist() -> Dataset:
    """MNIST: 28x28 grey digits; 60,000 train and 10,000 test images in full mode."""
    return load_dataset("mnist")


def load_cifar10() -> Dataset:
    """CIFAR-10: 32x32x3 colour images of 10 classes; 50,000 train and 10,000 test in full mode."""
    return load_dataset("cifar10")


def load_dataset(name: str) -> Dataset:
    specs = manifest()
    if name not in specs:
        raise ValueError(f"unknown dataset {name!r}: cnnlab loads {', '.join(sorted(specs))}.")
    spec = specs[name]
    if modes.is_fast():
        return _load_subset(name, spec["subset"])
    return _load_full(name, spec["files"])


def _check(name: str, splits, full: bool, where) -> tuple:
    (x_train, y_train), (x_test, y_test) = splits
    image_shape, n_train, n_test = _SHAPES[name]
    for split, x, y, n in (("train", x_train, y_train, n_train), ("test", x_test, y_test, n_test)):
        problems = []
        if x.dtype != np.uint8 or y.dtype != np.uint8:
            problems.append(f"dtypes {x.dtype}/{y.dtype}, not uint8")
        if x.shape[1:] != image_shape or len(x) != len(y):
            problems.append(f"shapes {x.shape} and {y.shape}")
        if full and len(x) != n:
            problems.append(f"{len(x)} images, not {n}")
        if len(y) and y.max() >= len(CLASS_NAMES[name]):
            problems.append(f"label {y.max()} out of range")
        if problems:
            raise ValueError(f"{where}: the {split} split has " + "; ".join(problems) + ".")
    return splits


def _load_subset(name: str, entry: dict) -> Dataset:
    tried = []
    for folder in subset_dirs():
        path = folder / entry["name"]
        if not path.is_file():
            tried.append(f"{path}: not there")
            continue
        try:
            verify_file(path, entry["sha256"])
        except IntegrityError as exc:
            raise IntegrityError(f"{exc}\nFix: restore the committed file, e.g. "
                                 f"`git checkout -- data/{entry['name']}`.") from None
        splits = _check(name, formats.read_npz_splits(path), full=False, where=path)
        return Dataset(*splits, CLASS_NAMES[name], DataSource(name, "subset", path))
    raise DataUnavailableError(
        f"Fast mode ({modes.FAST_ENV}=1) uses the {TITLES[name]} subset committed in the "
        f"repository's data/ folder, and it was not found:\n  " + "\n  ".join(tried)
        + "\nFix: run from a clone of the course repository installed with `pip install -e .` "
        "(as `make test` does), or unset CNNLAB_FAST to load the full dataset."
    )


def _read(name, entry, path, kind, tried) -> Dataset | None:
    """Verify and read one candidate file; on failure note why in ``tried`` and return None."""
    label = f"{kind} {path}"
    if not path.is_file():
        tried.append(f"{label}: not there")
        return None
    try:
        verify_file(path, entry["sha256"])
        splits = _check(name, _READERS[entry["format"]](path), full=True, where=path)
    except (IntegrityError, ValueError, OSError) as exc:
        tried.append(f"{label}: {exc}")
        if kind == "cache" and isinstance(exc, IntegrityError):
            path.unlink()  # cnnlab owns its cache: a bad copy only stands in the way
            tried[-1] += " Removed from the cache."
        return None
    return Dataset(*splits, CLASS_NAMES[name], DataSource(name, kind, path, entry.get("lossy")))


def _load_full(name: str, entries: list[dict]) -> Dataset:
    tried: list[str] = []
    mirror = os.environ.get(DATA_DIR_ENV)
    if not mirror:
        tried.append(f"mirror: {DATA_DIR_ENV} is not set")
    elif not Path(mirror).is_dir():
        tried.append(f"mirror: {DATA_DIR_ENV}={mirror} is not a folder "
                     f"(seen from {Path.cwd()}: use an absolute path)")
    else:
        for entry in entries:
            if got := _read(name, entry, Path(mirror) / entry["name"], "mirror", tried):
                return got
    cache = cache_dir()
    downloadable = [e for e in entries if e.get("url")]
    for entry in downloadable:
        if got := _read(name, entry, cache / entry["name"], "cache", tried):
            return got
    for entry in downloadable:
        target = cache / entry["name"]
        print(f"Downloading {TITLES[name]} from {entry['url']} to {target} ...", flush=True)
        try:
            download(entry["url"], target, entry["sha256"][0])
        except Exception as exc:  # network, HTTP, truncation, hash: each is one failed source
            tried.append(f"download {entry['url']}: {type(exc).__name__}: {exc}")
            continue
        if got := _read(name, entry, target, "download", tried):
            return got
    files = "\n".join(f"    {e['name']}  sha256 {' or '.join(e['sha256'])}" for e in entries)
    raise DataUnavailableError(
        f"Could not load {TITLES[name]} (full mode). Tried, in order:\n  - "
        + "\n  - ".join(tried)
        + "\nFix, any one of:\n"
        f"  - connect to the internet and run again: the download is verified and cached in "
        f"{cache};\n"
        + "".join(f"  - download {e['url']} yourself into {cache};\n" for e in downloadable) +
        f"  - set {DATA_DIR_ENV} to a folder holding one of these files:\n{files}\n"
        f"  - for a quick run on the small subset committed in data/, set {modes.FAST_ENV}=1."
    )
