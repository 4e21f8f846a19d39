"""Which files go where, declared once: the student kit, what the sandbox's box holds, the
autograder files the student release carries, and the files that decide a grade.

Paths are relative to the project's root (the folder holding assignment/, autograder/,
solution/). The release (autograder/authoring/release.py), the box
(autograder/sandbox/box.py), the import rule (autograder/sandbox/imports.py) and the
batch's regrade fingerprint (autograder/batch/journal.py) all read them from here.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The grader's Python, one fact: the Gradescope bundle installs it (templates/setup.sh), the
# README and the assignment text name it, and a network.py whose syntax it cannot read scores 0
# in `mnist-hw check` as in the grader, whichever Python either runs on (sandbox/source.py).
# The student kit itself installs on Python 3.10 to 3.13.
GRADER_PYTHON = (3, 11)
GRADER_PYTHON_TEXT = ".".join(map(str, GRADER_PYTHON))

# The student kit: the data layer, training loop, plots and student commands (all of assignment/).
KIT = tuple(f"assignment/{name}" for name in (
    "__init__.py", "cli.py", "contract.py", "data.py", "fetch.py", "gradient_check.py", "idx.py", "keras_model.py",
    "plots.py", "runs.py", "training.py"))

# What of the kit the sandbox's box holds, importable by the student's code there: the training
# loop and the data layer (the assignment text itself imports `assignment.data`); no others.
SANDBOX_KIT = tuple(f"assignment/{name}" for name in ("__init__.py", "data.py", "idx.py", "training.py"))

# The engine's files the student release carries, so that `mnist-hw check` runs the same public
# checks the grader runs (the checks themselves, cut of their hidden parts, come with grading/checks/).
PUBLIC_ENGINE = tuple(f"autograder/{name}" for name in (
    "cli.py", "inert.py", "manifest.py", "messages.py", "results.py", "scheme.py",
    "sandbox/__init__.py", "sandbox/imports.py", "sandbox/printed.py", "sandbox/source.py", "sandbox/tempdirs.py",
    "sandbox/wire.py",
    "grading/__init__.py", "grading/calls.py", "grading/diagnosis.py", "grading/feedback.py", "grading/plugin.py",
    "grading/problems.py",
    "grading/training.py",
    "local/__init__.py", "local/__main__.py", "local/answers.py", "local/capture.py", "local/check.py",
    "local/student.py"))
CHECKS = "autograder/grading/checks"

# The engine's files that only make sense beside the project's sources, not in the grader bundle.
GRADER_ONLY = tuple(f"autograder/authoring/{name}" for name in (
    "release.py", "notebook_source.py", "archive.py", "bundle.py", "leaks.py", "packaging.py", "regions.py"))


def grading_files() -> list[Path]:
    """Every file that decides a grade (the engine that grades, its checks, the reference, the
    kit's training loop and data layer): when one changes, a batch regrades what it had journaled."""
    engine = [p for pkg in ("sandbox", "grading") for p in (ROOT / "autograder" / pkg).rglob("*")
              if p.suffix in (".py", ".json", ".ini")]
    top = [ROOT / "autograder" / name for name in ("scheme.py", "results.py", "messages.py", "manifest.py")]
    given = [ROOT / rel for rel in SANDBOX_KIT] + [ROOT / "solution/network.py", ROOT / "solution/reference.json"]
    return sorted(p for p in engine + top + given if p.is_file() and "__pycache__" not in p.parts)
