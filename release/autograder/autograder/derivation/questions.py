"""The seven questions of solution/derivation-*.md as the checker sees them: each question's key
formulas, its declared notation drawn as random values of small distinct shapes, the reference's
value of every key formula on those values, and which written sides name a key formula.

Shapes: N=5, D=4, H=3, C=6 (distinct, so a wrong transpose is a shape error or a different value);
vectors are columns (b_1 ∈ R^H is (H, 1)); SGD's and Adam's parameters are (3, 4).
A question's `draw(rng)` returns a Draw: `values` (canonical name → array, see
evaluate.canonical), `origin` (name → the key formula it is the reference of), `named` (scalars
and matrices of the problem a difference can be said in: "N", "1-beta_1^t", "b_1", the ReLU mask).
`target(tree)` says whether a written side is a key formula's own symbol (Z_1, ∂L/∂W_2, p_{ic},
θ_t, m_t, ...): a Target with the reference it is compared with, the free indices of an index
form (p_{ic}: i over N, c over C) and the old values of an update (θ ← θ − η g: θ on the right).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .evaluate import LOSS, canonical

N, D, H, C = 5, 4, 3, 6
P_SHAPE = (3, 4)
KEY_FORMULAS: dict[int, tuple[str, ...]] = {
    1: ("Z1", "A", "Z2", "P"),
    2: ("softmax",),
    3: ("L",),
    4: ("dZ2",),
    5: ("dW2", "db2", "dA", "dZ1", "dW1", "db1"),
    6: ("sgd",),
    7: ("adam_m", "adam_v", "adam_mhat", "adam_vhat", "adam_step", "keras_step"),
}


@dataclass
class Draw:
    values: dict
    origin: dict
    named: dict = field(default_factory=dict)
    index_bases: dict = field(default_factory=dict)
    row: dict = field(default_factory=dict)   # the single-row reading of question 2 (z a row of logits)
    variants: dict = field(default_factory=dict)  # reference's name → {variant: the value with a quantity changed}


@dataclass(frozen=True)
class Target:
    """A side that names a key formula: compared with `refs` (key, reference's name), the first
    whose value agrees; `free` the index letters of an index form with their sizes' names;
    `old` the names that, on the right of an update, are the value before the step."""
    refs: tuple[tuple[str, str], ...]
    free: tuple[tuple[str, str], ...] = ()
    old: tuple[tuple[str, str], ...] = ()
    row: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.refs)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _network(rng) -> dict:
    """The forward and backward pass of the reference network on random inputs."""
    while True:
        X = rng.normal(size=(N, D))
        W1, b1 = rng.normal(size=(D, H)), rng.normal(size=(H, 1))
        Z1 = X @ W1 + b1.T
        mask = (Z1 > 0).astype(float)
        if 0.2 < mask.mean() < 0.8:
            break
    W2, b2 = rng.normal(size=(H, C)), rng.normal(size=(C, 1))
    A = np.maximum(Z1, 0)
    Z = A @ W2 + b2.T
    P = _softmax(Z)
    Y = np.eye(C)[rng.integers(0, C, size=N)]
    L = -np.sum(Y * np.log(P)) / N
    G = (P - Y) / N
    dA = G @ W2.T
    dZ1 = dA * mask
    return dict(X=X, W_1=W1, b_1=b1, W_2=W2, b_2=b2, Z_1=Z1, A=A, Z=Z, P=P, Y=Y, L=L, G=G, mask=mask,
                dW_2=A.T @ G, db_2=G.T @ np.ones((N, 1)), dA=dA, dZ_1=dZ1, dW_1=X.T @ dZ1,
                db_1=dZ1.T @ np.ones((N, 1)))


def _s(x) -> np.ndarray:
    return np.array([[float(x)]])


DIMS = {"N": N, "D": D, "H": H, "C": C}
INDEX_BASES = {"p": "P", "phat": "P", "yhat": "P", "Yhat": "P", "y": "Y", "z": "Z", "x": "X", "a": "A",
               "g": "G", "P": "P", "Y": "Y", "Z": "Z", "G": "G", "X": "X", "A": "A", "S": "P"}
# Names a student may write for a key formula's own symbol, by question (a bare name on a side).
NAME_TARGETS = {
    1: {"Z_1": "Z1", "A": "A", "A_1": "A", "H": "A", "H_1": "A", "h": "A", "h_1": "A",
        "Z": "Z2", "Z_2": "Z2", "O": "Z2", "P": "P", "Yhat": "P", "S": "P", "Phat": "P", "A_2": "P"},
    3: {"L": "L", "J": "L", "Lhat": "L"},
    4: {"G": "dZ2", "G_2": "dZ2"},
}
REF_NAMES = {"Z1": "Z_1", "A": "A", "Z2": "Z", "P": "P", "L": "L", "dZ2": "G", "dW2": "dW_2", "db2": "db_2",
             "dA": "dA", "dZ1": "dZ_1", "dW1": "dW_1", "db1": "db_1"}
# ∂L/∂(name) → key, by question.
GRAD_TARGETS = {4: {"Z": "dZ2", "Z_2": "dZ2"},
                5: {"W_2": "dW2", "b_2": "db2", "A": "dA", "A_1": "dA", "H": "dA", "Z_1": "dZ1", "W_1": "dW1",
                    "b_1": "db1"}}
SGD_PARAMS = ("theta", "W_1", "b_1", "W_2", "b_2", "W", "b", "w", "thetahat")


def draw(question: int, rng) -> Draw:
    """The question's values on one random draw (see the module's docstring)."""
    values = {k: _s(v) for k, v in DIMS.items()}
    origin: dict = {}
    named = {"N": N, "C": C, "H": H, "D": D}
    if question <= 5:
        net = _network(rng)
        for k, v in net.items():
            values[k] = v if isinstance(v, np.ndarray) else _s(v)
        values["Z_2"] = values["Z"]
        values["A_1"] = values["A"]
        values["dZ"] = values["dZ_2"] = values["G"]
        values["Yhat"] = values["S"] = values["P"]
        values["dA/dZ_1"] = values["mask"]
        del values["mask"]
        if question == 1:
            for name, key in NAME_TARGETS[1].items():
                if name in values:
                    origin[name] = key
            origin.update({"Yhat": "P", "S": "P"})
        if question == 2:
            origin["P"] = "softmax"
            origin["softmax"] = "softmax"
        if question == 3:
            origin["L"] = "L"
        if question == 4:
            for name in ("G", "dZ", "dZ_2"):
                origin[name] = "dZ2"
        if question == 5:
            for key in KEY_FORMULAS[5]:
                origin[REF_NAMES[key]] = key
        named.update({"b_1": values["b_1"].T, "b_2": values["b_2"].T, "mask": net["mask"]})
        row = {"z": net["Z"][0:1], "p": net["P"][0:1], "y": net["Y"][0:1], "yhat": net["P"][0:1],
               "s": net["P"][0:1]}
        M, dA, X = net["mask"], net["dA"], net["X"]
        ones = np.ones((N, 1))
        variants = {"dZ_1": {"no_mask": dA, "inverted_mask": dA * (1 - M)},
                    "dW_1": {"no_mask": X.T @ dA, "inverted_mask": X.T @ (dA * (1 - M))},
                    "db_1": {"no_mask": dA.T @ ones, "inverted_mask": (dA * (1 - M)).T @ ones}}
        return Draw(values, origin, named, dict(INDEX_BASES), row, variants)
    if question == 6:
        eta = rng.uniform(0.1, 0.6)
        values["eta"] = values["alpha"] = values["lambda"] = values["mu"] = _s(eta)
        origin_keys = {}
        for p in SGD_PARAMS:
            old, grad = rng.normal(size=P_SHAPE), rng.normal(size=P_SHAPE)
            for suffix in ("", "_t", "_t-1", "_k"):
                values[p + suffix] = old
                values["d" + p + suffix] = grad
            values["sgd:" + p] = old - eta * grad
            origin_keys["sgd:" + p] = "sgd"
        values["g"] = values["g_t"] = values["dtheta"]
        values["gradL"] = values["dtheta"]
        origin.update(origin_keys)
        named.update({"eta": eta})
        variants = {"sgd:" + p: {"ascent": 2 * values[p] - values["sgd:" + p]} for p in SGD_PARAMS}
        return Draw(values, origin, named, variants=variants)
    # question 7: one Adam step at step t
    t = int(rng.choice([2, 3, 5]))
    a, b1, b2, eps = rng.uniform(0.1, 0.5), rng.uniform(0.6, 0.9), rng.uniform(0.75, 0.95), rng.uniform(0.05, 0.3)
    theta, m0, v0, g = (rng.normal(size=P_SHAPE), rng.normal(size=P_SHAPE), rng.uniform(0.1, 1.0, size=P_SHAPE),
                        rng.normal(size=P_SHAPE))
    m = b1 * m0 + (1 - b1) * g
    v = b2 * v0 + (1 - b2) * g * g
    mhat, vhat = m / (1 - b1 ** t), v / (1 - b2 ** t)
    adam = theta - a * mhat / (np.sqrt(vhat) + eps)
    a_t = a * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    keras = theta - a_t * m / (np.sqrt(v) + eps)
    values.update({"t": _s(t), "alpha": _s(a), "eta": _s(a), "beta_1": _s(b1), "beta_2": _s(b2), "epsilon": _s(eps),
                   "theta_t-1": theta, "theta": theta, "m_t-1": m0, "v_t-1": v0, "g_t": g, "g": g,
                   "dtheta": g, "dtheta_t": g, "dtheta_t-1": g,
                   "m_t": m, "m": m, "v_t": v, "v": v, "mhat_t": mhat, "mhat": mhat, "vhat_t": vhat, "vhat": vhat,
                   "adam:theta": adam, "keras:theta": keras})
    origin.update({"m_t": "adam_m", "m": "adam_m", "v_t": "adam_v", "v": "adam_v", "mhat_t": "adam_mhat",
                   "mhat": "adam_mhat", "vhat_t": "adam_vhat", "vhat": "adam_vhat", "adam:theta": "adam_step",
                   "keras:theta": "keras_step"})
    named.update({"alpha": a, "beta_1": b1, "beta_2": b2, "1-beta_1": 1 - b1, "1-beta_2": 1 - b2,
                  "1-beta_1^t": 1 - b1 ** t, "1-beta_2^t": 1 - b2 ** t, "sqrt(1-beta_2^t)": np.sqrt(1 - b2 ** t),
                  "epsilon": eps, "alpha_t/alpha": np.sqrt(1 - b2 ** t) / (1 - b1 ** t)})
    raw = theta - a * m / (np.sqrt(v) + eps)
    variants = {"adam:theta": {"no_bias_correction": raw}, "keras:theta": {"uncorrected_rate": raw}}
    return Draw(values, origin, named, variants=variants)


def _index_letters(sub: str):
    parts = sub.split(",") if "," in sub else list(sub)
    return parts if parts and all(len(p) == 1 and p.isalpha() and p not in "tT" for p in parts) else None


def _loss(node) -> bool:
    return node[0] == "name" and (canonical(node) in LOSS or (node[1] in LOSS and not node[2]))


UPDATE = {6: {p: "sgd" for p in SGD_PARAMS if p != "thetahat"},
          7: {"m": "adam_m", "v": "adam_v", "mhat": "adam_mhat", "vhat": "adam_vhat", "theta": "step"}}
ADAM_REFS = {"adam_m": "m_t", "adam_v": "v_t", "adam_mhat": "mhat_t", "adam_vhat": "vhat_t"}


def _update_target(question: int, node) -> Target | None:
    """θ, θ_t, θ_{t+1}, W_1, m_t, \\hat v_t ... on the left of an update."""
    _, base, sub, deco = node
    name = base + deco
    if question == 6 and sub and sub[0].isdigit():   # W_1, W_{1,t}: the layer first, then the step
        layer, _, sub = sub.partition(",")
        name = f"{name}_{layer}"
    if name not in UPDATE[question]:
        return None
    key = UPDATE[question][name]
    if sub in ("", "new", "k+1", "t+1") or (sub == "t" and question == 7) or (sub == "t" and question == 6):
        if question == 6:
            before = {"": name, "new": name, "k+1": name + "_k", "t+1": name + "_t", "t": name + "_t-1"}[sub]
            return Target((("sgd", "sgd:" + name),), old=((before, name),) if before != name else ())
        if sub in ("t+1", "new", "k+1"):
            return None   # Adam's step written one index ahead: not read
        if key == "step":
            return Target((("adam_step", "adam:theta"), ("keras_step", "keras:theta")),
                          old=(("theta", "theta_t-1"),) if not sub else ())
        old = ((name, name[:1] + "_t-1"),) if not sub and name in ("m", "v") else ()
        return Target(((key, ADAM_REFS[key]),), old=old)
    return None


REF_DIMS = {"Z1": ("N", "H"), "A": ("N", "H"), "Z2": ("N", "C"), "P": ("N", "C")}


def _index_target(key: str, sub: str) -> Target | None:
    letters = _index_letters(sub)
    if not letters or len(letters) != 2 or key not in REF_DIMS:
        return None
    return Target(((key, REF_NAMES[key]),), free=tuple(zip(letters, REF_DIMS[key])))


def target(question: int, tree, rowable: bool = True) -> Target | None:
    """The Target a written side is, or None (see the module's docstring)."""
    kind = tree[0]
    if question in (6, 7) and kind == "name":
        return _update_target(question, tree)
    if question in (6, 7):
        return None
    if kind == "at" and tree[1][0] == "name" and canonical(tree[1]) in NAME_TARGETS.get(question, {}):
        # (Z_1)_{ij}: a matrix's entries written one by one
        k = NAME_TARGETS[question][canonical(tree[1])]
        return _index_target(k, tree[2])
    if kind == "name":
        key = canonical(tree)
        if key in NAME_TARGETS.get(question, {}):
            k = NAME_TARGETS[question][key]
            return Target(((k, REF_NAMES[k]),))
        _, base, sub, deco = tree
        if question == 1 and sub and base + deco in ("Yhat", "P", "S", "A", "H", "Z"):
            k = NAME_TARGETS[1][base + deco]
            if not (base == "Z" and sub.isdigit()):
                return _index_target(k, sub)
        letters = _index_letters(sub) if sub else None
        if question == 2 and letters and base + deco in ("p", "yhat", "phat", "s", "P", "S", "Yhat", "sigma"):
            if len(letters) == 2:
                return Target((("softmax", "P"),), free=((letters[0], "N"), (letters[1], "C")))
            if len(letters) == 1:
                return Target((("softmax", "p"),), free=((letters[0], "C"),), row=True)
        if question == 2 and not sub and base + deco in ("P", "S", "Yhat", "Phat"):
            return Target((("softmax", "P"),))
        if question == 2 and not sub and base + deco in ("p", "yhat", "s"):
            return Target((("softmax", "p"),), row=True)
        return None
    if kind == "deriv" and _loss(tree[1]) and tree[2][0] == "name":
        wrt = tree[2]
        key = canonical(wrt)
        grads = GRAD_TARGETS.get(question, {})
        if key in grads:
            k = grads[key]
            return Target(((k, REF_NAMES[k]),))
        _, base, sub, deco = wrt
        letters = _index_letters(sub) if sub else None
        if question == 4 and letters and len(letters) == 2 and base + deco in ("z", "Z"):
            return Target((("dZ2", "G"),), free=((letters[0], "N"), (letters[1], "C")))
        return None
    if question == 2:
        # softmax(z)_c, σ(z)_j, softmax(z_i)_c, softmax(z), softmax(Z)
        node, outer = (tree[1], tree[2]) if kind == "at" else (tree, "")
        if kind == "mul" and tree[1][0] == "name" and tree[1][1] == "sigma" and tree[2][0] == "at":
            node, outer = ("mul", tree[1], tree[2][1]), tree[2][2]   # σ(z)_c: the subscript is the call's
        call = None
        if node[0] == "fn" and node[1] == "softmax" and len(node[2]) == 1:
            call = node[2][0]
        elif node[0] == "mul" and node[1][0] == "name" and node[1][1] == "sigma" and not node[1][2]:
            call = node[2]
        if call is None or call[0] != "name" or call[1] not in ("z", "Z", "x", "a", "s", "o") or call[3]:
            return None
        inner = _index_letters(call[2]) if call[2] else []
        out = _index_letters(outer) if outer else []
        if inner is None or out is None:
            return None
        if call[1] == "Z" and not inner and not out:
            return Target((("softmax", "P"),))
        if inner and len(inner) == 1 and len(out) == 1:
            return Target((("softmax", "P"),), free=((inner[0], "N"), (out[0], "C")))
        if not inner and len(out) == 1:
            return Target((("softmax", "p"),), free=((out[0], "C"),), row=True)
        if not inner and not out:
            return Target((("softmax", "p"),), row=True)
        return None
    return None
