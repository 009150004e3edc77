"""`make slides` and `make site` timed, every page and deck opened in headless chromium, and the
notebooks' sizes before and after issue 25 (the lighter figures). One JSON line per build
(seconds), one per page (bytes loaded), one per notebook, then a summary with the machine::

    python benchmarks/bench_site.py [--repeats 3] [--before e0c4179]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tools" / "site")]
import browser  # noqa: E402
import make_site  # noqa: E402

from cnnlab import records  # noqa: E402


def git_size(commit: str, path: Path) -> int:
    out = subprocess.run(["git", "cat-file", "-s", f"{commit}:{path.relative_to(ROOT)}"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", default="e0c4179", help="the commit before issue 25")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                        f"site-{dt.date.today().isoformat()}.jsonl")
    args = parser.parse_args()
    lines = []
    for target, build in (("slides", make_site.build_slides), ("site", make_site.build_site)):
        times = []
        for repeat in range(args.repeats):
            started = time.perf_counter()
            build()
            times.append(round(time.perf_counter() - started, 2))
            lines.append({"build": target, "repeat": repeat, "seconds": times[-1]})
        lines.append({"build": target, "median_seconds": statistics.median(times)})
    from playwright.sync_api import sync_playwright

    pages = [f"site/{p.name}" for p in sorted((ROOT / "build" / "site").glob("*.html"))]
    decks = [f"slides/{p.name}" for p in sorted((ROOT / "build" / "slides").glob("*.html"))]
    with browser.serve(ROOT / "build") as base, sync_playwright() as pw:
        chromium = browser.launch(pw)
        for path in pages + decks:
            r = browser.inspect(chromium, f"{base}/{path}", deck=path.startswith("slides/"))
            clean = not (r["console_errors"] or r["outside_requests"] or r["broken_images"])
            lines.append({"page": path, "status": r["status"], "clean": clean,
                          "html_bytes": (ROOT / "build" / path).stat().st_size,
                          "bytes_loaded": r["bytes"], "images": r["images"],
                          "math_rendered": (r["math"] or {}).get("rendered"),
                          "slides": r["slides"]})
        chromium.close()
    for path in make_site.NOTEBOOKS:
        lines.append({"notebook": path.name, "bytes_before": git_size(args.before, path),
                      "bytes_after": path.stat().st_size})
    lines.append({"benchmark": "make slides / make site",
                  "pages_checked": len(pages), "decks_checked": len(decks),
                  "all_clean": all(x.get("clean", True) for x in lines),
                  "browser": "Debian chromium, headless, Playwright"})
    lines = [{**line, **records.stamp("the committed notebooks")} for line in lines]
    with args.out.open("a", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    print("\n".join(json.dumps(x) for x in lines))


if __name__ == "__main__":
    main()
