"""The diagnosis engine: given a check's inputs, the student's value and the reference's, find
the *relation* between them and name it in the problem's own terms (its words, en and ru, are
in autograder/messages.py).

Each relation is a small pure function returning an (en, ru) pair when it holds, else None;
`diagnose` tries them in order, the contract's properties first, and falls back to the first
entry that differs and what the contract promises there. Nothing here knows a particular
mistake: a factor is matched against the call's own quantities (N, D, H, C and their ratios,
the learning rate, 1 - beta, the bias corrections), an update is compared as a step, a moment
with the other values of the same call, a shape with the problem's dimensions.

The relations, in `diagnose`'s order:
- shape: a wrong length said as the dimension it equals ("(4,) is (N,)")
- dtype and non-finite values (where they start)
- probabilities (softmax, or the probabilities implied by dlogits): negative entries, rows that
  do not sum to 1 and what they sum to instead (the whole batch, the columns, the exponentials)
- relatives: the value equals another value of the same call (m where v was due, the gradient,
  the old state, a known wrong answer the check computed)
- steps (where the old value is known): no step, the step returned, the wrong direction, a step
  off by one of the call's quantities
- factors: got = s * expected with s a product or ratio of the call's quantities
- upstream: the first of the student's own intermediate values that is already wrong
- the fallback: the first entry that differs, yours and the expected, and what the contract says
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from autograder import messages

Pair = tuple[str, str]
FACTOR_RTOL = 1e-4  # got == s * expected to this precision: a factor, not a coincidence


@dataclass
class Context:
    """What a check knows about the call besides the two values.

    - dims: the problem's dimensions by name, {"N": 4, "D": 3, "H": 5, "C": 3}
    - quantities: [(symbol, value)] of the call's scalars besides dims ("learning_rate", 0.01),
      ("1 - beta1", 0.1), ("1 - beta1^t", 0.19), …; a factor is named only from these and dims
    - old: for an update, the value before the step (same shape): compared as steps
    - relatives: {label key of messages.RELATIVES or messages.KNOWN_MISTAKES: array or [arrays]},
      other values of the same call; a match names the relation
    - probabilities: "rows" where the value must be a row-stochastic (N, C) array (softmax);
      or (label, function of the value) for probabilities implied by it (N * dlogits + Y)
    - logits: the logits the probabilities came from, to recognise exp(logits) returned undivided
    - upstream: [(label Pair, student's array, reference's array)] of intermediate values in
      the order they are computed: the first that differs is where the error starts
    - usual: {hyperparameter: [values]} a step off by a factor may be behaving as (the checks'
      other learning rates, the default): "behaves as learning_rate=0.01"
    - hidden: for dW1, (X (N, D), dh (N, H): the gradient arriving at the ReLU's output, z1 (N, H)),
      the reference's values around the ReLU (the hidden check's): the student's dz1 is recovered
      from their dW1 where X has rank N
    - offsets: {name: vector} of terms added to every row (the biases b2, …): a difference
      that is the same in every row is a term that does not depend on the example
    - terms: ((symbol, array, due weight), …): the value is due as a weighted sum of these (a
      moment: beta1 * m + (1 - beta1) * g); the weights the student's value has are found
    - fn: the function whose output this is, to say "your sgd_update ignores learning_rate"
    - promise: key of messages.PROMISES, what the contract says this value is
    - what: (en, ru) appended to the name (" for N=4, D=3, H=5, C=3")
    """

    dims: dict = field(default_factory=dict)
    quantities: list = field(default_factory=list)
    old: np.ndarray | None = None
    relatives: dict = field(default_factory=dict)
    probabilities: object = None
    logits: np.ndarray | None = None
    upstream: list = field(default_factory=list)
    usual: dict = field(default_factory=dict)
    fn: str | None = None
    hidden: tuple | None = None
    offsets: dict = field(default_factory=dict)
    terms: tuple = ()
    promise: str | None = None
    what: Pair = ("", "")


def close(a, b, rtol: float, atol: float) -> bool:
    """a and b have the same shape and agree to (rtol, atol)."""
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=rtol, atol=atol))


# -- shapes ------------------------------------------------------------------------------------------
def dimension_names(shape: tuple, dims: dict) -> str | None:
    """shape said in the problem's dimensions, "(N, C)", where every length names one (the first
    that fits), else None. Inputs: a shape tuple, dims {"N": 4, …}."""
    names = []
    order = sorted(dims, key=lambda k: "NCHD".find(k) % 5)  # where two are equal, the output side's first
    for length in shape:
        found = next((k for k in order if dims[k] == length), None)
        if found is None:
            return None
        names.append(found)
    return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"


def shape_relation(name: str, got: tuple, expected: tuple, ctx: Context) -> Pair | None:
    """A wrong shape, said as the dimensions it has and should have. A 1-d result of the length
    of another dimension is a sum or mean over the wrong axis of a 2-d array; an extra axis of
    length 1 is keepdims=True."""
    if got == expected:
        return None
    if len(got) == 2 and got == expected[::-1] and got[0] != got[1]:
        return messages.transposed(name, got, expected, ctx.what)
    got_dims, due_dims = dimension_names(got, ctx.dims), dimension_names(expected, ctx.dims)
    if len(got) == len(expected) + 1 and 1 in got and tuple(x for x in got if x != 1) == expected:
        return messages.shape_keepdims(name, got, expected, ctx.what)
    if got_dims and due_dims and len(got) == len(expected) == 1:
        return messages.shape_wrong_axis(name, got, expected, got_dims[1:-2], due_dims[1:-2], ctx.what)
    if got_dims and due_dims:
        return messages.shape_in_dims(name, got, expected, got_dims, due_dims, ctx.what)
    return messages.wrong_shape(name, got, expected, ctx.what)


# -- dtype and values that are not numbers ---------------------------------------------------------
def dtype_relation(name: str, got: np.ndarray, expected: np.ndarray, ctx: Context) -> Pair | None:
    """An integer or boolean array where floats are due: everything after the point is lost."""
    if got.dtype.kind in "iub" and np.asarray(expected).dtype.kind == "f":
        return messages.integer_dtype(name, str(got.dtype), ctx.what)
    return None


def finite_relation(name: str, got: np.ndarray, ctx: Context) -> Pair | None:
    """NaN or inf, with how many and the first index where they are."""
    bad = ~np.isfinite(got)
    if not bad.any():
        return None
    first = [int(i) for i in np.argwhere(bad)[0]] if got.ndim else []
    return messages.not_finite_at(name, int(bad.sum()), first, ctx.what)


# -- probabilities ------------------------------------------------------------------------------------
def probability_relation(name: str, probs: np.ndarray, logits: np.ndarray | None, ctx: Context,
                         label: Pair | None = None) -> Pair | None:
    """The contract of a softmax: (N, C), every entry in [0, 1], every row summing to 1. When a
    row does not, say what sums to 1 instead (the whole array, each column) or what the rows
    are (exponentials never divided). Inputs: probs (N, C); logits (N, C) or None; `label`: how
    to call probs when they are implied by another value (the probabilities inside dlogits)."""
    if probs.ndim != 2 or not np.all(np.isfinite(probs)):
        return None
    called = label or (name, name)
    rows = probs.sum(axis=1)
    negative = np.argwhere(probs < -1e-12)
    if len(negative):
        i, j = (int(x) for x in negative[0])
        return messages.negative_probability(called, [i, j], float(probs[i, j]), ctx.what)
    wrong_rows = np.flatnonzero(np.abs(rows - 1) > 1e-6)
    if not len(wrong_rows):
        return column_shift_relation(called, probs, logits, ctx)
    row = int(wrong_rows[0])
    if abs(float(probs.sum()) - 1) < 1e-6:
        how = "batch"
    elif np.allclose(probs.sum(axis=0), 1, atol=1e-6):
        how = "columns"
    elif logits is not None and (np.allclose(probs, np.exp(logits), rtol=1e-6) or np.allclose(
            probs, np.exp(logits - logits.max(axis=1, keepdims=True)), rtol=1e-6)):
        how = "undivided"
    else:
        how = "other"
    return messages.rows_do_not_sum_to_one(called, row, float(rows[row]), how, ctx.what)


def column_shift_relation(called: Pair, probs: np.ndarray, logits: np.ndarray | None, ctx: Context) -> Pair | None:
    """Rows that sum to 1 but are the softmax of logits shifted by a different amount in each
    column (the max or mean over axis=0 subtracted): log probs - log softmax varies only along
    the columns. Inputs: probs, logits (N, C)."""
    if logits is None or probs.shape != logits.shape or np.any(probs <= 0):
        return None
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    gap = np.log(probs) - np.log(e / e.sum(axis=1, keepdims=True))
    gap -= gap[:, :1]  # a per-row constant is no error
    per_column = gap[0]
    if np.ptp(per_column) < 1e-6 or not np.allclose(gap, per_column, atol=1e-6):
        return None
    return messages.shifted_by_column(called, ctx.what)


# -- factors in the problem's own words ------------------------------------------------------------
def scale_of(got: np.ndarray, expected: np.ndarray) -> float | None:
    """s if got == s * expected for one scalar s (to FACTOR_RTOL), else None. Inputs: same shapes."""
    e, g = expected.astype(np.float64).ravel(), got.astype(np.float64).ravel()
    denom = float(e @ e)
    if denom == 0:
        return None
    s = float(g @ e) / denom
    return s if s != 0 and np.allclose(g, s * e, rtol=FACTOR_RTOL, atol=1e-12 * max(1.0, abs(s))) else None


def factor_formula(scale: float, ctx: Context) -> tuple[str, str, str] | None:
    """The simplest expression of the call's quantities equal to |scale| (to 0.1%): (kind, a, b)
    where kind is "times" (a), "over" (1/a), "ratio" (a/b), "product" (a·b) or "over_product"
    (1/(a·b)), a and b symbols of ctx.dims or
    ctx.quantities. A quantity equal to 1 explains nothing and is left out."""
    named = [(k, float(v)) for k, v in ctx.dims.items()] + [(k, float(v)) for k, v in ctx.quantities]
    named = [(k, v) for k, v in named if v > 0 and abs(v - 1) > 1e-9]
    s = abs(scale)

    def near(x):
        return abs(x - s) <= 1e-3 * s

    for k, v in named:
        if near(v):
            return "times", k, ""
        if near(1 / v):
            return "over", k, ""
    for (a, va), (b, vb) in itertools.permutations(named, 2):
        if near(va / vb):
            return "ratio", a, b
    for (a, va), (b, vb) in itertools.combinations_with_replacement(named, 2):
        if near(va * vb):
            return "product", a, b
        if near(1 / (va * vb)):
            return "over_product", a, b
    return None


def factor_relation(name: str, got: np.ndarray, expected: np.ndarray, ctx: Context, step: bool = False
                    ) -> Pair | None:
    """got = s * expected (or, for a step, got's step = s * the expected step) with s = −1 or a
    product/ratio of the call's quantities. A factor within 1% of 1 is precision, not a factor;
    a factor that matches nothing is not called one (the fallback says where values differ)."""
    scale = scale_of(got, expected)
    if scale is None or abs(abs(scale) - 1) < 0.01 and abs(scale + 1) >= 1e-3:
        return None
    if abs(scale + 1) < 1e-3:
        return messages.wrong_direction(name, ctx.what) if step else None  # wrong_sign stays compare()'s
    formula = factor_formula(scale, ctx)
    if formula is None:
        return None
    kind, a, b = formula
    values = {**ctx.dims, **dict(ctx.quantities)}
    return messages.factor_of(name, kind, a, values[a], b, values.get(b, 0), scale < 0, step, ctx.what)


# -- relatives: other values of the same call ---------------------------------------------------------
def relative_relation(name: str, got: np.ndarray, ctx: Context, rtol: float, atol: float) -> Pair | None:
    """got equals another value the call holds (the other moment, the gradient, the old state,
    a wrong answer the check computed): say which."""
    for key, candidates in ctx.relatives.items():
        for candidate in candidates if isinstance(candidates, (list, tuple)) else [candidates]:
            if candidate is not None and close(got, candidate, rtol, atol):
                return messages.relative(name, key, ctx.what)
    return None


# -- updates compared as steps ------------------------------------------------------------------------
def step_relation(name: str, got: np.ndarray, expected: np.ndarray, ctx: Context, rtol: float, atol: float
                  ) -> Pair | None:
    """An update (new parameters) in step coordinates: step = new - old against the expected step.
    No step (the old value returned), the step itself returned, the step with the wrong sign, a
    step off by one of the call's quantities (for the learning rate, the one it behaves as)."""
    old = np.asarray(ctx.old, np.float64)
    due = np.asarray(expected, np.float64) - old
    if not np.any(due):
        return None
    if close(got, old, rtol, atol):
        return messages.step_not_taken(name, ctx.what)
    if close(got, due, rtol, atol) or close(got, -due, rtol, atol):
        return messages.step_returned(name, bool(close(got, -due, rtol, atol)), ctx.what)
    step = np.asarray(got, np.float64) - old
    lr = dict(ctx.quantities).get("learning_rate")
    scale = scale_of(step, due)
    if lr and scale and scale > 0 and abs(scale - 1) > 0.01:
        used = scale * lr
        if any(abs(used - usual) <= 1e-6 * usual for usual in ctx.usual.get("learning_rate", ())):
            return messages.hyperparameter_ignored(ctx.fn or name, "learning_rate", round(used, 12), lr, ctx.what)
    return factor_relation(name, step, due, ctx, step=True)


# -- localization ---------------------------------------------------------------------------------
def weights_relation(name: str, got: np.ndarray, ctx: Context) -> Pair | None:
    """got is another weighted sum of the value's terms (beta1 * m + (1 - beta1) * g with other
    weights): fit the weights by least squares over the terms that are not zero; an exact fit
    with other weights names them against the due ones."""
    terms = [(s, np.asarray(a, np.float64).ravel(), w) for s, a, w in ctx.terms
             if np.shape(a) == got.shape and np.any(a)]
    if not terms:
        return None
    basis = np.stack([a for _, a, _ in terms], axis=1)
    weights, *_ = np.linalg.lstsq(basis, got.astype(np.float64).ravel(), rcond=None)
    if not np.allclose(basis @ weights, got.ravel(), rtol=1e-7, atol=1e-12) or np.allclose(
            weights, [w for *_, w in terms], rtol=1e-6):
        return None
    return messages.other_weights(name, [s for s, _, _ in terms], [float(x) for x in weights],
                                  [w for *_, w in terms], ctx.what)


def row_offset_relation(name: str, got: np.ndarray, expected: np.ndarray, ctx: Context) -> Pair | None:
    """got - expected is one row vector repeated for every example (N > 1): a term that does not
    depend on the example (a bias) is wrong; named where it is ±1 or ±2 times a known offset."""
    if got.ndim != 2 or got.shape[0] < 2:
        return None
    diff = got.astype(np.float64) - expected
    if not np.allclose(diff, diff[:1], rtol=1e-6, atol=1e-9):
        return None
    for term, vector in ctx.offsets.items():
        for times in (-1, 1, -2, 2):
            if np.shape(vector) == diff[0].shape and np.allclose(diff[0], times * np.asarray(vector), rtol=1e-6,
                                                                atol=1e-9):
                return messages.offset_by_term(name, term, times, ctx.what)
    return messages.offset_by_row(name, first_difference(got[0], expected[0]), ctx.what)


def mask_relation(name: str, got: np.ndarray, ctx: Context) -> Pair | None:
    """dW1 is linear in dz1 through X: where X (N, D) has rank N the student's dz1 follows from their dW1. Its
    ratio to dh (the gradient before the ReLU) is the mask they applied; a 0/1 mask that differs
    from (z1 > 0) is named at its first wrong entry with z1 there; another dz1 is where the error
    starts. Inputs: got (D, H); ctx.hidden = (X, dh, z1)."""
    x, dh, z1 = (np.asarray(a, np.float64) for a in ctx.hidden)
    if got.shape != (x.shape[1], dh.shape[1]) or x.shape[0] > x.shape[1] or np.linalg.matrix_rank(x) < x.shape[0]:
        return None
    dz1, *_ = np.linalg.lstsq(x.T, got.astype(np.float64), rcond=None)
    if not np.allclose(x.T @ dz1, got, rtol=1e-6, atol=1e-9):
        return None  # not X.T times anything: the product itself is wrong
    due = dh * (z1 > 0)
    if np.allclose(dz1, due, rtol=1e-6, atol=1e-9):
        return None
    live = np.abs(dh) > 1e-6 * max(1e-300, float(np.abs(dh).max()))
    ratio = np.where(live, dz1 / np.where(live, dh, 1), 0)
    mask = np.isclose(ratio, 1, atol=1e-5)
    if live.any() and np.all(mask | np.isclose(ratio, 0, atol=1e-5) | ~live):
        bad = np.argwhere(live & (mask != (z1 > 0)))
        if len(bad):
            i, j = (int(k) for k in bad[0])
            return messages.mask_wrong(name, [i, j], float(z1[i, j]), bool(mask[i, j]), ctx.what)
    return messages.wrong_upstream(name, messages.DZ1, first_difference(dz1, due), ctx.what)


def upstream_relation(name: str, ctx: Context, rtol: float, atol: float) -> Pair | None:
    """The first of the student's own intermediate values (in the order they are computed) that
    already differs from the reference's: the error starts there, not in `name`."""
    for label, got, expected in ctx.upstream:
        if not close(got, expected, rtol, atol):
            return messages.wrong_upstream(name, label, first_difference(np.asarray(got), np.asarray(expected)),
                                           ctx.what)
    return None


def first_difference(got: np.ndarray, expected: np.ndarray, rtol: float = 1e-6, atol: float = 1e-10) -> Pair:
    """(en, ru) evidence of the first entry (in C order) that differs: index, yours, expected."""
    if got.shape != expected.shape:
        return messages.shapes_differ(got.shape, expected.shape)
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    index = [int(i) for i in np.argwhere(bad)[0]] if bad.any() and got.ndim else []
    return messages.first_entry(index, float(got[tuple(index)]), float(expected[tuple(index)]))


# -- hyperparameters actually used ----------------------------------------------------------------
def hyperparameter_relation(fn: str, got: list, hyper: dict, candidates: dict, recompute, rtol: float,
                            atol: float, labels: tuple = (), what: Pair = ("", "")) -> Pair | None:
    """Which hyperparameter the student's function does not use as given: recompute the reference's
    outputs with one hyperparameter replaced by another value (its default, another
    hyperparameter's value) and see which reproduces the student's.

    Inputs: got, the student's outputs as a list of arrays; hyper {name: value of the call};
    candidates {name: [values to try]}; recompute(**hyper) -> the accepted forms, each a list of
    arrays like got; labels: the outputs' names, to say which one alone behaves so."""
    tried = [(key, value, other, recompute(**{**hyper, key: other})) for key, value in hyper.items()
             for other in candidates.get(key, []) if other != value]
    for key, value, other, forms in tried:
        if any(all(close(g, e, rtol, atol) for g, e in zip(got, outputs, strict=True)) for outputs in forms):
            return messages.hyperparameter_ignored(fn, key, other, value, what)
    # one output alone (a moment computed with a constant beta, the step with the right ones)
    right = recompute(**hyper)[0]
    for i, label in enumerate(labels):
        if close(got[i], right[i], rtol, atol):
            continue
        for key, value, other, forms in tried:
            if any(close(got[i], outputs[i], rtol, atol) for outputs in forms):
                inside = messages.in_output(label)
                return messages.hyperparameter_ignored(fn, key, other, value, (inside[0] + what[0], inside[1] + what[1]))
    return None


# -- the engine ------------------------------------------------------------------------------------
def diagnose(name: str, got: np.ndarray, expected: np.ndarray, ctx: Context, rtol: float, atol: float
             ) -> Pair | None:
    """None where got matches expected; else the first relation that holds, or the fallback.
    Inputs: got, the student's array (any numeric dtype); expected, the reference's; the
    check's tolerances."""
    got, expected = np.asarray(got), np.asarray(expected)
    found = shape_relation(name, got.shape, expected.shape, ctx) or finite_relation(name, got, ctx)
    if found:
        return found
    if close(got, expected, rtol, atol):
        return None
    found = upstream_relation(name, ctx, rtol, atol)
    if found:
        return found
    probs = probabilities_of(got, ctx)
    # The value's own contract first; probabilities it only implies (N * dlogits + Y) after the
    # factors, which break them too (dlogits not divided by N has negative implied ones).
    own, implied = (probs, None) if ctx.probabilities == "rows" else (None, probs)
    found = (dtype_relation(name, got, expected, ctx)
             or (own and probability_relation(name, own[1], ctx.logits, ctx, own[0]))
             or relative_relation(name, got, ctx, rtol, atol)
             or (ctx.old is not None and np.shape(ctx.old) == got.shape and step_relation(name, got, expected, ctx,
                                                                                          rtol, atol))
             or factor_relation(name, got, expected, ctx)
             or (ctx.hidden is not None and mask_relation(name, got, ctx))
             or row_offset_relation(name, got, expected, ctx)
             or weights_relation(name, got, ctx)
             or (implied and probability_relation(name, implied[1], ctx.logits, ctx, implied[0])))
    return found or None


def probabilities_of(got: np.ndarray, ctx: Context):
    """(label or None, probabilities) that must satisfy the softmax contract, or None."""
    if ctx.probabilities == "rows":
        return None, got.astype(np.float64)
    if isinstance(ctx.probabilities, tuple):
        label, derived = ctx.probabilities
        return label, np.asarray(derived(got) if callable(derived) else derived, np.float64)
    return None


def fallback(name: str, got: np.ndarray, expected: np.ndarray, ctx: Context, rtol: float, atol: float) -> Pair:
    """What still helps when no relation holds: the first entry that differs, yours and the
    expected, and what the contract says the value is."""
    shown = first_difference(np.asarray(got, np.float64), np.asarray(expected, np.float64), rtol, atol)
    return messages.differs(name, shown, messages.PROMISES.get(ctx.promise or promise_of(name)), ctx.what)


def promise_of(name: str) -> str | None:
    """The key of messages.PROMISES for a value named as the checks name it ("dW1", "m['b2']")."""
    if name.startswith(("m[", "v[")):
        return name[0]
    if name.startswith("softmax"):
        return "softmax"
    if name in ("W1", "b1", "W2", "b2"):
        return "sgd"
    return name if name in messages.PROMISES else None


# -- the quantities and relatives of an update call (what the update checks pass) ---------------------
def adam_quantities(lr: float, b1: float, b2: float, t: int) -> list:
    """[(symbol, value)] of an Adam call: a factor of its step or moments is named from these."""
    return [("learning_rate", lr), ("1 - beta1", 1 - b1), ("1 - beta2", 1 - b2), ("1 - beta1^t", 1 - b1**t),
            ("1 - beta2^t", 1 - b2**t), ("sqrt(1 - beta2^t)", float(np.sqrt(1 - b2**t)))]


def moment_terms(which: str, g, old, beta: float) -> tuple:
    """The terms of a moment with their due weights: (("m", m, beta1), ("g", g, 1 - beta1)) or v's with g**2."""
    return ((which, old, beta), ("g", g, 1 - beta)) if which == "m" else ((which, old, beta), ("g**2", g * g, 1 - beta))


def moment_relatives(which: str, g, m, v, new_m, new_v, b1: float, b2: float, t: int, params=None) -> dict:
    """The other values an Adam call holds that moment `which` ("m" or "v") may wrongly equal,
    {key of messages.RELATIVES / KNOWN_MISTAKES: array}. Inputs: arrays of one parameter's shape:
    the gradient, the old moments and the reference's new ones; the call's betas and step t;
    params: the parameters before and after the step (either may come back in a moment's place)."""
    shared = {"params_due": list(params or [])}
    if which == "m":  # the bias-corrected moment first: at t = 1 from zeros it is also the gradient
        return {**shared, "v_due": new_v, "moment_unchanged": m, "bias_corrected": new_m / (1 - b1**t), "gradient": g,
                "no_decay": (1 - b1) * g, "no_one_minus": b1 * m + g, "betas_swapped": b2 * m + (1 - b2) * g}
    return {**shared, "m_due": new_m, "moment_unchanged": v, "bias_corrected": new_v / (1 - b2**t),
            "gradient_squared": g * g,
            "no_decay": (1 - b2) * g * g, "no_one_minus": b2 * v + g * g, "g_not_squared": b2 * v + (1 - b2) * g,
            "betas_swapped": b1 * v + (1 - b1) * g * g}
