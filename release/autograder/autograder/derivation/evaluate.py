"""A formula's tree (latex.py) evaluated on numpy values.

Inputs: a tree and a Context (the question's values by canonical name, the student's own
definitions, the index letters bound). Output: a 2-D float array — matrices as they are,
vectors as columns (n, 1), scalars as (1, 1), a row of a matrix as (1, m).

Semantics: juxtaposition, \\cdot and \\times are the matrix product (a scalar's product when
one side is a scalar); ⊙ and ∘ the elementwise product; `*` elementwise for equal shapes, else
the matrix product; powers, exp, log, sqrt, ReLU, ReLU', max(0, ·) and the indicator 1[...]
elementwise; softmax row by row; a column vector added to a matrix whose rows it fits is added
to every row (numpy's broadcasting of `X @ W1 + b1`). A product whose shapes do not agree is a
ShapeError (the formula is wrong); a name that resolves to nothing is Unreadable (never guessed).
Evaluation is bounded by a step budget, so a formula of nested sums cannot run long.
"""
from __future__ import annotations

import numpy as np

from .latex import Unreadable

MAX_STEPS = 40_000            # one formula on one draw
MAX_ANSWER_STEPS = 300_000    # everything evaluated for one answer (shared by its contexts)
LOSS = {"L", "J", "E", "ell", "Lhat", "l", "C_E"}  # what ∂·/∂W of the loss is written with


class ShapeError(Exception):
    """Shapes that do not agree: (what, shape_a, shape_b)."""


class Ones:
    """1 without a written length: a column (or, transposed, a row) as long as its product needs."""
    def __init__(self, row: bool = False):
        self.row = row


def scalar(x: float) -> np.ndarray:
    return np.array([[float(x)]])


def is_scalar(a) -> bool:
    return isinstance(a, np.ndarray) and a.shape == (1, 1)


def canonical(node) -> str:
    """("name", "m", "t", "hat") → "mhat_t"; the key every value is stored under."""
    _, base, sub, deco = node
    return base + deco + (f"_{sub}" if sub else "")


class Context:
    """What a formula is evaluated in.

    values:      canonical name → array (the declared notation, the reference's quantities, gradients
                 under "d" + name, e.g. "dW_1"; Jacobians as "dA/dZ_1")
    origin:      canonical name → the key formula it is the reference value of (a formula for a key
                 may not use the key itself: that would check nothing)
    index_bases: letter (with decoration) → the canonical name of the matrix its entries are (p → P)
    definitions: the student's own names → the tree that defines them (evaluated when first used)
    """

    def __init__(self, values, origin=None, index_bases=None, definitions=None, heaviside=False):
        self.values = dict(values)
        self.origin = dict(origin or {})
        self.index_bases = dict(index_bases or {})
        self.definitions = dict(definitions or {})
        self.heaviside = heaviside
        self.indices: dict[str, int] = {}
        self.indexed: dict[str, tuple] = {}   # a name defined entry by entry: ℓ_i = ... → ("i",), tree
        self.forbid: set[str] = set()
        self.elementwise = False       # question 6 and 7: products of parameters' arrays are elementwise
        self.own = None                # key → the student's own value of it (or None), see lookup
        self.used_own: set[str] = set()
        self.steps = 0
        self.shared = [0]   # the answer's budget, shared with every context made for the same answer
        self._evaluating: set[str] = set()
        self._cache: dict[str, np.ndarray] = {}

    def tick(self, n: int = 1):
        self.steps += n
        self.shared[0] += n
        if self.steps > MAX_STEPS or self.shared[0] > MAX_ANSWER_STEPS:
            raise Unreadable("too much to evaluate")

    # -- names --------------------------------------------------------------------------------
    def lookup(self, key: str):
        """The value of a canonical name, or None. A name of a key formula the student wrote a
        formula for is that formula's value (`own`), so that a wrong step shows downstream too."""
        if key in self.values:
            k = self.origin.get(key)
            if k in self.forbid:
                raise Unreadable(f"uses {key}, the quantity it is a formula for")
            if k is not None and self.own is not None:
                value = self.own(k, self.forbid)
                if isinstance(value, Exception):
                    raise value
                if value is not None:
                    self.used_own.add(k)
                    return value
            return self.values[key]
        if key in self.definitions:
            if key in self._cache:
                return self._cache[key]
            if key in self._evaluating:
                raise Unreadable(f"{key} is defined by itself")
            self._evaluating.add(key)
            saved = self.indices
            self.indices = {}
            try:
                value = evaluate(self.definitions[key], self)
            finally:
                self._evaluating.discard(key)
                self.indices = saved
            self._cache[key] = value
            return value
        return None

    def matrix_of(self, base: str):
        """The matrix whose entries a letter names (p_{ic} → P), or None."""
        name = self.index_bases.get(base, base)
        value = self.lookup(name)
        return value if isinstance(value, np.ndarray) and value.size > 1 else None

    def index_parts(self, sub: str):
        """A subscript read as indices: "ic" → ["i", "c"], "i,:" → ["i", ":"]; None if not indices."""
        parts = sub.split(",") if "," in sub else list(sub)
        if not parts or not all(p == ":" or (len(p) == 1 and p.isalpha() and p in self.indices) for p in parts):
            return None
        return parts


def _entry(value: np.ndarray, parts, ctx: Context):
    """value[i, c] for bound index letters; one index of a matrix is its row, of a vector its entry."""
    idx = []
    for p in parts:
        idx.append(slice(None) if p == ":" else ctx.indices[p])
    try:
        if len(idx) == 1:
            if value.shape[1] == 1:
                return value[idx[0]:idx[0] + 1, :] if not isinstance(idx[0], slice) else value
            if value.shape[0] == 1:
                return value[:, idx[0]:idx[0] + 1] if not isinstance(idx[0], slice) else value
            out = value[idx[0]]
            return out.reshape(1, -1) if out.ndim == 1 else out
        if len(idx) == 2:
            out = value[idx[0], idx[1]]
            out = np.asarray(out, dtype=float)
            if out.ndim == 0:
                return out.reshape(1, 1)
            return out.reshape(1, -1) if isinstance(idx[0], (int, np.integer)) else out.reshape(-1, 1)
    except IndexError as e:
        raise ShapeError(("an index past its range", value.shape, tuple(idx))) from e
    raise Unreadable("three indices")


def _name(node, ctx: Context):
    key = canonical(node)
    value = ctx.lookup(key)
    if value is not None:
        return value
    _, base, sub, deco = node
    if base == "delta" and sub and not deco:
        parts = ctx.index_parts(sub)
        if parts and len(parts) == 2 and ":" not in parts:
            return scalar(ctx.indices[parts[0]] == ctx.indices[parts[1]])
    if sub:
        parts = ctx.index_parts(sub)
        if parts and base + deco in ctx.indexed and len(parts) == len(ctx.indexed[base + deco][0]):
            params, tree = ctx.indexed[base + deco]
            if ":" in parts:
                raise Unreadable(f"{key}")
            saved = ctx.indices
            ctx.indices = {p: saved[q] for p, q in zip(params, parts)}
            if len(ctx._evaluating) > 20 or key in ctx._evaluating:
                raise Unreadable(f"{key} is defined by itself")
            ctx._evaluating.add(key)
            try:
                return evaluate(tree, ctx)
            finally:
                ctx._evaluating.discard(key)
                ctx.indices = saved
        if parts:
            matrix = ctx.matrix_of(base + deco)
            if matrix is not None:
                return _entry(matrix, parts, ctx)
    raise Unreadable(f"{key} is not defined")


def _deriv(node, ctx: Context):
    _, of, wrt = node
    if of[0] != "name" or wrt[0] != "name":
        raise Unreadable("a derivative of an expression")
    of_key, wrt_key = canonical(of), canonical(wrt)
    if of_key in LOSS or of[1] in LOSS and not of[2]:
        value = ctx.lookup("d" + wrt_key)
        if value is not None:
            return value
        _, base, sub, deco = wrt
        parts = ctx.index_parts(sub) if sub else None
        if parts:
            matrix = ctx.lookup("d" + ctx.index_bases.get(base + deco, base + deco))
            if matrix is not None:
                return _entry(matrix, parts, ctx)
        raise Unreadable(f"the gradient with respect to {wrt_key}")
    value = ctx.lookup(f"d{of_key}/d{wrt_key}")
    if value is not None:
        return value
    raise Unreadable(f"∂{of_key}/∂{wrt_key}")


def _add(a, b, sign: float):
    a, b = _materialize(a), _materialize(b)
    if a.shape == b.shape or is_scalar(a) or is_scalar(b):
        return a + sign * b
    if a.shape[0] == 1 and a.shape[1] == b.shape[1] or b.shape[0] == 1 and b.shape[1] == a.shape[1]:
        return a + sign * b
    # a bias written as a column vector added to every row: X W_1 + b_1
    if b.shape[1] == 1 and b.shape[0] == a.shape[1] and a.shape[0] != a.shape[1]:
        return a + sign * b.T
    if a.shape[1] == 1 and a.shape[0] == b.shape[1] and b.shape[0] != b.shape[1]:
        return a.T + sign * b
    if a.size == b.size and 1 in a.shape and 1 in b.shape:
        return a.reshape(b.shape) + sign * b
    raise ShapeError(("a sum", a.shape, b.shape))


def _materialize(a):
    if isinstance(a, Ones):
        raise Unreadable("a vector of ones without its length")
    return a


def _product(a, b, elementwise: bool = False):
    """The product of juxtaposition; `elementwise` where the question's algebra is elementwise
    (an optimizer's step acts entry by entry on a parameter's array)."""
    if isinstance(a, Ones) and isinstance(b, Ones):
        raise Unreadable("ones times ones")
    if isinstance(a, Ones):
        if a.row:
            return np.ones((1, b.shape[0])) @ b
        if b.shape[0] == 1:   # 1 b^T: every row b^T (the sum it is in gives the rows)
            return b
        raise Unreadable("a column of ones times a matrix")
    if isinstance(b, Ones):
        if not b.row:
            return a @ np.ones((a.shape[1], 1))
        raise Unreadable("a row of ones on the right")
    if is_scalar(a) or is_scalar(b):
        return a * b
    if elementwise and a.shape == b.shape:
        return a * b
    if a.shape[1] == b.shape[0]:
        return a @ b
    raise ShapeError(("a product", a.shape, b.shape))


def _elementwise(a, b, what: str):
    a, b = _materialize(a), _materialize(b)
    if a.shape == b.shape or is_scalar(a) or is_scalar(b):
        return a, b
    if a.size == b.size and 1 in a.shape and 1 in b.shape:
        return a.reshape(b.shape), b
    raise ShapeError((what, a.shape, b.shape))


def _softmax(z: np.ndarray) -> np.ndarray:
    if z.shape[1] == 1 and z.shape[0] > 1:
        return _softmax(z.T).T
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _fn(node, ctx: Context):
    _, name, args = node
    if name in ctx.forbid:
        raise Unreadable(f"uses {name}, the quantity it is a formula for")
    values = [_materialize(evaluate(a, ctx)) for a in args]
    if name == "H?":
        if ctx.heaviside:
            return (values[0] > 0).astype(float)
        h = ctx.lookup("H")
        if h is None:
            raise Unreadable("H(...)")
        return _product(h, values[0])
    if name == "max":
        if len(values) != 2:
            raise Unreadable("max of one argument")
        a, b = _elementwise(values[0], values[1], "max")
        return np.maximum(a, b)
    if len(values) != 1:
        raise Unreadable(f"{name} of several arguments")
    x = values[0]
    with np.errstate(all="ignore"):
        if name == "exp":
            return np.exp(x)
        if name == "log":
            return np.log(x)
        if name == "sqrt":
            return np.sqrt(x)
    if name == "sign":
        return np.sign(x)
    if name == "abs":
        return np.abs(x)
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "drelu" or name == "heaviside":
        return (x > 0).astype(float)
    if name == "softmax":
        return _softmax(x)
    if name == "tr":
        if x.shape[0] != x.shape[1]:
            raise ShapeError(("a trace", x.shape, x.shape))
        return scalar(np.trace(x))
    raise Unreadable(name)


def _range(var: str, lo, hi, body, ctx: Context) -> range:
    """The values an index runs over (0-based), from its written bounds or from where it is used."""
    if hi is not None:
        top = evaluate(hi, ctx)
        bottom = evaluate(lo, ctx) if lo is not None else scalar(1)
        if not (is_scalar(top) and is_scalar(bottom)):
            raise Unreadable("a sum's bounds")
        start, stop = int(round(bottom[0, 0])), int(round(top[0, 0]))
        if stop - start > 10_000:
            raise Unreadable("a sum too long")
        return range(0, max(0, stop - start + 1))
    size = index_size(var, body, ctx)
    if size is None:
        raise Unreadable(f"where the index {var} runs")
    return range(size)


def index_size(var: str, node, ctx: Context):
    """How far the index `var` runs, from its first use as an index of a known matrix in `node`."""
    stack = [node]
    seen = 0
    while stack:
        n = stack.pop()
        seen += 1
        if seen > 5000 or not isinstance(n, tuple) or not n:
            continue
        if n[0] == "name" and n[2]:
            parts = n[2].split(",") if "," in n[2] else list(n[2])
            if var in parts:
                matrix = ctx.matrix_of(n[1] + n[3])
                if matrix is None and n[1] == "delta":
                    continue
                if matrix is not None:
                    return _axis_size(matrix, parts.index(var), len(parts))
        elif n[0] == "deriv" and n[2][0] == "name" and n[2][2]:
            parts = n[2][2].split(",") if "," in n[2][2] else list(n[2][2])
            if var in parts:
                matrix = ctx.matrix_of(n[2][1] + n[2][3])
                if matrix is not None:
                    return _axis_size(matrix, parts.index(var), len(parts))
        elif n[0] == "at" and isinstance(n[2], str):
            parts = n[2].split(",") if "," in n[2] else list(n[2])
            if var in parts:
                try:
                    matrix = ctx.lookup(canonical(n[1])) if n[1][0] == "name" else evaluate(n[1], ctx)
                except (Unreadable, ShapeError):
                    matrix = None
                if isinstance(matrix, np.ndarray):
                    return _axis_size(matrix, parts.index(var), len(parts))
        stack.extend(c for c in n[1:] if isinstance(c, tuple))
        for c in n[1:]:
            if isinstance(c, tuple) and c and isinstance(c[0], tuple):
                stack.extend(c)
    return None


def _axis_size(matrix: np.ndarray, axis: int, count: int) -> int:
    if count == 1:
        return matrix.shape[0] if matrix.shape[1] == 1 else (matrix.shape[1] if matrix.shape[0] == 1 else matrix.shape[0])
    return matrix.shape[axis]


def _reduce(node, ctx: Context):
    op, vars_, lo, hi, body = node
    if not vars_:
        if op != "sum":
            raise Unreadable("max without its index")
        value = _materialize(evaluate(body, ctx))
        return scalar(value.sum())
    var, rest = vars_[0], vars_[1:]
    shadowed = ctx.indices.get(var)   # Σ_i inside a formula free in i: the inner i, as written
    inner = (op, rest, None, None, body) if rest else None
    span = _range(var, lo if not rest else None, hi if not rest else None, body, ctx)
    total = None
    try:
        for k in span:
            ctx.tick(1)
            ctx.indices[var] = k
            value = _materialize(evaluate(inner if inner else body, ctx))
            if total is None:
                total = value
            elif op == "sum":
                total = _add(total, value, 1.0)
            else:
                a, b = _elementwise(total, value, "max")
                total = np.maximum(a, b)
    finally:
        ctx.indices.pop(var, None)
        if shadowed is not None:
            ctx.indices[var] = shadowed
    if total is None:
        raise Unreadable("an empty sum")
    return total


def _compare(node, ctx: Context):
    _, op, a, b = node
    x, y = _elementwise(evaluate(a, ctx), evaluate(b, ctx), "a comparison")
    result = {">": x > y, ">=": x >= y, "<": x < y, "<=": x <= y, "!=": x != y}.get(op)
    if result is None:
        raise Unreadable(op)
    return result.astype(float)


def evaluate(node, ctx: Context):
    """The tree's value (an array, or Ones); raises Unreadable or ShapeError."""
    ctx.tick()
    kind = node[0]
    if kind == "num":
        return scalar(node[1])
    if kind == "name":
        return _name(node, ctx)
    if kind == "ones":
        sub = node[1]
        if not sub:
            return Ones()
        n = ctx.lookup(sub)
        if n is None or not is_scalar(n):
            raise Unreadable(f"1_{sub}")
        return np.ones((int(n[0, 0]), 1))
    if kind in ("add", "sub"):
        return _add(evaluate(node[1], ctx), evaluate(node[2], ctx), 1.0 if kind == "add" else -1.0)
    if kind == "neg":
        return -_materialize(evaluate(node[1], ctx))
    if kind == "mul":
        if ctx.heaviside and node[1] == ("name", "H", "", "") and node[2][0] != "name":
            # H(Z_1), where the answer says H is the Heaviside step: the step of its argument
            return (_materialize(evaluate(node[2], ctx)) > 0).astype(float)
        return _product(evaluate(node[1], ctx), evaluate(node[2], ctx), ctx.elementwise)
    if kind == "star":
        a, b = evaluate(node[1], ctx), evaluate(node[2], ctx)
        if not isinstance(a, Ones) and not isinstance(b, Ones) and (a.shape == b.shape):
            return a * b
        return _product(a, b)
    if kind == "had":
        a, b = _elementwise(evaluate(node[1], ctx), evaluate(node[2], ctx), "an elementwise product")
        return a * b
    if kind == "div":
        a, b = _elementwise(evaluate(node[1], ctx), evaluate(node[2], ctx), "a division")
        with np.errstate(all="ignore"):
            return a / b
    if kind == "pow":
        base, exponent = _materialize(evaluate(node[1], ctx)), _materialize(evaluate(node[2], ctx))
        if not is_scalar(exponent):
            raise Unreadable("a power that is not a number")
        with np.errstate(all="ignore"):
            return np.power(base, exponent[0, 0])
    if kind == "T":
        a = evaluate(node[1], ctx)
        if isinstance(a, Ones):
            return Ones(not a.row)
        return a.T
    if kind == "fn":
        return _fn(node, ctx)
    if kind in ("sum", "max"):
        return _reduce(node, ctx)
    if kind == "ind":
        return _compare(node[1], ctx)
    if kind == "deriv":
        return _deriv(node, ctx)
    if kind == "at":
        inner = node[1]
        if inner[0] == "name":
            value = _name(inner, ctx)
        else:
            value = _materialize(evaluate(inner, ctx))
        parts = ctx.index_parts(node[2])
        if parts is None:
            raise Unreadable(f"the subscript {node[2]}")
        return _entry(value, parts, ctx)
    raise Unreadable(kind)
