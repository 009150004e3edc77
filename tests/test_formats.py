import io
import tarfile

import numpy as np
import pytest

from cnnlab import formats


def random_cifar(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, n).astype(
        np.uint8
    )


def test_cifar_records_are_label_then_rgb_planes():
    x, y = random_cifar(3)
    raw = formats.encode_cifar10_records(x, y)
    assert len(raw) == 3 * 3073
    assert raw[0] == y[0]
    # the red plane of image 0 comes first, row by row, then green, then blue
    assert raw[1:1025] == x[0, :, :, 0].tobytes()
    assert raw[1025:2049] == x[0, :, :, 1].tobytes()
    xd, yd = formats.decode_cifar10_records(raw)
    np.testing.assert_array_equal(xd, x)
    np.testing.assert_array_equal(yd, y)
    assert xd.flags.c_contiguous


def test_truncated_records_are_refused():
    x, y = random_cifar(2)
    with pytest.raises(ValueError, match="not a whole number of 3073-byte records"):
        formats.decode_cifar10_records(formats.encode_cifar10_records(x, y)[:-5])


def write_cifar_tar(path, batches, test, members=None):
    with tarfile.open(path, "w:gz") as tar:
        files = {f"data_batch_{i + 1}.bin": b for i, b in enumerate(batches)}
        files["test_batch.bin"] = test
        for name, (x, y) in files.items():
            if members is not None and name not in members:
                continue
            data = formats.encode_cifar10_records(x, y)
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_read_cifar10_binary_archive(tmp_path):
    batches = [random_cifar(4, seed) for seed in range(5)]
    test = random_cifar(3, 9)
    write_cifar_tar(tmp_path / "c.tar.gz", batches, test)
    (x_train, y_train), (x_test, y_test) = formats.read_cifar10_binary(tmp_path / "c.tar.gz")
    np.testing.assert_array_equal(x_train, np.concatenate([b[0] for b in batches]))
    np.testing.assert_array_equal(y_train, np.concatenate([b[1] for b in batches]))
    np.testing.assert_array_equal(x_test, test[0])
    np.testing.assert_array_equal(y_test, test[1])


def test_cifar_archive_missing_a_batch(tmp_path):
    batches = [random_cifar(2, s) for s in range(5)]
    write_cifar_tar(tmp_path / "c.tar.gz", batches, random_cifar(2), members={"data_batch_1.bin"})
    with pytest.raises(ValueError, match="no regular file cifar-10-batches-bin/data_batch_2.bin"):
        formats.read_cifar10_binary(tmp_path / "c.tar.gz")


def test_npz_splits_and_missing_arrays(tmp_path):
    x, y = np.zeros((2, 28, 28), np.uint8), np.zeros((2, 1), np.uint8)
    np.savez(tmp_path / "ok.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    (xt, yt), _ = formats.read_npz_splits(tmp_path / "ok.npz")
    assert xt.shape == (2, 28, 28) and yt.shape == (2,)
    np.savez(tmp_path / "bad.npz", x_train=x, y_train=y)
    with pytest.raises(ValueError, match=r"missing arrays \['x_test', 'y_test'\]"):
        formats.read_npz_splits(tmp_path / "bad.npz")


def test_npz_holding_a_pickle_is_refused(tmp_path):
    x = np.zeros((2, 28, 28), np.uint8)
    objects = np.array([{"evil": 1}, None], dtype=object)
    np.savez(tmp_path / "p.npz", x_train=x, y_train=objects, x_test=x, y_test=objects)
    with pytest.raises(ValueError, match="allow_pickle"):
        formats.read_npz_splits(tmp_path / "p.npz")
