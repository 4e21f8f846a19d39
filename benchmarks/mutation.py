"""How sharp the checks are and how well their feedback names a cause, measured by mutation.

Every single-point mutant of the solution regions of solution/network.py (an `ast` mutator:
arithmetic and comparison operators, unary minus, numeric constants, axis and keepdims,
dictionary keys, variable names, dropped statements, swapped return values, dropped calls) is
1. classified as equivalent or not by running it against the reference on random float64
   inputs (every function, non-default hyperparameters, inputs checked unchanged);
2. graded through the local check's in-process path (the checks of every area but training,
   the live reference: they are the project's own code, not hostile);
3. counted as *named* when one of its failures uses the words a right diagnosis of its
   operator uses (CAUSE_WORDS), and none is only "does not match".

Prints the mutation score (non-equivalent mutants that lose points), the equivalent mutants
marked down (must be 0), and the share of killed mutants whose diagnosis names the cause;
`--list` prints every mutant with its first failure, `--misses` only those not named.

    PYTHONPATH=$PWD python benchmarks/mutation.py [--limit N] [--misses]

A benchmark run by hand (about 1 s a mutant on one core), not a test.
"""
from __future__ import annotations

import argparse
import ast
import copy
import importlib.util
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOLUTION = ROOT / "solution" / "network.py"
AREAS = ["forward", "gradients", "softmax_loss", "updates"]
KEYS = ("W1", "b1", "W2", "b2")

# The words a diagnosis that names the cause of a mutant of each operator uses (any one).
RELATIONS = ["times the right value", "times too", "wrong sign", "wrong way", "sum to 1", "negative", "shape",
             "transposed", "equals", "ignores", "step", "bias correction", "mask", "NaN", "precision",
             "unchanged", "error starts before", "ReLU", "activation", "biases", "probabilities", "softmax",
             "averaged", "epsilon", "in place", "raised", "tuple", "dict", "keys", "float32", "dtype"]
CAUSE_WORDS = {
    "binop": RELATIONS, "unary": ["wrong sign", "wrong way", "negative", "minus"] + RELATIONS,
    "compare": ["mask", "ReLU", "activation", "negative"] + RELATIONS,
    "constant": RELATIONS, "axis": ["axis", "shape", "sum to 1", "columns", "batch", "keepdims", "transposed"],
    "keepdims": ["shape", "axis", "keepdims", "raised"], "key": ["key", "dict", "raised", "equals"] + RELATIONS,
    "name": RELATIONS, "drop": RELATIONS, "swap": ["equals", "swapped", "tuple", "shape", "raised"] + RELATIONS,
    "call": RELATIONS,
}
NOT_A_CAUSE = ("differs from the reference", "does not match", "disagrees with the numerical gradient")


# -- the mutator ------------------------------------------------------------------------------------
def solution_lines(source: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of each BEGIN SOLUTION ... END SOLUTION region."""
    lines, regions, start = source.splitlines(), [], None
    for number, line in enumerate(lines, 1):
        if "### BEGIN SOLUTION" in line:
            start = number
        elif "### END SOLUTION" in line and start:
            regions.append((start, number))
    return regions


BINOPS = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult], ast.Pow: [ast.Mult],
          ast.MatMult: [ast.Mult]}
COMPARES = {ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt], ast.Lt: [ast.LtE], ast.LtE: [ast.Lt]}


def mutations(tree: ast.Module, regions) -> list[tuple[str, str, object]]:
    """(operator, description, apply) for every single-point mutation inside the regions;
    apply(tree) mutates a copy's node at the same place (found by walk order)."""
    inside = [node for node in ast.walk(tree) if hasattr(node, "lineno")
              and any(a < node.lineno < b for a, b in regions)]
    index = {id(node): i for i, node in enumerate(ast.walk(tree))}
    found = []

    def at(node, change):
        i = index[id(node)]
        return lambda t: change(list(ast.walk(t))[i])

    local_names = {}
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        names = sorted({a.arg for a in fn.args.args} | {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
                                                         and isinstance(n.ctx, ast.Store)})
        for node in ast.walk(fn):
            local_names[id(node)] = names
    for node in inside:
        where = f"line {node.lineno}: {ast.unparse(node)[:60]}"
        if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
            for op in BINOPS[type(node.op)]:
                found.append(("binop", f"{where} ({type(node.op).__name__} -> {op.__name__})",
                              at(node, lambda n, op=op: setattr(n, "op", op()))))
        elif isinstance(node, ast.AugAssign) and type(node.op) in BINOPS:
            for op in BINOPS[type(node.op)]:
                found.append(("binop", f"{where} ({type(node.op).__name__}= -> {op.__name__}=)",
                              at(node, lambda n, op=op: setattr(n, "op", op()))))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            found.append(("unary", f"{where} (drop the minus)", at(node, lambda n: setattr(n, "op", ast.UAdd()))))
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in COMPARES:
            for op in COMPARES[type(node.ops[0])]:
                found.append(("compare", f"{where} (-> {op.__name__})", at(node, lambda n, op=op: n.ops.__setitem__(0, op()))))
        elif isinstance(node, ast.keyword) and node.arg == "axis" and isinstance(node.value, ast.Constant):
            found.append(("axis", f"{where} (axis {node.value.value} -> {1 - node.value.value})",
                          at(node, lambda n: setattr(n.value, "value", 1 - n.value.value))))
        elif isinstance(node, ast.keyword) and node.arg == "keepdims":
            found.append(("keepdims", f"{where} (keepdims -> False)", at(node, lambda n: setattr(n.value, "value", False))))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in KEYS:
            other = KEYS[(KEYS.index(node.value) + 2) % 4]  # W1 <-> W2, b1 <-> b2
            found.append(("key", f"{where} ('{node.value}' -> '{other}')",
                          at(node, lambda n, o=other: setattr(n, "value", o))))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
            value = node.value
            for new in ({0: [1], 1: [0, 2]}.get(value, [value + 1 if isinstance(value, int) else value * 2])):
                found.append(("constant", f"{where} ({value} -> {new})", at(node, lambda n, v=new: setattr(n, "value", v))))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in ("np", "float", "range"):
            names = [n for n in local_names.get(id(node), []) if n != node.id]
            if names:
                other = names[sum(map(ord, node.id + str(node.lineno) + str(node.col_offset))) % len(names)]
                found.append(("name", f"{where} ({node.id} -> {other})", at(node, lambda n, o=other: setattr(n, "id", o))))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) > 1:
            found.append(("swap", f"{where} (swap the first two)", at(node, lambda n: n.value.elts.__setitem__(
                slice(0, 2), n.value.elts[1::-1]))))
            if len(node.value.elts) == 3:
                found.append(("swap", f"{where} (swap the last two)", at(node, lambda n: n.value.elts.__setitem__(
                    slice(1, 3), n.value.elts[:0:-1]))))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "sqrt", "exp", "log", "maximum") and node.args:
            found.append(("call", f"{where} (drop {node.func.attr})", at(node, lambda n: _replace(n, n.args[0]))))
        if isinstance(node, (ast.Assign, ast.AugAssign)) and not isinstance(node, ast.Return):
            found.append(("drop", f"{where} (statement dropped)", at(node, lambda n: _replace(n, ast.Pass()))))
    return found


def _replace(node, new):
    """Make `node` become `new` in place (its parent keeps pointing at it)."""
    node.__class__ = new.__class__
    node.__dict__.clear()
    node.__dict__.update(copy.deepcopy(new).__dict__)
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        setattr(node, attr, 1)


def load(source: str, folder: Path, name: str):
    path = folder / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("network", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- equivalence: the mutant against the reference on random inputs ----------------------------------
def outputs(net, seed: int) -> list:
    """Every function's outputs on one random problem (float64), inputs checked unchanged."""
    from autograder.grading.problems import problem

    rng = np.random.default_rng(seed)
    n, d, h, c = (int(x) for x in rng.integers(2, 7, 4))
    params, x, y = problem(n, d, h, c, seed)
    logits = rng.standard_normal((n, c)) * 3
    grads = {k: rng.standard_normal(p.shape) for k, p in params.items()}
    m = {k: rng.standard_normal(p.shape) * 0.1 for k, p in params.items()}
    v = {k: rng.random(p.shape) * 0.1 for k, p in params.items()}
    inputs = [params, x, y, logits, grads, m, v]
    before = copy.deepcopy(inputs)
    extreme = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -3.0]])  # the contract: no overflow
    got = [net.softmax(logits), net.softmax_cross_entropy(logits, y), net.softmax(extreme),
           net.softmax_cross_entropy(extreme, np.eye(3))]
    out, cache = net.forward(params, x)
    _, dlogits = net.softmax_cross_entropy(out, y)
    got += [out, net.backward(params, cache, dlogits), net.sgd_update(params, grads, 0.05),
            net.adam_update(params, grads, m, v, 3, 0.01, 0.8, 0.99, 1e-8), net.adam_update(params, grads, m, v, 1)]
    changed = not all(_same(a, b) for a, b in zip(inputs, before))
    return got + [changed]


def _same(a, b, rtol=1e-9) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(_same(a[k], b[k], rtol) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(_same(x, y, rtol) for x, y in zip(a, b))
    try:
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype.kind == b.dtype.kind and bool(
            np.allclose(a, b, rtol=rtol, atol=1e-12, equal_nan=True))
    except (TypeError, ValueError):
        return a == b


def equivalent(mutant, reference) -> bool:
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return all(_same(outputs(mutant, seed), outputs(reference, seed)) for seed in range(5))
    except Exception:  # noqa: BLE001 - a mutant that raises is not equivalent
        return False


# -- grading ------------------------------------------------------------------------------------------
def grade(module):
    from autograder.grading.plugin import run_checks
    from autograder.grading.reference import live_reference
    from autograder.local.student import LocalStudent

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = run_checks(LocalStudent(module), live_reference(), None, AREAS).results
    return sum(r.score for r in results), sum(r.max_score for r in results), [r for r in results if r.score < r.max_score]


def names_cause(operator: str, failed) -> bool:
    """A failure uses the words of the operator's cause, and is not only a bare mismatch."""
    words = CAUSE_WORDS[operator]
    return any(any(w in r.en for w in words) and not any(x in r.en for x in NOT_A_CAUSE) for r in failed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N mutants (to measure the time)")
    parser.add_argument("--list", action="store_true", help="every mutant and its first failure")
    parser.add_argument("--misses", action="store_true", help="the killed mutants whose cause is not named")
    args = parser.parse_args(argv)
    source = SOLUTION.read_text()
    tree = ast.parse(source)
    found = mutations(tree, solution_lines(source))
    if args.limit:
        found = found[:args.limit]
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="mutants-"))
    reference = load(source, folder, "reference")
    rows = []
    for number, (operator, description, apply) in enumerate(found):
        mutated = copy.deepcopy(tree)
        apply(mutated)
        try:
            module = load(ast.unparse(ast.fix_missing_locations(mutated)), folder, f"mutant{number}")
        except Exception as exc:  # noqa: BLE001 - a mutant that does not import loses every point
            rows.append((operator, description, False, 0.0, 1.0, [], f"import: {exc}"))
            continue
        same = equivalent(module, reference)
        score, full, failed = grade(module)
        rows.append((operator, description, same, score, full, failed, ""))
        if args.list or (args.misses and not same and failed and not names_cause(operator, failed)):
            first = failed[0].en[:240] if failed else "(full points)"
            print(f"[{operator}] {description}\n    {'EQUIVALENT ' if same else ''}{score:g}/{full:g}: {first}")
    elapsed = time.monotonic() - started
    live = [r for r in rows if not r[2]]
    killed = [r for r in live if r[3] < r[4]]
    marked_down = [r for r in rows if r[2] and r[3] < r[4]]
    named = [r for r in killed if r[6] or names_cause(r[0], r[5])]
    print(f"\n{len(rows)} mutants, {len(rows) - len(live)} equivalent, in {elapsed:.0f} s "
          f"({elapsed / max(1, len(rows)):.2f} s a mutant; {time.process_time():.0f} s of CPU)")
    print(f"mutation score: {len(killed)}/{len(live)} non-equivalent mutants lose points "
          f"({len(killed) / max(1, len(live)):.1%})")
    print(f"equivalent mutants marked down: {len(marked_down)}")
    for r in marked_down:
        print(f"    {r[1]}: {r[5][0].en[:200]}")
    print(f"diagnosis names the cause: {len(named)}/{len(killed)} killed mutants ({len(named) / max(1, len(killed)):.1%})")
    for operator in CAUSE_WORDS:
        ops = [r for r in killed if r[0] == operator]
        if ops:
            print(f"    {operator:9s} {sum(r in named for r in ops)}/{len(ops)}")
    survivors = [r for r in live if r[3] >= r[4]]
    for r in survivors:
        print(f"    SURVIVED: {r[1]}")
    return 0 if not survivors and not marked_down else 1


if __name__ == "__main__":
    sys.exit(main())
