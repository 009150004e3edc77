import numpy as np
import pytest

from cnnlab.augment import AugmentedImages, ShuffledBatches, random_crops, random_flip_shift


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
    data[3]  # the next epoch's first batch: a new shuffle
    assert data.epoch == 1 and not np.array_equal(order, data.order)
    assert data.num_batches is None  # endless to Keras, which keeps one iterator
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        AugmentedImages(x, y[:9])
    with pytest.raises(TypeError, match="uint8"):
        AugmentedImages(x.astype("float32"), y)


def test_shuffled_batches_show_every_pair_once_per_epoch():
    x = np.arange(10)[:, None] * np.ones((1, 3))
    data = ShuffledBatches(x, np.arange(10) + 100, batch_size=4, seed=1)
    assert len(data) == 3 and data.num_batches is None
    orders = []
    for epoch in range(3):
        batches = [data[epoch * 3 + b] for b in range(3)]
        assert [len(xb) for xb, _ in batches] == [4, 4, 2]
        for xb, yb in batches:
            np.testing.assert_array_equal(xb[:, 0] + 100, yb)  # images keep their labels
        orders.append(np.concatenate([yb for _, yb in batches]))
        assert sorted(orders[-1]) == list(range(100, 110))
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[1], orders[2])
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        ShuffledBatches(x, np.arange(9))
    with pytest.raises(ValueError, match="batch_size must be a positive whole number"):
        ShuffledBatches(x, np.arange(10), batch_size=0)


def _flips_seen(data, epoch):
    """Whether each image came out mirrored in that epoch: image i is all i, but for a marked
    left column, so a flip moves the mark to the right."""
    flipped = {}
    for b in range(len(data)):
        images, _ = data[epoch * len(data) + b]
        for img in np.round(images * 255).astype(int):
            flipped[img[0, 1, 0]] = bool(img[0, -1, 1] == 255)
    return np.array([flipped[i] for i in range(len(flipped))])


@pytest.mark.parametrize("flip", [True, "alternate"])
def test_alternating_flip_shows_each_image_both_ways_in_two_epochs(flip):
    x = np.zeros((200, 4, 4, 3), np.uint8)
    x[..., 0] = np.arange(200)[:, None, None]
    x[:, :, 0, 1] = 255
    data = AugmentedImages(x, np.zeros(200, int), batch_size=64, shift=0, flip=flip, seed=0)
    epochs = [_flips_seen(data, epoch) for epoch in range(4)]
    assert 60 < epochs[0].sum() < 140  # random in the first epoch either way
    alternated = [np.all(a != b) for a, b in zip(epochs[:-1], epochs[1:], strict=True)]
    assert all(alternated) == (flip == "alternate") and any(alternated) == (flip == "alternate")


def test_flip_must_be_known():
    x = np.zeros((4, 4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match='True, False or "alternate"'):
        AugmentedImages(x, np.zeros(4), flip="mirror")
    with pytest.raises(ValueError, match="3 flip flags for 4 images"):
        random_flip_shift(x, np.random.default_rng(0), flipped=np.zeros(3, bool))


def test_random_crops_are_windows_of_each_image():
    x = np.random.default_rng(0).integers(0, 256, (200, 8, 6, 2), dtype=np.uint8)
    out = random_crops(x, 4, np.random.default_rng(1))
    assert out.shape == (200, 4, 4, 2)
    corners = []
    for img, crop in zip(x, out, strict=True):
        found = [(a, b) for a in range(5) for b in range(3)
                 if np.array_equal(img[a:a + 4, b:b + 4], crop)]
        assert found, "every crop is a window of its own image"
        corners.append(found[0])
    assert len(set(corners)) == 15  # all 5 x 3 places are drawn
    for size in (0, 7, 2.5):
        with pytest.raises(ValueError, match="do not fit images of 8 x 6"):
            random_crops(x, size, np.random.default_rng(0))


def test_crops_follow_their_schedule_batch_by_batch():
    x = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 3), dtype=np.uint8)
    sizes = iter([5, None, 3])
    data = AugmentedImages(x, np.zeros(16, int), batch_size=8, seed=0, crop=lambda: next(sizes))
    assert [data[i][0].shape[1:3] for i in range(3)] == [(5, 5), (8, 8), (3, 3)]
    with pytest.raises(TypeError, match="crop is None or a function"):
        AugmentedImages(x, np.zeros(16, int), crop=24)
