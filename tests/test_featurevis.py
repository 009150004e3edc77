"""Feature visualisation: each channel's image beats 100 real photographs on that channel."""

import numpy as np
import pytest

from cnnlab import featurevis, photos, pretrained


@pytest.fixture(scope="module")
def lite0():
    return pretrained.load(any_size=True)


def test_generated_images_beat_100_real_images(lite0):
    layer, channels, size = "block4c_add", list(range(16)), 64
    images = featurevis.visualize_channels(lite0.model, layer, channels,
                                           preprocess=lite0.preprocess, size=size, steps=24)
    assert images.shape == (16, size, size, 3) and 0 <= images.min() and images.max() <= 1
    generated = featurevis.channel_means(lite0.model, layer, images * 255, channels,
                                         preprocess=lite0.preprocess)
    real = featurevis.channel_means(lite0.model, layer, photos.random_crops(100, size), channels,
                                    preprocess=lite0.preprocess)
    assert real.shape == (100, 16)
    beaten = np.diag(generated) > real.max(axis=0)
    assert beaten.all(), f"channels not beating every real image: {np.flatnonzero(~beaten)}"


def test_precondition_is_linear_and_drops_the_mean():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 1, 16, 16, 3)).astype(np.float32)
    pa, pb = featurevis.precondition(a), featurevis.precondition(b)
    np.testing.assert_allclose(featurevis.precondition(a + 2 * b), pa + 2 * pb, atol=1e-4)
    np.testing.assert_allclose(pa.mean(axis=(1, 2)), 0, atol=1e-5)
    # high frequencies are damped: a checkerboard shrinks far more than a smooth ramp
    checker = np.indices((16, 16)).sum(0) % 2 * 2.0 - 1
    ramp = np.linspace(-1, 1, 16)[:, None] * np.ones((16, 16))
    gain = [np.abs(featurevis.precondition(np.repeat(p[None, ..., None], 3, -1))).mean()
            for p in (checker, ramp)]
    assert gain[0] < gain[1] / 4


def test_no_regulariser_means_no_transform():
    t = featurevis._random_transform(np.random.default_rng(0), 2, 32, featurevis.NAIVE)
    np.testing.assert_allclose(t, [[1, 0, 0, 0, 1, 0, 0, 0]] * 2, atol=1e-6)
    assert featurevis.describe(featurevis.NAIVE) == "naive"
    assert "decorrelate" in featurevis.describe(featurevis.ALL)


def test_bad_channels_are_refused(lite0):
    with pytest.raises(ValueError, match="channels 0-39"):
        featurevis.visualize_channels(lite0.model, "block3b_add", [40], size=32, steps=1)


def test_random_crops_are_real_and_repeatable():
    a = photos.random_crops(5, 32, seed=1)
    assert a.shape == (5, 32, 32, 3) and a.dtype == np.uint8 and a.std() > 10
    np.testing.assert_array_equal(a, photos.random_crops(5, 32, seed=1))
    with pytest.raises(ValueError, match="choose from"):
        photos.photo("lena")


def test_photo_resized_by_its_long_side():
    coffee = photos.photo("coffee")
    assert coffee.shape == (400, 600, 3)
    small = photos.photo("coffee", long_side=150)
    assert small.shape == (100, 150, 3) and small.dtype == np.uint8
    assert abs(float(small.mean()) - float(coffee.mean())) < 2
    assert photos.photo("coffee", long_side=600) is not None
    with pytest.raises(ValueError, match="positive"):
        photos.photo("coffee", long_side=0)
