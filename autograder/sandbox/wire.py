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
import os
import struct
import traceback

import numpy as np

MAGIC = b"MNHW"
ALLOWED_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                  "float16", "float32", "float64"}
MAX_HEADER = 1 << 20  # 1 MiB of JSON
MAX_ARRAYS = 256
MAX_NDIM = 8
MAX_ANSWER = 64 << 20  # the largest answer the worker may send back, in array bytes
OUTPUT_CHARS = 20_000  # kept of what the student's code prints, in the sandbox and locally
CALL_SECONDS = 20.0  # wall time of one ordinary call of a student's function, in the sandbox and locally
CALL_VARIABLE = "MNIST_HW_CALL_SECONDS"  # the grader's own setting of it (tests that wait one out use a short one)


def seconds_setting(variable: str, default: float) -> float:
    """A limit in seconds that the grader may set in its environment: `variable` where it holds a
    positive number, else `default`."""
    try:
        seconds = float(os.environ.get(variable, default))
    except ValueError:
        return default
    return seconds if seconds > 0 else default


def call_seconds() -> float:
    """The limit of one ordinary call: CALL_SECONDS, or what CALL_VARIABLE sets (a positive number).
    The import of network.py keeps CALL_SECONDS whatever it says: a worker restarted after a call
    that was cut off imports again, and that import must not race a short limit on a loaded machine."""
    return seconds_setting(CALL_VARIABLE, CALL_SECONDS)


class WorkerError(RuntimeError):
    """The student's code raised, or the worker died, timed out, or broke the protocol."""

    def __init__(self, kind: str, message: str, where: str = "", ru: str = ""):
        self.kind, self.message, self.where, self.ru = kind, message, where, ru
        super().__init__(f"{kind}: {message}")

    @classmethod
    def said(cls, kind: str, pair: tuple[str, str]) -> "WorkerError":
        """A WorkerError whose message is one of autograder.messages' (en, ru) pairs."""
        return cls(kind, pair[0], ru=pair[1])

    @property
    def pair(self) -> tuple[str, str]:
        """(en, ru): the message in both languages (the same text where it has no Russian: the student's error)."""
        return self.message, self.ru or self.message


class ProtocolError(ValueError):
    """A message is malformed, too large, or holds something other than plain data. `why`: what
    the student's value is refused for, as data the trusted side words (messages.cannot_be_returned):
    a code ("nesting", "dtype", "type", "key", "header") and its details, all strings."""

    def __init__(self, text: str, *why: str):
        super().__init__(text)
        self.why = list(why)


def unreturnable(exc: ProtocolError) -> dict:
    """The answer the worker sends when the student's value cannot be encoded: the English for the
    worker's own log, and `unreturnable` (exc.why) for the grader to say in both languages."""
    return {"ok": False, "error": f"the result cannot be returned: {exc}", "unreturnable": exc.why}


def refused_value(answer: dict, bound) -> WorkerError | None:
    """On the trusted side: the WorkerError for an answer that says the value cannot be returned,
    worded here from its `unreturnable` code and details (each made text of at most 200 characters
    by `bound`, whatever the worker sent); None for any other answer. The worker (this file is
    copied into its box alone) has no messages of its own to say it with."""
    from autograder import messages

    why = answer.get("unreturnable")
    if not isinstance(why, list) or not why:
        return None
    code, *details = [bound(part, 200) for part in why[:3]]
    return WorkerError.said("unreturnable", messages.cannot_be_returned(code, details))


def not_an_answer(exc: Exception) -> WorkerError:
    """What the grader makes of a frame it cannot read (too large, malformed)."""
    return WorkerError("protocol", f"the worker sent something that is not an answer ({exc})",
                       ru=f"процесс прислал не ответ ({exc})")


def _flatten(value, arrays: list, depth: int = 0):
    """A JSON tree for `value`, its arrays appended to `arrays`.

    Every value keeps its kind: an ndarray (0-d included) stays an ndarray of its dtype and
    shape, a numpy scalar stays a numpy scalar of its dtype, a tuple stays a tuple, a list a
    list, a dict a dict (keys: str, int, float, bool or None, in order); bool, int, float,
    str and None stay themselves. What the local check and the grader see is what the
    student's function returned, not a normalized copy.
    """
    if depth > 16:
        raise ProtocolError("nesting deeper than 16 levels", "nesting")
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.name not in ALLOWED_DTYPES:
            raise ProtocolError(f"array of dtype {array.dtype} cannot be sent: only plain numeric arrays", "dtype",
                                str(array.dtype))
        arrays.append(np.array(array, order="C", copy=True))  # ascontiguousarray would make 0-d arrays 1-d
        return {"__scalar__" if isinstance(value, np.generic) else "__array__": len(arrays) - 1}
    if isinstance(value, dict):
        return {"__dict__": [[_flatten_key(k, arrays, depth + 1), _flatten(v, arrays, depth + 1)]
                             for k, v in value.items()]}
    if type(value) is tuple:
        return {"__tuple__": [_flatten(v, arrays, depth + 1) for v in value]}
    if type(value) is list:
        return [_flatten(v, arrays, depth + 1) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    raise ProtocolError(f"a {type(value).__name__} cannot be sent: only arrays, numbers, strings, lists, tuples, "
                        "dicts", "type", type(value).__name__)


KEY_RULE = "a dict's keys must be str, int, float, bool, None, numpy scalars or tuples of those"


def _is_scalar(value) -> bool:
    return value is None or type(value) in (str, int, float, bool)


def _flatten_key(key, arrays: list, depth: int):
    """A dict key's JSON tree: a Python scalar as itself, a numpy scalar as {"__scalar__": i},
    a tuple as {"__tuple__": [...]} of keys; anything else (a frozenset, an object) raises,
    naming the key and KEY_RULE. Only hashable kinds are allowed, so the key read back is one."""
    if depth > 16:
        raise ProtocolError("nesting deeper than 16 levels", "nesting")
    if _is_scalar(key):
        return key
    if isinstance(key, np.generic) and key.dtype.name in ALLOWED_DTYPES:
        return _flatten(key, arrays, depth)
    if type(key) is tuple:
        return {"__tuple__": [_flatten_key(k, arrays, depth + 1) for k in key]}
    raise ProtocolError(f"the dict key {_shown(key)} (a {type(key).__name__}) cannot be sent: {KEY_RULE}", "key",
                        _shown(key), type(key).__name__)


def _shown(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _unflatten_key(tree, arrays, depth: int = 0):
    """The key a _flatten_key tree stands for; a list or an array reference is refused (unhashable)."""
    if depth > 16:
        raise ProtocolError("nesting deeper than 16 levels")
    if _is_scalar(tree):
        return tree
    if isinstance(tree, dict) and len(tree) == 1:
        (kind, inner), = tree.items()
        if kind == "__scalar__":
            return _unflatten(tree, arrays)
        if kind == "__tuple__" and isinstance(inner, list):
            return tuple(_unflatten_key(k, arrays, depth + 1) for k in inner)
    raise ProtocolError("malformed dict key")


def encode(value) -> bytes:
    arrays: list[np.ndarray] = []
    tree = _flatten(value, arrays)
    header = json.dumps({"tree": tree, "arrays": [{"dtype": a.dtype.name, "shape": list(a.shape)}
                                                  for a in arrays]}, allow_nan=True).encode()
    if len(header) > MAX_HEADER:
        raise ProtocolError(f"header of {len(header)} bytes exceeds {MAX_HEADER}", "header", str(len(header)),
                            str(MAX_HEADER))
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
        if len(tree) != 1:
            raise ProtocolError("unknown object in message")
        (kind, inner), = tree.items()
        if kind in ("__array__", "__scalar__"):
            if type(inner) is not int or not 0 <= inner < len(arrays):
                raise ProtocolError("bad array reference")
            if kind == "__scalar__":
                if arrays[inner].shape != ():
                    raise ProtocolError("a scalar must have shape ()")
                return arrays[inner][()]
            return arrays[inner]
        if kind == "__tuple__" and isinstance(inner, list):
            return tuple(_unflatten(v, arrays) for v in inner)
        if kind == "__dict__" and isinstance(inner, list):
            if not all(isinstance(p, list) and len(p) == 2 for p in inner):
                raise ProtocolError("malformed dict")
            return {_unflatten_key(k, arrays): _unflatten(v, arrays) for k, v in inner}
        raise ProtocolError("unknown object in message")
    if isinstance(tree, list):
        return [_unflatten(v, arrays) for v in tree]
    return tree


def roundtrip(value, max_bytes: int = MAX_ANSWER):
    """`value` as the other side of the wire receives it: what the local check hands its checks,
    so that they see exactly what the sandboxed grader's checks see."""
    import io

    return read_message(io.BytesIO(encode(value)), max_bytes)


def to_json(value) -> dict:
    """`value` as plain JSON, for a file instead of a pipe (the student release's recorded
    reference answers): the same tree as a message's header, each array given by its dtype,
    shape and numbers. `from_json` gives back the same kinds and exact values."""
    arrays: list[np.ndarray] = []
    tree = _flatten(value, arrays)
    return {"tree": tree, "arrays": [{"dtype": a.dtype.str, "shape": list(a.shape), "data": a.ravel().tolist()}
                                     for a in arrays]}


def from_json(document: dict):
    arrays = [np.array(a["data"], dtype=np.dtype(a["dtype"])).reshape(a["shape"]) for a in document["arrays"]]
    return _unflatten(document["tree"], arrays)


def write_message(stream, value) -> None:
    stream.write(encode(value))
    stream.flush()


# -- what a call of the student's code gives back, made plain (used by the worker, and by
# the student's local checks, which call network.py in their own process) ---------------
def plain(value, depth: int = 0):
    """The student's return value as the wire can carry it, changed as little as possible:
    arrays, numpy scalars, tuples, lists, dicts and Python scalars stay what they are;
    subclasses become their base (a namedtuple a tuple, an IntEnum an int), in keys too; anything
    else (an object array, a generator, a custom class) becomes {"__unsupported__": what it is}.
    A dict key that is none of KEY_RULE's kinds is left as it is, so that encoding it raises
    the ProtocolError that names it and the rule."""
    if depth > 16:
        return {"__unsupported__": "structure nested deeper than 16 levels"}
    if isinstance(value, (np.ndarray, np.generic)):
        dtype = np.asarray(value).dtype
        return value if dtype.name in ALLOWED_DTYPES else {"__unsupported__": f"numpy array of dtype {dtype}"}
    if isinstance(value, dict):
        return {plain_key(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(plain(v, depth + 1) for v in value)
    if isinstance(value, list):
        return [plain(v, depth + 1) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return {"__unsupported__": type(value).__name__}


def plain_key(key, depth: int = 0):
    """A dict key made plain as plain() makes values: a subclass of str, int, float or bool (an
    IntEnum) its base, a namedtuple a tuple, numpy scalars and Python scalars themselves; any
    other key is returned unchanged (encoding it says what it is and KEY_RULE)."""
    if _is_scalar(key) or isinstance(key, np.generic) or depth > 16:
        return key
    if isinstance(key, tuple):
        return tuple(plain_key(k, depth + 1) for k in key)
    for kind in (bool, int, float, str):
        if isinstance(key, kind):
            return kind(key)
    return key


MISSING_FUNCTION = "network.py defines no function {fn}: keep the names of the stub"


def call(module, fn: str, args: list, kwargs: dict) -> dict:
    """Call the student's `fn` and make the answer both sides of the boundary send: the
    value made plain. The worker (in the sandbox) and the student's local check (in-process)
    both call through here. Which arguments it changed is not said: nothing the worker could
    say about itself earns a point (grading/calls.py's StudentCode)."""
    function = getattr(module, fn, None)
    if not callable(function):
        raise AttributeError(MISSING_FUNCTION.format(fn=fn))
    return {"ok": True, "value": plain(function(*args, **kwargs))}


def describe(exc: BaseException) -> dict:
    """What went wrong, for the report: the error, the last line of network.py it passed
    ("where"), and "kit_call": the kit's function ("assignment.data.load_mnist") that network.py
    called at import (from its module level) where the error was raised inside it, else ""."""
    frames = traceback.extract_tb(exc.__traceback__)
    student = [i for i, f in enumerate(frames) if f.filename.endswith("network.py")]
    last = frames[student[-1]] if student else None
    where = f"network.py line {last.lineno}, in {last.name}: {last.line}" if last else ""
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000], "where": where,
            "kit_call": _kit_call(frames, student), "traceback": "".join(traceback.format_exception(exc))[-4000:]}


def _kit_call(frames, student: list) -> str:
    """The kit function (its file in a folder named assignment) the innermost network.py frame
    called, where network.py's module level is on the stack (import time), else ""."""
    import os

    if not student or not any(frames[i].name == "<module>" for i in student) or student[-1] + 1 >= len(frames):
        return ""
    called = frames[student[-1] + 1]
    folder, name = os.path.split(called.filename)
    if os.path.basename(folder) != "assignment" or not name.endswith(".py"):
        return ""
    return f"assignment.{name[:-3]}.{called.name}"
