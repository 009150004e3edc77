import numpy as np
import pytest

from cnnlab.augment import AugmentedImages, random_flip_shift


def test_no_augmentation_is_identity():
    x = np.random.default_rng(0).integers(0, 256, (5, 8, 8, 3), dtype=np.uint8)
    out = random_flip_shift(x, np.random.default_rng(1), flip=False, shift=0)
    np.testing.assert_array_equal(out, x)


def test_each_image_is_a_shifted_maybe_flipped_copy():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 256, (64, 8, 8, 3), dtype=np.uint8)  # no zeros: padding is visible
    out = random_flip_shift(x, np.random.default_rng(3), shift=2)
    flips = shifts = 0
    for img, aug in zip(x, out, strict=True):
        matches = []
        for flipped, src in ((False, img), (True, img[:, ::-1])):
            padded = np.pad(src, ((2, 2), (2, 2), (0, 0)))
            for dy in range(5):
                for dx in range(5):
                    if np.array_equal(padded[dy : dy + 8, dx : dx + 8], aug):
                        matches.append((flipped, dy, dx))
        assert matches, "every output is a flipped and/or shifted copy of its input"
        flips += matches[0][0]
        shifts += matches[0][1:] != (2, 2)
    assert 16 < flips < 48 and shifts > 40  # about half flipped, most moved


def test_dataset_batches():
    x = np.zeros((10, 4, 4, 3), np.uint8)
    y = np.arange(10) % 3
    data = AugmentedImages(x, y, batch_size=4, classes=3, seed=0)
    assert len(data) == 3
    images, labels = data[2]
    assert images.shape == (2, 4, 4, 3) and images.dtype == np.float32
    assert labels.shape == (2, 3) and labels.sum() == 2
    seen = np.concatenate([np.argmax(data[i][1], -1) for i in range(3)])
    assert sorted(seen.tolist()) == sorted(y.tolist())  # every sample once per epoch
    order = data.order.copy()
    data.on_epoch_end()
    assert not np.array_equal(order, data.order)
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        AugmentedImages(x, y[:9])
    with pytest.raises(TypeError, match="uint8"):
        AugmentedImages(x.astype("float32"), y)
