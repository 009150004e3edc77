"""The JavaScript that the site and the decks load, from npm's registry at build time (pinned,
verified by npm's sha512 integrity, cached in build/vendor/, never committed): no CDN."""

from __future__ import annotations

import base64
import hashlib
import shutil
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "vendor"
REGISTRY = "https://registry.npmjs.org"

# name: (version, npm's dist.integrity, the files or folders of the package to ship)
PACKAGES = {
    "reveal.js": ("4.0.2", "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWM"
                  "Aw+8R/QUeaScCLCLrBVHDfFIEiw==", ["dist", "plugin/notes"]),
    "requirejs": ("2.3.7", "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA"
                  "8OaUhBa0JPVHJ0pyBkM1z+pDsw==", ["require.js"]),
    "jquery": ("2.2.4", "sha512-lBHj60ezci2u1v2FqnZIraShGgEXq35qCzMv4lITyHGppTnA13rwR0MgwyNJh9Tn"
               "Ds3aXUvd1xjAotfraMHX/Q==", ["dist/jquery.min.js"]),
    # MathJax 2, which nbconvert's templates configure: TeX in, CommonHTML out, its web fonts
    "mathjax": ("2.7.9", "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+C"
                "CVl5p9G2IHcAl/wJa+5+BQ==",
                ["MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions",
                 "localization/en", "jax/element", "jax/input/TeX", "jax/output/CommonHTML",
                 "fonts/HTML-CSS/TeX/woff"]),
}
# where each page finds them, relative to the vendor folder
URLS = {
    "reveal": "reveal.js",
    "require_js": "requirejs/require.js",
    "jquery": "jquery/dist/jquery.min.js",
    "mathjax": "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}


def _download(name: str) -> Path:
    version, integrity, _ = PACKAGES[name]
    tgz = CACHE / f"{name}-{version}.tgz"
    if not tgz.exists():
        url = f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                blob = response.read()
        except OSError as err:
            raise SystemExit(f"cannot download {url} ({err}): the site's JavaScript comes from "
                             f"npm's registry, once; then from {CACHE}") from err
        digest = "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()
        if digest != integrity:
            raise SystemExit(f"{url}: sha512 {digest} is not the pinned {integrity}")
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = tgz.with_suffix(".part")
        tmp.write_bytes(blob)
        tmp.replace(tgz)
    return tgz


def _unpacked(name: str) -> Path:
    version = PACKAGES[name][0]
    folder = CACHE / f"{name}-{version}"
    if not folder.exists():
        tmp = CACHE / f"{name}-{version}.part"
        shutil.rmtree(tmp, ignore_errors=True)
        with tarfile.open(_download(name)) as tar:
            tar.extractall(tmp, filter="data")
        (tmp / "package").replace(folder)
        shutil.rmtree(tmp)
    return folder


def install(dest: Path, names) -> None:
    """Copies the shipped parts of the named packages into ``dest/<name>/``."""
    for name in names:
        source = _unpacked(name)
        for part in PACKAGES[name][2]:
            target = dest / name / part
            target.parent.mkdir(parents=True, exist_ok=True)
            if (source / part).is_dir():
                shutil.copytree(source / part, target, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("*.map"))
            else:
                shutil.copy2(source / part, target)
