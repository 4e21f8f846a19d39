"""PLACEHOLDER of the formula checker (issue 27, item 1-2), built on another branch: it is
replaced at merge by the real check.py (the reader, the evaluator and the key formulas). It
has the real one's API and judges nothing beyond "unanswered": every key formula of an
answered question is MISSING. Nothing may depend on it beyond that.

    KEY_FORMULAS[question] -> the key formulas' keys, in order (the real ones')
    check_answer(question, markdown) -> AnswerCheck (outcome.py)
"""
from __future__ import annotations

from autograder.derivation.outcome import CHECKED, MISSING, UNANSWERED, AnswerCheck, FormulaCheck

KEY_FORMULAS: dict[int, tuple[str, ...]] = {
    1: ("Z1", "A", "Z2", "P"),
    2: ("softmax",),
    3: ("L",),
    4: ("dZ2",),
    5: ("dW2", "db2", "dA", "dZ1", "dW1", "db1"),
    6: ("sgd",),
    7: ("adam_m", "adam_v", "adam_mhat", "adam_vhat", "adam_step", "keras_step"),
}
STUB = "YOUR ANSWER HERE"  # nbgrader's ClearSolutions text, the stub's answer


def check_answer(question: int, markdown: str) -> AnswerCheck:
    """PLACEHOLDER: UNANSWERED for an empty answer or the stub's; else every key formula MISSING."""
    if question not in KEY_FORMULAS:
        raise ValueError(f"no question {question}: the questions are 1..{len(KEY_FORMULAS)}")
    if not markdown.strip() or markdown.strip() == STUB:
        return AnswerCheck(question, UNANSWERED)
    return AnswerCheck(question, CHECKED, tuple(FormulaCheck(q, MISSING) for q in KEY_FORMULAS[question]))
