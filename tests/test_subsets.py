"""The committed subsets are what data/README.md says: real images from the mirror."""

import numpy as np
import pytest

from cnnlab import formats
from cnnlab.datasets import subset_dirs

from conftest import MIRROR

DATA = subset_dirs()[1]
needs_mirror = pytest.mark.skipif(not (MIRROR / "mnist.npz").exists(),
                                  reason=f"offline mirror not at {MIRROR}")


@needs_mirror
def test_mnist_subset_is_real_mnist():
    sub = np.load(DATA / "mnist-subset.npz")
    (x_train, y_train), (x_test, y_test) = formats.read_npz_splits(MIRROR / "mnist.npz")
    np.testing.assert_array_equal(sub["x_train"], x_train[sub["train_idx"]])
    np.testing.assert_array_equal(sub["y_train"], y_train[sub["train_idx"]])
    np.testing.assert_array_equal(sub["x_test"], x_test[sub["test_idx"]])
    np.testing.assert_array_equal(sub["y_test"], y_test[sub["test_idx"]])
    # the canonical test set opens 7 2 1 0 4 1 4 9 5 9
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@needs_mirror
def test_cifar_subset_is_pixel_exact_cifar10():
    sub = np.load(DATA / "cifar10-subset.npz")
    exact = np.load(MIRROR / "cifar10-exact-subset.npz")
    pos = {int(i): k for k, i in enumerate(exact["train_idx"])}
    np.testing.assert_array_equal(sub["x_train"],
                                  exact["x_train_exact"][[pos[int(i)] for i in sub["train_idx"]]])
    np.testing.assert_array_equal(sub["y_train"], exact["y_train"][sub["train_idx"]])
    pos = {int(i): k for k, i in enumerate(exact["test_idx"])}
    np.testing.assert_array_equal(sub["x_test"],
                                  exact["x_test_exact"][[pos[int(i)] for i in sub["test_idx"]]])
    np.testing.assert_array_equal(sub["y_test"], exact["y_test"][sub["test_idx"]])
    # the JPEG mirror is close to, not equal to, the exact pixels
    jpeg = np.load(MIRROR / "cifar10-jpeg.npz")["x_test"][sub["test_idx"]]
    diff = np.abs(jpeg.astype(int) - sub["x_test"].astype(int))
    assert 2 < diff.mean() < 12 and diff.max() > 0
