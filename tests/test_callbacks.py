import keras
import numpy as np
import pytest

from cnnlab import callbacks
from cnnlab.callbacks import ClockSchedule, EpochLogger


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
    with pytest.raises(ValueError, match="above 0"):
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


def test_clock_schedule_shape():
    clock = ClockSchedule(100, 0.2, warmup_fraction=0.2)
    assert clock.rate(0) == 0 and clock.rate(0.1) == pytest.approx(0.1)
    assert clock.rate(0.2) == pytest.approx(0.2) and clock.rate(0.6) == pytest.approx(0.1)
    assert clock.rate(1.0) == pytest.approx(0, abs=1e-12) == clock.rate(3.0)
    for kwargs in ({"seconds": 0, "peak_lr": 0.1}, {"seconds": 1, "peak_lr": 0.1,
                                                     "warmup_fraction": 1}):
        with pytest.raises(ValueError):
            ClockSchedule(**kwargs)


class FakeTime:
    """A clock that moves 0.25 s every time it is read; every ``period``-th read, 2.25 s
    (with ``once``, only the first of those)."""

    def __init__(self, period=None, once=False):
        self.now, self.reads, self.period, self.once = 0.0, 0, period, once

    def perf_counter(self):
        self.reads += 1
        slow = self.period and self.reads % self.period == 3
        self.now += 2.25 if slow and not (self.once and self.reads > self.period) else 0.25
        return self.now


def test_clock_schedule_follows_time_and_stops_mid_epoch(monkeypatch):
    monkeypatch.setattr(callbacks, "time", FakeTime())
    rates = []
    recorder = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: rates.append(
        float(model.optimizer.learning_rate)))
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    # a batch reads the clock twice (0.5 s), an epoch's first also the epoch's end (0.75 s):
    # stop when 0.75 s more would reach 10 s, after 8 + 8 + 2 batches
    clock = ClockSchedule(10, 0.5)
    history = model.fit(x, (x[:, 0] > 0).astype("int32"), epochs=50, batch_size=8, verbose=0,
                        callbacks=[clock, recorder])
    assert len(history.history["loss"]) == 3 and len(rates) % 8 != 0  # stopped mid-epoch
    assert 9.5 <= clock.used <= 10 and len(rates) == 18
    peak = int(np.argmax(rates))
    assert max(rates) == pytest.approx(0.5, rel=0.1) and 0 < peak < len(rates) - 1
    assert np.all(np.diff(rates[: peak + 1]) > 0) and np.all(np.diff(rates[peak:]) < 0)
    assert rates[-1] < 0.02


def test_clock_schedule_too_short_for_one_step_says_so(monkeypatch):
    monkeypatch.setattr(callbacks, "time", FakeTime())  # a step takes 0.5 s here
    x = np.zeros((16, 4), "float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"budget of 0.3 s was used up by the first step.*at "
                                         r"least 60 s"):
        model.fit(x, np.zeros(16, "int32"), epochs=2, batch_size=8, verbose=0,
                  callbacks=[ClockSchedule(0.3, 0.5)])


def fit_on_fake_clock(monkeypatch, seconds, fake_time):
    """Train a tiny model in epochs of 8 batches under ``ClockSchedule(seconds)``, with time
    read from ``fake_time``. Returns the clock and the number of epochs begun."""
    monkeypatch.setattr(callbacks, "time", fake_time)
    x = np.zeros((64, 4), "float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    clock = ClockSchedule(seconds, 0.5)
    history = model.fit(x, np.zeros(64, "int32"), epochs=50, batch_size=8, verbose=0,
                        callbacks=[clock])
    return clock, len(history.history["loss"])


def test_clock_schedule_does_not_overrun_when_epochs_start_slowly(monkeypatch):
    """Each epoch's first step takes 2.5 s, the others 0.5 s: judged by the last step alone,
    training would start a third epoch at 12.5 s and end at 15 s, past the 14 s."""
    clock, epochs = fit_on_fake_clock(monkeypatch, 14, FakeTime(period=18))  # 18 reads an epoch
    assert epochs == 2 and 11 < clock.used <= 14


def test_clock_schedule_times_epoch_starts_apart(monkeypatch):
    """Slow epoch starts delay only the decision to begin an epoch: within one, the
    next step is judged by the others (0.5 s), so training runs to within 0.5 s of 16 s."""
    clock, _ = fit_on_fake_clock(monkeypatch, 16, FakeTime(period=18))
    assert 15.5 <= clock.used <= 16
    # an epoch's first step also spans the read at the epoch's start: 2.75 s
    assert clock.longest["first"] == pytest.approx(2.75) and clock.longest["other"] == 0.5


def test_clock_schedule_does_not_stop_early_for_the_traced_first_step(monkeypatch):
    """Training's first step takes 2.5 s (it builds the graph), every later one 0.5 s: judged
    by that step, training would stop near 7.5 s of its 10."""
    clock, _ = fit_on_fake_clock(monkeypatch, 10, FakeTime(period=18, once=True))
    assert 9.25 <= clock.used <= 10


def test_clock_schedule_warms_up_from_the_end_of_the_first_step(monkeypatch):
    """The first step takes 2.5 s of 10 (it builds the graph): counted from the start, the
    second step would begin past the warm-up, at the peak rate; the warm-up climbs instead."""
    monkeypatch.setattr(callbacks, "time", FakeTime(period=18, once=True))
    rates = []
    recorder = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: rates.append(
        float(model.optimizer.learning_rate)))
    x = np.zeros((64, 4), "float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    clock = ClockSchedule(10, 0.5)
    model.fit(x, np.zeros(64, "int32"), epochs=50, batch_size=8, verbose=0,
              callbacks=[clock, recorder])
    assert rates[0] == 0 and 0 < rates[1] < 0.5 / 4
    assert np.all(np.diff(rates[:4]) > 0) and max(rates) == pytest.approx(0.5, rel=0.1)
    assert clock.backup_state()["lead"] == pytest.approx(2.5)  # the first step's end


def test_clock_schedule_has_the_step_schedules_shape():
    """The clock's rate at a fraction of the time equals training.warmup_cosine's at that
    fraction of the steps: one recipe, counted in seconds or in steps."""
    from cnnlab.training import warmup_cosine

    steps, clock = 1000, ClockSchedule(60, 0.2)
    by_steps = warmup_cosine(0.2, steps)
    for fraction in (0.0, 0.05, 0.2, 0.5, 0.9, 1.0):
        assert clock.rate(fraction) == pytest.approx(float(by_steps(fraction * steps)), abs=1e-6)


def test_lookahead_averages_and_ends_on_the_average():
    from cnnlab.callbacks import Lookahead

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False,
                                                                    kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(1.0), "mse")
    x, y = np.ones((8, 1), "float32"), np.zeros((8, 1), "float32")
    kernels = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: kernels.append(float(model.weights[0][0, 0])))
    # the gradient of mean (w - 0)^2 at w is 2w: from w = 0 nothing moves, so push w by hand
    push = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda batch, logs: model.weights[0].assign([[1.0]]))
    look = Lookahead(total_steps=4, every=2, base=0.5)
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, callbacks=[push, look, record])
    # the average starts at 0; each step sets w = 1, then SGD makes it 1 - 2 = -1.
    # after step 2: progress 1/2, d = 0.5**2 * (1/2)**3 = 1/32: avg = 0 + 31/32 * (-1 - 0)
    # after step 4: progress 1, d = 1/4: avg = -31/32 + 3/4 * (-1 + 31/32)
    first = -31 / 32
    second = first + 0.75 * (-1 - first)
    np.testing.assert_allclose(kernels, [-1, first, -1, second], rtol=1e-6)
    assert float(model.weights[0][0, 0]) == pytest.approx(second)  # at the end, the average
    with pytest.raises(ValueError, match="exactly one"):
        Lookahead()


def test_clock_schedule_with_steps_ends_with_the_epochs_on_a_fast_machine(monkeypatch):
    """A budget of 1,000 s that the epochs (3 x 8 steps of 0.5 s) undercut: the rate follows
    the steps instead and reaches the end of its decay with the last one."""
    monkeypatch.setattr(callbacks, "time", FakeTime())
    rates = []
    x = np.zeros((64, 4), "float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    recorder = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: rates.append(
        float(model.optimizer.learning_rate)))
    clock = ClockSchedule(1000, 0.5, total_steps=24)
    history = model.fit(x, np.zeros(64, "int32"), epochs=3, batch_size=8, verbose=0,
                        callbacks=[clock, recorder])
    assert len(history.history["loss"]) == 3 and len(rates) == 24 and clock.steps_done == 24
    assert clock.fraction() == 1.0 and max(rates) == pytest.approx(0.5, rel=0.1)
    assert rates[-1] == pytest.approx(clock.rate(23 / 24)) and rates[-1] < 0.01
    without = ClockSchedule(1000, 0.5)  # time alone: the same epochs end near the peak
    assert without.rate(12 / 1000) < 0.1 and clock.rate(12 / 24) > 0.2
    with pytest.raises(ValueError, match="total_steps"):
        ClockSchedule(10, 0.5, total_steps=0)


def test_fit_with_seconds_stops_mid_epoch_and_leaves_the_rate(monkeypatch):
    from cnnlab import training

    monkeypatch.setattr(callbacks, "time", FakeTime())  # a step takes 0.5 s
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.05), "sparse_categorical_crossentropy")
    history, log = training.fit(model, x, (x[:, 0] > 0).astype("int32"), epochs=50,
                                batch_size=8, seconds=6, log_every=50)
    assert 1 < len(history.history["loss"]) < 50  # stopped on time, not by the epochs
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)
    for bad in (0, -1):
        with pytest.raises(ValueError, match="above 0.*give e.g. 60"):
            training.fit(model, x, (x[:, 0] > 0).astype("int32"), epochs=1, seconds=bad)
