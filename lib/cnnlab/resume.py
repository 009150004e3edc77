"""Backups that let a long training run survive an interruption, ``kill -9`` included.

:class:`Backup`, a callback, writes the training's state at the end of every epoch; a run
restarted with the same configuration loads it and goes on with the next epoch, so at most the
epoch under way is lost. The state is the model's weights with the optimizer's (one
``.weights.h5``), the number of epochs done, whether training had stopped (a time limit), and
the state of every callback that keeps one: the per-epoch log, the accuracy curve, the training
seconds that time budgets and clock schedules have used, the lookahead's average. Callbacks
take part by defining ``backup_state() -> dict`` (JSON values and NumPy arrays) and
``restore_state(state)``.

:class:`RunBackup` holds the backups of a run of several trainings (one per seed, say), the
results of those that finished, and the configuration it belongs to: a run started with another
configuration is refused, not resumed.

Every write is atomic (a temporary file in the same folder, then ``os.replace``): each epoch's
weights and arrays go to new files, then ``state.json`` switches to them in one rename, so a
kill at any moment leaves the previous epoch's backup whole (a power cut may not: nothing here
waits for the disk with fsync). Keras's ``BackupAndRestore`` is not used: it overwrites its
weights in place and then its epoch number, so a kill can leave a truncated file or weights an
epoch ahead of their number, and it keeps no callback state.
Nothing is unpickled: JSON, HDF5 weights, and ``.npz`` arrays read with ``allow_pickle=False``.
The restarted epochs see their data in another order than an uninterrupted run would.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import keras
import numpy as np

from .datasets import cache_dir
from .integrity import atomic_path

STATE = "state.json"


class BackupMismatch(ValueError):
    """A backup made by a run with another configuration."""


def canonical(config) -> dict:
    """``config`` as it reads back from JSON (tuples become lists), to compare with a saved one."""
    return json.loads(json.dumps(config, sort_keys=True))


def default_directory(script: str, config) -> Path:
    """A folder under the cache for ``script``'s backups, named for the configuration: the same
    command finds its backup again, and another one starts afresh beside it."""
    digest = hashlib.sha256(json.dumps(canonical(config)).encode()).hexdigest()[:12]
    return cache_dir() / "backups" / f"{script}-{digest}"


def _flat(config, prefix=""):
    """Nested settings as one level, ``{"flags.model": ...}``, to name the ones that differ."""
    out = {}
    for key, value in config.items():
        if isinstance(value, dict) and value:
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def check_config(directory: Path, saved: dict, config: dict) -> None:
    """Raise :class:`BackupMismatch` unless the backup's configuration is this run's."""
    if saved == config:
        return
    saved, config = _flat(saved), _flat(config)
    missing = "(not set)"
    diffs = [f"{k}: {saved.get(k, missing)!r} in the backup, {config.get(k, missing)!r} now"
             for k in sorted(set(saved) | set(config)) if saved.get(k) != config.get(k)]
    raise BackupMismatch(
        f"the backup in {directory} belongs to a run with another configuration ("
        f"{'; '.join(diffs)}). To resume it, rerun with the configuration it was made with; to "
        f"start afresh, delete {directory} or back up elsewhere.")


def write_json(path: Path, data) -> None:
    with atomic_path(path, suffix=".json") as tmp:
        tmp.write_text(json.dumps(data), encoding="utf-8")


def _encode(value, arrays: dict):
    """JSON-ready ``value``, its NumPy arrays moved into ``arrays`` and named in their place."""
    if isinstance(value, np.ndarray):
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"__array__": name}
    if isinstance(value, dict):
        return {k: _encode(v, arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v, arrays) for v in value]
    return value


def _decode(value, arrays):
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        return {k: _decode(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


class Backup(keras.callbacks.Callback):
    """Back the training up to ``directory`` after every epoch, and resume from it.

    ``config`` (JSON values) says what run the backup belongs to; a backup made with another
    is refused (:class:`BackupMismatch`). With :func:`cnnlab.training.fit` (and so every
    recipe), pass it among the callbacks: ``fit`` runs it last and has it keep the state of
    the others. With ``model.fit``, call :meth:`track` with the callbacks whose state to keep
    and put this one last: its ``on_train_begin`` restores their state after they reset it.
    The backup stays when training ends (scoring may follow); :meth:`delete` removes it.
    """

    def __init__(self, directory, config=None, *, printer=print):
        super().__init__()
        self.directory = Path(directory)
        self.config = canonical(config or {})
        self.printer = printer
        self.tracked: list = []

    def track(self, *callbacks):
        """Keep the state of those ``callbacks`` that define ``backup_state``."""
        self.tracked = [c for c in callbacks if hasattr(c, "backup_state")]
        return self

    def _names(self):
        return [f"{i}:{type(c).__name__}" for i, c in enumerate(self.tracked)]

    def load(self) -> dict | None:
        """The last epoch's state as saved, or None when there is no backup yet."""
        path = self.directory / STATE
        if not path.is_file():
            return None
        state = json.loads(path.read_text(encoding="utf-8"))
        check_config(self.directory, state["config"], self.config)
        return state

    def on_train_begin(self, logs=None):
        state = self.load()
        if state is None:
            return
        if state["callbacks"].keys() != set(self._names()):
            raise BackupMismatch(
                f"the backup in {self.directory} keeps the state of the callbacks "
                f"{sorted(state['callbacks'])}, but this training has {self._names()}: it was "
                f"made by other code. Delete {self.directory} to start afresh.")
        optimizer = self.model.optimizer
        if optimizer is not None and not optimizer.built:  # its variables must exist to load
            optimizer.build(self.model.trainable_variables)
        self.model.load_weights(self.directory / state["weights"])
        arrays = {}
        if state.get("arrays"):
            with np.load(self.directory / state["arrays"], allow_pickle=False) as saved:
                arrays = {k: saved[k] for k in saved.files}
        for name, callback in zip(self._names(), self.tracked, strict=True):
            callback.restore_state(_decode(state["callbacks"][name], arrays))
        # Keras starts its epoch loop at _initial_epoch (as its own BackupAndRestore does);
        # a run that had stopped (a time limit) runs no more epochs
        self.model._initial_epoch = self.params["epochs"] if state["stopped"] else state["epoch"]
        if self.printer:
            self.printer(f"resumed from {self.directory}: {state['epoch']} epoch(s) done"
                         f"{', training had stopped' if state['stopped'] else ''}")

    def on_epoch_end(self, epoch, logs=None):
        self.save(epoch + 1, stopped=bool(self.model.stop_training))

    def on_train_end(self, logs=None):
        self.model._initial_epoch = None  # a later fit of this model starts at its own epoch 0

    def save(self, epochs_done: int, *, stopped: bool = False) -> None:
        """Write the state after ``epochs_done`` epochs: new files, then ``state.json``."""
        tag = f"epoch-{epochs_done:05d}"
        weights = self.directory / f"{tag}.weights.h5"
        with atomic_path(weights, suffix=".weights.h5") as tmp:  # Keras insists on the suffix
            self.model.save_weights(tmp)
        arrays = {}
        callbacks = {name: _encode(c.backup_state(), arrays)
                     for name, c in zip(self._names(), self.tracked, strict=True)}
        if arrays:
            with atomic_path(self.directory / f"{tag}.npz", suffix=".npz") as tmp:
                np.savez(tmp, **arrays)
        write_json(self.directory / STATE, {
            "config": self.config, "epoch": epochs_done, "stopped": stopped,
            "weights": weights.name, "arrays": f"{tag}.npz" if arrays else None,
            "callbacks": callbacks})
        keep = {STATE, weights.name, f"{tag}.npz"}
        for old in self.directory.iterdir():  # the previous epoch's, and a killed write's
            if old.is_file() and old.name not in keep:
                old.unlink(missing_ok=True)

    def delete(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


class RunBackup:
    """The backups of a run of one or more trainings, in ``directory``: the configuration
    (``config.json``; another configuration is refused), one :class:`Backup` per training
    under way, and the result of each training that finished (``results/NAME.json``).

    A benchmark asks :meth:`result` before each training (a finished one is not run again),
    trains with the callback from :meth:`training`, records with :meth:`finish`, and calls
    :meth:`close` when the whole run is done.
    """

    def __init__(self, directory, config: dict, *, printer=print):
        self.directory = Path(directory)
        self.config = canonical(config)
        self.printer = printer
        path = self.directory / "config.json"
        if path.is_file():
            check_config(self.directory, json.loads(path.read_text(encoding="utf-8")),
                         self.config)
        else:
            write_json(path, self.config)

    def _name(self, name: str) -> str:
        if not name or Path(name).name != name or name.startswith(".") or name == "results":
            raise ValueError(f"a training's name is a plain file name, got {name!r}.")
        return name

    def training(self, name: str) -> Backup:
        """The callback that backs up the training ``name``."""
        return Backup(self.directory / self._name(name), self.config, printer=self.printer)

    def result(self, name: str) -> dict | None:
        """What :meth:`finish` recorded for ``name``, or None if it has not finished."""
        path = self.directory / "results" / f"{self._name(name)}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def finish(self, name: str, result) -> None:
        """Record ``name``'s result (JSON values), then drop its training backup."""
        write_json(self.directory / "results" / f"{self._name(name)}.json", result)
        shutil.rmtree(self.directory / name, ignore_errors=True)

    def close(self) -> None:
        """The run is done: remove every backup."""
        shutil.rmtree(self.directory, ignore_errors=True)
