"""Readers for the dataset files the loaders accept. None of them unpickles anything."""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np

SPLIT_KEYS = ("x_train", "y_train", "x_test", "y_test")

CIFAR10_BIN_DIR = "cifar-10-batches-bin"
CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch.bin"
_CIFAR_RECORD = 1 + 32 * 32 * 3  # label byte, then the red, green and blue planes


def read_npz_splits(path: str | Path) -> tuple:
    """``(x_train, y_train), (x_test, y_test)`` from an ``.npz`` of plain arrays."""
    with np.load(path, allow_pickle=False) as f:
        missing = [k for k in SPLIT_KEYS if k not in f.files]
        if missing:
            raise ValueError(f"{path}: missing arrays {missing}; it holds {sorted(f.files)}.")
        x_train, y_train, x_test, y_test = (f[k] for k in SPLIT_KEYS)
    return (x_train, y_train.reshape(-1)), (x_test, y_test.reshape(-1))


def decode_cifar10_records(raw: bytes, name: str = "batch") -> tuple[np.ndarray, np.ndarray]:
    """Decode CIFAR-10 binary records into NHWC uint8 images and uint8 labels."""
    if len(raw) % _CIFAR_RECORD:
        raise ValueError(
            f"{name}: {len(raw)} bytes is not a whole number of {_CIFAR_RECORD}-byte records."
        )
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _CIFAR_RECORD)
    labels = records[:, 0].copy()
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
    return images, labels


def encode_cifar10_records(images: np.ndarray, labels: np.ndarray) -> bytes:
    """The inverse of :func:`decode_cifar10_records` (used to build test archives)."""
    planes = np.asarray(images, dtype=np.uint8).transpose(0, 3, 1, 2).reshape(len(images), -1)
    return np.concatenate([np.asarray(labels, np.uint8)[:, None], planes], axis=1).tobytes()


def read_cifar10_binary(path: str | Path) -> tuple:
    """Read the canonical ``cifar-10-binary.tar.gz`` in memory: the six batch files only,
    looked up by name, so no member is ever extracted to disk."""
    with tarfile.open(path, "r:gz") as tar:

        def batch(name):
            member = f"{CIFAR10_BIN_DIR}/{name}"
            try:
                f = tar.extractfile(member)
            except KeyError:
                f = None
            if f is None:
                raise ValueError(f"{path}: no regular file {member} in the archive.")
            return decode_cifar10_records(f.read(), member)

        train = [batch(n) for n in CIFAR10_TRAIN_BATCHES]
        x_test, y_test = batch(CIFAR10_TEST_BATCH)
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return (x_train, y_train), (x_test, y_test)
