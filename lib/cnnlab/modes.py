"""The fast/full switch: the one place that reads ``CNNLAB_FAST``.

Full mode (the default) holds the lecture settings on the full datasets. Fast mode
(``CNNLAB_FAST=1``, set by ``make test``) runs the same code on the committed subsets with
tiny budgets. A notebook asks :func:`budget` for every number that depends on the mode.
"""

from __future__ import annotations

import math
import os
from numbers import Real
from types import MappingProxyType

FAST_ENV = "CNNLAB_FAST"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def is_fast() -> bool:
    """True when ``CNNLAB_FAST`` asks for fast mode; a value neither yes nor no is an error."""
    raw = os.environ.get(FAST_ENV, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"{FAST_ENV}={os.environ[FAST_ENV]!r} is not understood: "
        f"set it to 1 for fast mode, or unset it (or 0) for full mode."
    )


def mode() -> str:
    """``"fast"`` or ``"full"``."""
    return "fast" if is_fast() else "full"


RESERVED = ("mode", "as_dict")


class Budget:
    """The numbers a notebook runs with in the current mode, as read-only attributes."""

    def __init__(self, mode: str, values: dict):
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "_values", MappingProxyType(dict(values)))

    def __getattr__(self, name):
        if name.startswith("_"):  # copy and pickle probe before __init__ has run
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            known = ", ".join(self._values) or "none"
            raise AttributeError(f"this budget has no {name!r} (it has: {known})") from None

    def __setattr__(self, name, value):
        raise AttributeError("a Budget is read-only: ask budget() for other numbers")

    def __reduce__(self):
        return (Budget, (self.mode, dict(self._values)))

    def as_dict(self) -> dict:
        return dict(self._values)

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Budget({self.mode}: {items})"


def _check_number(name: str, which: str, value) -> None:
    if value is None:  # "all of it", e.g. the whole training set
        return
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"budget {name}: the {which} value {value!r} is not a number or None; "
            f"give a number, or a (full, fast) pair of numbers."
        )
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"budget {name}: the {which} value {value!r} must be positive and finite."
        )


def budget(**settings) -> Budget:
    """Pick each setting for the current mode.

    Each keyword is either one value used in both modes, or a ``(full, fast)`` pair::

        b = budget(epochs=(12, 1), train_size=(None, 2000), batch_size=128)
        b.epochs  # 12 in full mode, 1 in fast mode

    ``None`` means "all of it". Fast mode shrinks work, so a fast value may not exceed its
    full value, and ``None`` (all) is not allowed for fast where full is a number.
    """
    if not settings:
        raise ValueError("budget() needs at least one setting, e.g. budget(epochs=(10, 1)).")
    reserved = [name for name in settings if name in RESERVED or name.startswith("_")]
    if reserved:
        raise ValueError(f"budget: {reserved} are reserved names; call the setting otherwise.")
    fast = is_fast()
    chosen = {}
    for name, value in settings.items():
        if isinstance(value, tuple):
            if len(value) != 2:
                raise ValueError(
                    f"budget {name}: a pair must be (full, fast), got {len(value)} values."
                )
            full_value, fast_value = value
            _check_number(name, "full", full_value)
            _check_number(name, "fast", fast_value)
            if full_value is not None and (fast_value is None or fast_value > full_value):
                raise ValueError(
                    f"budget {name}: fast mode must not do more than full mode "
                    f"(full={full_value!r}, fast={fast_value!r})."
                )
            chosen[name] = fast_value if fast else full_value
        else:
            _check_number(name, "shared", value)
            chosen[name] = value
    return Budget("fast" if fast else "full", chosen)
