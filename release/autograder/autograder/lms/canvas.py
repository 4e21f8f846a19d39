"""Canvas's names: a file of its "Download Submissions" zip and its gradebook CSV.

- Submissions (lib/content_zipper.rb): `[<name>_][LATE_]<id>_<attachment id>_<file>`, where
  name is the sortable name ("Doe, Jane") lowercased with everything but word characters
  removed ("doejane"), and id is the user id or, for anonymous grading, `anon_<anonymous id>`
  (no name then). Canvas removes `_<digits>_` from names so that the ids can be found.
- Gradebook CSV (lib/gradebook_importer.rb): column 0 "Student", column 1 "ID" (the zip's
  user id), student-info columns up to "Section", then assignment columns `Title (<id>)`;
  an optional first data row "Points Possible". Students are matched by ID.
"""
from __future__ import annotations

import re

_MEMBER = re.compile(r"^(?:(?P<name>\w*?)_)??(?P<late>LATE_)?(?:anon_(?P<anon>[A-Za-z0-9]+)|(?P<uid>\d+))"
                     r"_(?P<attachment>\d+)_(?P<file>.+)$")


def parse_member(path: str) -> tuple[str, str, bool, bool, str] | None:
    """Whose a file of a Canvas bulk download is.

    Inputs: path, the member's path in the zip (Canvas writes no folders).
    Returns: (name, id, late, anonymous, file name), id the user id or the anonymous id;
    None when the path is not in Canvas's layout.
    """
    if "/" in path:
        return None
    m = _MEMBER.match(path)
    if not m or (m["anon"] and m["name"]):
        return None
    anonymous = m["anon"] is not None
    return (m["name"] or "", m["anon"] if anonymous else m["uid"], bool(m["late"]), anonymous, m["file"])


def points_possible(row: list[str]) -> bool:
    """Whether a gradebook row is Canvas's "Points Possible" row (kept as it is)."""
    return bool(row) and row[0].strip() == "Points Possible"
