"""The benchmark records (cnnlab.records), the report built from them (benchmarks/report.py) and
the series names bench_cifar.py gives its runs."""

import json
import re
import subprocess
import sys

import pytest

from cnnlab import records

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import report  # noqa: E402
from bench_cifar import series_name  # noqa: E402

XEON = {"cpu": "Intel(R) Xeon(R) Processor", "isa": "AVX2 AVX-512", "cores": 2,
        "accelerators": [], "backend": "tensorflow 2.21.0"}
EPYC = {**XEON, "cpu": "AMD EPYC", "isa": "AVX2"}


def run(seed, accuracy, machine=XEON, **extra):
    return {"series": "s", "seed": seed, "test_accuracy": accuracy, "train_seconds": 600.0,
            "epochs": 10, "recipe": {"muon_rate": 0.12}, "data": "random input",
            "date": "2026-12-06", "machine": machine, **extra}


def write(folder, name, rows):
    path = folder / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_the_committed_report_agrees_with_the_records():
    assert report.main(["--check"]) == 0


def test_the_check_fails_when_a_record_changes(tmp_path, capsys):
    for path in (ROOT / "benchmarks" / "results").glob("*.jsonl"):
        (tmp_path / path.name).write_text(path.read_text())
    lenet = next(tmp_path.glob("lenet-*.jsonl"))
    first, rest = lenet.read_text().split("\n", 1)
    changed = json.loads(first)
    changed["test_accuracy"] = round(changed["test_accuracy"] - 0.01, 4)
    lenet.write_text(json.dumps(changed) + "\n" + rest)
    assert report.main(["--check", "--results", str(tmp_path)]) == 1
    assert "disagrees" in capsys.readouterr().err


@pytest.mark.parametrize("line, message", [
    ('{"seed": 0,', "line 2: not valid JSON"),
    ("[1, 2]", "line 2: a record must be a JSON object"),
    (json.dumps({k: v for k, v in run(1, 0.9).items() if k != "date"}),
     "line 2: missing field 'date'"),
    (json.dumps({k: v for k, v in run(1, 0.9).items() if k != "series"}),
     "line 2: missing field 'series'"),
    (json.dumps(run(1, 0.9) | {"date": "6 Dec"}), "line 2: field 'date' must be YYYY-MM-DD"),
    (json.dumps(run(1, 0.9) | {"machine": "xeon"}), "line 2: field 'machine' must be an object"),
])
def test_a_malformed_record_names_its_file_line_and_field(tmp_path, line, message):
    path = write(tmp_path, "cifar-2026-12-06-test.jsonl", [run(0, 0.9), line])
    with pytest.raises(records.RecordError, match=message) as error:
        records.read(path)
    assert "cifar-2026-12-06-test.jsonl" in str(error.value)
    # the report stops with the same message, and writes nothing
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report.py"), "--check",
                             "--results", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr


def test_unknown_kinds_and_file_names_are_refused(tmp_path):
    with pytest.raises(records.RecordError, match="unknown kind of record 'speed'"):
        records.read(write(tmp_path, "speed-2026-12-06.jsonl", [run(0, 0.9)]))
    with pytest.raises(records.RecordError, match="not a record file name"):
        records.read(write(tmp_path, "results.jsonl", [run(0, 0.9)]))
    with pytest.raises(ValueError, match="unknown kind of record 'cifar10'"):
        records.load("cifar10", root=tmp_path)


def test_load_filters_on_the_record_its_recipe_and_its_machine(tmp_path):
    write(tmp_path, "cifar-2026-12-06-xeon.jsonl",
          [run(0, 0.88), run(1, 0.90), run(0, 0.89, recipe={"muon_rate": 0.16})])
    write(tmp_path, "cifar-2026-12-06-epyc.jsonl", [run(0, 0.91, machine=EPYC)])
    write(tmp_path, "lenet-2026-12-06-xeon.jsonl",
          [{"model": "LeNet", "test_accuracy": 0.99, "train_seconds": 20,
            **{k: run(0, 0)[k] for k in ("data", "date", "machine")}}])
    assert len(records.load("cifar", root=tmp_path)) == 4
    assert sorted(r["test_accuracy"] for r in records.load("cifar", root=tmp_path, seed=0,
                                                           muon_rate=0.12)) == [0.88, 0.91]
    assert [r["test_accuracy"] for r in records.load("cifar", root=tmp_path,
                                                     cpu="AMD EPYC")] == [0.91]
    assert len(records.load("cifar", root=tmp_path, test_accuracy=lambda a: a >= 0.9)) == 2
    assert records.load("cifar", root=tmp_path, lookahead=None)  # no such field: matches None
    assert records.load("cifar", root=tmp_path, lookahead=False) == []
    # the latest record of a seed replaces the earlier ones
    latest = records.latest_per_seed(records.load("cifar", root=tmp_path, cpu=XEON["cpu"]))
    assert {s: r["test_accuracy"] for s, r in latest.items()} == {0: 0.89, 1: 0.90}
    assert records.median_of_seeds(records.load("cifar", root=tmp_path, cpu=XEON["cpu"]),
                                   "test_accuracy", seeds=(0, 1)) == pytest.approx(0.895)
    with pytest.raises(LookupError, match=r"lack seeds \[2\]"):
        records.median_of_seeds(records.load("cifar", root=tmp_path), "test_accuracy")


def test_describe_names_date_machine_backend_and_data():
    assert records.describe(run(0, 0.9)) == (
        "2026-12-06 · Intel(R) Xeon(R) Processor (AVX2 AVX-512) · tensorflow 2.21.0 · random input")
    old = {**XEON}
    del old["isa"]
    assert "(ISA not recorded)" in records.machine_name(old)
    cifar = "CIFAR-10 from the mirror /x/cifar10-jpeg.npz (LOSSY: decoded from a JPEG copy)"
    assert records.data_name(cifar) == "JPEG-decoded CIFAR-10 mirror"


def test_each_committed_series_is_one_recipe():
    """A series groups runs of one recipe on one machine: its runs differ only in the seed (and
    the clock's outcome), so that a notebook or the report never mixes recipes."""
    for group in report.groups(records.load("cifar"), lambda r: (
            r["series"], records.machine_name(r["machine"]))).values():
        recipes = {json.dumps([r["network"] if "network" in r else r["model"],
                               {k: v for k, v in (r.get("recipe") or {}).items()
                                if k != "precision_probe"},
                               r.get("train_images", 45_000), r.get("epochs_scheduled")])
                   for r in group}
        assert len(recipes) == 1, (group[0]["series"], recipes)


def test_a_probe_is_named_for_the_widths_it_timed_not_those_trained():
    best = run(0, 0.86, series="the best recipe", recipe={"widths": [24, 96, 96]})
    assert report.probed_network({**best, "probed_widths": [16, 64, 64]}) == "airbench_w16_64_64"
    # records before probed_widths: the probe timed --widths where given, else 32-128-128
    assert report.probed_network(best) == "airbench_w32_128_128"
    assert report.probed_network({**best, "series": "--widths 24 96 96"}) == "airbench_w24_96_96"


def test_the_series_name_is_the_command_line_without_seeds():
    assert series_name(["--model", "airbench", "--seed", "0", "1", "--clock"]) == \
        "--model airbench --clock"
    assert series_name(["--seed=2", "--muon", "0.12"]) == "--muon 0.12"
    assert series_name([]) == "the best recipe (bench_cifar.py's defaults)"


def readme_results_rows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Results\n", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ")][1:]  # no header


def test_readme_headlines_are_figures_of_the_report():
    report_text = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    rows = readme_results_rows()
    assert 0 < len(rows) <= 12
    for figure, value, machine, date in rows:
        assert all(len(cell.split()) <= 25 for cell in (figure, value, machine, date))
        figures = re.findall(r"\d[\d,.]* %|\d+ min \d+ s|\d[\d.]* s\b", value)
        assert figures, f"no figure in the README's row {figure!r}"
        for number in figures:
            assert number in report_text, f"README: {number} ({figure}) is not in RESULTS.md"
        assert date in report_text


def test_readme_is_short():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", readme, flags=re.S)
    assert len(prose.split()) <= 1200
    assert max(len(line) for line in readme.splitlines()) <= 600


def test_a_cached_probe_is_listed_at_its_first_date_only():
    """Runs after the first on a machine reuse its cached decision: the same figures, recorded
    again on a later date, are one probe; new figures on that date are another."""
    probe = {"float32": 469.2, "mixed_bfloat16": 705.1}
    first = run(0, 0.9, recipe={"precision": "mixed_bfloat16", "precision_probe": probe})
    cached = {**first, "seed": 1, "date": "2026-12-08"}
    new = {**probe, "float32": 470.0}
    again = {**cached, "recipe": {**first["recipe"], "precision_probe": new}}
    assert list(report.distinct_probes([first, cached])) == [
        "airbench_w32_128_128 probe, Intel Xeon (AVX2 AVX-512), 2026-12-06"]
    assert len(report.distinct_probes([first, cached, again])) == 2
    assert len(report.distinct_probes([first, {**first, "machine": EPYC}])) == 2
