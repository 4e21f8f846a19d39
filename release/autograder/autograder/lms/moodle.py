"""Moodle's names: a member of its "Download all submissions" zip, a row of its offline
grading worksheet, a file of its "Upload multiple feedback files in a zip".

- Submissions, with folders (the default): `<Full name>_<UID>_assignsubmission_<plugin>/<path>`
  (Moodle <= 4.0 with a trailing '_'); without: `<Full name>_<UID>_assignsubmission_<plugin>_<file>`.
  Moodle writes the name with '_' replaced by ' ', so the name never holds '_'. UID is the
  per-assignment participant id, the worksheet's "Participant <UID>"; for team submissions
  the name is the group's and UID its group id.
- Feedback files: Moodle splits each path segment on '_'; the second part must be the UID,
  the next two the plugin (assignfeedback, file), the rest is the file's path.
"""
from __future__ import annotations

import re

_FOLDER = re.compile(r"^(?P<name>[^_/]*)_(?P<uid>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_?$")
_FLAT = re.compile(r"^(?P<name>[^_/]*)_(?P<uid>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<file>.+)$")
IDENTIFIER = re.compile(r"(\d+)\s*$")  # "Participant 123", "Участник 123": the UID ends the cell

# The worksheet's headers in Moodle's language packs (en, ru): Identifier, Grade, Last modified
# (grade), Feedback comments, Maximum grade, Group. Other languages: the export's options.
HEADERS = {
    "id": ("Identifier", "Идентификатор"),
    "grade": ("Grade", "Оценка"),
    "modified": ("Last modified (grade)", "Последнее изменение (оценка)"),
    "feedback": ("Feedback comments", "Отзыв в виде комментария"),
    "maximum": ("Maximum grade", "Максимальная оценка"),
    "group": ("Group", "Группа"),
}


def parse_member(path: str) -> tuple[str, str, str] | None:
    """Whose a member of a Moodle bulk download is.

    Inputs: path, the member's path in the zip ('/'-separated, relative).
    Returns: (full name, UID, path of the file inside the student's submission), or None
    when the path is not in Moodle's layout.
    """
    first, _, rest = path.partition("/")
    if rest:
        m = _FOLDER.match(first)
        return (m["name"], m["uid"], rest) if m else None
    m = _FLAT.match(first)
    return (m["name"], m["uid"], m["file"]) if m else None


def feedback_folder(name: str, uid: str) -> str:
    """The folder of a student's (or team's) files in Moodle's feedback upload zip:
    `<name>_<UID>_assignfeedback_file`, the name with '_' and '/' made spaces so that Moodle
    finds the UID as the second '_'-separated part."""
    clean = re.sub(r"[_/\\\x00-\x1f]", " ", name).strip() or "Participant"
    return f"{clean}_{uid}_assignfeedback_file"


def participant(cell: str) -> str | None:
    """The UID in an Identifier cell ('Participant 123' -> '123'), or None."""
    m = IDENTIFIER.search(cell)
    return m.group(1) if m else None
