"""Checksums and atomic downloads: a file is used only once its hash is right, and a
download or cache write either lands whole under its final name or leaves nothing."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

_CHUNK = 1 << 20


class IntegrityError(RuntimeError):
    """A file's content is not what its checksum says it must be."""


def file_digest(path: str | Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_file(path: str | Path, sha256: str | set[str] | frozenset[str]) -> None:
    """Raise IntegrityError unless the file's sha256 is the expected one (or one of them)."""
    expected = {sha256} if isinstance(sha256, str) else set(sha256)
    actual = file_digest(path)
    if actual not in expected:
        size = os.path.getsize(path)
        raise IntegrityError(
            f"{path}: sha256 {actual} ({size:,} bytes) is not the expected "
            f"{' or '.join(sorted(expected))}; the file is corrupt, truncated or a different "
            f"file, and was not used."
        )


@contextlib.contextmanager
def atomic_path(dest: str | Path, suffix: str = ".part"):
    """Yield a temporary path beside ``dest``; when the block succeeds it becomes ``dest``
    (readable by all), and when it fails it is removed: ``dest`` is never half-written."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=dest.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these files are for every reader
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def download(url: str, dest: str | Path, sha256: str, *, timeout: float = 60.0) -> Path:
    """Fetch ``url`` to ``dest`` through a temporary file in the same folder.

    The hash is checked before the rename, so ``dest`` only ever holds a verified file and a
    failed or interrupted download leaves no partial file behind.
    """
    with atomic_path(dest) as tmp:
        h = hashlib.sha256()
        with open(tmp, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            for chunk in iter(lambda: resp.read(_CHUNK), b""):
                h.update(chunk)
                out.write(chunk)
        if h.hexdigest() != sha256:
            raise IntegrityError(
                f"download of {url} has sha256 {h.hexdigest()}, expected {sha256}; discarded."
            )
    return Path(dest)
