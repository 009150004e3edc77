"""Notebook 01 in full mode: wall time in a fresh kernel, and its loops/NumPy/Keras speed table.

    .venv/bin/python benchmarks/bench_nb01.py --runs 3

Prints one JSON line per run and a summary line with the medians and the machine.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from cnnlab import records

DATA = "skimage.data photos; random input for the convolution timings"

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_convolution_basics.ipynb"
ROW = re.compile(r"^\s+(Python loops|NumPy, vectorised|Keras Conv2D)\s+([\d.]+) ms", re.M)


def run_once():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    os.environ.pop("CNNLAB_FAST", None)  # full mode
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    ms = {name: float(v) for name, v in ROW.findall(text)}
    if len(ms) != 3:
        sys.exit(f"speed table not found in the notebook's output: {ms}")
    return {"notebook_seconds": round(seconds, 1), "loops_ms": ms["Python loops"],
            "numpy_ms": ms["NumPy, vectorised"], "keras_ms": ms["Keras Conv2D"],
            "numpy_vs_loops": round(ms["Python loops"] / ms["NumPy, vectorised"]),
            "keras_vs_loops": round(ms["Python loops"] / ms["Keras Conv2D"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    runs = []
    for i in range(args.runs):
        runs.append(run_once())
        print(json.dumps({"run": i + 1, **runs[-1], **records.stamp(DATA)}), flush=True)
    summary = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(json.dumps({"median_of": args.runs, **summary, **records.stamp(DATA)}))


if __name__ == "__main__":
    main()
