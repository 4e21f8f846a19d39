"""A student's value against the reference's, over several random draws, and what differs when
they disagree — found from relations between the values (a constant factor that is one of the
problem's quantities, a transpose, a term of the problem added or left out, agreement with the
reference computed with one quantity of the problem changed), never from the formula's text.

Inputs: `got` and `due`, one 2-D array per draw; `named` (per draw: the problem's scalars and
terms, questions.Draw.named) and `variants` (per draw: variant name → the reference's value with
one quantity changed, e.g. "no_mask"). Output: None when they agree, else the (en, ru) difference.
"""
from __future__ import annotations

import numpy as np

from autograder import messages

RTOL, ATOL = 1e-6, 1e-9
LETTERS = {5: "N", 4: "D", 3: "H", 6: "C", 1: "1"}


def _flat_if_vectors(a: np.ndarray, b: np.ndarray):
    """A bias gradient written as a row or a column is the same vector."""
    if a.shape != b.shape and a.size == b.size and 1 in a.shape and 1 in b.shape:
        return a.reshape(b.shape), b
    return a, b


def agree(got, due) -> bool:
    for g, d in zip(got, due):
        g, d = _flat_if_vectors(g, d)
        if g.shape != d.shape or not np.all(np.isfinite(g)) or not np.allclose(g, d, rtol=RTOL, atol=ATOL):
            return False
    return True


def dims(shape, letters: bool) -> str:
    if letters:
        return "×".join(LETTERS.get(n, str(n)) for n in shape)
    return "×".join(str(n) for n in shape)


def _factor(got, due, named):
    """k with got = k·due on every draw (k may vary with the draw, as a named quantity does), or None."""
    ks = []
    for g, d in zip(got, due):
        denom = float(np.sum(d * d))
        if denom < 1e-18 or not np.all(np.isfinite(g)):
            return None
        k = float(np.sum(g * d)) / denom
        if not np.allclose(g, k * d, rtol=1e-6, atol=1e-9):
            return None
        ks.append(k)
    return ks


def _name_factor(ks, named):
    """The problem's quantity the factor is (or whose inverse it is), with its sign."""
    negative = ks[0] < 0
    if not all((k < 0) == negative for k in ks):
        return None
    for name in named[0]:
        values = [nd.get(name) for nd in named]
        if any(not isinstance(v, (int, float, np.floating)) or v in (0, 1) for v in values):
            continue
        if all(np.isclose(abs(k), v, rtol=1e-6) for k, v in zip(ks, values)):
            return messages.derivation_factor(name, True, negative)
        if all(np.isclose(abs(k), 1 / v, rtol=1e-6) for k, v in zip(ks, values)):
            return messages.derivation_factor(name, False, negative)
    scalars = [n for n in named[0] if all(isinstance(nd.get(n), (int, float, np.floating)) and nd.get(n) not in (0, 1)
                                          for nd in named)]
    for top in scalars:   # a 1/C where 1/N is due: the factor N/C, said as such, not as "0.8333"
        for bottom in scalars:
            if top != bottom and all(np.isclose(abs(k), nd[top] / nd[bottom], rtol=1e-6) for k, nd in zip(ks, named)):
                return messages.derivation_ratio(top, bottom, negative)
    return None


def _shown(k: float) -> bool:
    """Whether a factor reads as one: not one that prints as 1, −1 or 0 (×1.0001 is not "1 times")."""
    text = f"{k:.4g}"
    return float(text) not in (0.0, 1.0, -1.0) and 1e-4 <= abs(k) <= 1e6


def diagnose(got, due, named, variants, letters: bool = True):
    """None when `got` agrees with `due` on every draw, else what differs (en, ru)."""
    if agree(got, due):
        return None
    for variant in (variants[0] if variants else {}):
        if agree(got, [v[variant] for v in variants]):
            return messages.DERIVATION_VARIANTS[variant]
    g0, d0 = _flat_if_vectors(got[0], due[0])
    if g0.shape != d0.shape:
        if g0.T.shape == d0.shape and agree([g.T for g in got], due):
            return messages.derivation_transposed(dims(g0.shape, letters), dims(d0.shape, letters))
        return messages.derivation_shape(dims(g0.shape, letters), dims(d0.shape, letters))
    pairs = [_flat_if_vectors(g, d) for g, d in zip(got, due)]
    got, due = [p[0] for p in pairs], [p[1] for p in pairs]
    ks = _factor(got, due, named)
    if ks is not None:
        if all(np.isclose(k, -1.0) for k in ks):
            return messages.DERIVATION_SIGN
        said = _name_factor(ks, named)
        if said:
            return said
        if np.allclose(ks, ks[0], rtol=1e-6) and _shown(ks[0]):
            return messages.derivation_scale(ks[0])
    for name in named[0]:
        terms = [nd.get(name) for nd in named]
        if not all(isinstance(t, np.ndarray) and t.shape[0] == 1 and t.shape[1] == d.shape[1]
                   for t, d in zip(terms, due)):
            continue
        for sign in (1, -1):
            if all(np.allclose(g - d, sign * t, rtol=RTOL, atol=ATOL) for g, d, t in zip(got, due, terms)):
                return messages.derivation_offset(name, sign)
    return messages.DERIVATION_MISMATCH
