"""Builds benchmarks/RESULTS.md and its plots from the records in benchmarks/results/*.jsonl.

    python benchmarks/report.py           # write RESULTS.md and figures/*.png
    python benchmarks/report.py --check   # exit 1 if RESULTS.md disagrees with the records

RESULTS.md is generated, never edited by hand: change a record (or this script) and rerun.
A malformed record stops the script with its file, line and field (cnnlab.records).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, before pyplot is imported (cnnlab.plots imports it)

from cnnlab import plots, records  # noqa: E402

HERE = Path(__file__).resolve().parent
REPORT = HERE / "RESULTS.md"
FIGURES = HERE / "figures"


# -- formatting ---------------------------------------------------------------------------------

def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.2f} %"


def secs(s) -> str:
    if s is None:
        return "–"
    s = round(s)
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"


def num(x) -> str:
    return "–" if x is None else f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}"


def short_machine(machine: dict) -> str:
    """short_cpu and its instruction set where recorded: "Intel Xeon (AVX2 AVX-512 ...)"."""
    isa = machine.get("isa") or ""
    return short_cpu(machine) + (f" ({isa})" if isa and "capped" not in isa else "")


def short_cpu(machine: dict) -> str:
    """"Intel Xeon"; a run under a oneDNN cap (the slow stand-in) says so, with its cores."""
    name = machine["cpu"].replace("(R)", "").replace(" Processor", "")
    cap = (machine.get("isa") or "").partition("ONEDNN_MAX_CPU_ISA=")[2].rstrip(")")
    return f"{name}, {machine['cores']} core(s) capped at {cap}" if cap else name


def table(headers, rows) -> list[str]:
    cells = [[str(c).replace("|", "\\|").replace("\n", " ") for c in row] for row in rows]
    return (["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
            + ["| " + " | ".join(row) + " |" for row in cells] + [""])


def groups(rows, key) -> dict:
    """Rows grouped by ``key(row)``, in the order each group first appears."""
    out = defaultdict(list)
    for row in rows:
        out[key(row)].append(row)
    return out


class Notes:
    """Numbered notes under a table: each record's ``"note"``, once."""

    def __init__(self):
        self.lines, self.numbers = [], {}  # a note shared by several records is listed once

    def ref(self, rows) -> str:
        marks = []
        for r in rows:
            if not r.get("note"):
                continue
            if r["note"] not in self.numbers:
                self.numbers[r["note"]] = len(self.lines) + 1
                self.lines.append(f"{len(self.lines) + 1}. {r['note']} ({r['where']})")
            mark = f"[{self.numbers[r['note']]}]"
            if mark not in marks:
                marks.append(mark)
        return " " + " ".join(marks) if marks else ""

    def render(self) -> list[str]:
        return ["Notes:", "", *self.lines, ""] if self.lines else []


# -- figures ------------------------------------------------------------------------------------

class Figures:
    """Draws each plot into figures/ (unless checking) and links it with a digest of the data it
    shows, so that --check notices when the records behind a plot change."""

    def __init__(self, draw: bool):
        self.draw = draw
        self.names = []

    def add(self, name: str, title: str, data, plot) -> list[str]:
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
        self.names.append(name)
        if self.draw:
            import matplotlib.pyplot as plt
            fig = plot(plt, data)
            FIGURES.mkdir(exist_ok=True)
            partial = FIGURES / f".{name}.partial.png"
            fig.savefig(partial, dpi=110, bbox_inches="tight", metadata={"Software": None})
            partial.replace(FIGURES / f"{name}.png")  # never a half-written figure
            plt.close(fig)
        return [f"![{title}](figures/{name}.png)", "",
                f"*{title}: drawn by `report.py` from the records (data digest `{digest}`).*", ""]


def plot_curves(plt, data):
    """One panel per machine (``data``: machine -> series -> curve), on the same axes."""
    rows = [3 + 0.1 * len(curves) for curves in data.values()]  # room for each legend
    fig, axes = plt.subplots(len(data), 1, figsize=(9, sum(rows)), squeeze=False,
                             gridspec_kw={"height_ratios": rows}, layout="constrained")
    for ax, (machine, curves) in zip(axes[:, 0], data.items(), strict=True):
        ax.set_prop_cycle(color=plt.cm.tab10.colors if len(curves) <= 10 else plt.cm.tab20.colors)
        for label, points in curves.items():
            ax.plot([s / 60 for s, _ in points], [100 * a for _, a in points], ".-", label=label,
                    lw=1.2, ms=3)
        ax.axhline(75.24, color="grey", ls="--", lw=1)
        ax.set_xscale("log")  # the 40-epoch baseline takes an hour, the recipes 10 minutes
        ax.set(xlabel="training time (min, log scale)", ylabel="test accuracy, flips (%)",
               xlim=(0.2, 80), ylim=(40, 92), title=machine)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.24), ncol=2)
        ax.grid(alpha=0.3)
    fig.suptitle("CIFAR-10: accuracy against training time (series of 3+ seeds, median seed; "
                 "dashed: the article's 75.24 %)")
    return fig


def plot_speeds(plt, data):
    labels = list(data)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1.2))
    y = range(len(labels))
    ax.barh([i - 0.2 for i in y], [data[k]["float32"] for k in labels], 0.4, label="float32")
    ax.barh([i + 0.2 for i in y], [data[k]["mixed bf16"] for k in labels], 0.4, label="mixed bf16")
    for i, k in enumerate(labels):  # a probe gives 0 to a precision that could not train
        if not data[k]["mixed bf16"]:
            ax.text(20, i + 0.2, "mixed bf16 could not train", va="center", fontsize=7)
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set(xlabel="training images per second", title="training speed per machine and precision")
    ax.legend()
    return fig


def plot_notebooks(plt, data):
    notebooks = sorted({nb for runs in data.values() for nb in runs})
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(data)
    for i, (label, runs) in enumerate(data.items()):
        xs = [j + i * width for j, nb in enumerate(notebooks) if nb in runs]
        ax.bar(xs, [runs[nb] / 60 for nb in notebooks if nb in runs], width, label=label)
    ax.axhline(10, color="grey", ls="--", lw=1)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(notebooks))],
                  [nb[:2] for nb in notebooks])
    ax.set(xlabel="notebook", ylabel="minutes, full mode, fresh kernel",
           title="notebook times per machine and backend (latest run; line: the 10-minute budget)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    return fig


# -- sections -----------------------------------------------------------------------------------

def lenet(rows, figures) -> list[str]:
    runs = [r for r in rows if "median_of_seeds" not in r]  # the script's own medians: recomputed
    notes, out = Notes(), []
    for group in groups(
            runs, lambda r: (r["epochs"], r["date"], records.machine_name(r["machine"]))).values():
        epochs = group[0]["epochs"]
        seeds = records.latest_per_seed(group)
        accs = [r["test_accuracy"] for r in seeds.values()]
        out.append([f"{epochs} epochs{notes.ref(group)}", ", ".join(map(str, seeds)),
                    pct(statistics.median(accs)) + f" ({pct(min(accs))}–{pct(max(accs))})",
                    secs(statistics.median(r["train_seconds"] for r in seeds.values())),
                    records.describe(group[-1])])
    return ["## LeNet-5 on MNIST", "",
            "`benchmarks/bench_lenet.py`: the modern LeNet-5 of notebook 02. Target: ≥ 99.0 % "
            "test accuracy in ≤ 30 s of training.", "",
            *table(["epochs", "seeds", "test accuracy, median (range)", "training time, median",
                    "date · machine · backend · data"], out), *notes.render()]


def cifar(rows, steps, figures) -> list[str]:
    notes, out, curves = Notes(), [], {}
    for group in groups(
            rows, lambda r: (r["series"], records.machine_name(r["machine"]))).values():
        series = group[0]["series"]
        seeds = records.latest_per_seed(group)
        runs = sorted(seeds.values(), key=lambda r: r["test_accuracy"])
        middle = runs[len(runs) // 2]
        shifted = [r.get("test_accuracy_flips_shifts") for r in runs]
        reached = middle.get("seconds_to_75.24")
        out.append([
            series + notes.ref(group), ", ".join(map(str, sorted(seeds))),
            pct(middle["test_accuracy"]),
            pct(statistics.median(shifted)) if None not in shifted else "–",
            f"{middle['epochs']:g}", secs(middle["train_seconds"]),
            num(middle.get("images_per_second")), secs(reached), records.describe(middle)])
        if len(seeds) >= 3 or series.startswith("article's baseline, 40"):
            curves.setdefault(short_cpu(middle["machine"]), {})[f"{series} ({middle['date']})"] = \
                [tuple(p) for p in middle["curve"]]
    # each panel titled with its CPU's instruction set, where a run of it recorded one
    curves = {next((m for r in rows if short_cpu(r["machine"]) == cpu
                    and (m := short_machine(r["machine"])) != cpu), cpu): series
              for cpu, series in curves.items()}
    step_rows = [[r["step"], r["name"], pct(r["test_accuracy"]["none"]),
                  pct(r["test_accuracy"]["flips"]), pct(r["test_accuracy"]["flips_shifts"]),
                  secs(r["train_seconds"]), records.describe(r)]
                 for r in {r["step"]: r for r in steps}.values()]
    return ["## CIFAR-10 recipes", "",
            "`benchmarks/bench_cifar.py`: each row a series of runs of one recipe on one machine "
            "(seeds as listed; figures are the median seed's, by accuracy with test-time flips). "
            "Most train for 10 minutes on the clock on 45,000 images and score the 10,000 test "
            "images; \"+ translations\" adds test-time one-pixel moves. The article's baseline "
            "reports 75.24 % after 40 epochs on the original CIFAR-10; these runs use the "
            "JPEG-decoded copy.", "",
            *figures.add("cifar_accuracy_vs_time", "CIFAR-10 accuracy against training time",
                         curves, plot_curves),
            *table(["series", "seeds", "test accuracy (flips)", "+ translations", "epochs",
                    "training time", "img/s", "75.24 % after", "date · machine · backend · data"],
                   out), *notes.render(),
            "### The modern recipe, one ingredient at a time", "",
            "`benchmarks/bench_cifar_steps.py`: notebook 04's VGG-style network, 10 epochs a step, "
            "seed 0 (notebook 03, section 5).", "",
            *table(["step", "ingredient", "test accuracy", "with flips", "+ translations",
                    "training time", "date · machine · backend · data"], step_rows)]


def probed_network(run) -> str:
    """The network the precision probe timed, which the best recipe may not train: records
    before ``probed_widths`` had the probe at ``--widths``, or else at 32-128-128."""
    widths = run.get("probed_widths") or (
        run["recipe"]["widths"] if "--widths" in run["series"].split() else [32, 128, 128])
    return "airbench_w" + "_".join(map(str, widths))  # models.cifar_airbench's default name


def distinct_probes(cifar_rows) -> dict:
    """``{"<network> probe, <machine>, <date>": [chosen, figures, run]}``, one per probe that ran:
    runs after the first on a machine read its decision from the cache (``cnnlab.precision``),
    so a probe recorded again with the same figures is listed at its first date only."""
    probes, first_date = {}, {}
    for r in cifar_rows:
        probe = (r.get("recipe") or {}).get("precision_probe")
        if not probe:
            continue
        network, machine = probed_network(r), short_machine(r["machine"])
        same = (network, machine, json.dumps(probe, sort_keys=True))
        if first_date.setdefault(same, r["date"]) == r["date"]:
            key = f"{network} probe, {machine}, {r['date']}"
            probes[key] = [r["recipe"]["precision"], probe, r]
    return probes


def precision(rows, cifar_rows, activation, figures) -> list[str]:
    out, speeds = [], {}
    for r in rows:
        ratio = r["bf16_img_s"] / r["float32_img_s"]
        out.append([r["model"], r.get("batch_size", "–"), num(r["float32_img_s"]),
                    num(r["bf16_img_s"]), f"{ratio:.2f}x", records.describe(r, data=False)])
        speeds[f"{r['model']}, {short_machine(r['machine'])}, {r['date']}"] = {
            "float32": r["float32_img_s"], "mixed bf16": r["bf16_img_s"]}
    probes = distinct_probes(cifar_rows)
    probe_rows = [[key.split(" probe")[0], num(p["float32"]), num(p["mixed_bfloat16"]), chosen,
                   records.describe(r, data=False)] for key, (chosen, p, r) in probes.items()]
    for key, (_, p, _) in probes.items():
        speeds[key] = {"float32": p["float32"], "mixed bf16": p["mixed_bfloat16"]}
    act = []
    for r in activation:
        base = r["median_img_s"]["gelu"]
        med = r["median_img_s"]
        act.append([r["network"], *(f"{num(med[a])} ({med[a] / base:.2f}x)"
                                    for a in ("gelu", "gelu_tanh", "silu", "relu")),
                    records.describe(r, data=False)])
    return ["## Precision: float32 against mixed bf16", "",
            "`benchmarks/bench_precision.py` (each policy in its own process, median of passes "
            "of `train_on_batch` steps, random input) and the probe that `precision=\"auto\"` runs "
            "before a CIFAR-10 recipe (`cnnlab.precision`). bf16 pays only where the CPU computes "
            "it fast: compare within one machine.", "",
            *figures.add("training_speed_precision", "Training speed per machine and precision",
                         speeds, plot_speeds),
            *table(["network", "batch", "float32 img/s", "mixed bf16 img/s", "bf16 / float32",
                    "date · machine · backend"], out),
            "Probes of `precision=\"auto\"` (recorded with the CIFAR-10 runs):", "",
            *table(["network", "float32 img/s", "mixed bf16 img/s", "chosen",
                    "date · machine · backend"], probe_rows),
            "### Activation functions", "",
            "`benchmarks/bench_activation.py`: training speed of the airbench-style network by "
            "activation (median of passes; relative to exact GELU).", "",
            *table(["network", "GELU", "GELU (tanh)", "SiLU", "ReLU", "date · machine · backend"],
                   act)]


def batchnorm(rows) -> list[str]:
    out = [[r["model"], num(statistics.median(r["fused_img_s"])),
            num(statistics.median(r["keras_img_s"])),
            f"{statistics.median(r['fused_img_s']) / statistics.median(r['keras_img_s']):.2f}x",
            f"{num(min(r['fused_img_s']))}–{num(max(r['fused_img_s']))}",
            records.describe(r, data=False)] for r in rows]
    return ["## Batch norm: TensorFlow's fused kernel against Keras's layer", "",
            "`benchmarks/bench_batchnorm.py`: training speed with `cnnlab.batchnorm` against "
            "Keras's own layer, passes taken in turns, median (random input). The first two rows "
            "timed `fit` calls, which suffered the data-iterator stall; the later ones step with "
            "`train_on_batch`.", "",
            *table(["network", "fused img/s", "Keras img/s", "ratio", "fused passes",
                    "date · machine · backend"], out)]


def notebook_times(rows, nb01, figures) -> list[str]:
    notes, out, latest = Notes(), [], defaultdict(dict)
    for r in rows:
        out.append([r["notebook"], r["mode"], secs(r["seconds"]) + notes.ref([r]), r["how"],
                    records.describe(r)])
        label = f"{records.machine_name(r['machine'])}, {records.backend(r)}"
        latest[label][r["notebook"]] = r["seconds"]
    bench = [[r.get("run", "median"), secs(r["notebook_seconds"]), f"{r['numpy_vs_loops']}x",
              f"{r['keras_vs_loops']}x", records.describe(r, data=False)] for r in nb01]
    return ["## Notebook times", "",
            "Full mode, each notebook in a fresh kernel, as a lecture runs it. Budget: about 10 "
            "minutes on the slowest machine.", "",
            *figures.add("notebook_times", "Notebook times per machine and backend",
                         dict(latest), plot_notebooks),
            *table(["notebook", "mode", "time", "how", "date · machine · backend · data"], out),
            *notes.render(),
            "### Notebook 01 in detail", "",
            "`benchmarks/bench_nb01.py`: the notebook's executing time, and its vectorised NumPy "
            "convolution and Keras's `Conv2D` against Python loops (128 × 128 × 3, 8 filters "
            "3 × 3).", "",
            *table(["run", "executing", "NumPy vs loops", "Keras vs loops",
                    "date · machine · backend"], bench)]


def timed_repeats(title, intro, rows) -> list[str]:
    out = []
    for group in groups([r for r in rows if "repeat" in r],
                        lambda r: json.dumps({k: v for k, v in r.items() if k not in (
                            "repeat", "seconds", "where")}, sort_keys=True)).values():
        times = [r["seconds"] for r in group]
        out.append([f"{secs(statistics.median(times))} ({', '.join(f'{t:g}' for t in times)} s)",
                    records.describe(group[0])])
    return [f"### {title}", "", intro, "",
            *table(["median (repeats)", "date · machine · backend · data"], out)]


def dreams(deepdream, featurevis) -> list[str]:
    return ["## DeepDream and feature visualisation", "",
            *timed_repeats("Feature visualisation",
                           "`benchmarks/bench_featurevis.py`: a grid of 16 channel visualisations "
                           "of EfficientNet-Lite0's `block6d_add` (128 px, "
                           "96 steps, regularised; target ≤ 60 s), each run tracing the gradient "
                           "function anew.", featurevis),
            *timed_repeats("DeepDream", "`benchmarks/bench_deepdream.py`: one 3-octave dream "
                           "(× 1.4, 20 steps each, `block4c_add` + `block5c_add`) of the 512 × 512 "
                           "astronaut photo (target ≤ 30 s).", deepdream)]


def inference(rows) -> list[str]:
    out = [[r["network"], r["input"], num(r["img_s_batch_1"]), num(r["img_s_batch_32"]),
            records.describe(r)] for r in rows]
    return ["## Pretrained networks' inference speed (notebook 05)", "",
            "`keras.applications` networks with random weights, compiled `predict_on_batch`, "
            "median of 2 after a warm-up.", "",
            *table(["network", "input px", "img/s, batch 1", "img/s, batch 32",
                    "date · machine · backend · data"], out)]


def suites(rows, everything) -> list[str]:
    notes, out = Notes(), []
    for r in rows:
        took = r.get("seconds") or r.get("pytest_seconds")
        failed = f", {r['failed']} failed" if r.get("failed") else ""
        out.append([r["command"], secs(took) + notes.ref([r]),
                    f"{r['passed']} passed{failed}" if r.get("passed") else "–",
                    records.describe(r, data=False)])
    gpu = [r for r in everything if r["machine"].get("accelerators")]
    gpu_line = (f"{len(gpu)} records come from a GPU machine." if gpu else
                "No record comes from a GPU yet: `make gpu-check` on a GPU machine records "
                "one (tools/gpu_check.py).")
    return ["## Backends, test suites and GPUs", "",
            "The fast suite (ruff, unit tests, every notebook under nbval) per backend, and "
            "`.ci/run` on a fresh clone with its installs. " + gpu_line, "",
            *table(["command", "time", "tests", "date · machine · backend"], out),
            *notes.render()]


def site(rows) -> list[str]:
    builds = [[r["build"], f"{r['median_seconds']:g} s", records.describe(r, data=False)]
              for r in rows if "median_seconds" in r]
    sizes = [[r["notebook"], f"{r['bytes_before'] / 1e6:.2f} MB",
              f"{r['bytes_after'] / 1e6:.2f} MB"] for r in rows if "bytes_before" in r]
    return ["## The site and the slides", "",
            "`benchmarks/bench_site.py`: `make slides` and `make site` from the committed "
            "notebooks (median of 3), and the notebooks' size once photographs are JPEG.", "",
            *table(["build", "median", "date · machine · backend"], builds),
            *table(["notebook", "before", "after"], sizes)]


def plot_degradation(plt, data):
    return plots.degradation(data, title="the degradation problem: training loss per epoch "
                             "(cf. He et al., figures 1 and 6)")


def degradation(rows, figures) -> list[str]:
    if not rows:
        return []
    latest = {(r["network"], r["width"], r["train_images"], r["epochs"]): r for r in rows}
    notes = Notes()
    out = [[r["network"] + notes.ref([r]), r["width"], f"{r['train_loss']:.3f}",
            pct(r["val_accuracy"]), num(r["steps"]), f"{r['epochs']} × {r['train_images']:,}",
            secs(r["train_seconds"]),
            records.describe(r)] for r in latest.values()]
    last = rows[-1]
    curves = {r["network"]: r["curve"] for r in latest.values()
              if (r["width"], r["train_images"], r["epochs"])
              == (last["width"], last["train_images"], last["epochs"])}
    return ["## ResNet's degradation problem", "",
            "`benchmarks/bench_degradation.py`: plain and residual CIFAR-10 networks of 20 and 56 "
            "layers, notebook 05's recipe (no shifts, no label smoothing), validation on held-out "
            "training images.", "",
            *figures.add("degradation", "Training loss per epoch, plain and residual networks",
                         curves, plot_degradation),
            *table(["network", "width", "final training loss", "validation accuracy", "steps",
                    "epochs × images", "training time", "date · machine · backend · data"],
                   out), *notes.render()]


def machines(rows) -> list[str]:
    seen = {}
    for r in rows:
        name = records.machine_name(r["machine"])
        seen.setdefault(name, set()).add(r["date"])
    return ["Machines in these records (a CPU's name, then its instruction set where recorded: "
            "older records named none):", "",
            *table(["machine", "dates"], [[m, ", ".join(sorted(d))] for m, d in seen.items()])]


def build(draw: bool, results=None) -> tuple[str, list[str]]:
    everything = records.load_all(results)
    by_kind = groups(everything, lambda r: r["kind"])
    figures = Figures(draw)
    lines = [
        "# Results", "",
        "<!-- Generated by `python benchmarks/report.py` from `benchmarks/results/*.jsonl`: do "
        "not edit by hand. `report.py --check` (a test) fails when this file and the records "
        "disagree. -->", "",
        "Every figure the course quotes, with its date, machine, backend and data. Each is "
        "measured on purpose by a script in `benchmarks/` (never in a unit test) and recorded as "
        "a JSON line in `results/`. Speeds compare only within one machine. Figures measured "
        "on the JPEG-decoded CIFAR-10 mirror come from a JPEG copy of CIFAR-10 (pixels differ "
        "by 5.8/255 on average): close to, not equal to, CIFAR-10's.", "",
        *machines(everything),
        *lenet(by_kind["lenet"], figures),
        *cifar(by_kind["cifar"], by_kind["cifar-steps"], figures),
        *precision(by_kind["precision"], by_kind["cifar"], by_kind["activation"], figures),
        *batchnorm(by_kind["batchnorm"]),
        *notebook_times(by_kind["notebook-times"], by_kind["nb01"], figures),
        *degradation(by_kind["degradation"], figures),
        *dreams(by_kind["deepdream"], by_kind["featurevis"]),
        *inference(by_kind["inference"]),
        *suites(by_kind["suite"], everything),
        *site(by_kind["site"]),
    ]
    return "\n".join(lines).rstrip() + "\n", figures.names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="compare RESULTS.md with the records instead of writing it")
    parser.add_argument("--results", type=Path, help="the records' folder (default: results/)")
    args = parser.parse_args(argv)
    try:
        text, names = build(draw=not args.check, results=args.results)
    except records.RecordError as error:
        print(f"report.py: {error}", file=sys.stderr)
        return 2
    if args.check:
        missing = [n for n in names if not (FIGURES / f"{n}.png").is_file()]
        if not REPORT.is_file() or REPORT.read_text(encoding="utf-8") != text or missing:
            print("report.py --check: benchmarks/RESULTS.md (or its figures "
                  f"{missing or ''}) disagrees with benchmarks/results/: run "
                  "`python benchmarks/report.py` and commit the result.", file=sys.stderr)
            return 1
        print("RESULTS.md agrees with the records")
        return 0
    partial = REPORT.with_suffix(".md.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(REPORT)
    print(f"wrote {REPORT.relative_to(HERE.parent)} and {len(names)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
