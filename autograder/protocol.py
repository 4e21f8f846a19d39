"""The wire format between the grader and the sandboxed worker: JSON plus raw array bytes.

Nothing that crosses can carry code: a message is a JSON header describing a tree of
dicts, lists, numbers, strings and None, in which arrays appear as {"__array__": i},
followed by the raw bytes of each array. Arrays must have a plain numeric dtype, and the
header's declared sizes are checked against the limits *before* anything is read or
allocated. There is no pickle anywhere.

    frame := b"MNHW" | uint32 header length | header JSON | array bytes...
"""
from __future__ import annotations

import json
import struct
import traceback

import numpy as np

MAGIC = b"MNHW"
ALLOWED_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                  "float16", "float32", "float64"}
MAX_HEADER = 1 << 20  # 1 MiB of JSON
MAX_ARRAYS = 256
MAX_NDIM = 8
CALL_SECONDS = 20.0  # wall time of one ordinary call of a student's function, in the sandbox and locally


class WorkerError(RuntimeError):
    """The student's code raised, or the worker died, timed out, or broke the protocol."""

    def __init__(self, kind: str, message: str, where: str = ""):
        self.kind, self.message, self.where = kind, message, where
        super().__init__(f"{kind}: {message}")


def timed_out(seconds: float) -> WorkerError:
    return WorkerError("timeout", f"no answer within {seconds:g} s (an infinite loop?)")


class ProtocolError(ValueError):
    """A message is malformed, too large, or holds something other than plain data."""


def _flatten(value, arrays: list, depth: int = 0):
    if depth > 16:
        raise ProtocolError("nesting deeper than 16 levels")
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        array = np.asarray(value)
        if array.dtype.name not in ALLOWED_DTYPES:
            raise ProtocolError(f"array of dtype {array.dtype} cannot be sent: only plain numeric arrays")
        arrays.append(np.ascontiguousarray(array))
        return {"__array__": len(arrays) - 1}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ProtocolError("dict keys must be strings")
        return {"__dict__": {k: _flatten(v, arrays, depth + 1) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return [_flatten(v, arrays, depth + 1) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    raise ProtocolError(f"a {type(value).__name__} cannot be sent: only arrays, numbers, strings, lists, dicts")


def encode(value) -> bytes:
    arrays: list[np.ndarray] = []
    tree = _flatten(value, arrays)
    header = json.dumps({"tree": tree, "arrays": [{"dtype": a.dtype.name, "shape": list(a.shape)}
                                                  for a in arrays]}, allow_nan=True).encode()
    if len(header) > MAX_HEADER:
        raise ProtocolError(f"header of {len(header)} bytes exceeds {MAX_HEADER}")
    return b"".join([MAGIC, struct.pack(">I", len(header)), header, *(a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes() for a in arrays)])


def _read_exact(stream, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError(f"stream ended {remaining} bytes short")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(stream, max_bytes: int):
    """Read one frame from a binary stream, refusing anything over `max_bytes` of array data."""
    start = _read_exact(stream, 8)
    if start[:4] != MAGIC:
        raise ProtocolError("not a frame of this protocol")
    (length,) = struct.unpack(">I", start[4:])
    if length > MAX_HEADER:
        raise ProtocolError(f"header of {length} bytes exceeds {MAX_HEADER}")
    try:
        header = json.loads(_read_exact(stream, length))
        specs = header["arrays"]
        tree = header["tree"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ProtocolError(f"malformed header: {exc}") from None
    if not isinstance(specs, list) or len(specs) > MAX_ARRAYS:
        raise ProtocolError("too many arrays")
    sizes, total = [], 0
    for spec in specs:
        try:
            dtype, shape = spec["dtype"], spec["shape"]
        except (KeyError, TypeError):
            raise ProtocolError("malformed array description") from None
        if dtype not in ALLOWED_DTYPES:
            raise ProtocolError(f"dtype {dtype!r} is not a plain numeric type")
        if (not isinstance(shape, list) or len(shape) > MAX_NDIM
                or not all(type(d) is int and 0 <= d < 2**31 for d in shape)):
            raise ProtocolError(f"bad shape {shape!r}")
        nbytes = int(np.prod(shape, dtype=np.float64)) * np.dtype(dtype).itemsize
        total += nbytes
        if total > max_bytes:
            raise ProtocolError(f"arrays of {total:,}+ bytes exceed the limit of {max_bytes:,}")
        sizes.append((np.dtype(dtype).newbyteorder("<"), tuple(shape), nbytes))
    arrays = [np.frombuffer(_read_exact(stream, n), dtype=dt).reshape(shape).astype(dt.newbyteorder("="))
              for dt, shape, n in sizes]
    return _unflatten(tree, arrays)


def _unflatten(tree, arrays):
    if isinstance(tree, dict):
        if set(tree) == {"__array__"}:
            index = tree["__array__"]
            if type(index) is not int or not 0 <= index < len(arrays):
                raise ProtocolError("bad array reference")
            return arrays[index]
        if set(tree) == {"__dict__"} and isinstance(tree["__dict__"], dict):
            return {k: _unflatten(v, arrays) for k, v in tree["__dict__"].items()}
        raise ProtocolError("unknown object in message")
    if isinstance(tree, list):
        return [_unflatten(v, arrays) for v in tree]
    return tree


def write_message(stream, value) -> None:
    stream.write(encode(value))
    stream.flush()


# -- what a call of the student's code gives back, made plain (used by the worker, and by
# the student's local checks, which call network.py in their own process) ---------------
def plain(value):
    """The student's return value as plain data; anything else becomes a description."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value if np.asarray(value).dtype.name in ALLOWED_DTYPES else repr(value)[:200]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return {"__unsupported__": type(value).__name__}


def copy_arrays(tree):
    if isinstance(tree, np.ndarray):
        return tree.copy()
    if isinstance(tree, dict):
        return {k: copy_arrays(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [copy_arrays(v) for v in tree]
    return tree


def mutated(before, after, path="") -> list:
    """Paths of the arrays in the arguments that the call changed in place."""
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and after.shape == before.shape and np.array_equal(
            after, before, equal_nan=True)
        return [] if same else [path or "argument"]
    if isinstance(before, dict):
        return [p for k in before for p in mutated(before[k], after.get(k) if isinstance(after, dict) else None,
                                                  f"{path}[{k!r}]")]
    if isinstance(before, list):
        return [p for i, v in enumerate(before) for p in mutated(v, after[i] if isinstance(after, list) and i < len(after) else None, f"{path}[{i}]" if path else f"argument {i + 1}")]
    return []


def describe(exc: BaseException) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)
    student = [f for f in frames if f.filename.endswith("network.py")]
    where = f"network.py line {student[-1].lineno}, in {student[-1].name}: {student[-1].line}" if student else ""
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000], "where": where,
            "traceback": "".join(traceback.format_exception(exc))[-4000:]}
