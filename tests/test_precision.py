"""precision="auto": a timed probe picks float32 or mixed bf16, remembered per machine."""

import json

import keras
import pytest

import cnnlab
from cnnlab import precision, recipes


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLAB_CACHE_DIR", str(tmp_path))
    return tmp_path / "precision.json"


def tiny():
    return keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3),
                             keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10)])


def test_unknown_precision_names_the_valid_ones():
    with pytest.raises(ValueError, match=r"one of \('auto', 'float32', 'mixed_bfloat16'\)"):
        precision.check("float16")
    with pytest.raises(ValueError, match="precision is one of"):
        with precision.dtype_policy("auto"):  # a policy must be a real one
            pass


def test_probe_times_both_and_the_decision_is_cached(cache, monkeypatch):
    first = precision.choose(tiny, "tiny")
    assert not first["cached"]
    assert set(first["img_s"]) == {"float32", "mixed_bfloat16"}
    assert all(v > 0 for v in first["img_s"].values())
    assert first["precision"] == max(first["img_s"], key=first["img_s"].get)
    assert keras.config.dtype_policy().name == "float32"  # the probe puts the policy back
    stored = json.loads(cache.read_text())
    assert stored[first["key"]]["precision"] == first["precision"]
    assert "tiny" in first["key"] and cnnlab.envinfo.machine()["isa"] in first["key"]

    def no_probe(build):
        raise AssertionError("probed again")

    monkeypatch.setattr(precision, "probe", no_probe)
    again = precision.choose(tiny, "tiny")
    assert again["cached"] and again["precision"] == first["precision"]
    with pytest.raises(AssertionError, match="probed again"):
        precision.choose(tiny, "another network")


@pytest.mark.parametrize("speeds, expected", [({"float32": 316, "mixed_bfloat16": 33}, "float32"),
                                              ({"float32": 1514, "mixed_bfloat16": 2173},
                                               "mixed_bfloat16")])
def test_the_faster_precision_wins(cache, monkeypatch, speeds, expected):
    monkeypatch.setattr(precision, "probe", lambda build: speeds)
    decision = precision.choose(tiny, "tiny")
    assert decision["precision"] == expected and decision["img_s"] == speeds


class NoBf16Kernel(keras.layers.Layer):
    """Trains in float32 only, as a layer with no bf16 kernel on some CPU would."""

    def call(self, x, training=False):
        if training and self.compute_dtype == "bfloat16":
            raise RuntimeError("could not create a primitive descriptor for bf16")
        return x


def test_a_precision_that_cannot_train_here_loses_with_a_warning(cache):
    def build():
        return keras.Sequential([keras.Input((8, 8, 3)), NoBf16Kernel(),
                                 *tiny().layers])

    with pytest.warns(UserWarning, match="mixed_bfloat16 could not train here.*primitive"):
        decision = precision.choose(build, "no bf16 kernel")
    assert decision["precision"] == "float32"
    assert decision["img_s"]["mixed_bfloat16"] == 0 and decision["img_s"]["float32"] > 0


def fake_race(fails):
    """speed.compare_training_speed as the probe sees it, failing when a model named in
    ``fails`` is in the race."""
    def race(models, **probe):
        if fails & set(models):
            raise RuntimeError(f"{'/'.join(sorted(fails & set(models)))} broken")
        return {name: [100.0] for name in models}
    return race


def test_float32_must_train(cache, monkeypatch):
    monkeypatch.setattr(cnnlab.speed, "compare_training_speed", fake_race({"float32"}))
    with pytest.raises(RuntimeError, match="float32 broken"):  # raced alone, after bf16 too
        precision.choose(tiny, "broken")
    assert not cache.exists()  # nothing decided, nothing remembered


def test_a_failure_is_pinned_on_the_precision_that_fails_alone(cache, monkeypatch):
    calls = []

    def once_flaky(models, **probe):  # the race of both fails once; each trains alone
        calls.append(sorted(models))
        if len(calls) == 1:
            raise RuntimeError("out of memory, once")
        return {name: [100.0] for name in models}

    monkeypatch.setattr(cnnlab.speed, "compare_training_speed", once_flaky)
    decision = precision.choose(tiny, "flaky")
    assert decision["img_s"] == {"float32": 100.0, "mixed_bfloat16": 100.0}
    assert calls[1:] == [["float32"], ["mixed_bfloat16"]]
    assert json.loads(cache.read_text())[decision["key"]]["img_s"] == decision["img_s"]


def test_a_decision_with_a_failed_precision_is_not_remembered(cache, monkeypatch):
    monkeypatch.setattr(cnnlab.speed, "compare_training_speed", fake_race({"mixed_bfloat16"}))
    for _ in range(2):  # probed, and warned, each time: the failure may pass
        with pytest.warns(UserWarning, match="mixed_bfloat16 could not train here"):
            decision = precision.choose(tiny, "no bf16")
        assert decision["precision"] == "float32" and not decision["cached"]
    assert not cache.exists()


@pytest.mark.parametrize("message, reason", [
    ("Exception encountered when calling Silu.call().\n\n\x1b[1mGraph execution error:\n\n"
     "Detected at node x defined at (most recent call last):\n  File \"a.py\", line 1\n\n"
     "could not create a primitive descriptor\n\t [[{{node mul_1}}]]\n[Op:__inference_step]"
     "\x1b[0m\n\nArguments received by Silu.call():\n  • x=tf.Tensor(shape=(64,))",
     "could not create a primitive descriptor"),
    ("\"slow_conv2d_cpu\" not implemented for 'BFloat16'",
     "\"slow_conv2d_cpu\" not implemented for 'BFloat16'"),
    ("", "RuntimeError"),
])
def test_the_reason_is_the_backends_own_last_line(message, reason):
    assert precision._reason(RuntimeError(message)) == reason


def test_a_damaged_cache_is_probed_again(cache, monkeypatch):
    cache.write_text("{not json")
    monkeypatch.setattr(precision, "probe", lambda build: {"float32": 2, "mixed_bfloat16": 1})
    assert precision.choose(tiny, "tiny")["precision"] == "float32"
    assert json.loads(cache.read_text())  # rewritten whole


def test_airbench_recipe_defaults_to_auto(fast_mode, cache, monkeypatch):
    monkeypatch.setattr(precision, "probe", lambda build: {"float32": 1, "mixed_bfloat16": 2})
    (x, y), _, _, _ = cnnlab.load_cifar10()
    model, _, logger = recipes.train_cifar_airbench(x[:128], y[:128], widths=(8, 16, 16),
                                                    epochs=1, batch_size=64, whiten_images=128)
    assert logger.precision["precision"] == "mixed_bfloat16"
    assert logger.precision["auto"]["img_s"] == {"float32": 1, "mixed_bfloat16": 2}
    assert model.get_layer("stage2_1_conv").compute_dtype == "bfloat16"
    assert keras.config.dtype_policy().name == "float32"
    _, _, fixed = recipes.train_cifar_airbench(x[:128], y[:128], widths=(8, 16, 16), epochs=1,
                                               batch_size=64, whiten_images=128,
                                               precision="float32")
    assert fixed.precision == {"precision": "float32", "auto": None}


def test_refresh_probes_again(cache, monkeypatch):
    speeds = iter([{"float32": 2, "mixed_bfloat16": 1}, {"float32": 1, "mixed_bfloat16": 2}])
    monkeypatch.setattr(precision, "probe", lambda build: next(speeds))
    assert precision.choose(tiny, "tiny")["precision"] == "float32"
    monkeypatch.setenv("CNNLAB_PRECISION_REFRESH", "1")
    assert precision.choose(tiny, "tiny")["precision"] == "mixed_bfloat16"
    monkeypatch.delenv("CNNLAB_PRECISION_REFRESH")
    again = precision.choose(tiny, "tiny")  # the refreshed decision was stored
    assert again["cached"] and again["precision"] == "mixed_bfloat16"


def test_a_read_only_cache_only_warns(cache, monkeypatch):
    monkeypatch.setattr(precision, "probe", lambda build: {"float32": 2, "mixed_bfloat16": 1})
    monkeypatch.setattr(precision, "_cache_file", lambda: cache.parent / "no" / "x" / "p.json")
    monkeypatch.setattr(precision, "atomic_path", _failing_atomic_path)
    with pytest.warns(UserWarning, match="could not remember the precision"):
        assert precision.choose(tiny, "tiny")["precision"] == "float32"


def _failing_atomic_path(path):
    raise PermissionError(13, "Permission denied", str(path))
