"""The derivation's rubric: points per key formula of each question, in one file the
instructor edits (TOML; `mnist-hw derivation rubric` writes the default).

    [question.5]
    dW2 = 0.5
    ...
    explanation = 0          # the part a person judges (read, not checked): never suggested

Input: the file's text. Output: a Rubric, {question: {key: points}}; RubricError (one message
naming every problem: a key that is no key formula, points that are not a number >= 0, a
question whose points do not add up to the scheme's) where it is not one. The defaults add
up to each question's points (QUESTION_POINTS: 1, 1, 1, 2, 3, 1, 1 = the scheme's 10).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from autograder.derivation.check import KEY_FORMULAS

# Each question's points, as the derivation text's headings give them ("(3 points)"); a test
# keeps them in step with solution/derivation-*.md and the scheme's derivation area.
QUESTION_POINTS = {1: 1, 2: 1, 3: 1, 4: 2, 5: 3, 6: 1, 7: 1}
EXPLANATION = "explanation"  # the rubric's key for what a person reads: q2's why, q7's bias correction and proof
# The questions whose answer has a part no formula checks, and what it is (messages.DERIVATION's key).
PERSON_PARTS = {2: "explain_q2", 7: "explain_q7"}

DEFAULTS: dict[int, dict[str, float]] = {
    1: {"Z1": 0.25, "A": 0.25, "Z2": 0.25, "P": 0.25},
    2: {"softmax": 0.5, EXPLANATION: 0.5},
    3: {"L": 1.0},
    4: {"dZ2": 2.0},
    5: {"dW2": 0.5, "db2": 0.5, "dA": 0.5, "dZ1": 0.5, "dW1": 0.5, "db1": 0.5},
    6: {"sgd": 1.0},
    7: {"adam_m": 0.1, "adam_v": 0.1, "adam_mhat": 0.1, "adam_vhat": 0.1, "adam_step": 0.2, "keras_step": 0.1,
        EXPLANATION: 0.3},
}


class RubricError(ValueError):
    """The rubric file is not one: the message names each problem and how to fix it."""


@dataclass(frozen=True)
class Rubric:
    """points[question][key]: the points of a key formula (check.KEY_FORMULAS[question]) or of
    the part a person judges (EXPLANATION); each question's add up to QUESTION_POINTS."""
    points: dict

    def of(self, question: int, key: str) -> float:
        return float(self.points.get(question, {}).get(key, 0.0))

    def out_of(self, question: int) -> float:
        return float(QUESTION_POINTS[question])

    def for_person(self, question: int) -> float:
        return self.of(question, EXPLANATION)


def default() -> Rubric:
    return Rubric({q: dict(keys) for q, keys in DEFAULTS.items()})


def default_text() -> str:
    """The default rubric as the file `mnist-hw derivation rubric` writes (comments say how to edit it)."""
    lines = ["# The written derivation's rubric (mnist-hw): the points of each key formula a question asks for.",
             "# A key formula found and right earns its points in the suggestion; found and wrong, missing or",
             "# unreadable earns none. `explanation` is the part a person judges (why the maximum is subtracted,",
             "# why the bias correction is needed, the proof that the Keras form is equivalent): it is never",
             "# suggested, only shown beside the suggestion. Each question's points must add up to its points",
             f"# in the assignment ({', '.join(f'{q}: {p}' for q, p in QUESTION_POINTS.items())}; "
             f"{sum(QUESTION_POINTS.values())} in all).", ""]
    for question, keys in DEFAULTS.items():
        lines.append(f"[question.{question}]  # {QUESTION_POINTS[question]} point(s)")
        lines += [f"{key} = {points:g}" for key, points in keys.items()]
        lines.append("")
    return "\n".join(lines)


def _toml():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    return tomllib


def parse(text: str, where: str = "the rubric") -> Rubric:
    """A Rubric from the file's text; RubricError naming every problem."""
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{where} is not TOML ({exc}). `mnist-hw derivation rubric` writes the default to edit.") \
            from None
    problems = []
    unknown = sorted(set(data) - {"question"})
    if unknown:
        problems.append(f"unknown table(s) {', '.join(unknown)}: the rubric has [question.N] tables only")
    tables = data.get("question", {})
    if not isinstance(tables, dict):
        tables, _ = {}, problems.append("`question` must be tables, [question.1] to [question.7]")
    points: dict[int, dict[str, float]] = {}
    unusable: set[int] = set()
    for name, table in tables.items():
        if not (str(name).isdigit() and int(name) in KEY_FORMULAS):
            problems.append(f"[question.{name}]: there is no question {name} (the questions are 1 to "
                            f"{len(KEY_FORMULAS)})")
            continue
        question = int(name)
        if not isinstance(table, dict):
            problems.append(f"question.{name} must be a table of key = points")
            continue
        allowed = (*KEY_FORMULAS[question], EXPLANATION)
        points[question] = {}
        before = len(problems)
        for key, value in table.items():
            if key not in allowed:
                problems.append(f"[question.{question}] {key}: not a key formula of question {question} "
                                f"(its keys: {', '.join(allowed)})")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value < 0:
                problems.append(f"[question.{question}] {key} = {value!r}: points must be a number, 0 or more")
            else:
                points[question][key] = float(value)
        if len(problems) > before:
            unusable.add(question)  # its sum is not the problem to say
    for question, out_of in QUESTION_POINTS.items():
        if question in unusable:
            continue
        if question not in points:
            if str(question) not in tables:
                problems.append(f"[question.{question}] is missing (its {out_of} point(s) must be given out)")
            continue
        total = sum(points[question].values())
        if not math.isclose(total, out_of, abs_tol=1e-9):
            problems.append(f"[question.{question}]: its points add up to {total:g}, the question is worth {out_of}")
    if problems:
        raise RubricError(f"{where} is not a usable rubric:\n  " + "\n  ".join(problems))
    return Rubric(points)


def load(path: Path | None) -> Rubric:
    """The rubric file at `path` (None: the default); RubricError if it cannot be read or used."""
    if path is None:
        return default()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path}: cannot be read ({exc}). `mnist-hw derivation rubric --out {path}` writes "
                          "the default to edit.") from None
    return parse(text, str(path))

