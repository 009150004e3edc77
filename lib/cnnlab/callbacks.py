"""Training callbacks: one compact line per epoch instead of progress bars."""

from __future__ import annotations

import time

import keras
import numpy as np


class EpochLogger(keras.callbacks.Callback):
    """Print one line per epoch with the metrics, the epoch's seconds and images per second.

    Use with ``model.fit(..., verbose=0, callbacks=[EpochLogger(len(x_train))])``. The per-epoch
    figures stay in ``records`` for benchmarks and plots.
    """

    def __init__(self, images_per_epoch: int | None = None, *, every: int = 1, printer=print):
        super().__init__()
        if images_per_epoch is not None and images_per_epoch <= 0:
            raise ValueError(f"images_per_epoch must be positive, got {images_per_epoch}.")
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}.")
        self.images_per_epoch = images_per_epoch
        self.every = every
        self.printer = printer
        self.records: list[dict] = []

    def on_train_begin(self, logs=None):
        self.records = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._start
        record = {"epoch": epoch + 1, "seconds": seconds, **{k: float(v) for k, v in
                                                              (logs or {}).items()}}
        if self.images_per_epoch:
            record["images_per_second"] = self.images_per_epoch / seconds
        self.records.append(record)
        total = self.params.get("epochs") if self.params else None
        last = total is not None and epoch + 1 == total
        if (epoch + 1) % self.every and not last:
            return
        metrics = "  ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items()
                            if k != "learning_rate")
        speed = (f"  {record['images_per_second']:,.0f} img/s"
                 if "images_per_second" in record else "")
        width = len(str(total)) if total else 1
        of = f"/{total}" if total else ""
        self.printer(f"epoch {epoch + 1:>{width}}{of}  {metrics}  {seconds:.1f} s{speed}")

    @property
    def train_seconds(self) -> float:
        return sum(r["seconds"] for r in self.records)


class TimeLimit(keras.callbacks.Callback):
    """Stop training at the end of the epoch in which training time reaches ``seconds``.

    Keras runs callbacks in list order: put this one before any callback that evaluates at the
    end of an epoch (such as :class:`AccuracyTracker`), or their time counts as training time.
    """

    def __init__(self, seconds: float):
        super().__init__()
        if seconds <= 0:
            raise ValueError(f"seconds must be positive, got {seconds}.")
        self.seconds = seconds
        self.used = 0.0

    def on_train_begin(self, logs=None):
        self.used = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.used += time.perf_counter() - self._start
        if self.used >= self.seconds:
            self.model.stop_training = True


class AccuracyTracker(keras.callbacks.Callback):
    """After every epoch, measure accuracy on held-out data and note the training time so far;
    ``time_to(target)`` then says when the model first reached ``target``."""

    def __init__(self, x, y, *, predict=None, printer=print):
        super().__init__()
        self.x, self.y = x, np.asarray(y).reshape(-1)
        self.predict = predict
        self.printer = printer
        self.points: list[tuple[float, float]] = []  # (training seconds, accuracy)

    def on_train_begin(self, logs=None):
        self.points, self._train_seconds = [], 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self._train_seconds += time.perf_counter() - self._start
        predict = self.predict or (lambda m, x: np.argmax(m.predict(x, verbose=0), -1))
        accuracy = float(np.mean(predict(self.model, self.x) == self.y))
        self.points.append((self._train_seconds, accuracy))
        if self.printer:
            self.printer(f"  held-out accuracy {accuracy:.2%} after {self._train_seconds:.0f} s")

    def time_to(self, target: float) -> float | None:
        return next((s for s, a in self.points if a >= target), None)


class ClockSchedule(keras.callbacks.Callback):
    """A learning rate that follows training *time*: a linear warm-up to ``peak_lr`` over the
    first ``warmup_fraction`` of ``seconds``, then a cosine decay to zero; training stops, in
    mid-epoch if need be, before a step that would take it past ``seconds``.

    A schedule counted in epochs ends early or late when the machine is slower or faster than
    planned; this one always completes its decay within the budget. Give the optimizer a float
    learning rate (not a schedule) and put this callback before any that evaluates at the end
    of an epoch: time spent in those does not count. ``steps_per_execution`` batches share a
    rate.
    """

    def __init__(self, seconds: float, peak_lr: float, warmup_fraction: float = 0.2):
        super().__init__()
        if seconds <= 0 or peak_lr <= 0:
            raise ValueError(f"seconds and peak_lr must be positive, got {seconds}, {peak_lr}.")
        if not 0 <= warmup_fraction < 1:
            raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction}.")
        self.seconds, self.peak_lr, self.warmup_fraction = seconds, peak_lr, warmup_fraction
        self.used = 0.0

    def rate(self, fraction: float) -> float:
        """The learning rate when ``fraction`` of the time is used."""
        if fraction < self.warmup_fraction:
            return self.peak_lr * fraction / self.warmup_fraction
        decay = min((fraction - self.warmup_fraction) / (1 - self.warmup_fraction), 1.0)
        return self.peak_lr * 0.5 * (1 + np.cos(np.pi * decay))

    def elapsed(self) -> float:
        return self.used + time.perf_counter() - self._start

    def on_train_begin(self, logs=None):
        self.used = self._previous = self._longest = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate = self.rate(self.elapsed() / self.seconds)

    def on_train_batch_end(self, batch, logs=None):
        now = self.elapsed()
        # the longest step so far, not the last: an epoch's first step also restarts the data
        self._longest = max(self._longest, now - self._previous)
        if now + self._longest >= self.seconds:  # one more such step would overrun
            self.model.stop_training = True
        self._previous = now

    def on_epoch_end(self, epoch, logs=None):
        self.used = self.elapsed()
