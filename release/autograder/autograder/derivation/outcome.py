"""What checking one written answer found: typed, serializable, the one vocabulary shared by
the checker (check.py) and everything that shows or groups its findings.

A FormulaCheck is about one key formula a question asks for (its `quantity`, a key of the
question's key formulas, e.g. "dW2"); an AnswerCheck gathers them for one question.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

RIGHT, WRONG, MISSING, UNREADABLE = "right", "wrong", "missing", "unreadable"
STATUSES = (RIGHT, WRONG, MISSING, UNREADABLE)
UNANSWERED, CHECKED = "unanswered", "checked"


@dataclass(frozen=True)
class FormulaCheck:
    """One key formula of a question, as found in the student's answer.

    quantity: the key formula's key (check.KEY_FORMULAS[question]), e.g. "Z1", "L", "dW2", "adam_step".
    status:   RIGHT (found, agrees with the reference on random inputs), WRONG (found, disagrees),
              MISSING (no formula for it found), UNREADABLE (a formula for it found but not read).
    latex:    the student's formula as written (submission-controlled text: escape it when shown).
    differs:  for WRONG, what differs, in the diagnosis engine's words, as (en, ru); else None.
    """
    quantity: str
    status: str
    latex: str = ""
    differs: tuple[str, str] | None = None


@dataclass(frozen=True)
class AnswerCheck:
    """One question's answer, checked.

    question:   the question's number (1..7, as in solution/derivation-*.md).
    status:     UNANSWERED (empty or the stub's "YOUR ANSWER HERE") or CHECKED.
    formulas:   one FormulaCheck per key formula of the question, in the key formulas' order.
    unreadable: formula fragments that could not be read (said as such, never guessed).
    """
    question: int
    status: str
    formulas: tuple[FormulaCheck, ...] = ()
    unreadable: tuple[str, ...] = field(default=())

    def outcome_key(self) -> tuple:
        """What groups answers: the same statuses and the same differences (not the same text)."""
        return (self.question, self.status,
                tuple((f.quantity, f.status, f.differs) for f in self.formulas))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "AnswerCheck":
        formulas = tuple(FormulaCheck(**{**f, "differs": tuple(f["differs"]) if f.get("differs") else None})
                         for f in data.get("formulas", ()))
        return cls(question=int(data["question"]), status=data["status"], formulas=formulas,
                   unreadable=tuple(data.get("unreadable", ())))
