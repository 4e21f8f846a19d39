"""The hidden half of the notebook's check cells, run by `nbgrader autograde`: the points of
an area as the sandboxed autograder gives them, so the notebook and `mnist-hw grade` agree.

The submission's network.py is graded once per content (in a separate grading process,
whose worker is sandboxed), and each cell reads its area. nbgrader runs the notebook's other
cells in a kernel that imports the student's code, as any nbgrader assignment does; the
trusted scores are `mnist-hw grade`'s, which `--nbgrader-db` writes into the gradebook.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import reports
from autograder.runner import Grade

_grades: dict[str, Grade] = {}


def grade_of(network: Path) -> Grade:
    content = network.read_bytes()
    key = hashlib.sha256(content).hexdigest()
    if key not in _grades:
        with tempfile.TemporaryDirectory(prefix="mnist-hw-notebook-") as tmp:
            (Path(tmp) / "network.py").write_bytes(content)
            command = [sys.executable, "-m", "autograder.runner", str(Path(tmp) / "network.py"),
                       str(Path(tmp) / "grade.json")]
            if os.environ.get("MNIST_HW_DATA_DIR"):
                command += ["--data-dir", os.environ["MNIST_HW_DATA_DIR"]]
            subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, check=True)
            _grades[key] = Grade.from_dict(json.loads((Path(tmp) / "grade.json").read_text()))
    return _grades[key]


def grade_area(area: str, network="network.py") -> float:
    """The autograder's points for one area; what failed is printed (stdout) for the feedback."""
    grade = grade_of(Path(network))
    if grade.import_error:
        print(f"network.py: {grade.import_error}")
    for check in grade.checks:
        if check.area == area and check.status != "passed":
            print(f"✗ {check.name_ru or check.name}: {check.ru}\n  {check.name}: {check.en}")
    return reports.area_scores(grade)[area]
