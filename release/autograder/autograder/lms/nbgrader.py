"""`mnist-hw grade --nbgrader-db PATH`: the autograder's points, area by area, in an nbgrader
gradebook, so that instructors who grade the derivation by hand in formgrader see them
beside it.

Each area is a grade cell of the notebook (grade_id = the area's key: forward, ...); a
submission's name is the student id. Where the gradebook does not know the assignment yet,
its cells are saved as `nbgrader generate_assignment` saves them (its own preprocessors).
"""
from __future__ import annotations

import contextlib
from pathlib import Path

from autograder.authoring.notebook_source import ASSIGNMENT_ID, NOTEBOOK_ID, SOURCE
from autograder.results import Grade


class GradebookError(RuntimeError):
    """The gradebook cannot be opened or written: not a database, locked, unreadable."""


def db_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


@contextlib.contextmanager
def _said(path: Path):
    """Database and file errors as one GradebookError naming the file."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or getattr(exc, "strerror", None) or exc
        raise GradebookError(f"{path} cannot be used as an nbgrader gradebook: {reason}. Give --nbgrader-db your "
                             "course's gradebook.db, or a path where a new one can be made.") from None


def prepare(path: Path) -> None:
    """Open the gradebook before any grading (making it, and the assignment in it, where
    new), so that a wrong --nbgrader-db is said before the work, not after."""
    with _said(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        ensure_assignment(db_url(path))


def ensure_assignment(url: str) -> None:
    """The assignment, its notebook and grade cells in the gradebook."""
    import nbformat
    from nbgrader import preprocessors as p
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(url) as gb:
        try:
            gb.find_notebook(NOTEBOOK_ID, ASSIGNMENT_ID)
            return
        except MissingEntry:
            gb.update_or_create_assignment(ASSIGNMENT_ID)
    notebook = nbformat.read(str(SOURCE), as_version=4)
    resources = {"nbgrader": {"db_url": url, "assignment": ASSIGNMENT_ID, "notebook": NOTEBOOK_ID}}
    for step in (p.LockCells, p.ClearSolutions, p.ClearOutput, p.CheckCellMetadata, p.ComputeChecksums, p.SaveCells):
        notebook, resources = step().preprocess(notebook, resources)


def record(path: Path, grades: dict[str, Grade], skip_training: bool = False) -> int:
    """Write each submission's area scores as the auto scores of the notebook's grade cells;
    return how many students were recorded. Manual grades already given are kept."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    prepare(path)
    with _said(path), Gradebook(db_url(path)) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's own add_submission trips these; harmless
        for student, grade in sorted(grades.items()):
            try:
                gb.find_student(student)
            except MissingEntry:
                gb.add_student(student)
            try:
                gb.find_submission(ASSIGNMENT_ID, student)
            except MissingEntry:
                gb.add_submission(ASSIGNMENT_ID, student)
            for area, score in grade.area_scores().items():
                if skip_training and area == "training":
                    continue  # not graded this time: leave what the gradebook had
                gb.find_grade(area, NOTEBOOK_ID, ASSIGNMENT_ID, student).auto_score = score
        gb.db.commit()
    return len(grades)
