"""The IDX file format of MNIST: read and write, with errors that name the file.

An IDX file is a big-endian header followed by the raw array:

    bytes 0-1   zero
    byte  2     element type (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64)
    byte  3     number of dimensions, d
    4*d bytes   each dimension as a big-endian int32
    the data    prod(dims) elements, big-endian, C order

So the magic of an MNIST image file (uint8, 3 dims) is 0x00000803 = 2051 and of a
label file (uint8, 1 dim) 0x00000801 = 2049. Files may be gzip-compressed ("*.gz").
"""
from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from . import kit_text

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dt.newbyteorder("="): code for code, dt in _DTYPES.items()}


class IDXError(ValueError):
    """A file is not a valid IDX file; the message names the file, the fault and what to do, in
    English as its text and in Russian as `ru` (assignment.said), for the kit's commands to say
    in the student's language.

    Inputs: the file's path; `problem`, the key of the fault's text in autograder.messages.KIT
    ("idx_short", ...) with its facts; `advice`, the key of what to do ("idx_refetch"), or None.
    """

    def __init__(self, path: os.PathLike | str, problem: str, *facts, advice: str | None = "idx_refetch"):
        self.path = Path(path)
        en, ru = kit_text(problem, *facts)
        if advice:
            en, ru = kit_text(advice, en)[0], kit_text(advice, ru)[1]
        super().__init__(f"{self.path}: {en}")
        self.ru = f"{self.path}: {ru}"


def read_bytes(path: os.PathLike | str) -> bytes:
    """The file's uncompressed content (gunzipped when it is gzip, by name or magic)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    return uncompress(path, path.read_bytes())


def uncompress(path: os.PathLike | str, raw: bytes) -> bytes:
    """`raw` as stored at `path`, gunzipped when it is gzip (by magic; a .gz name insists on it)."""
    path = Path(path)
    if raw[:2] != b"\x1f\x8b":
        if path.suffix == ".gz":
            raise IDXError(path, "idx_not_gzip")
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise IDXError(path, "idx_gzip_corrupt", exc) from None


def parse(path: os.PathLike | str, content: bytes, expected_magic: int | None = None) -> np.ndarray:
    """Decode IDX bytes into an array of native byte order.

    Inputs:
    - path: the file the bytes came from, for messages only
    - content: the uncompressed bytes
    - expected_magic: 2051 or 2049 to insist on MNIST images or labels, or None

    Returns an array of the header's shape and element type.
    """
    if len(content) < 4:
        raise IDXError(path, "idx_short", len(content))
    zero, code, ndim = struct.unpack(">HBB", content[:4])
    magic = (code << 8) | ndim
    if expected_magic is not None and (zero != 0 or magic != expected_magic):
        raise IDXError(path, {IMAGES_MAGIC: "idx_not_images", LABELS_MAGIC: "idx_not_labels"}[expected_magic],
                       struct.unpack(">i", content[:4])[0], expected_magic, advice="idx_swapped")
    if zero != 0 or code not in _DTYPES:
        raise IDXError(path, "idx_not_magic", content[:4].hex())
    header = 4 + 4 * ndim
    if len(content) < header:
        raise IDXError(path, "idx_header_cut", ndim, len(content))
    dims = struct.unpack(f">{ndim}i", content[4:header])
    if any(d < 0 for d in dims):
        raise IDXError(path, "idx_negative", dims)
    dtype = _DTYPES[code]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    actual = len(content) - header
    if actual != expected:
        raise IDXError(path, "idx_truncated" if actual < expected else "idx_trailing", "×".join(map(str, dims)),
                       expected, actual)
    data = np.frombuffer(content, dtype=dtype, offset=header).reshape(dims)
    return data.astype(dtype.newbyteorder("="), copy=False)


def read_idx(path: os.PathLike | str, expected_magic: int | None = None) -> np.ndarray:
    """Read one IDX file (raw or gzip). Raises IDXError naming the file on any fault."""
    return parse(path, read_bytes(path), expected_magic)


def encode(array: np.ndarray) -> bytes:
    """The IDX bytes of an array whose dtype is one IDX can hold."""
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        raise TypeError(f"IDX cannot hold dtype {array.dtype}; use one of {sorted(str(d) for d in _CODES)}")
    code = _CODES[native]
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}i", *array.shape)
    return header + np.ascontiguousarray(array, dtype=_DTYPES[code]).tobytes()


def write_atomic(path: os.PathLike | str, content: bytes) -> None:
    """Write bytes so that `path` either does not exist or holds all of them.

    The bytes go to a temporary file in the same directory, are flushed to disk, and
    only then renamed over `path`: an interrupted write leaves at most a '*.part' file
    that no reader ever opens.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_idx(path: os.PathLike | str, array: np.ndarray, compress: bool | None = None) -> Path:
    """Write an array as IDX, gzip-compressed when `compress` (default: path ends in .gz)."""
    path = Path(path)
    content = encode(array)
    if compress if compress is not None else path.suffix == ".gz":
        content = gzip.compress(content, compresslevel=6, mtime=0)
    write_atomic(path, content)
    return path
