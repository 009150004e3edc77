import keras
import numpy as np
import pytest

from cnnlab import training
from cnnlab.augment import AugmentedImages


def test_as_float_images():
    x = np.array([[[0, 255]]], np.uint8)
    out = training.as_float_images(x)
    assert out.shape == (1, 1, 2, 1) and out.dtype == np.float32 and out.max() == 1.0
    assert training.as_float_images(np.zeros((2, 4, 4, 3), np.uint8)).shape == (2, 4, 4, 3)
    with pytest.raises(TypeError, match="uint8"):
        training.as_float_images(np.zeros((2, 4, 4), np.float32))


def test_warmup_cosine_shape():
    schedule = training.warmup_cosine(0.01, 100, 0.2)
    lr = [float(schedule(step)) for step in (0, 10, 20, 60, 100)]
    assert lr[0] == 0 and lr[1] == pytest.approx(0.005) and lr[2] == pytest.approx(0.01)
    assert lr[3] == pytest.approx(0.005, abs=1e-4) and lr[4] == pytest.approx(0, abs=1e-7)
    assert float(training.warmup_cosine(0.1, 10, 0.0)(0)) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="total_steps"):
        training.warmup_cosine(0.1, 1)
    with pytest.raises(ValueError, match="warmup_fraction"):
        training.warmup_cosine(0.1, 10, 1.0)


def tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_fit_learns_and_logs(capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4)).astype("float32")
    y = np.argmax(x[:, :3], axis=1)
    model = tiny_model()
    history, logger = training.fit(model, x, y, epochs=5, batch_size=32, validation=(x, y))
    assert len(capsys.readouterr().out.strip().splitlines()) == 5
    assert len(history.history["loss"]) == 5 and logger.train_seconds > 0
    assert training.accuracy(model, x, y) > 0.8
    assert training.predict_classes(model, x[:7]).shape == (7,)
    assert training.epochs_trained(model, len(x), 32) == pytest.approx(5, rel=0.1)
    with pytest.raises(ValueError, match="at least 1"):
        training.epochs_trained(model, 0, 32)


def test_save_and_load_per_mode(full_mode, monkeypatch):
    model = tiny_model()
    assert training.load_model("tiny") is None
    path = training.save_model(model, "tiny")
    assert path.parent.name == "full" and path.suffix == ".keras"
    assert [p.name for p in path.parent.iterdir()] == ["tiny.keras"]  # no temp file left
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(training.load_model("tiny").predict(x, verbose=0),
                               model.predict(x, verbose=0))
    monkeypatch.setenv("CNNLAB_FAST", "1")
    assert training.load_model("tiny") is None  # fast runs never see (or replace) full models


@pytest.mark.parametrize("name", ["", "../evil", "a/b", ".hidden"])
def test_model_names_are_plain(name):
    with pytest.raises(ValueError, match="plain file name"):
        training.model_path(name)


def test_save_model_to_a_path(tmp_path):
    path = training.save_model_to(tiny_model(), tmp_path / "deep" / "m.keras")
    assert path.is_file() and sorted(p.name for p in path.parent.iterdir()) == ["m.keras"]
    with pytest.raises(ValueError, match=r"\.keras files"):
        training.save_model_to(tiny_model(), tmp_path / "m.h5")


def test_flip_tta_averages_with_the_mirror_image():
    inputs = keras.Input((2, 2, 1))
    # a model that only looks at the left column: mirrored images give other predictions
    left = keras.layers.Lambda(lambda t: t[:, :, 0, :])(inputs)
    outputs = keras.layers.Softmax()(keras.layers.Flatten()(left))
    model = keras.Model(inputs, outputs)
    x = np.array([[[[3.0], [0.0]], [[0.0], [0.0]]]], "float32")
    plain = training.predict_proba(model, x)
    tta = training.predict_proba(model, x, flip_tta=True)
    mirrored = training.predict_proba(model, x[:, :, ::-1])
    np.testing.assert_allclose(tta, (plain + mirrored) / 2, rtol=1e-6)
    assert not np.allclose(plain, mirrored)
    assert training.predict_proba(model, x[:0]).shape == (0, 2)


def test_translate_moves_images_and_fills_with_zeros():
    x = np.arange(1, 2 * 4 * 5 * 3 + 1, dtype="float32").reshape(2, 4, 5, 3)
    np.testing.assert_array_equal(training.translate(x, 0, 0), x)
    down_right = training.translate(x, 1, 2)
    np.testing.assert_array_equal(down_right[:, 1:, 2:], x[:, :-1, :-2])
    assert not down_right[:, :1].any() and not down_right[:, :, :2].any()
    up_left = training.translate(x, -3, -1)
    np.testing.assert_array_equal(up_left[:, :1, :4], x[:, 3:, 1:])
    assert not up_left[:, 1:].any() and not up_left[:, :, 4:].any()
    with pytest.raises(ValueError, match="leaves nothing"):
        training.translate(x, 4, 0)


def test_shift_tta_averages_moved_views_at_half_weight():
    keras.utils.set_random_seed(1)
    inputs = keras.Input((4, 4, 1))  # a dense layer sees where things are: moves change it
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).random((5, 4, 4, 1)).astype("float32")

    def flips(v):
        return (training.predict_proba(model, v) + training.predict_proba(model, v[:, :, ::-1])) / 2

    moved = (flips(training.translate(x, 2, 2)) + flips(training.translate(x, -2, -2))) / 2
    got = training.predict_proba(model, x, flip_tta=True, shift_tta=2)
    np.testing.assert_allclose(got, (flips(x) + moved) / 2, rtol=1e-5)
    assert not np.allclose(got, flips(x), atol=1e-3)
    plain_moved = (training.predict_proba(model, training.translate(x, 1, 1))
                   + training.predict_proba(model, training.translate(x, -1, -1))) / 2
    np.testing.assert_allclose(training.predict_proba(model, x, shift_tta=1),
                               (training.predict_proba(model, x) + plain_moved) / 2, rtol=1e-5)
    with pytest.raises(ValueError, match="at least 0"):
        training.predict_proba(model, x, shift_tta=-1)


def test_fit_keeps_one_data_iterator_across_epochs(fast_mode):
    """An endless AugmentedImages: fit counts its epochs in batches, and every epoch draws
    its own shuffle, in the order Keras asks for the batches."""
    x = np.random.default_rng(0).integers(0, 256, (40, 8, 8, 3), dtype=np.uint8)
    data = AugmentedImages(x, np.arange(40) % 10, batch_size=16, shift=0)
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    history, logger = training.fit(model, data, epochs=3)
    assert len(history.history["loss"]) == 3 and len(logger.records) == 3
    assert int(model.optimizer.iterations) == 3 * len(data)
    assert data.epoch >= 2  # batches 0-8 come from epochs 0-2 (Keras may fetch ahead)


def test_fit_runs_each_epoch_in_whole_batches_per_call(fast_mode):
    """Six batches an epoch with eight per call into the backend: each epoch still trains
    six (TensorFlow ran eight on its endless stream, past the epoch's end)."""
    x = np.random.default_rng(0).normal(size=(96, 4)).astype("float32")
    model = tiny_model()
    model.compile("sgd", "sparse_categorical_crossentropy",
                  steps_per_execution=training.batches_per_call(8))
    training.fit(model, x, np.argmax(x[:, :3], axis=1), epochs=2, batch_size=16)
    assert int(model.optimizer.iterations) == 2 * 6


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="a tf.data stream")
def test_fit_on_arrays_streams_them_through_one_iterator(fast_mode, monkeypatch):
    streamed = []

    def spy(batches):
        streamed.append(batches)
        return stream(batches)

    stream = training.stream
    monkeypatch.setattr(training, "stream", spy)
    x = np.random.default_rng(0).normal(size=(50, 4)).astype("float32")
    model = tiny_model()
    training.fit(model, x, np.argmax(x[:, :3], axis=1), epochs=3, batch_size=16)
    assert len(streamed) == 1 and len(streamed[0]) == 4  # one stream, 4 batches an epoch
    assert int(model.optimizer.iterations) == 3 * 4


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="a tf.data stream")
def test_stream_serves_batches_in_order_without_autotuning(fast_mode):
    x = np.arange(5 * 2 * 2, dtype=np.uint8).reshape(5, 2, 2, 1)

    def batches():  # no random moves: the stream's extra look at batch 0 draws nothing
        return AugmentedImages(x, np.arange(5), batch_size=2, flip=False, shift=0, seed=3)

    want = batches()
    expected = [want[i] for i in range(7)]  # three epochs, each its own shuffle
    stream = training.stream(batches())
    assert stream.options().autotune.enabled is False  # no autotuning thread to wait for
    got = list(stream.take(7).as_numpy_iterator())
    for (images, labels), (want_images, want_labels) in zip(got, expected, strict=True):
        np.testing.assert_array_equal(images, want_images)
        np.testing.assert_array_equal(labels, want_labels)
