"""An LMS bulk download (Moodle's "Download all submissions", Canvas's "Download
Submissions"), as a zip or the folder it unpacks to: recognised, and split into one
submission per student, named and identified by the LMS.

The zip hygiene of one submission (autograder/batch/submissions.py) holds per student: no
member is extracted by its own path (only a network.py is read, by its zip entry), a path that
leaves its folder refuses that student's submission, members and sizes are bounded, and
macOS's AppleDouble files (`__MACOSX/`, `._*`) and `.DS_Store` are ignored. A student whose
files hold no network.py, or more than one, gets a submission with a problem (0 points and
why), so that the gradebook has a line for them.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from autograder import messages
from autograder.lms import canvas, moodle
from autograder.sandbox import imports, source

MAX_BULK_MEMBERS = 200_000  # 150 students with a few dozen files each, many times over
MAX_INNER_ZIP_BYTES = 64 << 20  # a student who uploaded a zip of their folder: a few MB
JUNK = (".DS_Store", "Thumbs.db")


@dataclass(frozen=True)
class Identity:
    """Who a submission is in the LMS. uid: Moodle's participant id (a team's group id),
    Canvas's user id (its anonymous id when anonymous); name: the full name (Moodle) or
    the sortable name as Canvas wrote it; late: Canvas's LATE mark."""
    lms: str
    uid: str
    name: str
    late: bool = False
    anonymous: bool = False

    def submission_name(self) -> str:
        """The submission's name (its folder OUT/NAME/): the LMS's own prefix, unique by uid."""
        if self.lms == "canvas" and self.anonymous:
            return f"anon_{self.uid}"
        name = re.sub(r"[/\\\x00-\x1f\x7f]", " ", self.name).strip()[:80] or (
            "Participant" if self.lms == "moodle" else "student")
        return f"{name}_{self.uid}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Member:
    path: str  # inside the student's submission
    size: int
    read: object  # () -> bytes, at most limit+1 bytes: read(limit)
    escapes: bool = False
    link: bool = False


@dataclass
class Bulk:
    """A recognised bulk download: its LMS, its students' files, what was not theirs."""
    lms: str
    students: dict[Identity, list[_Member]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _junk(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return not parts or parts[0] == "__MACOSX" or parts[-1] in JUNK or parts[-1].startswith("._")


def _escapes(path: str) -> bool:
    return path.startswith(("/", "\\")) or ".." in PurePosixPath(path.replace("\\", "/")).parts or ":" in path


def _listing(path: Path) -> list[tuple[str, int, object, bool]] | None:
    """(member path, size, reader, is a link) of a zip or folder; None if it is neither."""
    if path.is_dir():
        found = []
        for f in sorted(path.rglob("*")):
            if f.is_file() or f.is_symlink():
                rel = f.relative_to(path).as_posix()

                def read(limit, f=f):
                    with open(f, "rb") as handle:
                        return handle.read(limit + 1)
                found.append((rel, f.lstat().st_size, read, f.is_symlink()))
            if len(found) > MAX_BULK_MEMBERS:
                break
        return found
    if path.suffix.lower() != ".zip" or not path.is_file():
        return None
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None  # autograder.batch.submissions.read_submission says what is wrong with it
    found = []
    for info in archive.infolist()[:MAX_BULK_MEMBERS + 1]:
        if info.is_dir():
            continue

        def read(limit, info=info):
            with archive.open(info) as handle:  # never extracted by its own path
                return handle.read(limit + 1)
        found.append((info.filename, info.file_size, read, False))
    return found


def _common_folder(paths: list[str]) -> str:
    """The one folder every path is in ('' if none): an unpacked download zipped again."""
    firsts = {p.split("/", 1)[0] for p in paths}
    if len(firsts) == 1 and all("/" in p for p in paths):
        return firsts.pop() + "/"
    return ""


def recognise(path: Path) -> Bulk | None:
    """The bulk download at `path` (a zip or a folder), or None if it is not one.

    It is one when more than half of its files (AppleDouble and .DS_Store aside; inside one
    common folder if all are) are named in Moodle's layout, or in Canvas's; those that are
    not are listed in Bulk.ignored.
    """
    listing = _listing(path)
    if not listing:
        return None
    listing = [m for m in listing if not _junk(m[0])]
    prefix = _common_folder([m[0] for m in listing])
    if prefix and (moodle.parse_member(prefix.rstrip("/") + "/x") or canvas.parse_member(prefix.rstrip("/"))):
        prefix = ""  # a single student's folder is the download itself
    for lms in ("moodle", "canvas"):
        bulk = Bulk(lms)
        for name, size, read, link in listing:
            inner = name[len(prefix):]
            if lms == "moodle":
                parsed = moodle.parse_member(inner)
                who = parsed and Identity("moodle", parsed[1], parsed[0])
                rest = parsed and parsed[2]
            else:
                parsed = canvas.parse_member(inner)
                who = parsed and Identity("canvas", parsed[1], parsed[0], parsed[2], parsed[3])
                rest = parsed and parsed[4]
            if not parsed:
                bulk.ignored.append(name)
                continue
            # the name's own characters (':' too) are never a path here: no member is extracted by its name
            escapes = _escapes(rest) or name.startswith(("/", "\\")) or ".." in PurePosixPath(name).parts
            bulk.students.setdefault(who, []).append(_Member(rest, size, read, escapes, link))
        if bulk.students and len(bulk.ignored) < sum(len(m) for m in bulk.students.values()):
            return bulk
    return None


def _late_merged(bulk: Bulk) -> dict[Identity, list[_Member]]:
    """Canvas marks some files of one student LATE and not others: one student, late if any."""
    merged: dict[tuple, tuple[Identity, list]] = {}
    for who, members in bulk.students.items():
        key = (who.lms, who.uid, who.anonymous)
        if key in merged:
            old, files = merged[key]
            merged[key] = (Identity(old.lms, old.uid, old.name or who.name, old.late or who.late, old.anonymous),
                           files + members)
        else:
            merged[key] = (who, list(members))
    return dict(merged.values())


def _answers(members: list[_Member]):
    """The student's written derivation (autograder.derivation.answers.Answers) of their own files, each read bounded."""
    from autograder.derivation import answers

    skipped = [answers.derivation_say("unread_link", answers.shown_name(m.path)) for m in members
               if m.link and not m.escapes and answers.is_answer_file(m.path)]  # said, not dropped silently
    return answers.read_bounded(((m.path, m.size, m.read) for m in members if not (m.escapes or m.link)), skipped)


def _network(members: list[_Member], who: Identity, submission=None) -> tuple[bytes, frozenset]:
    """(network.py's bytes, the names of the student's own modules beside it) of one student's files
    (theirs directly, or those of the one zip they uploaded), or raise reading._Unreadable saying why not."""
    from autograder.batch import submissions as reading

    who_name = who.name or who.uid
    if len(members) > reading.MAX_ZIP_MEMBERS:
        reading._refuse(messages.lms_too_many_files(who_name, len(members)))
    escaping = [m.path for m in members if m.escapes]
    if escaping:
        reading._refuse(messages.lms_path_leaves_folder(who_name, escaping[0]))
    linked = [m.path for m in members if m.link]
    if linked:
        reading._refuse(messages.lms_link(who_name, linked[0]))
    # Canvas renames a re-uploaded file network-1.py; a name is compared without its case
    candidates = [m for m in members if re.fullmatch(r"network(-\d+)?\.py", PurePosixPath(m.path).name, re.I)]
    if not candidates:
        zips = [m for m in members if m.path.lower().endswith(".zip")]
        if len(zips) == 1:  # the student uploaded their folder as a zip: batch's own zip reading
            return _from_inner_zip(zips[0], submission)
        reading._refuse(messages.lms_no_network_py(who_name, ", ".join(sorted(m.path for m in members)[:5])))
    if len(candidates) > 1:
        reading._refuse(messages.lms_several_network_py(who_name, len(candidates),
                                                        ", ".join(sorted(m.path for m in candidates)[:5])))
    member = candidates[0]
    content = member.read(reading.MAX_NETWORK_BYTES)
    if len(content) > reading.MAX_NETWORK_BYTES:
        reading._refuse(messages.lms_network_too_big(who_name))
    folder = member.path.rsplit("/", 1)[0] + "/" if "/" in member.path else ""
    return content, imports.own_modules(m.path[len(folder):] for m in members if m.path.startswith(folder))


def _from_inner_zip(member: _Member, submission=None) -> tuple[bytes, frozenset]:
    """(network.py's bytes, its own modules) of a student's uploaded zip, read as a zip submission is
    (its written answers into `submission`, given one)."""
    from autograder.batch import submissions as reading
    from autograder.sandbox import tempdirs

    data = member.read(MAX_INNER_ZIP_BYTES)
    if len(data) > MAX_INNER_ZIP_BYTES:
        reading._refuse(messages.lms_inner_zip_too_big(member.path, MAX_INNER_ZIP_BYTES >> 20))
    with tempdirs.temporary("bulk") as tmp:
        inner = tmp / PurePosixPath(member.path).name
        inner.write_bytes(data)
        return reading._from_zip(inner, submission)  # its network.py, and its modules beside it: named as the student's own


def submissions(path: Path):
    """The submissions of a bulk download, one per student, or None if `path` is not one.

    Returns: (lms, [autograder.batch.submissions.Submission with .identity set], [ignored member paths]).
    """
    from autograder.batch import submissions as reading

    bulk = recognise(path)
    if bulk is None:
        return None
    found = []
    for who, members in sorted(_late_merged(bulk).items(), key=lambda item: item[0].submission_name()):
        submission = reading.Submission(who.submission_name(), path, identity=who.to_dict())
        try:
            submission.answers = _answers(members)
            content, submission.own = _network(members, who, submission)
            problem = source.unreadable_text(content)
            if problem:
                reading._refuse(problem)
            submission.content = content
        except reading._Unreadable as exc:
            reading.unreadable(submission, exc)
        found.append(submission)
    return bulk.lms, found, bulk.ignored
