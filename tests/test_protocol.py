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
scalar_keys = st.text(max_size=8) | st.integers(-5, 5) | st.booleans() | st.none() | st.floats(-4, 4) | st.sampled_from(
    ["int64", "int32", "uint8", "bool"]).flatmap(lambda dtype: hnp.from_dtype(np.dtype(dtype)).map(np.dtype(dtype).type))
# a layer-by-layer cache's ("z", 1), a numpy-integer layer index: any hashable plain key (issue 25)
keys = st.recursive(scalar_keys, lambda inner: st.lists(inner, max_size=3).map(tuple), max_leaves=4)
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
        return len(a) == len(b) and all(same(k, j) and same(a[k], b[j]) for k, j in zip(a, b))
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


def test_a_tuple_or_numpy_keyed_cache_arrives_as_sent():
    cache = {("z", 1): np.ones(2), ("a", np.int64(1)): np.zeros(1), np.int64(2): 3, (): None, (1.5, (True, None)): "x"}
    back = protocol.roundtrip(protocol.plain(cache))
    assert same(back, cache) and back[("a", 1)].shape == (1,)


def test_a_key_that_cannot_cross_is_named_with_the_rule():
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.encode(protocol.plain({frozenset({1}): np.ones(1)}))
    assert "the dict key frozenset({1}) (a frozenset) cannot be sent" in str(caught.value)
    assert protocol.KEY_RULE in str(caught.value)
    import enum

    class Layer(enum.IntEnum):
        ONE = 1

    assert same(protocol.roundtrip(protocol.plain({("z", Layer.ONE): 1})), {("z", 1): 1})


@pytest.mark.parametrize("frame", [
    b'{"tree": {"__dict__": [[{"__tuple__": [["k"]]}, 1]]}, "arrays": []}',  # a list inside a tuple key
    b'{"tree": {"__dict__": [[{"__array__": 0}, 1]]}, "arrays": [{"dtype": "float64", "shape": [2]}]}',
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
