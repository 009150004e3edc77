"""benchmarks/bench_cifar.py's best recipe: the widths, batch and schedule it picks from the
precision probe's pace, and flags given on the command line winning over that pick."""

import inspect
import sys

import numpy as np
import pytest

import cnnlab
from cnnlab import recipes

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_cifar  # noqa: E402

TEN_MINUTES, N = 600.0, bench_cifar.N_TRAIN
SLOW_SHAPE, FEW_EPOCHS_RECIPE = bench_cifar.VERY_FEW_EPOCHS_SHAPE, bench_cifar.FEW_EPOCHS_RECIPE
# the recipe's own warm-up, which the slow pick shortens
RECIPE_WARMUP = inspect.signature(
    recipes.train_cifar_airbench).parameters["warmup_fraction"].default


def pace_for(epochs):
    """The images per second that train ``epochs`` epochs of the default split in 10 minutes."""
    return epochs * N / TEN_MINUTES


@pytest.mark.parametrize("precision", ["float32", "mixed_bfloat16"])
def test_a_very_slow_pace_takes_the_narrow_shape_whatever_the_precision(precision):
    slow = pace_for(bench_cifar.VERY_FEW_EPOCHS - 0.1)
    assert bench_cifar.best_setup(precision, slow, TEN_MINUTES, N) == {
        **SLOW_SHAPE, **FEW_EPOCHS_RECIPE}


@pytest.mark.parametrize("precision", ["float32", "mixed_bfloat16"])
def test_a_middling_pace_keeps_the_precisions_widths_with_the_few_epochs_recipe(precision):
    for epochs in (bench_cifar.VERY_FEW_EPOCHS + 0.1, bench_cifar.FEW_EPOCHS - 0.1):
        assert bench_cifar.best_setup(precision, pace_for(epochs), TEN_MINUTES, N) == {
            "widths": bench_cifar.BEST_WIDTHS[precision], "batch_size": bench_cifar.AIRBENCH_BATCH,
            **FEW_EPOCHS_RECIPE}


@pytest.mark.parametrize("precision", ["float32", "mixed_bfloat16"])
def test_a_fast_pace_or_no_probe_takes_the_precisions_widths(precision):
    fast = pace_for(bench_cifar.FEW_EPOCHS + 0.1)
    expected = {"widths": bench_cifar.BEST_WIDTHS[precision],
                "batch_size": bench_cifar.AIRBENCH_BATCH}
    assert bench_cifar.best_setup(precision, fast, TEN_MINUTES, N) == expected
    assert bench_cifar.best_setup(precision, None, TEN_MINUTES, N) == expected
    # the same pace buys more epochs in a longer budget
    slow = pace_for(bench_cifar.VERY_FEW_EPOCHS / 2)
    assert bench_cifar.best_setup(precision, slow, 4 * TEN_MINUTES, N) == expected


class Stop(Exception):
    """Raised by the fake recipe: the test needs its arguments, not a training."""


@pytest.fixture
def recipe_kwargs(monkeypatch):
    """Runs bench_cifar.main up to the recipe, with a probe at a given pace; returns the
    recipe's keyword arguments."""
    def run(argv, pace):
        seen = {}

        def probe(widths, activation, pool_first):
            seen["probed_widths"] = tuple(widths)
            return "float32", {"precision": "float32",
                               "img_s": {"float32": pace, "mixed_bfloat16": pace / 10}}

        def recipe(x, y, **kwargs):
            seen.update(kwargs)
            raise Stop

        def backup_folder(script, config):  # runs over 10 minutes back up under a config
            seen["config"] = config
            return None  # no backup

        images = np.zeros((8, 32, 32, 3), np.uint8), np.zeros(8, np.int64)
        monkeypatch.setattr(cnnlab, "is_fast", lambda: False)
        monkeypatch.setattr(cnnlab, "load_cifar10", lambda: (images, images, None, "fake"))
        monkeypatch.setattr(recipes, "airbench_precision", probe)
        monkeypatch.setattr(recipes, "train_cifar_airbench", recipe)
        monkeypatch.setattr(bench_cifar.resume, "default_directory", backup_folder)
        with pytest.raises(Stop):
            bench_cifar.main(argv)
        return seen
    return run


def test_the_best_recipe_on_a_slow_machine_trains_the_narrow_shape(recipe_kwargs):
    seen = recipe_kwargs([], pace_for(bench_cifar.VERY_FEW_EPOCHS / 2))
    assert (tuple(seen["widths"]), seen["batch_size"]) == (SLOW_SHAPE["widths"],
                                                           SLOW_SHAPE["batch_size"])
    assert seen["warmup_fraction"] == FEW_EPOCHS_RECIPE["warmup_fraction"] < RECIPE_WARMUP
    assert seen["small_crops"] == FEW_EPOCHS_RECIPE["small_crops"]
    assert seen["probed_widths"] == bench_cifar.AIRBENCH_WIDTHS  # the pace of the usual widths


def test_the_best_recipe_on_a_fast_machine_keeps_its_widths(recipe_kwargs):
    seen = recipe_kwargs([], pace_for(2 * bench_cifar.FEW_EPOCHS))
    assert tuple(seen["widths"]) == bench_cifar.BEST_WIDTHS["float32"]
    assert seen["batch_size"] == bench_cifar.AIRBENCH_BATCH
    assert "warmup_fraction" not in seen and "small_crops" not in seen  # the recipe's own


def test_flags_given_win_over_the_slow_machines_pick(recipe_kwargs):
    slow = pace_for(bench_cifar.VERY_FEW_EPOCHS / 2)
    seen = recipe_kwargs(["--batch-size", "256"], slow)
    assert (tuple(seen["widths"]), seen["batch_size"]) == (SLOW_SHAPE["widths"], 256)
    seen = recipe_kwargs(["--widths", "16", "64", "64"], slow)
    assert (tuple(seen["widths"]), seen["batch_size"]) == ((16, 64, 64), SLOW_SHAPE["batch_size"])
    seen = recipe_kwargs(["--warmup", "0.3", "--small-crops", "16", "0.25", "--minutes", "11"],
                         slow)  # over 10 minutes: backed up
    assert (seen["warmup_fraction"], seen["small_crops"]) == (0.3, [16, 0.25])
    assert seen["config"]["recipe"]["small_crops"] == [16, 0.25]  # what a backup must match
    # --model airbench is not the best recipe: its defaults stand at any pace
    seen = recipe_kwargs(["--model", "airbench"], slow)
    assert (tuple(seen["widths"]), seen["batch_size"]) == (bench_cifar.AIRBENCH_WIDTHS,
                                                           bench_cifar.AIRBENCH_BATCH)
    assert "warmup_fraction" not in seen and "small_crops" not in seen


def test_a_longer_budget_counts_in_the_rule_and_the_backup_names_the_batch(recipe_kwargs):
    """A pace that buys very few epochs in 10 minutes buys a few in 20 and enough in 40; what a
    backup must match (its config) carries the batch and warm-up trained."""
    pace = pace_for(bench_cifar.VERY_FEW_EPOCHS * 0.75)  # 10 minutes: 0.75 x VERY_FEW_EPOCHS
    seen = recipe_kwargs(["--minutes", "11"], pace)
    assert tuple(seen["widths"]) == SLOW_SHAPE["widths"]
    assert seen["config"]["batch"] == seen["batch_size"] == SLOW_SHAPE["batch_size"]
    assert seen["config"]["recipe"]["warmup_fraction"] == seen["warmup_fraction"]
    seen = recipe_kwargs(["--minutes", "20"], pace)  # 1.5 x VERY_FEW_EPOCHS < FEW_EPOCHS
    assert tuple(seen["widths"]) == bench_cifar.BEST_WIDTHS["float32"]
    assert seen["config"]["batch"] == seen["batch_size"] == bench_cifar.AIRBENCH_BATCH
    assert seen["small_crops"] == FEW_EPOCHS_RECIPE["small_crops"]
    seen = recipe_kwargs(["--minutes", "40"], pace)  # 3 x VERY_FEW_EPOCHS > FEW_EPOCHS
    assert tuple(seen["widths"]) == bench_cifar.BEST_WIDTHS["float32"]
    assert "warmup_fraction" not in seen["config"]["recipe"] and "small_crops" not in seen


def test_a_precision_given_runs_no_probe_and_keeps_its_widths(recipe_kwargs):
    seen = recipe_kwargs(["--precision", "float32"], pace_for(1))
    assert "probed_widths" not in seen  # the fake probe never ran
    assert tuple(seen["widths"]) == bench_cifar.BEST_WIDTHS["float32"]
