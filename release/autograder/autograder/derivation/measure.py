"""The reader's figures over a corpus of written answers (issue 27, item 4).

Input: rows {"question", "markdown", "expected": {key: "right"|"wrong"|"unreadable"|"missing"}}
(tests/derivation_corpus/*.jsonl). Output: a Figures record: of the wrong formulas, how many were
suggested as right (the goal is 0); of the right ones, how many were recognised; of the unreadable
ones, how many were said unreadable rather than judged; each case that missed, for reading.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .check import check_answer
from .outcome import RIGHT, UNANSWERED, UNREADABLE, WRONG


@dataclass
class Figures:
    counts: Counter = field(default_factory=Counter)   # (expected, got) → count
    wrong_as_right: list = field(default_factory=list)  # (row index, key, note)
    right_missed: list = field(default_factory=list)
    unreadable_judged: list = field(default_factory=list)

    def total(self, expected: str) -> int:
        return sum(n for (e, _), n in self.counts.items() if e == expected)

    def share(self, expected: str, got: str) -> float:
        total = self.total(expected)
        return self.counts[(expected, got)] / total if total else 1.0


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(rows: list[dict]) -> Figures:
    figures = Figures()
    for n, row in enumerate(rows):
        result = check_answer(int(row["question"]), row["markdown"])
        got = {f.quantity: f.status for f in result.formulas}
        for key, expected in row["expected"].items():
            status = "unanswered" if result.status == UNANSWERED else got.get(key, "absent")
            figures.counts[(expected, status)] += 1
            if expected == WRONG and status == RIGHT:
                figures.wrong_as_right.append((n, key, row.get("note", "")))
            elif expected == RIGHT and status != RIGHT:
                figures.right_missed.append((n, key, status, row.get("note", "")))
            elif expected == UNREADABLE and status in (RIGHT, WRONG):
                figures.unreadable_judged.append((n, key, status, row.get("note", "")))
    return figures
