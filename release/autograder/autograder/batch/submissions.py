"""Reading submissions, bounded and checked: what a batch, the similarity report and an LMS bulk
download (autograder.lms.bulk) are given.

A submission is a directory holding network.py, a network.py file, or a zip of either; its
name is the directory's or file's name (without .zip/.py). What cannot be graded as given
(too big, not UTF-8, a zip that escapes its folder or holds no network.py) becomes a
Submission with a `problem`: it gets 0 and that message, and the others are graded.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder import messages
from autograder.batch import page as batch_page
from autograder.sandbox import imports, source

MAX_NETWORK_BYTES = source.MAX_BYTES
MAX_ZIP_MEMBERS = 10_000  # a student's folder, zipped, has a few dozen


class SubmissionError(ValueError):
    """Submissions cannot be graded as given; the message says why and what to do."""


@dataclass
class Submission:
    name: str
    path: Path
    content: bytes | None = None  # the network.py to grade
    problem: str = ""  # why it cannot be graded: it gets 0 and this message (problem_ru in Russian)
    problem_ru: str = ""
    identity: dict | None = None  # who it is in an LMS (autograder.lms.bulk.Identity), from a bulk download
    own: frozenset = frozenset()  # its other modules beside network.py (imports.own_modules): not graded
    answers: object = None  # its written derivation (autograder.derivation.answers.Answers), if it has one


def name_of(path: Path) -> str:
    """A submission's name, its folder in OUT/NAME/: the directory's or file's name without .zip/.py."""
    return path.stem if path.suffix in (".zip", ".py") else path.name


# -- reading submissions ------------------------------------------------------------------
def _refuse(why: tuple[str, str]):
    """Stop reading this submission: it gets 0 and `why`, one of autograder.messages' (en, ru)
    pairs (also used by autograder.lms.bulk)."""
    raise _Unreadable(why)


class _Unreadable(Exception):
    """One submission cannot be graded as given; read_submission turns it into Submission.problem."""

    def __init__(self, why: tuple[str, str]):
        self.why = why
        super().__init__(why[0])


def unreadable(submission: Submission, exc: _Unreadable) -> Submission:
    """`submission`, with why it cannot be graded."""
    submission.problem, submission.problem_ru = exc.why
    return submission


def _from_zip(path: Path, submission: Submission | None = None) -> tuple[bytes, frozenset]:
    """network.py's bytes, and the names of the zip's other modules beside it; given the
    `submission`, its written answers too (read even where network.py is refused)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                _refuse(messages.zip_too_many_files(path.name, len(members)))
            escaping = [m.filename for m in members if m.filename.startswith(("/", "\\")) or ".." in
                        Path(m.filename.replace("\\", "/")).parts or ":" in m.filename]
            if escaping:
                _refuse(messages.zip_leaves_its_folder(path.name, escaping[0]))
            if submission is not None:
                submission.answers = _answers_in_zip(archive, members)
            candidates = [m for m in members if Path(m.filename).name == "network.py" and not m.is_dir()]
            if not candidates:
                _refuse(messages.no_network_py(path.name, folder=False))
            member = min(candidates, key=lambda m: m.filename.count("/"))
            if member.file_size > MAX_NETWORK_BYTES:
                _refuse(messages.zipped_network_too_big(path.name, member.file_size))
            with archive.open(member) as f:  # only this member, never extracted by its own path
                content = f.read(MAX_NETWORK_BYTES + 1)  # the header may lie about the size: read no more
            if len(content) > MAX_NETWORK_BYTES:
                _refuse(messages.zip_bomb(path.name))
            folder = member.filename.rsplit("/", 1)[0] + "/" if "/" in member.filename else ""
            return content, imports.own_modules(m.filename[len(folder):] for m in members
                                                if m.filename.startswith(folder))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        _refuse(messages.not_a_zip(path.name, str(exc)))


def _answers_in_zip(archive: zipfile.ZipFile, members) -> object:
    """The derivation answers of a zip's members (derivation*.md, notebooks), each read bounded."""
    from autograder.derivation import answers

    def reader(member):
        def read(limit: int) -> bytes:
            with archive.open(member) as f:  # only this member, never extracted by its own path
                return f.read(limit + 1)
        return read

    return answers.read_bounded((m.filename, m.file_size, reader(m)) for m in members if not m.is_dir())


def _from_file(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_NETWORK_BYTES:
        _refuse(messages.file_too_big(path.name, size))
    return path.read_bytes()


def read_submission(path: Path) -> Submission:
    """The network.py of a submission, bounded and checked; a problem instead where it has one."""
    submission = Submission(name_of(path), path)
    if path.is_dir():  # the written answers are read whatever becomes of network.py
        from autograder.derivation import answers

        submission.answers = answers.read_folder(path)
    try:
        if path.is_dir():
            found = [path / "network.py"] if (path / "network.py").is_file() else sorted(
                p for p in path.rglob("network.py") if p.is_file())  # a folder named network.py is not one
            if not found:
                _refuse(messages.no_network_py(path.name, folder=True))
            content = _from_file(found[0])
            submission.own = imports.own_modules_in(found[0])
        elif path.suffix == ".zip":
            content, submission.own = _from_zip(path, submission)
        elif path.is_file():
            content = _from_file(path)
        else:
            _refuse(messages.not_a_submission(path))
        problem = source.unreadable_text(content)
        if problem:
            _refuse(problem)
        submission.content = content
    except _Unreadable as exc:
        return unreadable(submission, exc)
    return submission


def check_paths(paths: list[Path]) -> None:
    """Refuse, before anything is graded, what the grader was given by mistake."""
    if not paths:
        raise SubmissionError("no submissions given")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SubmissionError(f"no such file or directory: {', '.join(missing[:5])}"
                              + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
                              + ". Check the paths (a shell pattern that matched nothing is passed as is).")
    empty = [str(p) for p in paths if p.is_dir() and not any(p.iterdir())]
    if empty:
        raise SubmissionError(f"empty director{'y' if len(empty) == 1 else 'ies'}: {', '.join(empty[:5])}: "
                              "nothing to grade there")
    names = [name_of(p) for p in paths]
    unfit = [str(p) for p, n in zip(paths, names) if n in ("", ".", "..", ".graded", *batch_page.FOLDERS)]
    if unfit:  # OUT/NAME/ would be OUT itself, its parent, the journal or the batch page's
        raise SubmissionError(f"{', '.join(unfit[:5])}: a submission's name is its folder in OUT/NAME/, and this "
                              "one names OUT itself, its parent, the journal or a folder of the batch page "
                              f"({', '.join(batch_page.FOLDERS)}): rename it")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        clash = [str(p) for p in paths if name_of(p) in duplicates[:1]]
        raise SubmissionError(f"two submissions are named {', '.join(duplicates)} ({' and '.join(clash)}): rename "
                              "one, since each submission's reports go to OUT/NAME/")


def expand(paths: list[Path]) -> tuple[list[Submission], list[str]]:
    """Every submission the paths give: one per path, or one per student of an LMS bulk
    download (autograder.lms.bulk). Returns (submissions, notes for the instructor: what a
    bulk download held that was no student's); SubmissionError if two share a name."""
    from autograder.lms import bulk

    found, notes = [], []
    for path in paths:
        split = bulk.submissions(Path(path))
        if split is None:
            found.append(read_submission(Path(path)))
            continue
        lms, students, ignored = split
        notes.append(f"{path}: a {lms.capitalize()} bulk download, {len(students)} submission(s)"
                     + (f"; {len(ignored)} file(s) in no student's name, ignored: {', '.join(ignored[:3])}"
                        if ignored else ""))
        found += students
    names = [s.name for s in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SubmissionError(f"two submissions are named {', '.join(duplicates[:5])}: each submission's reports "
                              "go to OUT/NAME/, so give the same download once, or rename one")
    return found, notes
