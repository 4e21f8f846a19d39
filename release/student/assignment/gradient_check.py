"""Numerical gradients, to check the ones you derive (after CS231n's gradient_check.py)."""
from __future__ import annotations

from typing import Callable

import numpy as np


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1e-8, |a| + |b|), elementwise: about 1e-7 or less for a correct gradient
    of a two-layer net in float64; above 1e-2 it is probably wrong."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))) if a.size else 0.0


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5,
                       indices=None) -> np.ndarray:
    """Central differences (f(x + h e_i) - f(x - h e_i)) / 2h of a scalar function.

    Inputs:
    - f: takes an array shaped like x (it is passed a perturbed copy) and returns a float
    - x: the point, any shape; not modified
    - h: the step
    - indices: an iterable of index tuples to evaluate (default: all of them)

    Returns grad: array shaped like x (zero where not evaluated).
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for ix in (np.ndindex(*x.shape) if indices is None else indices):
        old = x[ix]
        x[ix] = old + h
        plus = f(x.copy())
        x[ix] = old - h
        minus = f(x.copy())
        x[ix] = old
        grad[ix] = (plus - minus) / (2 * h)
    return grad


def params_gradients(loss_of_params: Callable[[dict], float], params: dict, h: float = 1e-5) -> dict:
    """numerical_gradient for each array of a params dict; loss_of_params takes the whole dict."""
    grads = {}
    for key in params:
        def f(value, key=key):
            return loss_of_params({**params, key: value})
        grads[key] = numerical_gradient(f, params[key], h)
    return grads
