import keras
import numpy as np
import pytest

from cnnlab.callbacks import EpochLogger


def tiny_fit(logger, epochs=3):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0,
              callbacks=[logger])


def test_one_line_per_epoch_with_speed():
    lines = []
    logger = EpochLogger(48, printer=lines.append)
    tiny_fit(logger)
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3  ")
    for line in lines:
        assert "accuracy " in line and "val_loss " in line and line.endswith("img/s")
    assert [r["epoch"] for r in logger.records] == [1, 2, 3]
    r = logger.records[-1]
    assert r["images_per_second"] == pytest.approx(48 / r["seconds"])
    assert logger.train_seconds == pytest.approx(sum(r["seconds"] for r in logger.records))


def test_every_n_epochs_and_always_the_last():
    lines = []
    tiny_fit(EpochLogger(every=2, printer=lines.append), epochs=5)
    assert [line.split()[1] for line in lines] == ["2/5", "4/5", "5/5"]
    assert "img/s" not in lines[0]


@pytest.mark.parametrize("kwargs", [{"images_per_epoch": 0}, {"every": 0}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="must be"):
        EpochLogger(**kwargs)


def test_time_limit_stops_after_the_epoch_that_uses_it_up():
    from cnnlab.callbacks import TimeLimit

    lines = []
    limit = TimeLimit(1e-9)
    tiny_fit_with = [EpochLogger(printer=lines.append), limit]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    history = model.fit(x, (x[:, 0] > 0).astype(int), epochs=5, verbose=0,
                        callbacks=tiny_fit_with)
    assert len(history.history["loss"]) == 1 and len(lines) == 1 and limit.used > 0
    with pytest.raises(ValueError, match="positive"):
        TimeLimit(0)


def test_accuracy_tracker_and_time_to_target():
    from cnnlab.callbacks import AccuracyTracker

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.1), "sparse_categorical_crossentropy")
    printed = []
    tracker = AccuracyTracker(x, y, printer=printed.append)
    model.fit(x, y, epochs=4, verbose=0, callbacks=[tracker])
    assert len(tracker.points) == 4 and len(printed) == 4
    seconds = [s for s, _ in tracker.points]
    assert seconds == sorted(seconds) and seconds[0] > 0
    best = max(a for _, a in tracker.points)
    assert best > 0.9 and tracker.time_to(best) in seconds
    assert tracker.time_to(1.01) is None
