"""cnnlab.torch_checkpoint reads PyTorch state dicts without PyTorch, and nothing else."""

import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cnnlab.torch_checkpoint import CheckpointError, _StorageRef, _TensorRef, read_state_dict

FIXTURES = Path(__file__).parent / "fixtures"
# What tiny_state_*.pt hold (fixtures/README.md): a transposed view, int64, an offset slice.
EXPECTED = {
    "a.weight": np.arange(12, dtype=np.float32).reshape(3, 4).T,
    "b": np.array([1, 2], np.int64),
    "c": np.arange(10, dtype=np.float64)[2:7],
}


@pytest.mark.parametrize("name", ["tiny_state_zip.pt", "tiny_state_legacy.pt"])
def test_reads_both_layouts(name):
    state = read_state_dict(FIXTURES / name)
    assert list(state) == list(EXPECTED)
    for key, want in EXPECTED.items():
        assert state[key].dtype == want.dtype
        np.testing.assert_array_equal(state[key], want)
        assert state[key].flags.owndata  # a copy, not a view into the file's bytes


def _legacy_file(path, payload: bytes):
    """A legacy checkpoint: the three header pickles, then ``payload`` as the main pickle."""
    with open(path, "wb") as f:
        for head in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(head, f, protocol=2)
        f.write(payload)


def test_refuses_code_in_a_legacy_checkpoint(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pth"
    # protocol 0 by hand: os.system("touch <marker>"), the classic malicious pickle
    _legacy_file(path, f"cos\nsystem\n(S'touch {marker}'\ntR.".encode())
    with pytest.raises(pickle.UnpicklingError, match="refused to load os.system"):
        read_state_dict(path)
    assert not marker.exists()


def test_refuses_code_in_a_zip_checkpoint(tmp_path):
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", b"cbuiltins\neval\n(S'print(1)'\ntR.")
    with pytest.raises(pickle.UnpicklingError, match="builtins.eval"):
        read_state_dict(path)


def test_truncated_checkpoints_are_refused(tmp_path):
    raw = (FIXTURES / "tiny_state_legacy.pt").read_bytes()
    cut = tmp_path / "cut.pth"
    cut.write_bytes(raw[:-4])
    with pytest.raises(CheckpointError, match="truncated"):
        read_state_dict(cut)


def test_a_tensor_reaching_past_its_storage_is_refused():
    storage = _StorageRef("0", np.float32, 6)
    storage.array = np.arange(6, dtype=np.float32)
    np.testing.assert_array_equal(_TensorRef(storage, 0, (2, 3), (3, 1)).to_numpy(),
                                  np.arange(6).reshape(2, 3))
    with pytest.raises(CheckpointError, match="reaches element 8"):
        _TensorRef(storage, 0, (3, 3), (3, 1)).to_numpy()
    with pytest.raises(CheckpointError, match="negative"):
        _TensorRef(storage, 0, (2, 3), (-3, 1)).to_numpy()


def test_not_a_checkpoint(tmp_path):
    path = tmp_path / "notes.pth"
    pickle.dump(12345, path.open("wb"), protocol=2)
    with pytest.raises(CheckpointError, match="neither a zip nor a legacy"):
        read_state_dict(path)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        read_state_dict(tmp_path / "missing.pth")
