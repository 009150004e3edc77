"""Data-parallel training on Keras's own engines, one process per device count.

Keras 3.15 drives several devices itself on two backends: ``keras.distribution`` (a
``DeviceMesh`` and ``DataParallel``) on JAX, and ``tf.distribute.MirroredStrategy`` on
TensorFlow. (On PyTorch, Keras has no ``fit`` integration: there one writes a loop around
``torch.nn.parallel.DistributedDataParallel``.) A device count is fixed when JAX or TensorFlow
starts, so each run here is a process of its own: :meth:`Job.run` starts
``python -m cnnlab.distributed`` with the backend and the device count, and reads back one JSON
line and the weights the run saved (``.npz``, read without pickle). The training code is the
same for every device count and both backends: only :func:`use_devices` and :func:`replicate`
know the backend.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .augment import ShuffledBatches

BACKENDS = ("jax", "tensorflow")
INSTALL = {"jax": 'pip install "jax==0.10.2" (on a CUDA GPU: "jax[cuda12]==0.10.2")',
           "tensorflow": 'pip install "tensorflow-cpu==2.21.0" (on a CUDA GPU: '
                         '"tensorflow[and-cuda]==2.21.0")'}
PLATFORMS = ("auto", "cpu", "gpu")


class DeviceCountError(RuntimeError):
    """The devices asked for cannot be made in this process."""


def missing(backend: str) -> str | None:
    """None when ``backend`` is installed, else a sentence saying what to install."""
    _check_backend(backend)
    if importlib.util.find_spec(backend) is None:
        return (f"{backend} is not installed for {sys.executable}, so its runs are left out "
                f"here. To run them: {INSTALL[backend]}")
    return None


def _check_backend(backend):
    if backend not in BACKENDS:
        raise ValueError(f"Keras trains on several devices with {' or '.join(BACKENDS)}, not "
                         f"{backend!r} (on PyTorch: DistributedDataParallel in a loop of your "
                         f"own).")


def check_split(batch_size: int, devices: int) -> int:
    """The examples each device gets from a batch; a clear error when they would be unequal."""
    if not isinstance(devices, int) or devices < 1:
        raise ValueError(f"the device count is a whole number of at least 1, got {devices!r}.")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"the batch size is a whole number of at least 1, got {batch_size!r}.")
    if batch_size % devices:
        below = batch_size // devices * devices
        fits = [d for d in range(1, min(batch_size, 16) + 1) if batch_size % d == 0]
        raise ValueError(
            f"a batch of {batch_size} does not split evenly over {devices} devices: each device "
            f"computes its gradient on an equal share. Use a batch size that is a multiple of "
            f"{devices} (e.g. {below or devices} or {below + devices}), or a device count "
            f"that divides {batch_size} ({', '.join(map(str, fits))}).")
    return batch_size // devices


def use_devices(backend: str, n: int, platform: str = "auto", cluster=None) -> list[str]:
    """Make ``n`` devices for ``backend`` in this process and return their names.

    Call it first thing in a fresh process: a device count is fixed when the backend starts.
    ``platform``: ``"auto"`` takes the accelerators when there are at least ``n``, else ``n``
    virtual CPU devices; ``"cpu"`` or ``"gpu"`` insists. ``cluster``: ``(coordinator address,
    processes, process id)`` joins several processes into one JAX runtime
    (``keras.distribution.initialize``); then ``n`` devices are this process's, and the names
    returned are every process's.
    """
    _check_backend(backend)
    if platform not in PLATFORMS:
        raise ValueError(f"platform is one of {PLATFORMS}, got {platform!r}.")
    check_split(n, n)  # a whole number of at least 1
    if backend == "jax":
        return _jax_devices(n, platform, cluster)
    if cluster is not None:
        raise ValueError("several processes are run here on JAX only; on TensorFlow, "
                         "MultiWorkerMirroredStrategy reads them from TF_CONFIG "
                         "(see cluster_commands).")
    return _tensorflow_devices(n, platform)


def _too_late(what, have, n, backend):
    return DeviceCountError(
        f"{what} has already started with {have} CPU device(s), so it cannot make {n} now: the "
        f"device count is fixed when {what} starts. Ask for the devices first thing in a fresh "
        f"process, before any {what} operation (restart the kernel, then call "
        f"cnnlab.distributed.use_devices({backend!r}, {n})), or run each device count in a "
        f"process of its own with cnnlab.distributed.Job.run.")


def _jax_devices(n, platform, cluster):
    import jax

    try:
        jax.config.update("jax_num_cpu_devices", n)
        # collectives between processes on CPU (gloo is jax 0.10's default; older ones had none)
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    except RuntimeError:  # JAX has started: what it has is what there is
        if cluster is not None:
            raise _too_late("JAX", jax.local_device_count("cpu"), n, "jax") from None
    if cluster is not None:
        import keras

        keras.distribution.initialize(*cluster)
    accelerators = [d for d in jax.local_devices() if d.platform != "cpu"]
    use_gpu = platform == "gpu" or (platform == "auto" and len(accelerators) >= n)
    local = accelerators if use_gpu else jax.local_devices(backend="cpu")
    if len(local) < n:
        if use_gpu:
            raise DeviceCountError(f"JAX sees {len(local)} accelerator(s), not {n}: ask for "
                                   f"fewer, or for platform='cpu' (virtual CPU devices).")
        raise _too_late("JAX", len(local), n, "jax")
    chosen = local[:n] if cluster is None else jax.devices(local[0].platform)  # every process's
    return [f"{d.platform}:{d.id}" for d in chosen]


def _tensorflow_devices(n, platform):
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")  # does not start the runtime
    if platform == "gpu" or (platform == "auto" and len(gpus) >= n):
        if len(gpus) < n:
            raise DeviceCountError(f"TensorFlow sees {len(gpus)} GPU(s), not {n}: ask for "
                                   f"fewer, or for platform='cpu' (logical CPU devices).")
        return [f"/device:GPU:{i}" for i in range(n)]
    try:
        if gpus:
            tf.config.set_visible_devices([], "GPU")
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)])
    except RuntimeError:  # TensorFlow has started: what it has is what there is
        pass
    cpus = tf.config.list_logical_devices("CPU")
    if len(cpus) < n:
        raise _too_late("TensorFlow", len(cpus), n, "tensorflow")
    return [d.name for d in cpus[:n]]


def replicate(backend: str, devices: list[str]):
    """A context in which to build and compile a model that trains on ``devices``, one copy
    each, every batch split between them and the gradients averaged (all-reduced)."""
    _check_backend(backend)
    if backend == "jax":
        import keras

        # auto_shard_dataset=False: with several processes, each feeds its own share of a batch
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=devices, auto_shard_dataset=False))
        return contextlib.nullcontext()
    import tensorflow as tf

    return tf.distribute.MirroredStrategy(devices).scope()


def build_model(name: str = "vgg", width: int = 16):
    """The network every run trains: notebook 04's VGG-style network (``"vgg"`` without batch
    norm, ``"vgg-bn"`` with it)."""
    from . import models

    if name not in ("vgg", "vgg-bn"):
        raise ValueError(f"model is 'vgg' or 'vgg-bn', got {name!r}.")
    return models.cifar_vgg(width, batch_norm=name == "vgg-bn")


def save_weights(model, path) -> Path:
    arrays = {f"w{i}": np.asarray(w) for i, w in enumerate(model.get_weights())}
    np.savez(path, **arrays)
    return Path(path)


def load_weights(path) -> list[np.ndarray]:
    with np.load(path, allow_pickle=False) as f:
        return [f[f"w{i}"] for i in range(len(f.files))]


def relative_difference(weights, reference) -> float:
    """The largest difference between two lists of weights, over the largest reference weight."""
    if len(weights) != len(reference):
        raise ValueError(f"{len(weights)} weight arrays against {len(reference)}.")
    top = max(float(np.max(np.abs(r))) for r in reference)
    return max(float(np.max(np.abs(np.subtract(w, r)))) for w, r in
               zip(weights, reference, strict=True)) / top


class InOrder(ShuffledBatches):
    """The same batches in the same order every epoch, as one endless stream (one data iterator
    for the whole of ``fit``, without stalls between epochs: see ``ShuffledBatches``), each batch
    cut to this process's part. A global batch is the processes' parts one after the other, as
    JAX assembles it from them."""

    def __init__(self, x, y, *, batch_size, processes=1, process_id=0):
        super().__init__(x, y, batch_size=batch_size)
        if len(x) % batch_size:
            raise ValueError(f"{len(x)} examples are not a whole number of batches of "
                             f"{batch_size}.")
        local = check_split(batch_size, processes)
        self.order = np.arange(len(x))
        self.part = slice(process_id * local, (process_id + 1) * local)

    def new_epoch(self):
        pass  # no shuffle: every run sees the same batches

    def __getitem__(self, i):
        idx = self.indices(i)[self.part]
        return self.x[idx], self.y[idx]


def train(backend, devices, settings, folder, *, processes=1, process_id=0) -> dict:
    """The training code of every run: ``settings.steps`` steps from the saved weights, the
    result saved, then ``settings.timing_epochs`` more passes over the same batches, timed (the
    median pass gives ``images_per_second``)."""
    import keras

    from .losses import SparseCategoricalCrossentropy
    from .training import as_float_images, fit

    check_split(settings.batch_size, len(devices))
    with np.load(Path(folder) / "data.npz", allow_pickle=False) as data:
        n = settings.steps * settings.batch_size
        if len(data["x"]) < n:
            raise ValueError(f"{settings.steps} steps of {settings.batch_size} need {n} "
                             f"examples; the data holds {len(data['x'])}.")
        batches = InOrder(as_float_images(data["x"][:n]), data["y"][:n],
                          batch_size=settings.batch_size, processes=processes,
                          process_id=process_id)
    with replicate(backend, devices):
        model = build_model(settings.model, settings.width)
        model.set_weights(load_weights(Path(folder) / "init.npz"))
        model.compile(keras.optimizers.SGD(settings.lr, momentum=0.9),
                      SparseCategoricalCrossentropy())
    name = f"{backend}-{len(devices)}-{processes}"
    out = {"first_step_weights": Path(folder) / f"{name}-step1.npz",
           "weights": Path(folder) / f"{name}.npz"}
    saved = {}

    class Save(keras.callbacks.Callback):  # the weights after one step and after `steps` steps
        def on_train_batch_end(self, batch, logs=None):
            if batch == 0 and "first" not in saved:
                saved["first"] = True
                if process_id == 0:
                    save_weights(self.model, out["first_step_weights"])

        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                saved["loss"] = float(logs["loss"])
                if process_id == 0:
                    save_weights(self.model, out["weights"])

    epochs = 1 + settings.timing_epochs
    _, logger = fit(model, batches, epochs=epochs, log_every=epochs, callbacks=[Save()],
                    images_per_epoch=n)
    timed = [r["seconds"] for r in logger.records[1:]]  # the first epoch compiles
    return {"backend": backend, "devices": devices, "processes": processes,
            "process_id": process_id, "steps": settings.steps,
            "batch_size": settings.batch_size, "loss": saved["loss"], "epoch_seconds": timed,
            "images_per_second": n / statistics.median(timed) if timed else None,
            **{key: str(path) for key, path in out.items()}}


@dataclasses.dataclass
class Settings:
    steps: int = 8
    batch_size: int = 64
    lr: float = 0.01
    model: str = "vgg"
    width: int = 16
    timing_epochs: int = 3

    def arguments(self) -> list[str]:
        return [f"--{f.name.replace('_', '-')}={getattr(self, f.name)}"
                for f in dataclasses.fields(self)]


class Job:
    """One training job to run on several device counts and backends: the images, labels and
    starting weights written once to a folder, so that every run starts from the same point.

    ``job = Job(x_uint8, y, steps=8, batch_size=64)``; ``job.run("jax", 4)`` trains in a new
    process on 4 devices and returns what it measured, with the trained ``"weights"``.
    """

    def __init__(self, x, y, *, folder=None, seed=0, timeout=600, **settings):
        self.settings = Settings(**settings)
        check_split(self.settings.batch_size, 1)
        self.timeout = timeout
        if folder is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="cnnlab-distributed-")
            folder = self._tmp.name
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        np.savez(self.folder / "data.npz", x=np.asarray(x), y=np.asarray(y).reshape(-1))
        import keras

        keras.utils.set_random_seed(seed)
        self.init_path = save_weights(build_model(self.settings.model, self.settings.width),
                                      self.folder / "init.npz")

    @property
    def initial_weights(self) -> list[np.ndarray]:
        return load_weights(self.init_path)

    def command(self, backend, devices, platform="auto", cluster=None) -> list[str]:
        args = [sys.executable, "-m", "cnnlab.distributed", f"--backend={backend}",
                f"--devices={devices}", f"--platform={platform}", f"--folder={self.folder}",
                *self.settings.arguments()]
        if cluster:
            args += [f"--coordinator={cluster[0]}", f"--processes={cluster[1]}",
                     f"--process-id={cluster[2]}"]
        return args

    def _check(self, backend, devices):
        reason = missing(backend)
        if reason:
            raise ModuleNotFoundError(reason)
        check_split(self.settings.batch_size, devices)

    def run(self, backend: str, devices: int, platform: str = "auto") -> dict:
        """Train in a new process on ``devices`` devices; the result, with its weights."""
        self._check(backend, devices)
        start = time.perf_counter()
        process = subprocess.Popen(self.command(backend, devices, platform), env=child_env(backend),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return _finish(process, self.timeout, start)

    def run_processes(self, processes: int = 2, devices: int = 1, backend: str = "jax") -> list:
        """Train in ``processes`` processes on localhost, ``devices`` each, joined by
        ``keras.distribution.initialize``: one result per process."""
        self._check(backend, processes * devices)
        if backend != "jax":
            raise ValueError("several processes are run here on JAX only (TensorFlow: "
                             "MultiWorkerMirroredStrategy, see cluster_commands).")
        coordinator = f"localhost:{free_port()}"
        start = time.perf_counter()
        running = [subprocess.Popen(self.command(backend, devices, cluster=(coordinator, processes,
                                                                               i)),
                                    env=child_env(backend), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
                   for i in range(processes)]
        try:
            return [_finish(p, self.timeout, start) for p in running]
        finally:
            for p in running:  # one failed: the others would wait for it forever
                if p.poll() is None:
                    p.kill()
                    p.wait()


def child_env(backend: str) -> dict:
    """This environment, with the backend and this copy of cnnlab first on the path."""
    here = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": path,
            "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def _finish(process, timeout, start) -> dict:
    try:
        out, err = process.communicate(timeout=max(1, timeout - (time.perf_counter() - start)))
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise TimeoutError(f"a training process ran past {timeout} s and was stopped: give the "
                           f"Job fewer steps or a longer timeout.") from None
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if process.returncode or not lines:
        tail = "\n".join(err.strip().splitlines()[-15:])
        if process.returncode == 2 and tail:  # the worker's own message: a setting to change
            kind, _, message = tail.splitlines()[-1].partition(": ")
            raise (DeviceCountError if kind == "DeviceCountError" else ValueError)(message)
        raise RuntimeError(f"the training process {' '.join(process.args[3:5])} failed (exit "
                           f"{process.returncode}); the end of its error output:\n{tail}")
    result = json.loads(lines[-1])
    for key in ("first_step_weights", "weights"):  # process 0 saves them
        result[key] = load_weights(result[key]) if result["process_id"] == 0 else None
    result["process_seconds"] = time.perf_counter() - start
    return result


def cluster_commands(hosts, port: int = 1234, script: str = "train.py") -> dict:
    """How one training script runs on several machines: for JAX, the environment that
    ``keras.distribution.initialize()`` reads on each host; for TensorFlow, the ``TF_CONFIG``
    that ``tf.distribute.MultiWorkerMirroredStrategy`` reads."""
    addresses = [f"{h}:{port}" for h in hosts]
    jax_lines = [f"KERAS_DISTRIBUTION_JOB_ADDRESSES={','.join(addresses)} "
                 f"KERAS_DISTRIBUTION_NUM_PROCESSES={len(hosts)} "
                 f"KERAS_DISTRIBUTION_PROCESS_ID={i} python {script}" for i in range(len(hosts))]
    tf_lines = ["TF_CONFIG='" + json.dumps({"cluster": {"worker": addresses},
                                            "task": {"type": "worker", "index": i}})
                + f"' python {script}" for i in range(len(hosts))]
    return {"jax": jax_lines, "tensorflow": tf_lines}


def main(argv=None) -> int:
    """The worker: ``python -m cnnlab.distributed --backend jax --devices 4 --folder DIR ...``
    prints one JSON line. Exit 2 with one line on stderr for a setting to change."""
    parser = argparse.ArgumentParser(prog="python -m cnnlab.distributed", description=main.__doc__)
    parser.add_argument("--backend", choices=BACKENDS, required=True)
    parser.add_argument("--devices", type=int, required=True)
    parser.add_argument("--platform", choices=PLATFORMS, default="auto")
    parser.add_argument("--folder", required=True, help="data.npz and init.npz, from Job")
    parser.add_argument("--coordinator", help="host:port of process 0, with several processes")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--process-id", type=int, default=0)
    for field in dataclasses.fields(Settings):
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=type(field.default),
                            default=field.default)
    args = parser.parse_args(argv)
    settings = Settings(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Settings)})
    if os.environ.get("KERAS_BACKEND") != args.backend:
        parser.error(f"set KERAS_BACKEND={args.backend} for this process (Job.run does).")
    cluster = ((args.coordinator, args.processes, args.process_id) if args.processes > 1
               else None)
    try:
        check_split(settings.batch_size, args.devices * args.processes)
        devices = use_devices(args.backend, args.devices, args.platform, cluster)
        result = train(args.backend, devices, settings, args.folder, processes=args.processes,
                       process_id=args.process_id)
    except (ValueError, DeviceCountError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
