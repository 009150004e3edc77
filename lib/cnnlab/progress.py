"""A one-line progress bar for long loops, written to stderr so it never mixes with results.

Notebooks show stderr in the cell but nbval checks only marked cells, and the course's tests
refuse a bar in any of those (``tests/test_notebooks.py``): bars are for people, not for CI.
"""

from __future__ import annotations

import sys
import time


class Progress:
    """``bar = Progress(total, label)``; ``bar.update(note)`` after each step; ``bar.close()``.

    Redraws at most twice a second (a notebook cell stores every redraw) and always on the
    last step. ``enabled=False`` makes it silent.
    """

    WIDTH = 24

    def __init__(self, total: int, label: str = "", *, enabled: bool = True, stream=None):
        if total < 1:
            raise ValueError(f"a progress bar needs at least one step, got total={total}")
        self.total, self.label, self.enabled = total, label, enabled
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = self._drawn = time.perf_counter()

    def update(self, note: str = "") -> None:
        self.done = min(self.done + 1, self.total)
        now = time.perf_counter()
        if self.enabled and (self.done == self.total or now - self._drawn >= 0.5):
            self._drawn = now
            filled = round(self.WIDTH * self.done / self.total)
            bar = "━" * filled + "─" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total} "
                              f"{now - self.started:5.1f} s {note}".rstrip() + " ")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
