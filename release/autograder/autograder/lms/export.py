"""`mnist-hw export moodle|canvas`: the grades and feedback of `mnist-hw grade --out OUT`
written into what the LMS takes back.

- Moodle: OUT/moodle/grading-worksheet.csv, the instructor's downloaded offline grading
  worksheet with its Grade and Feedback comments cells filled (every other byte as
  downloaded: Moodle skips a row whose "Last modified (grade)" changed), and
  OUT/moodle/feedback.zip, in the layout of "Upload multiple feedback files in a zip".
- Canvas: OUT/canvas/gradebook.csv, the instructor's exported gradebook with the
  assignment's column filled (the Points Possible row and every other cell kept), and
  OUT/canvas/feedback/, each student's feedback named as their download was.

A grade is points / max_score of the grading, times `scale` (the LMS's maximum) when given,
else the points as they are: with --skip-training, max_score is 70, so --scale maps 70 to the
LMS's maximum. The instructor-graded derivation is not included: it stays the instructor's.
A submission the grader itself failed on (Grade.grader_failure, set only by the batch's trusted
code) is never left with an old cell standing: the export refuses, naming them, unless told
`allow_ungraded` (`--allow-ungraded`), when their grade cell is emptied and their comment and
feedback say they are not graded and why. Whatever a submission caused itself is its grade.
Everything is written atomically and deterministically: a re-run writes the same bytes.
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assignment.idx import write_atomic
from autograder import inert, messages, scheme
from autograder.lms import canvas, moodle, sheet
from autograder.results import Grade

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so that the same feedback gives the same zip


class ExportError(ValueError):
    """The export cannot be done as asked; the message says why and what to do."""


@dataclass
class Report:
    """What an export did: files written, rows filled, and what could not be placed."""
    written: list[Path] = field(default_factory=list)
    filled: int = 0
    unplaced: list[str] = field(default_factory=list)  # graded, but no row in the LMS's file
    ungraded: list[str] = field(default_factory=list)  # the grader failed on them: written flagged, cell emptied


# -- the grades --------------------------------------------------------------------------
def load_grades(out: Path) -> dict[str, Grade]:
    """The grades `mnist-hw grade --out OUT` wrote in OUT/grades.json, by submission name."""
    path = out / "grades.json"
    try:
        return {name: Grade.from_dict(d) for name, d in json.loads(path.read_text()).items()}
    except FileNotFoundError:
        raise ExportError(f"{path} does not exist: grade first, `mnist-hw grade DOWNLOAD.zip --out {out}`, then "
                          "export from the same OUT") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise ExportError(f"{path} cannot be read ({exc}): grade again with `mnist-hw grade ... --out {out}`") \
            from None


def points(grade: Grade, scale: float | None) -> float:
    """The grade to write: its points, or points / max_score * scale; rounded to 0.01."""
    value = grade.score if scale is None else grade.score / grade.max_score * scale
    return round(value + 0.0, 2)


def number(value: float, decimal: str = ".") -> str:
    """A grade as text with the given decimal separator: '45', '32.14', '32,14'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", decimal)


def _first_fix(grade: Grade, ru: bool) -> str:
    if grade.import_error:
        return (grade.import_error_ru or grade.import_error) if ru else grade.import_error
    failed = [c for c in grade.checks if c.status == "failed"]
    if not failed:
        return ""
    check = failed[0]
    return f"{check.title(ru)}: {check.ru if ru else check.en}"


def comment_text(grade: Grade, scale: float | None, ru: bool) -> str:
    """One paragraph of plain text: the total, the points per area, the first thing to fix;
    for an ungraded one, that it is not graded and the grader's reason."""
    if grade.ungraded:
        return messages.ungraded_comment(inert.capped(grade.grader_failure, 300))[1 if ru else 0]
    total = f"{grade.score:g} / {grade.max_score:g}"
    if scale is not None:
        total += (f" (в шкале курса {number(points(grade, scale))} / {scale:g})" if ru else
                  f" ({number(points(grade, scale))} / {scale:g} in the course's scale)")
    scores = grade.area_scores()
    areas = "; ".join(f"{a.title_ru if ru else a.title_en} {scores[a.key]:g}/{a.points}" for a in scheme.AREAS
                      if a.key in scores and any(c.area == a.key for c in grade.checks))
    fix = inert.capped(_first_fix(grade, ru), 400)
    text = ("Автопроверка: " if ru else "Autograded: ") + total + "." + (f" {areas}." if areas else "")
    if fix:
        text += (" Первое, что исправить: " if ru else " First to fix: ") + fix
    else:
        text += " Все проверки пройдены." if ru else " Every check passed."
    return text + (" Письменный вывод оценивает преподаватель." if ru else
                   " The written derivation is graded by the instructor.")


def comment_html(grade: Grade, scale: float | None) -> str:
    """Moodle's "Feedback comments" (stored and shown as HTML): both languages, every
    character of the text escaped (inert.html), so nothing in it can be markup."""
    return "".join(f'<p lang="{lang}">{inert.html(comment_text(grade, scale, lang == "ru"))}</p>'
                   for lang in ("ru", "en"))


def feedback_html(out: Path, name: str) -> str:
    """feedback.html: OUT/NAME/feedback.md and feedback.en.md rendered by markdown-it-py
    (CommonMark, raw HTML off: the Markdown's own escaping keeps a submission's text text)."""
    from markdown_it import MarkdownIt

    render = MarkdownIt("commonmark", {"html": False}).render
    parts = [f'<section lang="{lang}">\n{render((out / name / md).read_text(encoding="utf-8"))}</section>\n'
             for lang, md in (("ru", "feedback.md"), ("en", "feedback.en.md")) if (out / name / md).is_file()]
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>' + inert.html(inert.field(name, 200))
            + "</title></head><body>\n" + "".join(parts) + "</body></html>\n")


def _usable(grades: dict[str, Grade], report: Report, lms: str, allow_ungraded: bool) -> dict[str, Grade]:
    """The grades of this LMS's submissions. Ungraded ones (the grader failed on them) refuse
    the export (ExportError naming them) unless `allow_ungraded`; then they are listed in
    report.ungraded and written flagged."""
    usable = {n: g for n, g in grades.items() if g.identity.get("lms") == lms}
    ungraded = sorted(n for n, g in usable.items() if g.ungraded)
    if ungraded and not allow_ungraded:
        reasons = "; ".join(f"{n}: {inert.capped(usable[n].grader_failure, 120)}" for n in ungraded[:5])
        raise ExportError(f"the grader itself failed on {len(ungraded)} submission(s), which have no grade: "
                          f"{reasons}{' …' if len(ungraded) > 5 else ''}. Run the same `mnist-hw grade ... --out` "
                          "again (it grades only those), or pass --allow-ungraded to export them flagged: their "
                          "grade cell emptied, their comment saying they are not graded and why")
    report.ungraded = ungraded
    return usable


def cell(grade: Grade, scale: float | None, decimal: str = ".") -> str:
    """The grade cell to write: the points (see `points`), or empty for an ungraded one (no
    grade, never an old one left standing, never a 0 it did not earn)."""
    return "" if grade.ungraded else number(points(grade, scale), decimal)


def _read_csv(path: Path, what: str) -> sheet.Sheet:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ExportError(f"{what} {path} does not exist") from None
    except UnicodeDecodeError:
        raise ExportError(f"{what} {path} is not UTF-8: download it again (or save it as UTF-8 CSV)") from None
    table = sheet.parse(text)
    if not table.rows:
        raise ExportError(f"{what} {path} is empty: download it again")
    return table


def _column(header: list[str], names, what: str, path: Path, required: bool = True) -> int | None:
    for name in ([names] if isinstance(names, str) else names):
        if name in header:
            return header.index(name)
    if required:
        raise ExportError(f"{path} has no {what} column (looked for {' or '.join(map(repr, names))}; it has "
                          f"{', '.join(map(repr, header[:12]))}): is it the file the LMS exported? In another "
                          "language, name the column with the export's options")
    return None


def _parse_number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


# -- Moodle -------------------------------------------------------------------------------
def moodle_export(out: Path, worksheet: Path, scale: float | None = None, teams: bool = False,
                  columns: dict | None = None, allow_ungraded: bool = False) -> Report:
    """Fill the Moodle grading worksheet and write the feedback zip (see the module's docstring).

    Inputs: out, the grade run's OUT; worksheet, the downloaded worksheet (UTF-8 CSV);
    scale, the assignment's maximum grade in Moodle (None: the points as they are);
    teams, the assignment takes team submissions (rows matched by their Group column to the
    team's folder); columns, {"id"|"grade"|"feedback"|"maximum"|"group": header} overrides;
    allow_ungraded, write the submissions the grader failed on flagged (else refuse).
    Returns: a Report. Raises ExportError before writing anything if the worksheet is not one,
    a grade would exceed the maximum Moodle would accept, or a submission is ungraded.
    """
    report = Report()
    grades = _usable(load_grades(out), report, "moodle", allow_ungraded)
    table = _read_csv(worksheet, "the grading worksheet")
    header = table.header()
    names = {**moodle.HEADERS, **{k: (v,) for k, v in (columns or {}).items() if v}}
    id_col = _column(header, names["id"], "Identifier", worksheet)
    grade_col = _column(header, names["grade"], "Grade", worksheet)
    _column(header, names["modified"], "Last modified (grade)", worksheet)  # Moodle requires it
    feedback_col = _column(header, names["feedback"], "Feedback comments", worksheet, required=False)
    max_col = _column(header, names["maximum"], "Maximum grade", worksheet, required=False)
    group_col = _column(header, names["group"], "Group", worksheet) if teams else None
    rows = range(1, len(table.rows))
    samples = [table.value(i, c) for i in rows for c in (grade_col, max_col) if c is not None]
    decimal = "," if any("," in s and "." not in s for s in samples if s.strip()) else "."

    by_uid = {g.identity["uid"]: n for n, g in grades.items()}
    by_group: dict[str, list[str]] = {}
    for n, g in grades.items():
        by_group.setdefault(g.identity["name"], []).append(n)
    placed, changes = set(), []
    for i in rows:
        if teams:
            matches = by_group.get(table.value(i, group_col).strip(), [])
            name = matches[0] if len(matches) == 1 else None
        else:
            uid = moodle.participant(table.value(i, id_col))
            name = by_uid.get(uid) if uid else None
        if name is None:
            continue  # no submission graded here: the row stays as downloaded (Moodle skips it)
        value = points(grades[name], scale)
        maximum = _parse_number(table.value(i, max_col)) if max_col is not None else None
        if maximum is not None and value > maximum + 1e-9 and not grades[name].ungraded:
            raise ExportError(f"{name} would get {number(value)}, over the assignment's maximum grade {maximum:g} "
                              f"in {worksheet.name} (Moodle would skip it): pass --scale {maximum:g} to map the "
                              f"{grades[name].max_score:g} autograded points to it")
        changes.append((i, name, value))
        placed.add(name)
    for i, name, value in changes:
        table.set(i, grade_col, cell(grades[name], scale, decimal))
        if feedback_col is not None:
            table.set(i, feedback_col, inert.csv_cell(comment_html(grades[name], scale)))
    report.filled = len(changes)
    report.unplaced = sorted(set(grades) - placed)
    target = out / "moodle"
    target.mkdir(parents=True, exist_ok=True)
    write_atomic(target / "grading-worksheet.csv", table.render().encode("utf-8"))
    write_atomic(target / "feedback.zip", _moodle_zip(out, grades))
    report.written += [target / "grading-worksheet.csv", target / "feedback.zip"]
    return report


def _moodle_zip(out: Path, grades: dict[str, Grade]) -> bytes:
    """Moodle's feedback upload zip: `<name>_<UID>_assignfeedback_file/` holding
    feedback.html, feedback.md (ru), feedback.en.md and the learning curves (history.png)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(grades):
            folder = moodle.feedback_folder(grades[name].identity["name"], grades[name].identity["uid"])
            for file, data in _feedback_files(out, name):
                archive.writestr(zipfile.ZipInfo(f"{folder}/{file}", ZIP_TIME), data,
                                 compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _feedback_files(out: Path, name: str) -> list[tuple[str, bytes]]:
    files = [("feedback.html", feedback_html(out, name).encode())]
    for file in ("feedback.md", "feedback.en.md", "history.png"):
        if (out / name / file).is_file():
            files.append((file, (out / name / file).read_bytes()))
    return files


# -- Canvas -------------------------------------------------------------------------------
def canvas_export(out: Path, gradebook: Path, assignment: str, scale: float | None = None,
                  allow_ungraded: bool = False) -> Report:
    """Fill the assignment's column of the Canvas gradebook export and write each student's
    feedback to OUT/canvas/feedback/ (see the module's docstring).

    Inputs: out, the grade run's OUT; gradebook, the CSV from Canvas's Gradebook → Export;
    assignment, the column's header exactly, "Title (id)"; scale, the assignment's points
    possible (None: the points as they are); allow_ungraded, write the submissions the grader
    failed on flagged (else refuse).
    Returns: a Report. Raises ExportError before writing anything if the column is not there,
    a grade would exceed the Points Possible row without --scale, or a submission is ungraded.
    """
    report = Report()
    grades = _usable(load_grades(out), report, "canvas", allow_ungraded)
    table = _read_csv(gradebook, "the gradebook")
    header = table.header()
    if len(header) < 2 or header[1] != "ID":
        raise ExportError(f"{gradebook} is not a Canvas gradebook export: its second column is "
                          f"{header[1] if len(header) > 1 else 'missing'!r}, not 'ID'. Export it from Gradebook → "
                          "Export → Export Entire Gradebook")
    if assignment not in header:
        titled = [h for h in header if h.endswith(")") and "(" in h]
        raise ExportError(f"{gradebook} has no column {assignment!r}; its assignment columns are "
                          f"{', '.join(map(repr, titled[:10])) or 'none'}: pass one as --assignment, exactly")
    col = header.index(assignment)
    possible_row = next((i for i in range(1, len(table.rows)) if canvas.points_possible(
        [table.value(i, 0)])), None)
    possible = _parse_number(table.value(possible_row, col)) if possible_row else None
    by_uid = {g.identity["uid"]: n for n, g in grades.items() if not g.identity.get("anonymous")}
    placed, changes = set(), []
    for i in range(1, len(table.rows)):
        if i == possible_row:
            continue
        name = by_uid.get(table.value(i, 1).strip())
        if name is None:
            continue
        value = points(grades[name], scale)
        if scale is None and possible is not None and value > possible + 1e-9 and not grades[name].ungraded:
            raise ExportError(f"{name} would get {number(value)}, over the {possible:g} points possible of "
                              f"{assignment!r}: pass --scale {possible:g} to map the {grades[name].max_score:g} "
                              "autograded points to it")
        changes.append((i, name))
        placed.add(name)
    for i, name in changes:
        table.set(i, col, cell(grades[name], scale))
    report.filled = len(changes)
    report.unplaced = sorted(set(grades) - placed)  # anonymous ones among them: Canvas hides their ids
    target = out / "canvas"
    (target / "feedback").mkdir(parents=True, exist_ok=True)
    write_atomic(target / "gradebook.csv", table.render().encode("utf-8"))
    report.written.append(target / "gradebook.csv")
    for name in sorted(grades):
        for file, data in _feedback_files(out, name):
            path = target / "feedback" / f"{name}_{file}"
            write_atomic(path, data)
    report.written.append(target / "feedback")
    return report
