"""The benchmark records: JSON lines in ``benchmarks/results/<kind>-<date>-<machine>.jsonl``.

Notebooks quote figures too slow to measure in a lecture through :func:`load`, and
``benchmarks/report.py`` builds ``benchmarks/RESULTS.md`` from the same reader, so a quoted figure
is always the recorded one. A wheel install (Colab) carries the records inside the package.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

# What every record must say: when, where and on what data. The machine names the CPU (and, since
# 2026-12-06, its instruction set) and the backend unless the record names its own.
REQUIRED = ("date", "machine", "data")
# What each kind of record must hold besides, for the report's tables.
REQUIRED_BY_KIND = {
    "cifar": ("series", "seed", "test_accuracy", "train_seconds", "epochs"),
    "cifar-steps": ("step", "name", "seed", "test_accuracy", "epochs"),
    "lenet": ("model", "test_accuracy", "train_seconds"),
    "precision": ("model", "float32_img_s", "bf16_img_s"),
    "batchnorm": ("model", "fused_img_s", "keras_img_s"),
    "activation": ("network", "median_img_s"),
    "notebook-times": ("notebook", "mode", "seconds"),
    "nb01": ("notebook_seconds", "numpy_vs_loops"),
    "deepdream": (),  # one line per repeat ("seconds"), then the median ("median_seconds")
    "featurevis": (),
    "inference": ("network", "img_s_batch_1", "img_s_batch_32"),
    "suite": ("backend", "command"),
    "site": (),
    "degradation": ("network", "train_loss", "val_accuracy", "steps", "curve"),
}
_NAME = re.compile(r"^(?P<kind>[a-z0-9-]+?)-(?P<date>\d{4}-\d\d-\d\d)(-[a-z0-9-]+)?\.jsonl$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


class RecordError(ValueError):
    """A record file that cannot be read: the message names the file, the line and the field."""


def directory() -> Path:
    """``benchmarks/results/`` of the checkout, else the copy inside an installed wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "benchmarks" / "results", here.parent / "_records"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "no benchmark records found: expected benchmarks/results/ in a clone of the course, or "
        "cnnlab/_records in its wheel. Install cnnlab from the repository (see the README).")


def kind_of(path: Path) -> str:
    match = _NAME.match(path.name)
    if not match:
        raise RecordError(f"{path}: not a record file name: expected "
                          "<kind>-<YYYY-MM-DD>[-<machine>].jsonl")
    return match["kind"]


def read(path) -> list[dict]:
    """Every record in ``path``, each checked for the fields its kind needs. A record's
    ``"where"`` says ``file:line``."""
    path = Path(path)
    kind = kind_of(path)
    if kind not in REQUIRED_BY_KIND:
        raise RecordError(f"{path}: unknown kind of record {kind!r}: add it to "
                          f"cnnlab.records.REQUIRED_BY_KIND (known: {sorted(REQUIRED_BY_KIND)})")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise RecordError(f"{path}, line {number}: not valid JSON ({error.msg}, column "
                              f"{error.colno})") from None
        if not isinstance(record, dict):
            raise RecordError(f"{path}, line {number}: a record must be a JSON object, not "
                              f"{type(record).__name__}")
        for field in REQUIRED + REQUIRED_BY_KIND[kind]:
            if field not in record:
                raise RecordError(f"{path}, line {number}: missing field {field!r} (a {kind} "
                                  f"record needs {', '.join(REQUIRED + REQUIRED_BY_KIND[kind])})")
        if not isinstance(record["date"], str) or not _DATE.match(record["date"]):
            raise RecordError(f"{path}, line {number}: field 'date' must be YYYY-MM-DD, not "
                              f"{record['date']!r}")
        if not isinstance(record["machine"], dict) or "cpu" not in record["machine"]:
            raise RecordError(f"{path}, line {number}: field 'machine' must be an object with a "
                              "'cpu' (cnnlab.envinfo.machine() writes one)")
        rows.append({**record, "kind": kind, "where": where})
    return rows


def load_all(root=None) -> list[dict]:
    """Every record under ``root`` (default :func:`directory`), by date, then file and line."""
    files = sorted(Path(root or directory()).glob("*.jsonl"))
    rows = [row for path in files for row in read(path)]
    return sorted(rows, key=lambda r: r["date"])  # stable: file order within a date


def _field(record: dict, key: str):
    for source in (record, record.get("recipe") or {}, record["machine"]):
        if key in source:
            return source[key]
    return None


def load(kind: str, root=None, **filters) -> list[dict]:
    """The records of ``kind`` (``"cifar"``, ``"lenet"``...) whose fields equal ``filters``.

    A filter names a field of the record, of its ``recipe`` or of its ``machine`` (``cpu=``);
    a callable filter is a test, and ``None`` matches a record without the field.
    ``load("cifar", series="airbench, Muon 0.12", cpu="AMD EPYC")``
    """
    if kind not in REQUIRED_BY_KIND:
        raise ValueError(f"unknown kind of record {kind!r}: one of {sorted(REQUIRED_BY_KIND)}")
    rows = [r for r in load_all(root) if r["kind"] == kind]
    for key, wanted in filters.items():
        test = wanted if callable(wanted) else (lambda value, w=wanted: value == w)
        rows = [r for r in rows if test(_field(r, key))]
    return rows


def stamp(data: str) -> dict:
    """The fields every record needs, for a benchmark measuring on ``data`` here and now."""
    from datetime import date

    from cnnlab.envinfo import machine
    return {"data": data, "date": str(date.today()), "machine": machine()}


def latest_per_seed(rows) -> dict:
    """Seed -> that seed's last record (a rerun replaces an earlier one)."""
    return {r["seed"]: r for r in rows}


def median_of_seeds(rows, field: str = "test_accuracy_flips_shifts", seeds=(0, 1, 2)):
    """The median over ``seeds`` of ``field`` in each seed's latest record."""
    latest = latest_per_seed(rows)
    missing = [s for s in seeds if s not in latest]
    if missing:
        raise LookupError(f"the records lack seeds {missing} (they hold {sorted(latest)})")
    return statistics.median(latest[s][field] for s in seeds)


def machine_name(machine: dict) -> str:
    """``"Intel(R) Xeon(R) Processor (AVX2 AVX-512 AVX512-BF16 AMX)"``; older records named no
    instruction set, and a GPU names itself."""
    if machine.get("accelerators"):
        return ", ".join(machine["accelerators"])
    return f"{machine['cpu']} ({machine.get('isa') or 'ISA not recorded'})"


def backend(record: dict) -> str:
    return record.get("backend") or record["machine"].get("backend") or "not recorded"


def data_name(text: str) -> str:
    """The data source, without the offline mirror's local path."""
    if "cifar10-jpeg" in text:
        return "JPEG-decoded CIFAR-10 mirror"
    if "mnist.npz" in text:
        return "MNIST, offline mirror"
    return text


def describe(record: dict, data: bool = True) -> str:
    """``"2026-11-22 · <machine> · <backend> · <data>"``: where and how a figure was measured."""
    parts = [record["date"], machine_name(record["machine"]), backend(record)]
    return " · ".join(parts + [data_name(record["data"])] if data else parts)
