"""Data-parallel runs (cnnlab.distributed): the same training on 1 and 2 devices and on two
processes agrees; bad device counts fail before training with what to change. Tiny networks:
each run is a process of its own, most of its seconds spent importing."""

import json
import subprocess
import sys

import numpy as np
import pytest

from cnnlab import distributed

TINY = dict(steps=2, batch_size=8, width=4, timing_epochs=1, lr=0.05)


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (16, 32, 32, 3), dtype=np.uint8)
    return distributed.Job(x, rng.integers(0, 10, 16), folder=tmp_path_factory.mktemp("job"),
                           timeout=300, **TINY)


@pytest.fixture(scope="module")
def one_device(job):
    return job.run("jax", 1)


def test_two_devices_give_the_weights_of_one(job, one_device):
    start = job.initial_weights
    for backend in ("jax", "tensorflow"):
        two = job.run(backend, 2)
        assert len(two["devices"]) == 2 and two["processes"] == 1
        assert distributed.relative_difference(two["first_step_weights"],
                                               one_device["first_step_weights"]) < 1e-6
        assert distributed.relative_difference(two["weights"], one_device["weights"]) < 1e-4
        assert two["loss"] == pytest.approx(one_device["loss"], rel=1e-4)
        assert two["images_per_second"] > 0 and len(two["epoch_seconds"]) == 1
    moved = distributed.relative_difference(one_device["weights"], start)
    assert moved > 1e-3, "the runs must train, or agreeing proves nothing"


def test_two_processes_on_localhost_train_as_one(job, one_device):
    """keras.distribution.initialize joins two processes (gloo on CPU) into one JAX runtime."""
    first, second = job.run_processes(2)
    assert first["devices"] == second["devices"] and len(first["devices"]) == 2
    assert (first["process_id"], second["process_id"]) == (0, 1)
    assert first["loss"] == pytest.approx(second["loss"]) == pytest.approx(one_device["loss"],
                                                                            rel=1e-4)
    assert second["weights"] is None  # process 0 saves
    assert distributed.relative_difference(first["weights"], one_device["weights"]) < 1e-4


def test_a_batch_that_does_not_split_is_refused_before_training(job):
    with pytest.raises(ValueError, match="a batch of 8 does not split evenly over 3 devices") as e:
        job.run("jax", 3)
    assert "a multiple of 3 (e.g. 6 or 9)" in str(e.value) and "(1, 2, 4, 8)" in str(e.value)
    with pytest.raises(ValueError, match="whole number of at least 1"):
        distributed.check_split(8, 0)
    assert distributed.check_split(64, 4) == 16


def test_devices_asked_for_after_the_backend_started_name_the_fix():
    for backend, start in (("jax", "import jax; jax.numpy.ones(1)"),
                           ("tensorflow", "import tensorflow as tf; tf.constant(1)")):
        code = (f"{start}\nfrom cnnlab import distributed\n"
                f"distributed.use_devices({backend!r}, 4, platform='cpu')")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=distributed.child_env(backend), timeout=120)
        assert out.returncode == 1
        message = out.stderr.strip().splitlines()[-1]
        assert message.startswith("cnnlab.distributed.DeviceCountError: ")
        assert "already started with 1 CPU device(s), so it cannot make 4 now" in message
        assert "in a fresh process" in message and "Job.run" in message


def test_a_setting_refused_inside_the_worker_comes_back_as_its_error(job):
    with pytest.raises(distributed.DeviceCountError, match=r"sees 0 accelerator\(s\), not 1"):
        job.run("jax", 1, platform="gpu")


def test_processes_share_every_batch_in_order_every_epoch():
    x = np.arange(24)
    parts = [distributed.InOrder(x, -x, batch_size=8, processes=2, process_id=i) for i in (0, 1)]
    assert len(parts[0]) == 3 and parts[0].num_batches is None  # endless, 3 batches an epoch
    assert parts[0][0][0].tolist() == [0, 1, 2, 3] and parts[1][0][0].tolist() == [4, 5, 6, 7]
    assert parts[1][0][1].tolist() == [-4, -5, -6, -7]
    assert parts[0][4][0].tolist() == [8, 9, 10, 11]  # the second epoch: the same order
    with pytest.raises(ValueError, match="not a whole number of batches"):
        distributed.InOrder(x[:20], x[:20], batch_size=8)


def test_unknown_or_missing_backends_say_what_to_do(monkeypatch):
    with pytest.raises(ValueError, match="not 'torch'.*DistributedDataParallel"):
        distributed.missing("torch")
    assert distributed.missing("jax") is None
    monkeypatch.setattr(distributed.importlib.util, "find_spec", lambda name: None)
    message = distributed.missing("tensorflow")
    assert "tensorflow is not installed" in message and 'pip install "tensorflow-cpu==' in message


def test_cluster_commands_name_every_host():
    commands = distributed.cluster_commands(["10.0.0.1", "10.0.0.2"], port=4321)
    assert commands["jax"][1] == (
        "KERAS_DISTRIBUTION_JOB_ADDRESSES=10.0.0.1:4321,10.0.0.2:4321 "
        "KERAS_DISTRIBUTION_NUM_PROCESSES=2 KERAS_DISTRIBUTION_PROCESS_ID=1 python train.py")
    config = json.loads(commands["tensorflow"][1].split("'")[1])
    assert config == {"cluster": {"worker": ["10.0.0.1:4321", "10.0.0.2:4321"]},
                      "task": {"type": "worker", "index": 1}}


def test_relative_difference():
    a = [np.array([1.0, -4.0]), np.array([2.0])]
    assert distributed.relative_difference(a, a) == 0
    assert distributed.relative_difference([np.array([1.0, -4.0]), np.array([3.0])], a) == 0.25
    with pytest.raises(ValueError, match="2 weight arrays against 1"):
        distributed.relative_difference(a, a[:1])
