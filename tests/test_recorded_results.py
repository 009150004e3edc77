"""Figures that a notebook quotes from a benchmark (too slow to rerun in a lecture) must equal the
benchmark's records in benchmarks/results/."""

import ast
import json
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def records(pattern):
    files = sorted((ROOT / "benchmarks" / "results").glob(pattern))
    assert files, f"no benchmark records match {pattern}"
    return [json.loads(line) for f in files for line in f.read_text().splitlines() if line.strip()]


def quoted(notebook, name):
    """The literal assigned to ``name`` in a code cell of ``notebook``."""
    for cell in nbformat.read(ROOT / "notebooks" / notebook, as_version=4).cells:
        if cell.cell_type != "code" or name not in cell.source:
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
                return ast.literal_eval(node.value)
    raise AssertionError(f"{notebook} assigns no {name}")


def test_notebook_03_step_table_is_the_benchmarks():
    latest = {}
    for r in records("cifar-steps-*.jsonl"):
        if r["seed"] == 0 and r["epochs"] == 10:
            latest[r["step"]] = r  # a rerun replaces the step's earlier record
    assert sorted(latest) == list(range(len(latest))) and len(latest) >= 5
    expected = {r["name"]: r["test_accuracy"]["none"] for _, r in sorted(latest.items())}
    last = latest[max(latest)]["test_accuracy"]
    expected["+ test-time flips"] = last["flips"]
    expected["+ test-time 1-pixel translations"] = last["flips_shifts"]
    assert quoted("03_cifar10_cnn.ipynb", "STEP_ACCURACY") == expected


def _median_of_seeds(rows, seeds=(0, 1, 2)):
    """The median, over ``seeds``, of each seed's latest record's score with flips and
    translations."""
    latest = {r["seed"]: r["test_accuracy_flips_shifts"] for r in rows}
    assert all(s in latest for s in seeds), f"records lack seeds {seeds}: {sorted(latest)}"
    return sorted(latest[s] for s in seeds)[len(seeds) // 2]


# bench_cifar's explorations
VARIANT_KEYS = ("warmup_fraction", "small_crops", "lookahead", "pool_first", "precision")
# the two kinds of 2-core machine the course was measured on: 10-minute figures differ by CPU
XEON, EPYC = "Intel(R) Xeon(R) Processor", "AMD EPYC"


def _ten_minute_runs(cpu=XEON):
    return [r for r in records("cifar-20*-2core-cpu.jsonl")
            if r.get("train_images") == 45_000 and (r.get("recipe") or {}).get("minutes") == 10
            and r["machine"]["cpu"] == cpu]


def _muon_runs(widths=(32, 128, 128), rate=0.12, smoothing=0.2, cpu=XEON, **variant):
    """The 10-minute runs on ``cpu`` of Muon at ``rate`` (SiLU, alternating flips, batches of
    1,024, label smoothing ``smoothing``) at ``widths``, changed in exactly the ``variant``
    ways."""
    return [r for r in _ten_minute_runs(cpu)
            if r["network"] == "airbench_w" + "_".join(map(str, widths))
            and r["recipe"].get("muon_rate") == rate and r["recipe"]["batch_size"] == 1024
            and r["recipe"]["label_smoothing"] == smoothing
            and r["recipe"]["activation"] == "silu" and r["recipe"]["flip"] == "alternate"
            and {k: r["recipe"][k] for k in VARIANT_KEYS if k in r["recipe"]} == variant]


def _seed_0(**filters):
    """(epochs, test accuracy with flips and translations) of the latest seed-0 run among
    ``_muon_runs(**filters)``."""
    run = [r for r in _muon_runs(**filters) if r["seed"] == 0][-1]
    return run["epochs"], run["test_accuracy_flips_shifts"]


def test_notebook_03_ten_minute_results_are_the_benchmarks():
    rows = _ten_minute_runs()
    vgg = [r for r in rows if r["network"] == "vgg7_w16"
           and r["recipe"]["label_smoothing"] == 0.1 and r["recipe"]["shift"] == 2]
    airbench = [r for r in rows if r["network"] == "airbench_w32_128_128"
                and r["recipe"].get("batch_size", 1024) == 1024]  # 512: exploratory
    sgd = [r for r in airbench if "muon_rate" not in r["recipe"]]
    # records from before bench_cifar's --activation and --flip: GELU and random flips
    gelu = [r for r in sgd if r["recipe"].get("activation", "gelu") == "gelu"
            and r["recipe"].get("flip", True) is True]
    silu = [r for r in sgd if r["recipe"].get("activation") == "silu"
            and r["recipe"].get("flip") == "alternate"]
    expected = {"modern recipe, VGG-style network": _median_of_seeds(vgg),
                "+ airbench's network, whitening and lookahead": _median_of_seeds(gelu),
                "+ SiLU, alternating flips, no stalls between epochs": _median_of_seeds(silu),
                "+ Muon for the convolutions": _median_of_seeds(_muon_runs()),
                "- lookahead (as airbench94_muon)": _median_of_seeds(_muon_runs(lookahead=False))}
    assert quoted("03_cifar10_cnn.ipynb", "TEN_MINUTES") == expected


def test_notebook_03_single_run_variants_are_the_benchmarks():
    expected = {
        "with lookahead (the Muon row)": {
            "unchanged": _seed_0(),
            "airbench94's full width, 64-256-256": _seed_0(widths=(64, 256, 256)),
            "random 24 x 24 crops for the first half": _seed_0(small_crops=[24, 0.5]),
            "warm-up over 5 % of the time, not 23 %": _seed_0(warmup_fraction=0.05)},
        "without lookahead (the last row)": {
            "unchanged": _seed_0(lookahead=False),
            "pool first in stages 2 and 3": _seed_0(lookahead=False, pool_first=[2, 3]),
            "no warm-up": _seed_0(lookahead=False, warmup_fraction=0),
            "Muon at 0.16, not 0.12": _seed_0(rate=0.16, lookahead=False),
            "label smoothing 0.1, not 0.2": _seed_0(smoothing=0.1, lookahead=False)},
    }
    assert quoted("03_cifar10_cnn.ipynb", "VARIANTS") == expected


def test_notebook_03_second_machine_runs_are_the_benchmarks():
    def seed_0(**variant):
        return _seed_0(cpu=EPYC, lookahead=False, **variant)

    bf16 = {"precision": "mixed_bfloat16"}
    assert quoted("03_cifar10_cnn.ipynb", "EPYC") == {
        "float32": seed_0(),
        "mixed bf16": seed_0(**bf16),
        "mixed bf16, widths 48-192-192": seed_0(widths=(48, 192, 192), **bf16),
        "float32, widths 48-192-192": seed_0(widths=(48, 192, 192))}
    wide = _muon_runs(widths=(48, 192, 192), cpu=EPYC, lookahead=False, **bf16)
    latest = {r["seed"]: r["test_accuracy_flips_shifts"] for r in wide}
    assert quoted("03_cifar10_cnn.ipynb", "WIDE_SEEDS") == [latest[s] for s in (0, 1, 2)]
