"""Layer arithmetic: output sizes, padding and parameter counts, as the lectures write them."""

from __future__ import annotations

import math


def _positive(**values):
    for name, v in values.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive whole number, got {v!r}.")


def _check_padding(p):
    if not isinstance(p, int) or isinstance(p, bool) or p < 0:
        raise ValueError(f"padding p must be a whole number >= 0, got {p!r}.")


def conv_output_size(w: int, f: int, p: int = 0, s: int = 1, dilation: int = 1) -> int:
    """``floor((W - F_eff + 2P) / S) + 1`` with ``F_eff = dilation * (F - 1) + 1``.

    The floor is what frameworks do when the filter does not fit a whole number of times:
    the last rows and columns that a full stride cannot reach are dropped.
    """
    _positive(w=w, f=f, s=s, dilation=dilation)
    _check_padding(p)
    f_eff = dilation * (f - 1) + 1
    if w + 2 * p < f_eff:
        raise ValueError(
            f"a {f}x{f} filter (span {f_eff}) does not fit in {w} pixels with padding {p}."
        )
    return (w - f_eff + 2 * p) // s + 1


def same_padding(w: int, f: int, s: int = 1, dilation: int = 1) -> tuple[int, int]:
    """(before, after) padding of ``padding="same"``: output ``ceil(W / S)``, any odd pixel
    of padding goes after (TensorFlow's and Keras's rule)."""
    _positive(w=w, f=f, s=s, dilation=dilation)
    f_eff = dilation * (f - 1) + 1
    total = max((math.ceil(w / s) - 1) * s + f_eff - w, 0)
    return total // 2, total - total // 2


def transposed_output_size(w: int, f: int, p: int = 0, s: int = 1) -> int:
    """Output of a transposed convolution, the inverse shape map: ``(W - 1) * S + F - 2P``."""
    _positive(w=w, f=f, s=s)
    _check_padding(p)
    out = (w - 1) * s + f - 2 * p
    if out < 1:
        raise ValueError(f"padding {p} removes the whole {out + 2 * p}-pixel output.")
    return out


def conv_params(f: int, c_in: int, c_out: int, bias: bool = True) -> int:
    """``(F * F * C_in + 1) * C_out``: each of C_out filters has F*F*C_in weights and a bias."""
    _positive(f=f, c_in=c_in, c_out=c_out)
    return (f * f * c_in + int(bias)) * c_out


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """``(N_in + 1) * N_out``."""
    _positive(n_in=n_in, n_out=n_out)
    return (n_in + int(bias)) * n_out


def receptive_field(n_layers: int, f: int = 3, dilation: int = 1) -> int:
    """Receptive field of ``n_layers`` stacked stride-1 FxF convolutions."""
    _positive(n_layers=n_layers, f=f, dilation=dilation)
    return n_layers * dilation * (f - 1) + 1
