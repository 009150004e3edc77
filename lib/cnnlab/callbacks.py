"""Training callbacks: one compact line per epoch instead of progress bars, time budgets,
clock schedules, lookahead.

Those with a state that outlives an epoch define ``backup_state()`` and
``restore_state(state)``, so that ``cnnlab.resume.Backup`` can carry it across an interruption.
"""

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

    def backup_state(self) -> dict:
        return {"records": self.records}

    def restore_state(self, state):
        self.records = list(state["records"])

    @property
    def train_seconds(self) -> float:
        return sum(r["seconds"] for r in self.records)


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

    def backup_state(self) -> dict:
        return {"points": self.points, "train_seconds": self._train_seconds}

    def restore_state(self, state):
        self.points = [tuple(p) for p in state["points"]]
        self._train_seconds = state["train_seconds"]

    def time_to(self, target: float) -> float | None:
        return next((s for s, a in self.points if a >= target), None)


class TimeBudget(keras.callbacks.Callback):
    """Stop training, in mid-epoch if need be, before a step that would take it past
    ``seconds`` of training time: the way a lecture's training cell keeps its time on a slow
    machine (a fast one reaches its epochs first). ``fit(..., seconds=)`` in
    :mod:`cnnlab.training` adds one.

    Put it before any callback that evaluates at the end of an epoch: time spent in those does
    not count. A budget that the first step alone uses up is an error that says what to give.
    """

    def __init__(self, seconds: float):
        super().__init__()
        if not seconds > 0:
            raise ValueError(f"a time budget is a number of seconds above 0, got {seconds!r}: "
                             f"give e.g. 60, or no budget to train for the given epochs.")
        self.seconds = seconds
        self.used, self._start = 0.0, None
        self.longest = {"first": 0.0, "other": 0.0}

    def fraction(self) -> float:
        """The share of the time used so far: 0 before training starts."""
        return 0.0 if self._start is None else min(self.elapsed() / self.seconds, 1.0)

    def elapsed(self) -> float:
        return self.used + time.perf_counter() - self._start

    def on_train_begin(self, logs=None):
        self.used = self._previous = self._begun = 0.0
        self._start = None
        # the longest step so far, not the last: an epoch's first step can also restart the
        # data (a finite dataset gets a new iterator each epoch), so it is timed apart
        self.longest = {"first": 0.0, "other": 0.0}
        self._step = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._first = True

    def on_train_batch_end(self, batch, logs=None):
        now = self.elapsed()
        self._step += 1
        first = now - self._begun  # the first step of this fit (of a resumed one too)
        if self._step == 1 and first >= self.seconds:
            raise ValueError(f"the training-time budget of {self.seconds:g} s was used up by the "
                             f"first step alone ({first:.1f} s, compiling included): give a "
                             f"budget of at least {max(10 * first, 60):.0f} s.")
        if self._step > 1:  # a fit's very first step also builds the graph, once
            kind = "first" if self._first else "other"
            self.longest[kind] = max(self.longest[kind], now - self._previous)
        self._first = False
        steps = self.params.get("steps")  # per epoch: Keras passes the execution's last batch
        next_first = steps is None or batch + 1 >= steps  # unknown length: assume the worst
        expected = max(self.longest.values()) if next_first else self.longest["other"]
        if now + expected >= self.seconds:  # one more such step would overrun
            self.model.stop_training = True
        self._previous = now

    def on_epoch_end(self, epoch, logs=None):
        self.used = self.elapsed()

    def backup_state(self) -> dict:
        return {"used": self.used, "longest": self.longest}

    def restore_state(self, state):
        self.used = self._previous = self._begun = state["used"]
        self.longest = dict(state["longest"])


class TimeLimit(TimeBudget):
    """Stop training at the end of the epoch in which training time reaches ``seconds``: a
    benchmark's whole epochs, where a lecture's :class:`TimeBudget` stops in mid-epoch. Put it
    before any callback that evaluates at the end of an epoch, as a TimeBudget."""

    def on_train_batch_end(self, batch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if self.used >= self.seconds:
            self.model.stop_training = True


class ClockSchedule(TimeBudget):
    """A learning rate that follows training *time*: a linear warm-up to ``peak_lr`` over the
    first ``warmup_fraction`` of ``seconds``, then a cosine decay to zero; training stops as a
    :class:`TimeBudget` does.

    A schedule counted in epochs ends early or late when the machine is slower or faster than
    planned; this one always completes its decay within the budget. With ``total_steps`` (the
    epochs' steps) it follows whichever runs out first, the time or the steps: a fast machine
    then ends its epochs on a completed decay too. Give the optimizer a float learning rate
    (not a schedule). ``steps_per_execution`` batches share a rate.
    """

    def __init__(self, seconds: float, peak_lr: float, warmup_fraction: float = 0.2,
                 total_steps: int | None = None):
        super().__init__(seconds)
        if peak_lr <= 0:
            raise ValueError(f"peak_lr must be positive, got {peak_lr}.")
        if not 0 <= warmup_fraction < 1:
            raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction}.")
        if total_steps is not None and total_steps < 1:
            raise ValueError(f"total_steps must be at least 1, got {total_steps}.")
        self.peak_lr, self.warmup_fraction = peak_lr, warmup_fraction
        self.total_steps, self._lead = total_steps, None

    @property
    def steps_done(self) -> int:
        """The optimizer's steps so far (a resumed fit restores them with its weights); 0
        before the callback meets its model (e.g. when the data asks for the first batch)."""
        return 0 if self.model is None else int(self.model.optimizer.iterations)

    def fraction(self) -> float:
        """The share of the schedule done: of the time, or of the steps if more of those. The
        time counts from the end of the first step: compiling it can take a tenth of a short
        budget, and a warm-up that started its clock then would jump to half its peak at once
        (CIFAR-10's ResNet-9 reached 38 % instead of 60 % in a minute's budget)."""
        steps = self.steps_done / self.total_steps if self.total_steps else 0.0
        now = 0.0 if self._start is None else self.elapsed()
        timed = 0.0 if self._lead is None else (now - self._lead) / (self.seconds - self._lead)
        return min(max(timed, steps), 1.0)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._lead = None  # the time until the first step ended

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if self._lead is None:
            self._lead = self._previous  # when that step ended

    def backup_state(self) -> dict:
        return {**super().backup_state(), "lead": self._lead}

    def restore_state(self, state):
        super().restore_state(state)
        self._lead = state.get("lead", 0.0)  # a backup from before the lead: from the start

    def rate(self, fraction: float) -> float:
        """The learning rate when ``fraction`` of the schedule is done."""
        if fraction < self.warmup_fraction:
            return self.peak_lr * fraction / self.warmup_fraction
        decay = min((fraction - self.warmup_fraction) / (1 - self.warmup_fraction), 1.0)
        return self.peak_lr * 0.5 * (1 + np.cos(np.pi * decay))

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate = self.rate(self.fraction())

    def on_train_end(self, logs=None):
        # the optimizer then shows where the schedule ended (0 when it ran to the end); with
        # steps_per_execution, the last batches ran at the rate of their execution's start
        self.model.optimizer.learning_rate = self.rate(self.fraction())


class Lookahead(keras.callbacks.Callback):
    """airbench's lookahead: every ``every`` steps the weights (batch norm's statistics
    included) move into a running average, ``avg += (1 - d) * (w - avg)``, and restart from it;
    at the end of training they are the average. ``d = base**steps * progress**3`` (``steps``
    since the last update) stays near 0 early, where the average just follows the weights, and
    grows as training ends, when it averages over more steps.

    Progress is the share of ``clock``'s time (a :class:`ClockSchedule`, put before this
    callback) or of ``total_steps``. With ``steps_per_execution``, an update waits for the
    next callback.
    """

    def __init__(self, *, clock: ClockSchedule | None = None, total_steps: int | None = None,
                 every: int = 5, base: float = 0.95):
        super().__init__()
        if (clock is None) == (total_steps is None):
            raise ValueError("give exactly one of clock and total_steps.")
        if every < 1 or not 0 < base <= 1:
            raise ValueError(f"every must be at least 1 and base in (0, 1], got {every}, {base}.")
        self.clock, self.total_steps, self.every, self.base = clock, total_steps, every, base

    def progress(self) -> float:
        if self.clock is not None:
            return self.clock.fraction()
        return min(int(self.model.optimizer.iterations) / self.total_steps, 1.0)

    def on_train_begin(self, logs=None):
        self._average = [keras.ops.convert_to_numpy(w).copy() for w in self.model.weights]
        self._last = int(self.model.optimizer.iterations)

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.optimizer.iterations)
        if step - self._last >= self.every:
            self.update(self.base ** (step - self._last) * self.progress() ** 3)
            self._last = step

    def on_train_end(self, logs=None):
        self.update(1.0)

    def backup_state(self) -> dict:
        return {"average": self._average, "last": self._last}

    def restore_state(self, state):
        self._average = [np.array(a) for a in state["average"]]
        self._last = state["last"]

    def update(self, decay: float):
        for weight, average in zip(self.model.weights, self._average, strict=True):
            average += (1 - decay) * (keras.ops.convert_to_numpy(weight) - average)
            weight.assign(average)
