"""A one-line progress bar for long loops, kept apart from results.

In a Jupyter kernel the bar is one display that is updated in place, so a saved notebook keeps
only its last state; elsewhere it is redrawn on stderr. nbval checks only marked cells, and the
course's tests refuse a bar in any of those (``tests/test_notebooks.py``): bars are for people.
"""

from __future__ import annotations

import sys
import time


def _notebook_display():
    """A display handle when running in a Jupyter kernel, else None."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return None
    from IPython.display import display

    return display({"text/plain": ""}, raw=True, display_id=True)


class Progress:
    """``bar = Progress(total, label)``; ``bar.update(note)`` after each step; ``bar.close()``.

    Redraws at most twice a second, and always on the last step. ``enabled=False`` makes it
    silent; ``stream`` forces plain text on that stream (a file, ``sys.stdout``).
    """

    WIDTH = 24

    def __init__(self, total: int, label: str = "", *, enabled: bool = True, stream=None):
        if total < 1:
            raise ValueError(f"a progress bar needs at least one step, got total={total}")
        self.total, self.label, self.enabled = total, label, enabled
        self._handle = _notebook_display() if enabled and stream is None else None
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
            line = (f"{self.label} {bar} {self.done}/{self.total} "
                    f"{now - self.started:5.1f} s {note}".rstrip())
            if self._handle is not None:
                self._handle.update({"text/plain": line}, raw=True)
            else:
                self.stream.write(f"\r{line} ")
                self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._handle is None:
            self.stream.write("\n")
            self.stream.flush()
