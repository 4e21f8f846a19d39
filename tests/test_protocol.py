"""The wire format carries every value a student may return as it is: kind, dtype, shape
and value, whatever the nesting (hypothesis draws the trees)."""
from __future__ import annotations

import json
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.sandbox import wire as protocol

DTYPES = sorted(protocol.ALLOWED_DTYPES)

arrays = st.sampled_from(DTYPES).flatmap(
    lambda dtype: hnp.arrays(np.dtype(dtype), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)))
numpy_scalars = st.sampled_from(DTYPES).flatmap(
    lambda dtype: hnp.from_dtype(np.dtype(dtype)).map(lambda x: np.dtype(dtype).type(x)))
python_scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(
    max_size=20)
keys = st.text(max_size=8) | st.integers(-5, 5) | st.booleans() | st.none()
values = st.recursive(
    arrays | numpy_scalars | python_scalars,
    lambda inner: (st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
                   | st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12)


def same(a, b) -> bool:
    """Equal in kind, dtype, shape and value (NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and np.shape(a) == np.shape(b) and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return b != b
    return a == b


@settings(max_examples=300, deadline=None)
@given(values)
def test_every_value_crosses_as_it_is(value):
    assert same(protocol.roundtrip(protocol.plain(value)), value)


def test_the_cases_that_used_to_change():
    """A numpy scalar loss arrived as an array of shape (1,), a tuple as a list."""
    for value in (np.float64(0.25), np.float32(1.5), np.array(2.0), (np.zeros(3), {"a": 1}), np.int64(7)):
        back = protocol.roundtrip(protocol.plain(value))
        assert same(back, value), (value, back)
    assert protocol.roundtrip(protocol.plain(np.float64(0.25))).shape == ()


def test_what_cannot_cross_is_described_not_sent():
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    value = protocol.plain({"x": Evil(), "y": np.array([object()], dtype=object), "z": (i for i in ())})
    assert value == {"x": {"__unsupported__": "Evil"}, "y": {"__unsupported__": "numpy array of dtype object"},
                     "z": {"__unsupported__": "generator"}}


@pytest.mark.parametrize("frame", [
    b'{"tree": {"__scalar__": 0}, "arrays": [{"dtype": "float64", "shape": [2]}]}',  # a scalar that is not 0-d
    b'{"tree": {"__dict__": [[["k"], 1]]}, "arrays": []}',  # a key that is not a scalar
    b'{"tree": {"__tuple__": 5}, "arrays": []}',
    b'{"tree": {"__array__": 0, "x": 1}, "arrays": []}',
])
def test_malformed_frames_are_refused(frame):
    import struct

    data = protocol.MAGIC + struct.pack(">I", len(frame)) + frame + bytes(16)
    with pytest.raises(protocol.ProtocolError):
        protocol.read_message(io.BytesIO(data), 1 << 20)


@given(values)
def test_every_value_survives_a_json_file_as_it_is(value):
    """wire.to_json / from_json (the release's recorded answers): through JSON text, every kind
    of value comes back the same kind with the same bits, as through a message."""
    back = protocol.from_json(json.loads(json.dumps(protocol.to_json(value))))
    assert same(back, value), (value, back)
