import hashlib

import pytest

from cnnlab.integrity import IntegrityError, download, file_digest, verify_file


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_digest_and_verify(tmp_path):
    f = tmp_path / "a.bin"
    f.write_bytes(b"abc" * 1000)
    assert file_digest(f) == sha(b"abc" * 1000)
    verify_file(f, sha(b"abc" * 1000))
    verify_file(f, {"0" * 64, sha(b"abc" * 1000)})
    with pytest.raises(IntegrityError, match=r"a.bin: sha256 .* \(3,000 bytes\).*not used"):
        verify_file(f, "0" * 64)


def test_download_lands_whole(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"x" * 3_000_000)
    dest = download(src.as_uri(), tmp_path / "cache" / "file.bin", sha(b"x" * 3_000_000))
    assert dest.read_bytes() == b"x" * 3_000_000
    assert sorted(p.name for p in dest.parent.iterdir()) == ["file.bin"]


def test_download_with_wrong_hash_leaves_nothing(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"tampered")
    cache = tmp_path / "cache"
    with pytest.raises(IntegrityError, match="discarded"):
        download(src.as_uri(), cache / "file.bin", sha(b"original"))
    assert list(cache.iterdir()) == []


def test_interrupted_download_leaves_nothing_and_keeps_old_file(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "file.bin").write_bytes(b"previous")

    class Broken:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, n):
            raise ConnectionResetError("connection dropped")

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: Broken())
    with pytest.raises(ConnectionResetError):
        download("https://example.invalid/file.bin", cache / "file.bin", sha(b"new"))
    assert [p.name for p in cache.iterdir()] == ["file.bin"]
    assert (cache / "file.bin").read_bytes() == b"previous"
