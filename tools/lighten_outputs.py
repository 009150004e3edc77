"""Re-encodes the photographic PNG outputs of committed notebooks as JPEG, the way
``cnnlab.display.light_figures`` sends them from a kernel, without re-executing anything::

    python tools/lighten_outputs.py            # all notebooks, in place; prints sizes

Charts and text stay PNG (see ``cnnlab.display.lighter_image``); nbval compares text only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from slides_metadata import NOTEBOOKS, dumps

from cnnlab.display import lighten_output


def lighten(path: Path) -> int:
    """Re-encodes ``path``'s photographic outputs in place; how many it changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = sum(lighten_output(out) for cell in nb["cells"] for out in cell.get("outputs", []))
    if changed:
        path.write_text(dumps(nb), encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    for path in [Path(a) for a in argv] or NOTEBOOKS:
        before = path.stat().st_size
        changed = lighten(path)
        print(f"{path.name}: {changed} images to JPEG, {before / 1e6:.2f} -> "
              f"{path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
