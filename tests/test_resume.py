"""Backups of long trainings: a killed run resumes at its next epoch, writes are atomic, and a
backup from another configuration is refused."""

import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

from cnnlab import resume, training
from cnnlab.callbacks import ClockSchedule, EpochLogger, TimeLimit
from cnnlab.resume import Backup, BackupMismatch, RunBackup

from conftest import ROOT

WORKER = ROOT / "tests" / "resume_worker.py"


def worker(directory, epochs, *stall_at):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "lib"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.Popen([sys.executable, str(WORKER), str(directory), str(epochs),
                             *map(str, stall_at)], stdout=subprocess.PIPE, text=True, env=env)


def saved_epoch(directory):
    try:
        return json.loads((directory / "state.json").read_text())["epoch"]
    except (FileNotFoundError, json.JSONDecodeError):
        return 0


def test_a_killed_run_resumes_at_its_next_epoch(tmp_path):
    epochs, killed_after = 5, 2
    first = worker(tmp_path, epochs, killed_after)
    deadline = time.monotonic() + 120
    while saved_epoch(tmp_path / "seed-0") < killed_after:  # it then stalls in the next epoch
        assert first.poll() is None and time.monotonic() < deadline, "the worker did not get there"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert saved_epoch(tmp_path / "seed-0") == killed_after
    out, _ = worker(tmp_path, epochs).communicate(timeout=120)
    record = json.loads(out.strip().splitlines()[-1])
    assert record["ran"] == list(range(killed_after + 1, epochs + 1))  # not from epoch 1 again
    assert record["logged"] == list(range(1, epochs + 1))  # one record per epoch, none twice
    assert record["points"] == epochs
    assert record["steps"] == epochs * 256 // 32  # the optimizer's state came back too


def tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    return model


def data():
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    return x, np.argmax(x[:, :3], axis=1)


class Arrays(keras.callbacks.Callback):
    """A callback whose state holds arrays, as the lookahead's average does."""

    def __init__(self):
        super().__init__()
        self.average = [np.zeros(3, "float32"), np.zeros((2, 2))]

    def on_epoch_end(self, epoch, logs=None):
        self.average = [a + 1 for a in self.average]

    def backup_state(self):
        return {"average": self.average}

    def restore_state(self, state):
        self.average = state["average"]


def fit(model, directory, epochs, *callbacks, config=None):
    x, y = data()
    backup = Backup(directory, config or {"run": 1}, printer=None)
    history, log = training.fit(model, x, y, epochs=epochs, batch_size=16,
                                callbacks=[*callbacks, backup])
    return history, log


@pytest.mark.parametrize("fails", ["weights", "arrays", "state"])
def test_a_crash_while_writing_leaves_the_previous_backup_readable(tmp_path, monkeypatch, fails):
    model = tiny_model()
    fit(model, tmp_path, 1, Arrays())
    after_one = [w.copy() for w in model.get_weights()]
    (tmp_path / ".epoch-00002.weights.h5.abc.weights.h5").write_bytes(b"half a file")  # kill -9

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    target = {"weights": (keras.Model, "save_weights"), "arrays": (np, "savez"),
              "state": (resume, "write_json")}[fails]
    monkeypatch.setattr(*target, crash)
    with pytest.raises(KeyboardInterrupt):
        fit(model, tmp_path, 2, Arrays())
    monkeypatch.undo()
    assert saved_epoch(tmp_path) == 1
    fresh, arrays = tiny_model(seed=1), Arrays()
    history, log = fit(fresh, tmp_path, 1, arrays)  # epoch 1 of 1 is done: nothing to train
    assert history.history == {} and len(log.records) == 1
    for restored, saved in zip(fresh.get_weights(), after_one, strict=True):
        np.testing.assert_array_equal(restored, saved)
    assert [a.tolist() for a in arrays.average] == [[1.0] * 3, [[1.0, 1.0], [1.0, 1.0]]]


def test_the_next_backup_replaces_the_last_and_clears_leftovers(tmp_path):
    leftover = tmp_path / ".state.json.xyz.json"
    leftover.write_text("{")
    fit(tiny_model(), tmp_path, 2, Arrays())
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "epoch-00002.npz", "epoch-00002.weights.h5", "state.json"]


def test_a_stopped_run_stays_stopped_and_keeps_its_time(tmp_path):
    model = tiny_model()
    limit = TimeLimit(1e-9)
    fit(model, tmp_path, 5, limit)  # stops after epoch 1: its budget is used up
    used = limit.used
    again = TimeLimit(1e-9)
    history, log = fit(tiny_model(), tmp_path, 5, again)
    assert history.history == {} and [r["epoch"] for r in log.records] == [1]
    assert again.used == used > 0


def test_a_clock_schedule_goes_on_from_the_time_it_had_used():
    clock = ClockSchedule(100.0, 0.1)
    clock.on_train_begin()
    clock.restore_state({"used": 60.0, "longest": {"first": 0.5, "other": 0.2}, "lead": 10.0})
    clock.on_epoch_begin(3)
    assert 60.0 <= clock.elapsed() < 61.0 and 50 / 90 <= clock.fraction() < 51 / 90
    assert clock.backup_state()["longest"] == {"first": 0.5, "other": 0.2}
    assert clock.backup_state()["lead"] == 10.0


def test_a_backup_of_another_configuration_is_refused(tmp_path):
    fit(tiny_model(), tmp_path / "one", 1, config={"model": "vgg", "seed": 0})
    with pytest.raises(BackupMismatch, match=r"model: 'vgg' in the backup, 'baseline' now.*"
                                             r"delete .*one"):
        fit(tiny_model(), tmp_path / "one", 2, config={"model": "baseline", "seed": 0})
    RunBackup(tmp_path / "run", {"flags": {"model": "vgg", "seeds": [0, 1]}})
    RunBackup(tmp_path / "run", {"flags": {"model": "vgg", "seeds": (0, 1)}})  # JSON's same
    with pytest.raises(BackupMismatch, match=r"\(flags.seeds: \[0, 1\] in the backup, \[0\] "
                                             r"now\)"):  # only what differs
        RunBackup(tmp_path / "run", {"flags": {"model": "vgg", "seeds": [0]}})


def test_a_backup_of_other_callbacks_is_refused(tmp_path):
    fit(tiny_model(), tmp_path, 1, Arrays())
    with pytest.raises(BackupMismatch, match="other code"):
        fit(tiny_model(), tmp_path, 2, TimeLimit(60))


def test_a_run_keeps_finished_results_until_it_closes(tmp_path):
    run = RunBackup(tmp_path / "run", {"seeds": [0, 1]})
    assert run.result("seed-0") is None
    fit(tiny_model(), tmp_path / "run" / "seed-0", 1)
    run.finish("seed-0", {"accuracy": 0.5})
    again = RunBackup(tmp_path / "run", {"seeds": [0, 1]})
    assert again.result("seed-0") == {"accuracy": 0.5} and again.result("seed-1") is None
    assert not (tmp_path / "run" / "seed-0").exists()
    with pytest.raises(ValueError, match="plain file name"):
        again.training("../elsewhere")
    again.close()
    assert not (tmp_path / "run").exists()


def test_the_logger_and_a_limit_carry_their_state():
    logger, limit = EpochLogger(printer=None), TimeLimit(10)
    logger.records, limit.used = [{"epoch": 1, "seconds": 2.0}], 2.0
    other_logger, other_limit = EpochLogger(printer=None), TimeLimit(10)
    other_logger.restore_state(json.loads(json.dumps(logger.backup_state())))
    other_limit.restore_state(json.loads(json.dumps(limit.backup_state())))
    assert other_logger.train_seconds == 2.0 and other_limit.used == 2.0
