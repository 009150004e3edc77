"""A short training that tests/test_resume.py kills with SIGKILL and restarts.

    python tests/resume_worker.py BACKUP_DIR EPOCHS [STALL_AT]

Trains a tiny network for EPOCHS epochs through ``training.fit`` with a time budget and an
accuracy curve, backing up to BACKUP_DIR. With STALL_AT, it hangs at the start of epoch
STALL_AT + 1 (after epoch STALL_AT's backup is written) until it is killed. At the end it
prints one JSON line: the epochs this process ran, and the run's record.
"""

import json
import sys
import time

import keras
import numpy as np

from cnnlab import training
from cnnlab.callbacks import AccuracyTracker, TimeLimit
from cnnlab.resume import RunBackup


class Stall(keras.callbacks.Callback):
    def __init__(self, at):
        super().__init__()
        self.at, self.ran = at, []

    def on_epoch_begin(self, epoch, logs=None):
        self.ran.append(epoch + 1)
        if epoch == self.at:
            time.sleep(600)


def main(directory, epochs, stall_at=None):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = np.argmax(x[:, :3], axis=1)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    run = RunBackup(directory, {"worker": "tiny", "epochs": epochs}, printer=None)
    stall = Stall(stall_at)
    limit, tracker = TimeLimit(3600), AccuracyTracker(x, y, printer=None)
    _, log = training.fit(model, x, y, epochs=epochs, batch_size=32,
                          callbacks=[stall, limit, tracker, run.training("seed-0")])
    print(json.dumps({"ran": stall.ran, "logged": [r["epoch"] for r in log.records],
                      "points": len(tracker.points), "used": limit.used,
                      "steps": int(model.optimizer.iterations)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
