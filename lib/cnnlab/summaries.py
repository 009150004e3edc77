"""Per-layer tables of a Keras model: output shapes and parameters."""

from __future__ import annotations


def layer_rows(model) -> list[dict]:
    """One row per layer: name, type, output shape (without the batch axis), parameters."""
    return [{"name": layer.name, "type": type(layer).__name__,
             "output": tuple(layer.output.shape[1:]), "params": layer.count_params()}
            for layer in model.layers]


def format_table(rows: list[dict], columns=None) -> str:
    """A plain-text table of dict rows; numbers right-aligned with thousands separators."""
    if not rows:
        raise ValueError("no rows to show.")
    columns = columns or list(rows[0])

    def cell(v):
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, int):
            return f"{v:,}"
        if isinstance(v, float):
            return f"{v:.4g}"
        return str(v)

    cells = [[cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    numeric = [all(isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool)
                   for r in rows) for c in columns]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *map(line, cells)])
