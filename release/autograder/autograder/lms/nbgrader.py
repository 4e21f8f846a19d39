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


def suggestion_comment(suggestion) -> str:
    """The comment formgrader shows on a derivation answer cell: the suggestion, in English
    and Russian, said to be one (nbgrader counts a manual score as the grade, so none is set)."""
    from autograder.messages import derivation_say, say

    parts = []
    for lang in ("en", "ru"):
        heading = say(derivation_say("suggested", suggestion.question, suggestion.points, suggestion.out_of), lang)
        parts.append("\n".join([f"mnist-hw: {heading}. {say(derivation_say('suggestion_note'), lang)}",
                                *suggestion.notes(lang)]))
    return "\n\n".join(parts)


def comment_suggestions(path: Path, records: dict[str, dict]) -> int:
    """Each submission's derivation suggestions as the auto comments of its derivation-N cells
    (a manual comment, the instructor's, is left as it is and shown instead); no score is
    written. Returns how many comments were written."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    from autograder.derivation.record import suggestions_of

    written = 0
    prepare(path)
    with _said(path), Gradebook(db_url(path)) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        for student, rec in sorted(records.items()):
            try:
                gb.find_submission(ASSIGNMENT_ID, student)
            except MissingEntry:
                continue  # record() adds every graded submission first; one it did not is not this gradebook's
            for question, suggestion in sorted(suggestions_of(rec).items()):
                try:
                    comment = gb.find_comment(f"derivation-{question}", NOTEBOOK_ID, ASSIGNMENT_ID, student)
                except MissingEntry:
                    continue
                comment.auto_comment = suggestion_comment(suggestion)
                written += 1
        gb.db.commit()
    return written


def record_confirmed(path: Path, scores: dict[str, dict[int, float]]) -> int:
    """The instructor's confirmed derivation points as the manual scores of the students'
    derivation-N cells, as formgrader records a manual grade; returns how many were written.
    GradebookError where a student or the assignment is not in this gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    written = 0
    with _said(path), Gradebook(db_url(path)) as gb:
        for student, questions in sorted(scores.items()):
            for question, points in sorted(questions.items()):
                try:
                    grade = gb.find_grade(f"derivation-{question}", NOTEBOOK_ID, ASSIGNMENT_ID, student)
                except MissingEntry:
                    raise GradebookError(f"{path} has no submission of {student!r} to assignment "
                                         f"{ASSIGNMENT_ID!r}: record the batch in it first (mnist-hw grade ... "
                                         f"--nbgrader-db {path}), or confirm without --nbgrader-db") from None
                grade.manual_score = points  # as formgrader's grade API records a manual grade
                grade.needs_manual_grade = False
                written += 1
        gb.db.commit()
    return written
