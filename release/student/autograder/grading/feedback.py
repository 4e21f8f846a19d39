"""Failures a student can act on (their words, en and ru, are in autograder/messages.py).

A check fails by raising Feedback(en, ru). compare() is where a check's value meets the
reference's: it keeps the project-wide rules (shape and finiteness first, the known wrong
answers a check computes, float32 precision, N, 1/N, 1/C and −1) and asks the diagnosis engine
(autograder/grading/diagnosis.py) for the relation between the two values otherwise.
"""
from __future__ import annotations

import numpy as np

from assignment.contract import PARAM_KEYS
from autograder import messages
from autograder.grading import diagnosis


class Feedback(AssertionError):
    """A failed check: what is wrong, in both languages."""

    def __init__(self, en: str, ru: str):
        self.en, self.ru = en, ru
        super().__init__(en)


def fail(en: str, ru: str):
    raise Feedback(en, ru)


def rel_error_at(got: np.ndarray, expected: np.ndarray) -> tuple[float, tuple]:
    """The largest elementwise relative error and where it is."""
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    err = np.abs(got - expected) / np.maximum(1e-8, np.abs(got) + np.abs(expected))
    if err.size == 0:
        return 0.0, ()
    index = np.unravel_index(int(np.argmax(err)), err.shape)
    return float(err[index]), tuple(int(i) for i in index)


def as_array(value, name: str) -> np.ndarray:
    """The student's value as a numeric array, or a Feedback saying what it was."""
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "fiub":
        return np.asarray(value)  # a numpy scalar (np.mean's result) is a 0-d array here
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return np.asarray(value, dtype=np.float64)
    kind = type(value).__name__ if not isinstance(value, dict) or "__unsupported__" not in value else value[
        "__unsupported__"]
    if str(kind).startswith("numpy array of dtype"):  # float128, complex, object: nothing a check can compare
        fail(*messages.unusable_dtype(name, str(kind).rsplit(" ", 1)[-1]))
    fail(*messages.not_an_array(name, kind))


def loss_number(value) -> float:
    """The student's loss as a float: one number (a Python float, a numpy scalar or a 0-d
    array), else a Feedback saying what it was."""
    loss = as_array(value, "loss")
    if loss.shape != ():
        fail(*messages.loss_not_one_number(loss.shape))
    return float(loss)


def params_dict(value, fn: str) -> dict:
    """The student's value if it is a dict with exactly the parameter keys, else a Feedback."""
    if not isinstance(value, dict) or set(value) != set(PARAM_KEYS):
        got = sorted(value) if isinstance(value, dict) else type(value).__name__
        fail(*messages.not_params_dict(fn, got))
    return value


def compare(name: str, got, expected: np.ndarray, *, rtol: float = 1e-5, atol: float = 1e-8, n: int | None = None,
            c: int | None = None, alternatives: dict | None = None, what: tuple[str, str] = ("", ""),
            dims: dict | None = None, **context) -> None:
    """Fail with a diagnosis unless `got` matches `expected` (shape and values).

    Inputs:
    - name: what is compared, as the student knows it ("dW1", "logits")
    - got: the student's value; expected: the reference's (float64 for the checks' inputs)
    - n: the batch size, c: the number of classes (the problem's N and C, where dims is not given)
    - dims: the problem's dimensions {"N": 4, "D": 3, "H": 5, "C": 3}, to name shapes and factors
    - alternatives: {key: array or [arrays]} of known wrong answers, keys of messages.KNOWN_MISTAKES;
      a match names the mistake
    - what: (en, ru), where the comparison was made (messages.for_shapes(...), …)
    - context: the rest of diagnosis.Context (quantities, old, relatives, probabilities, logits,
      upstream, usual, promise)

    The diagnoses, in order: shape (in the problem's dimensions), NaN/inf, a known mistake,
    float32 precision (a cast of the float64 inputs), then the engine's relations
    (autograder/grading/diagnosis.py): dtype, probabilities, relatives, steps, a factor of N,
    1/(N·C) or −1, a factor of the call's own quantities, the first intermediate that is wrong;
    else the first entry that differs and what the contract says it is.
    """
    got = as_array(got, name)
    expected = np.asarray(expected)
    dims = dims or {k: v for k, v in (("N", n), ("C", c)) if v}
    ctx = diagnosis.Context(dims=dims, what=what, **context)
    found = diagnosis.shape_relation(name, got.shape, expected.shape, ctx) or diagnosis.finite_relation(name, got, ctx)
    if found:
        fail(*found)
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return
    err, where = rel_error_at(got, expected)
    shown = messages.evidence(err, list(where), float(got[where]), float(expected[where]))
    found = diagnosis.upstream_relation(name, ctx, rtol, atol)  # the first wrong value is the cause
    if found:
        fail(*found)
    for key, candidates in (alternatives or {}).items():
        for alternative in candidates if isinstance(candidates, (list, tuple)) else [candidates]:
            if alternative is not None and np.shape(alternative) == got.shape and np.allclose(
                    got, alternative, rtol=rtol, atol=atol):
                fail(*messages.known_mistake(name, key, what, shown))
    precision = _lower_precision(got, expected)
    if precision:
        digits = int(round(-np.log10(np.finfo(precision).eps)))
        returned = str(got.dtype) if got.dtype != np.float64 else None
        fail(*messages.lower_precision(name, digits, precision, returned, what, shown))
    scale = diagnosis.scale_of(got, expected) if ctx.old is None and ctx.probabilities != "rows" else None
    n, c = dims.get("N"), dims.get("C")
    if scale is not None:
        if n and n > 1 and abs(scale - n) < 1e-3 * n:
            fail(*messages.n_times_too_large(name, n, what, shown))
        if n and n > 1 and abs(scale - 1 / n) < 1e-3 / n:
            fail(*messages.n_times_too_small(name, n, what, shown))
        if c and c > 1 and abs(scale - 1 / c) < 1e-3 / c:
            fail(*messages.c_times_too_small(name, c, what, shown))
        if abs(scale + 1) < 1e-3:
            fail(*messages.wrong_sign(name, what, shown))
    found = diagnosis.diagnose(name, got, expected, ctx, rtol, atol)
    if found:
        fail(*found)
    fail(*diagnosis.fallback(name, got, expected, ctx, rtol, atol))


def _lower_precision(got: np.ndarray, expected: np.ndarray) -> str | None:
    """'float32' or 'float16' where `got` is `expected` computed in that precision: it has that
    dtype, or (cast back to float64) every value of it is one; and it agrees to that precision.
    A real mistake almost never does both."""
    if expected.dtype != np.float64 or got.dtype.kind != "f":
        return None
    if got.dtype.itemsize < 8:
        precision = got.dtype
    elif np.array_equal(got, got.astype(np.float32)) and not np.array_equal(expected, expected.astype(np.float32)):
        precision = np.dtype(np.float32)
    else:
        return None
    tolerance = 200 * float(np.finfo(precision).eps)  # rounding of a few dozen operations
    return precision.name if np.allclose(got.astype(np.float64), expected, rtol=tolerance,
                                         atol=tolerance * float(np.max(np.abs(expected), initial=0))) else None
