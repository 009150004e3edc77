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


def spec_table(spec, input_shape) -> list[dict]:
    """Output shapes and parameters of a layer table as a paper prints it, by the formulas alone.

    ``spec``: rows ``("conv", name, filters, F, S, P)`` (optionally a 7th item, groups),
    ``("pool", name, F, S)`` and ``("fc", name, units)``; ``input_shape``: (H, W, C).
    Returns one dict per row: layer, output (H, W, C) or (units,), params.
    """
    h, w, c = input_shape
    units = None  # set once the fully connected part starts
    rows = []
    for row in spec:
        kind, name, *args = row
        if kind == "conv" and units is None:
            filters, f, s, p, *groups = args
            g = groups[0] if groups else 1
            _positive(groups=g)
            if c % g or filters % g:
                raise ValueError(f"{name}: {g} groups must divide {c} inputs and {filters} "
                                 "filters.")
            h, w = conv_output_size(h, f, p, s), conv_output_size(w, f, p, s)
            params, c = conv_params(f, c // g, filters // g) * g, filters
            rows.append({"layer": name, "output": (h, w, c), "params": params})
        elif kind == "pool" and units is None:
            f, s = args
            h, w = conv_output_size(h, f, 0, s), conv_output_size(w, f, 0, s)
            rows.append({"layer": name, "output": (h, w, c), "params": 0})
        elif kind == "fc":
            (n,) = args
            params = dense_params(units or h * w * c, n)
            units = n
            rows.append({"layer": name, "output": (n,), "params": params})
        else:
            raise ValueError(f"row {row!r}: expected conv, pool or fc rows, with no conv or "
                             "pool after the first fc.")
    return rows
