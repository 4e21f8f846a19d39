"""Answers with the same check outcome, grouped across a batch, so that the instructor confirms
a group of forty identical correct answers once.

Input: {(submission, question): AnswerCheck}. Output: Groups, one per question and
AnswerCheck.outcome_key() (the same statuses and the same differences, not the same text),
in question order, the largest first; each group's id is derived from its outcome alone, so
the same batch gives the same ids (a confirmation file names groups' members, not ids).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from autograder.derivation.outcome import AnswerCheck


@dataclass(frozen=True)
class Group:
    """id: "q<question>-<10 hex digits of the outcome>"; members: the submissions' names, sorted;
    check: the first member's AnswerCheck (every member's has the same outcome_key)."""
    id: str
    question: int
    members: tuple[str, ...]
    check: AnswerCheck


def group_id(check: AnswerCheck) -> str:
    digest = hashlib.sha256(repr(check.outcome_key()).encode()).hexdigest()[:10]
    return f"q{check.question}-{digest}"


def group(checks: dict[tuple[str, int], AnswerCheck]) -> list[Group]:
    """The groups of a batch's checked answers: per question, per outcome; largest first, then by first member."""
    by_key: dict[tuple, list[str]] = {}
    first: dict[tuple, AnswerCheck] = {}
    for (name, _question), check in sorted(checks.items()):
        key = check.outcome_key()
        by_key.setdefault(key, []).append(name)
        first.setdefault(key, check)
    groups = [Group(group_id(first[key]), first[key].question, tuple(sorted(names)), first[key])
              for key, names in by_key.items()]
    return sorted(groups, key=lambda g: (g.question, -len(g.members), g.members[0]))
