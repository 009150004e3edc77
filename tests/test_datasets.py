"""The loaders' source order, verification and errors, on small files made here (the real
mirror is checked in test_subsets.py)."""

import re

import numpy as np
import pytest

import cnnlab
from cnnlab import datasets
from cnnlab.integrity import file_digest

from test_formats import random_cifar, write_cifar_tar

N_TRAIN, N_TEST = 10, 4


@pytest.fixture
def small(monkeypatch, full_mode):
    """Small canonical files and a manifest that names them, in full mode with no mirror."""
    src = full_mode / "origin"
    src.mkdir()
    rng = np.random.default_rng(1)
    mnist = {
        "x_train": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "y_train": np.arange(N_TRAIN, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "y_test": np.arange(N_TEST, dtype=np.uint8),
    }
    np.savez(src / "mnist.npz", **mnist)
    batches = [random_cifar(2, s) for s in range(5)]
    test = random_cifar(N_TEST, 7)
    write_cifar_tar(src / "cifar-10-binary.tar.gz", batches, test)
    x_jpeg = np.concatenate([b[0] for b in batches]) // 2  # stands in for the lossy copy
    y_all = np.concatenate([b[1] for b in batches])
    np.savez(src / "cifar10-jpeg.npz", x_train=x_jpeg, y_train=y_all, x_test=test[0],
             y_test=test[1])

    def entry(name, fmt, url=True, lossy=None):
        e = {"name": name, "format": fmt, "sha256": [file_digest(src / name)]}
        if url:
            e["url"] = (src / name).as_uri()
        if lossy:
            e["lossy"] = lossy
        return e

    spec = {
        "mnist": {"files": [entry("mnist.npz", "npz")], "subset": {}},
        "cifar10": {"files": [entry("cifar-10-binary.tar.gz", "cifar10-binary"),
                              entry("cifar10-jpeg.npz", "npz", url=False, lossy="JPEG copy")],
                    "subset": {}},
    }
    monkeypatch.setattr(datasets, "manifest", lambda: spec)
    monkeypatch.setattr(datasets, "_SHAPES", {"mnist": ((28, 28), N_TRAIN, N_TEST),
                                              "cifar10": ((32, 32, 3), N_TRAIN, N_TEST)})
    return {"src": src, "mnist": mnist, "cache": full_mode / "cache", "spec": spec}


def mirror_with(monkeypatch, small, tmp_path, *names):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name in names:
        (mirror / name).write_bytes((small["src"] / name).read_bytes())
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(mirror))
    return mirror


def test_download_then_cache(small, capsys):
    data = cnnlab.load_mnist()
    assert data.source.kind == "download" and data.source.exact
    assert "Downloading MNIST" in capsys.readouterr().out
    np.testing.assert_array_equal(data.train[0], small["mnist"]["x_train"])
    assert sorted(p.name for p in small["cache"].iterdir()) == ["mnist.npz"]
    again = cnnlab.load_mnist()
    assert again.source.kind == "cache" and again.source.path == small["cache"] / "mnist.npz"
    (x_train, y_train), (x_test, y_test), names, source = again
    assert names == tuple("0123456789") and y_train.shape == (N_TRAIN,)


def test_mirror_comes_first_and_prefers_the_exact_file(small, monkeypatch, tmp_path):
    mirror_with(monkeypatch, small, tmp_path, "cifar-10-binary.tar.gz", "cifar10-jpeg.npz")
    data = cnnlab.load_cifar10()
    assert data.source.kind == "mirror" and data.source.path.name == "cifar-10-binary.tar.gz"
    assert data.class_names[3] == "cat"
    assert not small["cache"].exists()  # nothing downloaded


def test_lossy_mirror_is_flagged(small, monkeypatch, tmp_path):
    mirror_with(monkeypatch, small, tmp_path, "cifar10-jpeg.npz")
    monkeypatch.setitem(small["spec"]["cifar10"]["files"][0], "url", "http://127.0.0.1:9/none")
    data = cnnlab.load_cifar10()
    assert data.source.kind == "mirror" and not data.source.exact
    assert "LOSSY: JPEG copy" in str(data.source)
    assert data.train[0].shape == (N_TRAIN, 32, 32, 3) and data.train[1].shape == (N_TRAIN,)


@pytest.mark.parametrize("damage", ["corrupt", "truncate"])
def test_damaged_mirror_file_is_not_used(small, monkeypatch, tmp_path, damage):
    mirror = mirror_with(monkeypatch, small, tmp_path, "mnist.npz")
    f = mirror / "mnist.npz"
    raw = bytearray(f.read_bytes())
    if damage == "corrupt":
        raw[len(raw) // 2] ^= 0xFF
    else:
        raw = raw[: len(raw) // 3]
    f.write_bytes(bytes(raw))
    data = cnnlab.load_mnist()  # falls through to the (good) download
    assert data.source.kind == "download"
    np.testing.assert_array_equal(data.train[0], small["mnist"]["x_train"])


def test_nothing_serves_lists_every_source_and_the_fix(small, monkeypatch, tmp_path):
    mirror = mirror_with(monkeypatch, small, tmp_path, "mnist.npz")
    (mirror / "mnist.npz").write_bytes(b"not an npz")
    monkeypatch.setitem(small["spec"]["mnist"]["files"][0], "url", "http://127.0.0.1:9/mnist.npz")
    with pytest.raises(cnnlab.DataUnavailableError) as err:
        cnnlab.load_mnist()
    text = str(err.value)
    assert "mirror" in text and "mnist.npz: sha256" in text and "was not used" in text
    assert f"cache {small['cache'] / 'mnist.npz'}: not there" in text
    assert "download http://127.0.0.1:9/mnist.npz" in text
    assert "Fix, any one of" in text and "CNNLAB_DATA_DIR" in text and "CNNLAB_FAST=1" in text
    assert not small["cache"].exists() or not list(small["cache"].iterdir())


def test_missing_mirror_folder_is_reported(small, monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setitem(small["spec"]["mnist"]["files"][0], "url", "http://127.0.0.1:9/m.npz")
    with pytest.raises(cnnlab.DataUnavailableError, match=r"CNNLAB_DATA_DIR=.*nowhere is not a"):
        cnnlab.load_mnist()


def test_download_with_wrong_hash_leaves_no_file(small, monkeypatch):
    small["spec"]["mnist"]["files"][0]["sha256"] = ["0" * 64]
    with pytest.raises(cnnlab.DataUnavailableError, match="discarded"):
        cnnlab.load_mnist()
    assert list(small["cache"].iterdir()) == []


def test_wrong_shapes_are_refused(small, monkeypatch, tmp_path):
    mirror = mirror_with(monkeypatch, small, tmp_path)
    x = np.zeros((N_TRAIN, 32, 32), np.uint8)
    y = np.zeros(N_TRAIN, np.uint8)
    np.savez(mirror / "mnist.npz", x_train=x, y_train=y, x_test=x[:N_TEST], y_test=y[:N_TEST])
    small["spec"]["mnist"]["files"][0]["sha256"] = [file_digest(mirror / "mnist.npz")]
    monkeypatch.setitem(small["spec"]["mnist"]["files"][0], "url", "http://127.0.0.1:9/m.npz")
    with pytest.raises(cnnlab.DataUnavailableError, match=r"train split has shapes \(10, 32, 32\)"):
        cnnlab.load_mnist()


def test_unknown_dataset():
    with pytest.raises(ValueError, match="unknown dataset 'imagenet': cnnlab loads cifar10, mnist"):
        datasets.load_dataset("imagenet")


def test_real_manifest_lists_hashes_for_every_file():
    for name, spec in datasets.manifest().items():
        for entry in [*spec["files"], spec["subset"]]:
            assert all(re.fullmatch("[0-9a-f]{64}", h) for h in entry["sha256"]), (name, entry)


def test_fast_mode_uses_the_committed_subsets(fast_mode, monkeypatch):
    monkeypatch.setenv("CNNLAB_DATA_DIR", "/nonexistent")  # ignored in fast mode
    for loader, shape, n_train, n_test in ((cnnlab.load_mnist, (28, 28), 5000, 1000),
                                           (cnnlab.load_cifar10, (32, 32, 3), 2500, 500)):
        (x_train, y_train), (x_test, y_test), names, source = loader()
        assert source.kind == "subset" and source.exact and source.path.parent.name == "data"
        assert x_train.shape == (n_train, *shape) and x_test.shape == (n_test, *shape)
        assert x_train.dtype == y_train.dtype == np.uint8 and y_test.shape == (n_test,)
        assert np.bincount(y_train).tolist() == [n_train // 10] * 10
        assert len(names) == 10


def test_fast_mode_without_subsets_says_how_to_fix(fast_mode, monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "subset_dirs", lambda: [tmp_path])
    fix = r"(?s)Fast mode \(CNNLAB_FAST=1\).*not found.*`pip install -e .`"
    with pytest.raises(cnnlab.DataUnavailableError, match=fix):
        cnnlab.load_cifar10()


def test_tampered_subset_is_refused(fast_mode, monkeypatch, tmp_path):
    real = datasets.subset_dirs()[1] / "mnist-subset.npz"
    fake = tmp_path / "mnist-subset.npz"
    fake.write_bytes(real.read_bytes()[:-10])
    monkeypatch.setattr(datasets, "subset_dirs", lambda: [tmp_path])
    with pytest.raises(cnnlab.integrity.IntegrityError, match="(?s)not used.*git checkout"):
        cnnlab.load_mnist()


def test_corrupt_cache_is_removed_and_downloaded_again(small):
    small["cache"].mkdir(parents=True)
    bad = small["cache"] / "mnist.npz"
    bad.write_bytes(b"half a download")
    data = cnnlab.load_mnist()
    assert data.source.kind == "download"
    np.testing.assert_array_equal(data.test[0], small["mnist"]["x_test"])
    assert bad.stat().st_mode & 0o777 == 0o644  # the fresh download, readable by all


def test_corrupt_cache_offline_is_reported_and_removed(small, monkeypatch):
    small["cache"].mkdir(parents=True)
    (small["cache"] / "mnist.npz").write_bytes(b"junk")
    monkeypatch.setitem(small["spec"]["mnist"]["files"][0], "url", "http://127.0.0.1:9/m.npz")
    with pytest.raises(cnnlab.DataUnavailableError, match="Removed from the cache"):
        cnnlab.load_mnist()
    assert not (small["cache"] / "mnist.npz").exists()


def test_any_download_failure_is_one_failed_source(small, monkeypatch):
    import http.client

    def truncated(*args, **kwargs):
        raise http.client.IncompleteRead(b"partial", 100)

    monkeypatch.setattr(datasets, "download", truncated)
    with pytest.raises(cnnlab.DataUnavailableError, match="IncompleteRead"):
        cnnlab.load_mnist()


def test_error_lists_every_accepted_hash(full_mode, monkeypatch):
    entry = datasets.manifest()["mnist"]["files"][0]
    monkeypatch.setattr(datasets, "manifest", lambda: {
        "mnist": {"files": [{**entry, "url": "http://127.0.0.1:9/mnist.npz"}], "subset": {}}})
    with pytest.raises(cnnlab.DataUnavailableError) as err:
        cnnlab.load_mnist()
    assert all(h in str(err.value) for h in entry["sha256"]) and len(entry["sha256"]) == 2
