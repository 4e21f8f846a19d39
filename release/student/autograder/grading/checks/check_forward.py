"""Forward pass: logits against the reference on hypothesis-drawn shapes and data."""
import numpy as np
import pytest
from hypothesis import example, given

from autograder import messages
from autograder.grading.feedback import as_array, compare, fail
from autograder.grading.problems import SHAPES, problem, with_examples


def logits_and_cache(student, params, x):
    out = student.forward(params, x)
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        fail(*messages.not_a_tuple("forward", "(logits, cache)"))
    return out


def _unsupported(tree) -> str:
    """What a value the wire could not carry (a custom object) is, else ''."""
    if isinstance(tree, dict) and set(tree) == {"__unsupported__"}:
        return str(tree["__unsupported__"])
    values = tree.values() if isinstance(tree, dict) else tree if isinstance(tree, (list, tuple)) else ()
    return next((found for found in map(_unsupported, values) if found), "")


def forward_mistakes(params, x):
    """The logits of the usual wrong forward passes, by messages.KNOWN_MISTAKES key."""
    z1 = x @ params["W1"] + params["b1"]
    logits = {"forward_no_relu": z1 @ params["W2"] + params["b2"],
              "forward_no_bias": np.maximum(x @ params["W1"], 0) @ params["W2"],
              "forward_sigmoid": 1 / (1 + np.exp(-z1)) @ params["W2"] + params["b2"],
              "forward_tanh": np.tanh(z1) @ params["W2"] + params["b2"]}
    right = np.maximum(z1, 0) @ params["W2"] + params["b2"]
    exp = np.exp(right - right.max(axis=1, keepdims=True))
    return {**logits, "forward_softmax": exp / exp.sum(axis=1, keepdims=True)}


@pytest.mark.points(3)
@given(SHAPES)
@example((5, 4, 3, 2, 1))  # the release's fixed case (the local check's); the grader draws more from its seed
def check_forward_returns_logits_and_cache(student, reference, shape):
    """forward returns (logits (N, C), cache: a dict of what backward needs)
    forward возвращает (logits (N, C), cache: словарь того, что нужно backward)"""
    n, d, h, c, seed = shape
    params, x, _ = problem(n, d, h, c, seed)
    logits, cache = logits_and_cache(student, params, x)
    logits = as_array(logits, "logits")
    if logits.shape != (n, c):
        fail(*messages.logits_shape(logits.shape, n, d, c))
    # The cache is the student's own: any plain data backward needs (arrays, params, a tuple, numbers).
    if not isinstance(cache, dict) or not cache or _unsupported(cache):
        fail(*messages.cache_unusable(_unsupported(cache) if isinstance(cache, dict) else ""))
    # No points for the right shapes alone: the logits must be the network's (zeros are not).
    compare("logits", logits, reference.forward(params, x)[0], rtol=1e-6, atol=1e-9,
            alternatives=forward_mistakes(params, x), what=messages.for_shapes(n, d, h, c),
            dims={"N": n, "D": d, "H": h, "C": c}, offsets={"b2": params["b2"]})


@pytest.mark.points(12)
@given(SHAPES)
@with_examples()
def check_forward_matches_reference(student, reference, shape):
    """forward's logits match the reference for many shapes (N, D, H, C)
    логиты forward совпадают с эталоном для многих форм (N, D, H, C)"""
    n, d, h, c, seed = shape
    params, x, _ = problem(n, d, h, c, seed)
    logits, _ = logits_and_cache(student, params, x)
    expected, _ = reference.forward(params, x)
    compare("logits", logits, expected, rtol=1e-6, atol=1e-9, alternatives=forward_mistakes(params, x),
            what=messages.for_shapes(n, d, h, c), dims={"N": n, "D": d, "H": h, "C": c}, offsets={"b2": params["b2"]})
