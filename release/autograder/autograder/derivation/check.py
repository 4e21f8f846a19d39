"""check_answer(question, markdown) -> AnswerCheck: one written answer's key formulas read,
evaluated on random inputs of the declared shapes and compared with the reference's values.

Input: the question's number (1..7, as in solution/derivation-*.md) and the answer's text as the
student wrote it (Markdown with $...$, $$...$$, \\[...\\], \\begin{align} ...).
Output: an AnswerCheck (outcome.py): UNANSWERED for an empty answer or the stub's
"YOUR ANSWER HERE"; else one FormulaCheck per key formula (KEY_FORMULAS[question]), RIGHT, WRONG
(with what differs, in both languages), UNREADABLE (found, not read) or MISSING (not found).

How: every equation's sides are parsed (latex.py); a side that is a key formula's own symbol
(questions.target: Z_1, ∂L/∂W_2, p_{ic}, θ_t, ...) makes the other sides formulas for it; of
those, every one that reads is evaluated (evaluate.py) on three fixed random draws and compared
(compare.py). Names the student introduces are taken from the answer's own equations: a name
set equal to a key formula's symbol ("G = ∂L/∂Z = ...") stands for that quantity; a name set
equal to an expression ("δ = P − Y", "α_t = ...") stands for the expression. A formula that uses
a name defined nowhere is UNREADABLE, never guessed. Pure and deterministic (fixed seeds);
bounded in time and recursion on any input; never raises.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from . import questions
from .compare import diagnose
from .evaluate import Context, ShapeError, canonical, evaluate, scalar
from .formulas import MAX_ANSWER_CHARS, equations, mentions, unread_signs
from .latex import Unreadable, parse
from .visible import visible
from .outcome import CHECKED, MISSING, RIGHT, UNANSWERED, UNREADABLE, WRONG, AnswerCheck, FormulaCheck
from autograder import messages

KEY_FORMULAS = questions.KEY_FORMULAS
SEEDS = (2701, 2702, 2703)
STUB = re.compile(r"your\s+answer\s+here|ваш\s+ответ\s+здесь", re.I)
DIM_NAMES = ("N", "D", "H", "C")
MACROS = re.compile(r"\\(?:def|newcommand|renewcommand|providecommand|let|DeclareMathOperator|gdef|edef)(?![A-Za-z])")


@lru_cache(maxsize=None)
def _draws(question: int):
    return tuple(questions.draw(question, np.random.default_rng(seed)) for seed in SEEDS)


def _unanswered(markdown: str) -> bool:
    rest = STUB.sub("", markdown)
    rest = re.sub(r"<[^>]{0,200}>", "", rest)   # an HTML comment or tag left from the stub
    return not re.search(r"\w", rest)


# The reader's own names for the problem's quantities (questions.draw: S and Yhat for P, G and dZ for
# ∂L/∂Z, g for the gradient): not the problem's notation, so a student's definition of one wins.
SHORTHANDS = {"S", "Yhat", "G", "G_2", "dZ", "dZ_2", "Z_2", "A_1", "g", "g_t", "gradL", "delta", "Delta"}


def _has_derivative(tree) -> bool:
    stack = [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple) and n:
            if n[0] == "deriv":
                return True
            stack.extend(c for c in n[1:] if isinstance(c, tuple))
    return False


def _is_number(tree) -> bool:
    return tree[0] == "num" or tree[0] == "neg" and tree[1][0] == "num" or tree[0] == "pow" and tree[1][0] == "num"


def _names_in(tree, found: set, budget=None):
    stack = [tree]
    while stack:
        n = stack.pop()
        if not isinstance(n, tuple) or not n:
            continue
        if n[0] == "name":
            found.add(canonical(n))
            found.add(n[1] + n[3])
            continue
        for c in n[1:]:
            if isinstance(c, tuple):
                if c and isinstance(c[0], tuple):
                    stack.extend(c)
                else:
                    stack.append(c)
    return found


class _Answer:
    """One answer's equations, read: targets, the student's aliases and definitions."""

    def __init__(self, question: int, markdown: str):
        self.q = question
        self.heaviside = mentions(markdown, "heaviside", "хевисайд")
        self.eqs, self.unread = equations(markdown)
        declared = set(_draws(question)[0].values)
        self.aliases: dict[str, tuple[str, str]] = {}       # name → (key, reference's name)
        self.definitions: dict[str, tuple] = {}             # name → tree
        self.indexed: dict[str, tuple[tuple[str, ...], tuple]] = {}  # base → (index letters, tree)
        self.overridden: set[str] = set()
        self.candidates = []                                 # (Target, [formula trees], source)
        self._own: dict = {}
        self.budget = [0]   # evaluation steps spent on this answer (evaluate.MAX_ANSWER_STEPS)
        self.unparsed: list[str] = list(self.unread)   # formulas of which no side could be read
        for eq in self.eqs:
            trees = []
            for side in eq.sides:
                try:
                    trees.append(parse(side))
                except (Unreadable, RecursionError, IndexError, ValueError):
                    trees.append(None)
            if all(t is None for t in trees):
                self.unparsed.append(eq.source[:300])
            found = None
            for j, tree in enumerate(trees):
                if tree is not None:
                    t = questions.target(question, tree)
                    if t is not None:
                        found = (j, t)
                        break
            if found is None:
                self._definition(trees, declared)
                continue
            j, t = found
            if trees[j][0] == "name" and not t.old and not t.free and (canonical(trees[j]) not in declared or
                                                        canonical(trees[j]) in DIM_NAMES):
                # H = max(0, Z_1): the student's name for the quantity, used as that quantity after
                self.aliases[canonical(trees[j])] = t.refs[0]
                if canonical(trees[j]) in DIM_NAMES:
                    self.overridden.add(canonical(trees[j]))
            formulas = []
            for k, tree in enumerate(trees):
                if k == j:
                    continue
                other = questions.target(question, tree) if tree is not None else None
                if other is not None and set(other.keys) & set(t.keys):
                    continue
                if tree is not None and tree[0] == "name" and not tree[2] or (
                        tree is not None and tree[0] == "name" and canonical(tree) not in declared and k < j):
                    key = canonical(tree)
                    if key not in declared:
                        self.aliases[key] = t.refs[0]
                        continue
                formulas.append(tree)
            self.candidates.append((t, formulas, eq.source))

    def _definition(self, trees, declared):
        lhs = trees[0]
        if lhs is None or lhs[0] != "name" or len(trees) < 2:
            return
        key = canonical(lhs)
        rhs = next((t for t in trees[1:] if t is not None), None)
        if rhs is None:
            return
        if key in DIM_NAMES and not _is_number(rhs):
            self.overridden.add(key)
            self.definitions[key] = rhs
            return
        if key in SHORTHANDS and key in declared:
            # "Let S = P − Y", "Let G = P − Y (no 1/N yet)": a name the reader knows as a shorthand
            # (S for P, G for ∂L/∂Z) stands for what the student set it to, not for the reader's own
            own = [t for t in trees[1:] if t is not None and not _has_derivative(t)
                   and key not in _names_in(t, set())]
            if own:
                self.overridden.add(key)
                self.definitions[key] = own[-1]
            return
        if key in declared:
            return
        _, base, sub, deco = lhs
        letters = questions._index_letters(sub) if sub else None
        if letters:   # ℓ_i = ...: defined entry by entry
            self.indexed.setdefault(base + deco, (tuple(letters), rhs))
            return
        self.definitions.setdefault(key, rhs)

    def own_value(self, draw_index: int, key: str, forbid: set):
        """The value of the student's own formula for `key` on a draw (None when there is none, it
        does not read or cannot be computed): what their later formulas use for it."""
        cache_key = (draw_index, key)
        if cache_key in self._own:
            return self._own[cache_key]
        if len(forbid) > 8:
            return None
        self._own[cache_key] = None   # while computing: a cycle reads as no value
        value, broken = None, None
        for target, formulas, _ in self.candidates:
            if key not in target.keys or target.row or len(target.refs) > 1:
                continue
            if formulas:
                broken = broken or Unreadable(f"uses {key}, whose own formula was not read")
            for tree in reversed(formulas):
                if tree is None:
                    continue
                d = _draws(self.q)[draw_index]
                ctx = self.context(d, target, False, draw_index, forbid | {key})
                try:
                    with np.errstate(all="ignore"):
                        v = _value(tree, ctx, _sizes(ctx, target, False))
                except Upstream as e:
                    broken = e
                    continue
                except ShapeError:
                    broken = Upstream(key)
                    continue
                except (Unreadable, RecursionError):
                    continue
                if isinstance(v, np.ndarray):
                    ref = d.values[target.refs[0][1]]
                    if v.shape != ref.shape and v.size == ref.size and 1 in v.shape:
                        v = v.reshape(ref.shape)
                    value = v
                    break
            if value is not None:
                break
        if value is None and broken is not None:
            value = broken   # the student wrote a formula for it that does not give a value
        self._own[cache_key] = value
        return value

    def context(self, d: questions.Draw, target, row: bool, draw_index: int = 0, forbid=None,
                own: bool = True) -> Context:
        values = dict(d.values)
        origin = dict(d.origin)
        bases = dict(d.index_bases)
        if row:
            for name, v in d.row.items():
                values[name] = v
                if name in ("p", "yhat", "s"):
                    origin[name] = "softmax"
                bases[name] = name
        for name in self.overridden:
            values.pop(name, None)
        for name, (key, ref) in self.aliases.items():
            value = d.row["p"] if row and ref == "P" or ref == "p" else d.values.get(ref)
            if value is not None:
                values[name] = value
                origin[name] = key
        for name, value_name in target.old:
            values[name] = d.values[value_name]
            origin.pop(name, None)
        ctx = Context(values, origin, bases, self.definitions, self.heaviside)
        ctx.indexed = self.indexed
        ctx.shared = self.budget
        ctx.elementwise = self.q in (6, 7)
        ctx.forbid = set(target.keys) | set(forbid or ())
        if own:
            ctx.own = lambda k, f: self.own_value(draw_index, k, set(f))
        return ctx


def _sizes(ctx: Context, target, row: bool):
    out = []
    for letter, size_name in target.free:
        out.append((letter, int(ctx.values[size_name][0, 0])))
    return out


def _value(tree, ctx: Context, free):
    """The formula's value; with free indices (an index form), assembled entry by entry."""
    if not free:
        return evaluate(tree, ctx)
    letters = [f[0] for f in free]
    if len(set(letters)) != len(letters):
        raise Unreadable("an index twice")
    if len(free) == 1:
        (a, n), = free
        rows = []
        for i in range(n):
            ctx.tick()
            ctx.indices = {a: i}
            rows.append(np.asarray(evaluate(tree, ctx), dtype=float))
        ctx.indices = {}
        if all(r.shape == (1, 1) for r in rows):
            return np.array([[r[0, 0] for r in rows]])
        if all(r.shape == rows[0].shape and r.shape[0] == 1 for r in rows):
            return np.vstack(rows)
        raise Unreadable("an index form whose entries are not numbers")
    (a, n), (b, m) = free[:2]
    if len(free) > 2:
        raise Unreadable("three free indices")
    out = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            ctx.tick()
            ctx.indices = {a: i, b: j}
            v = evaluate(tree, ctx)
            if not isinstance(v, np.ndarray) or v.shape != (1, 1):
                raise Unreadable("an index form whose entries are not numbers")
            out[i, j] = v[0, 0]
    ctx.indices = {}
    return out


def _evaluate_all(answer: _Answer, tree, target, row: bool, own: bool = True, used: set | None = None):
    got = []
    for n, d in enumerate(_draws(answer.q)):
        ctx = answer.context(d, target, row, n, own=own)
        free = _sizes(ctx, target, row)
        with np.errstate(all="ignore"):
            value = _value(tree, ctx, free)
        if not isinstance(value, np.ndarray):
            raise Unreadable("a vector of ones alone")
        if used is not None:
            used |= ctx.used_own
        got.append(np.asarray(value, dtype=float))
    return got


def _upstream(answer: _Answer, tree, reading, row: bool, used: set, ref: str):
    """When the formula is right with the reference's values of the quantities it uses and wrong
    with the student's own: the own formulas it goes wrong through (else None)."""
    wrong_own = sorted(k for k in used if not _own_right(answer, k))
    if not wrong_own:
        return None
    try:
        got = _evaluate_all(answer, tree, reading, row, own=False)
    except (Unreadable, ShapeError):
        return None
    due = _reference(answer, ref, row)
    if diagnose(got, due, [d.named for d in _draws(answer.q)], None) is None:
        return messages.derivation_upstream(", ".join(wrong_own))
    return None


class Upstream(Exception):
    """A formula uses a quantity whose own formula (the student's) cannot be computed: args (key,)."""


def _own_right(answer: _Answer, key: str) -> bool:
    for n, d in enumerate(_draws(answer.q)):
        v = answer.own_value(n, key, set())
        if not isinstance(v, np.ndarray):
            return False
        ref = d.values[questions.REF_NAMES.get(key, questions.ADAM_REFS.get(key, key))]
        if v is None or v.shape != ref.shape or not np.allclose(v, ref, rtol=1e-6, atol=1e-9):
            return False
    return True


def _reference(answer: _Answer, ref: str, row: bool):
    return [d.row["p"] if row and ref == "p" else d.values[ref] for d in _draws(answer.q)]


def _judge(answer: _Answer, target, tree):
    """(key, status, differs) for one formula of a target."""
    readings = [(target, target.row)]
    if target.row:   # p_i = e^{z_i} / Σ_k e^{z_ik}: i may be the batch's index, each p_i a row
        alt = questions.Target((("softmax", "P"),), free=tuple((a, "N") for a, _ in target.free))
        readings.append((alt, False))
    first = None
    for reading, row in readings:
        used: set = set()
        try:
            got = _evaluate_all(answer, tree, reading, row, used=used)
        except Unreadable as e:
            first = first or ("unreadable", str(e))
            continue
        except Upstream as e:
            try:
                plain = _evaluate_all(answer, tree, reading, row, own=False)
                due = _reference(answer, reading.refs[0][1], row)
                if diagnose(plain, due, [d.named for d in _draws(answer.q)], None) is None:
                    first = first or ("wrong", messages.derivation_upstream(e.args[0]))
                    continue
            except (Unreadable, ShapeError):
                pass
            first = first or ("wrong", messages.DERIVATION_MISMATCH)
            continue
        except ShapeError as e:
            what, a, b = e.args[0]
            first = first or ("wrong", messages.derivation_shapes_disagree(what, _dims(a), _dims(b)))
            continue
        named = [d.named for d in _draws(answer.q)]
        for key, ref in reading.refs:
            due = _reference(answer, ref, row)
            if diagnose(got, due, named, None) is None:
                key = _keras_form(answer, reading, tree, key)
                if not used:
                    return key, RIGHT, None
                # it used the student's own formulas: right only if it is also right as a step (with
                # the reference's values of what it uses), not by one mistake making up for another
                try:
                    plain = _evaluate_all(answer, tree, reading, row, own=False)
                except (Unreadable, ShapeError):
                    plain = None
                if plain is not None and diagnose(plain, due, named, None) is None:
                    return key, RIGHT, None
                if plain is not None:
                    variants = [d.variants.get(ref, {}) for d in _draws(answer.q)]
                    first = first if first and first[0] == "wrong" else (
                        "wrong", diagnose(plain, due, named, variants, letters=answer.q <= 5), key)
                    break
        else:
            if first is None or first[0] == "unreadable":
                key, ref = _pick(answer, reading, tree)
                due = _reference(answer, ref, row)
                variants = [d.variants.get(ref, {}) for d in _draws(answer.q)]
                said = _upstream(answer, tree, reading, row, used, ref) or diagnose(
                    got, due, named, variants, letters=answer.q <= 5)
                first = ("wrong", said, key)
    if first[0] == "unreadable":
        return target.refs[0][0], UNREADABLE, None
    key = first[2] if len(first) > 2 else _pick(answer, target, tree)[0]
    return key, WRONG, first[1]


def _pick(answer: _Answer, target, tree):
    """Of a side that may be either of two key formulas (Adam's step or Keras's), the one it is
    written as: with a name of the student's own (α_t), the later."""
    if len(target.refs) == 1:
        return target.refs[0]
    used = _names_in(tree, set())
    return target.refs[-1] if used & set(answer.definitions) else target.refs[0]


def _keras_form(answer: _Answer, target, tree, key: str) -> str:
    """Keras's step written with ε√(1 − β₂ᵗ) is exactly Adam's in value, and still Keras's form
    (a step size α_t of the student's own on the raw m_t, v_t): the key it is written as."""
    if key != "adam_step" or len(target.refs) < 2:
        return key
    used = _names_in(tree, set())
    if used & set(answer.definitions) and used & {"m_t", "v_t"} and not used & {"mhat_t", "vhat_t"}:
        return target.refs[-1][0]
    return key


def _dims(shape) -> str:
    if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
        from .compare import dims
        return dims(shape, True)
    return str(shape)


def _check(question: int, markdown: str) -> AnswerCheck:
    keys = KEY_FORMULAS[question]
    if len(markdown) > MAX_ANSWER_CHARS:
        return AnswerCheck(question, CHECKED, tuple(FormulaCheck(k, UNREADABLE) for k in keys),
                           ("(the answer is too long to be read)",))
    answer = _Answer(question, markdown)
    found: dict[str, list] = {k: [] for k in keys}
    unreadable = list(answer.unread)
    judged: dict = {}
    for target, formulas, source in answer.candidates:
        # every side offered for the quantity is judged ("∂L/∂Z = N(P − Y) = (P − Y)/N", "dA = GW₂ᵀ
        # \text{or} W₂Gᵀ"): each is a candidate, and one wrong makes the key wrong, as separate
        # equations do; the right one written last does not make up for the wrong one before it
        verdicts = []
        for tree in formulas:
            if tree is None:
                continue
            memo = (target, tree)   # the same formula written again is judged once
            if memo not in judged:
                judged[memo] = _judge(answer, target, tree)
            verdicts.append(judged[memo])
        if not verdicts:
            verdicts = [(target.refs[0][0], UNREADABLE, None)]
        if all(v[1] == UNREADABLE for v in verdicts):
            unreadable.append(source[:300])
        for key, status, differs in verdicts:
            if key in found:
                found[key].append((status, source[:2000], differs))
    signs = unread_signs(markdown) + list(answer.unparsed and ["(formulas that could not be parsed)"] or [])
    if MACROS.search(markdown):   # \def and \newcommand change what the text means
        signs.append("(macros defined with \\def or \\newcommand are not expanded)")
    unreadable.extend(signs)
    macros = bool(signs)   # what was not found may be in what was not read: said unreadable, not missing
    checks = []
    for k in keys:
        items = found[k]
        wrong = [i for i in items if i[0] == WRONG]
        right = [i for i in items if i[0] == RIGHT]
        if wrong:
            checks.append(FormulaCheck(k, WRONG, wrong[0][1], wrong[0][2]))
        elif right:
            checks.append(FormulaCheck(k, RIGHT, right[-1][1]))
        elif items:
            checks.append(FormulaCheck(k, UNREADABLE, items[0][1]))
        else:
            checks.append(FormulaCheck(k, UNREADABLE if macros else MISSING))
    return AnswerCheck(question, CHECKED, tuple(checks), tuple(dict.fromkeys(unreadable))[:50])


def check_answer(question: int, markdown: str) -> AnswerCheck:
    """The answer to question `question` checked (see the module's docstring). Never raises."""
    if question not in KEY_FORMULAS:
        raise ValueError(f"no question {question}")
    if not isinstance(markdown, str):
        markdown = "" if markdown is None else str(markdown)
    # what does not render (HTML comments, hidden elements, image alt text, indented code) is
    # not the student's visible work: not read, not credited
    markdown = visible(markdown)
    if _unanswered(markdown):
        return AnswerCheck(question, UNANSWERED, tuple(FormulaCheck(k, MISSING) for k in KEY_FORMULAS[question]))
    try:
        return _check(question, markdown)
    except Exception:  # noqa: BLE001 — a reader's failure on hostile text is "not read", never a crash
        return AnswerCheck(question, CHECKED, tuple(FormulaCheck(k, UNREADABLE) for k in KEY_FORMULAS[question]),
                           ("(the answer could not be read)",))
