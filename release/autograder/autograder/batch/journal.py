"""The journal of a batch: each finished grading stored under the hash of what was graded.

The key is the hash of the network.py's bytes, the grading options and the engine itself
(autograder.manifest.grading_files). A grading is stored in OUT/.graded/KEY.json, written
atomically, and a line is appended to OUT/journal.jsonl. Run the same batch again after a
crash, a kill or a power cut and only what is missing is graded; an unchanged resubmission is
not graded again (unless grade_batch is given force=True), a changed one is, and so is every
one after a change to the checks or the reference.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path

from autograder import manifest
from autograder.results import Grade


def engine_fingerprint() -> str:
    """A hash of everything that decides a grade (autograder.manifest.grading_files): a changed
    check or reference means a regrade."""
    if not hasattr(engine_fingerprint, "value"):
        digest = hashlib.sha256()
        for f in manifest.grading_files():
            digest.update(f.relative_to(manifest.ROOT).as_posix().encode() + f.read_bytes())
        engine_fingerprint.value = digest.hexdigest()[:16]
    return engine_fingerprint.value


def grading_key(content: bytes, options: str) -> str:
    """What identifies a grading: the network.py's bytes, the options (JSON) and the engine; a hex SHA-256."""
    return hashlib.sha256(content + options.encode() + engine_fingerprint().encode()).hexdigest()


class Journal:
    """Finished gradings by key, in OUT/.graded/KEY.json (atomic), and a line each in
    OUT/journal.jsonl (what was graded when; a torn last line is ignored)."""

    def __init__(self, out: Path):
        self.store, self.log = out / ".graded", out / "journal.jsonl"
        self.store.mkdir(parents=True, exist_ok=True)

    def get(self, key: str) -> Grade | None:
        try:
            grade = Grade.read(self.store / f"{key}.json")
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # absent, or not a complete result: grade again
        return None if grade.ungraded else grade  # a grader's failure is never a result

    def put(self, key: str, name: str, grade: Grade) -> None:
        """Keep a finished grading (never a grader's failure: that one is graded again next run)."""
        if grade.ungraded:
            raise ValueError(f"not journaling {name}: the grader failed on it ({grade.grader_failure})")
        self._put(key, name, grade)

    def _put(self, key: str, name: str, grade: Grade) -> None:
        grade.write(self.store / f"{key}.json")
        line = json.dumps({"submission": name, "key": key, "score": grade.score, "max_score": grade.max_score,
                           "at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")})
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())
