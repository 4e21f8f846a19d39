"""The hidden half of the notebook's check cells, run by `nbgrader autograde`: the points of
an area as the sandboxed autograder gives them, so the notebook and `mnist-hw grade` agree.

The submission's network.py is graded once per content (in a separate grading process,
whose worker is sandboxed), and each cell reads its area. nbgrader runs the notebook's other
cells in a kernel that imports the student's code, as any nbgrader assignment does; the
trusted scores are `mnist-hw grade`'s, which `--nbgrader-db` writes into the gradebook.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from autograder import inert
from autograder.batch.run import grade_content
from autograder.results import Grade

_grades: dict[str, Grade] = {}


def grade_of(network: Path) -> Grade:
    """The submission's grade, by the batch grader's own grading process (started from the
    project's folder, so nothing in the submission's folder can stand in for the engine)."""
    content = network.read_bytes()
    key = hashlib.sha256(content).hexdigest()
    if key not in _grades:
        _grades[key] = Grade.from_dict(grade_content(content, os.environ.get("MNIST_HW_DATA_DIR") or None))
    return _grades[key]


def grade_area(area: str, network="network.py") -> float:
    """The autograder's points for one area; what failed is printed (stdout) for the feedback."""
    grade = grade_of(Path(network))
    if grade.import_error:  # Jupyter renders terminal escapes in a cell's output: cleaned
        print(inert.terminal(f"network.py: {grade.import_error}"))
    for check in grade.checks:
        if check.area == area and check.status != "passed":
            print(f"✗ {inert.terminal(check.title(ru=True))}: {inert.terminal(check.ru)}\n"
                  f"  {inert.terminal(check.name)}: {inert.terminal(check.en)}")
    return grade.area_scores()[area]
