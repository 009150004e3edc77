"""Shared by the benchmarks that time one job several times: one JSON line per repeat, then
the median with the backend, date and machine."""

import json
import statistics
import time

import keras

from cnnlab import records


def time_repeats(job, repeats: int, *, benchmark: str, setting: dict, data: str,
                 **extra) -> list[float]:
    """Run ``job(repeat)`` ``repeats`` times and print the seconds each took, then the median.
    ``setting`` and the record's date, machine and ``data`` go into every line, ``extra`` (the
    network's source, say) into the last."""
    seconds = []
    for repeat in range(repeats):
        started = time.perf_counter()
        job(repeat)
        seconds.append(time.perf_counter() - started)
        print(json.dumps({"repeat": repeat, "seconds": round(seconds[-1], 1), **setting,
                          **records.stamp(data)}), flush=True)
    print(json.dumps({"benchmark": benchmark, **setting,
                      "median_seconds": round(statistics.median(seconds), 1),
                      "runs": len(seconds), "backend": keras.backend.backend(),
                      **records.stamp(data), **extra}))
    return seconds
