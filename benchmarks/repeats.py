"""Shared by the benchmarks that time one job several times: one JSON line per repeat, then
the median with the backend, date and machine."""

import json
import statistics
import time
from datetime import date

import keras

from cnnlab.envinfo import machine


def time_repeats(job, repeats: int, *, benchmark: str, setting: dict, **extra) -> list[float]:
    """Run ``job(repeat)`` ``repeats`` times and print the seconds each took, then the median.
    ``setting`` goes into every line, ``extra`` (the network's source, say) into the last."""
    seconds = []
    for repeat in range(repeats):
        started = time.perf_counter()
        job(repeat)
        seconds.append(time.perf_counter() - started)
        print(json.dumps({"repeat": repeat, "seconds": round(seconds[-1], 1), **setting}),
              flush=True)
    print(json.dumps({"benchmark": benchmark, **setting,
                      "median_seconds": round(statistics.median(seconds), 1),
                      "runs": len(seconds), "backend": keras.backend.backend(),
                      "date": str(date.today()), "machine": machine(), **extra}))
    return seconds
