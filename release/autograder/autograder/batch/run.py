"""Grade many submissions: in parallel, each in its own grading process, on this machine or on
a Dask cluster; resumable, content-addressed, and careful with what it is given.

A submission is a directory holding network.py, a network.py file, or a zip of either; its
name is the directory's or file's name (without .zip/.py). One submission crashing, hanging
or attacking its grader never stops the others.

The output directory keeps a journal: each finished grading is stored under the hash of
what was graded (the network.py's bytes, the grading options and the engine itself) in
OUT/.graded/KEY.json, written atomically, and a line is appended to OUT/journal.jsonl. Run
the same command again after a crash, a kill or a power cut and only what is missing is
graded; an unchanged resubmission is not graded again (force=True to override), a changed
one is. The gradebook and the batch page (autograder.batch.page: OUT/index.html) are
written from all the grades at the end, so they are the same as an uninterrupted run's.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assignment.idx import write_atomic
from autograder import manifest, scheme
from autograder.batch import page as batch_page
from autograder.batch import reports
from autograder.results import Grade
from autograder.sandbox import machine, tempdirs

MAX_NETWORK_BYTES = 1 << 20  # a network.py is a few kB; 1 MiB is generous
MAX_ZIP_MEMBERS = 10_000  # a student's folder, zipped, has a few dozen
GRADING_SECONDS = 900  # the whole grading of one submission, training included
GRADER_FAILED = "the grader itself failed on this submission"  # not the submission's doing: not journaled
ROOT = manifest.ROOT


class SubmissionError(ValueError):
    """Submissions cannot be graded as given; the message says why and what to do."""


@dataclass
class Submission:
    name: str
    path: Path
    content: bytes | None = None  # the network.py to grade
    problem: str = ""  # why it cannot be graded: it gets 0 and this message
    identity: dict | None = None  # who it is in an LMS (autograder.lms.bulk.Identity), from a bulk download

    def key(self, options: str) -> str | None:
        """What identifies its grading: the content, the options and the engine."""
        if self.content is None:
            return None
        return hashlib.sha256(self.content + options.encode() + engine_fingerprint().encode()).hexdigest()


def name_of(path: Path) -> str:
    return path.stem if path.suffix in (".zip", ".py") else path.name


# -- reading submissions ------------------------------------------------------------------
def _refuse(message: str):
    raise _Unreadable(message)


class _Unreadable(Exception):
    pass


def _from_zip(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                _refuse(f"{path.name} holds {len(members):,} files; a submission has a few. Zip your folder again. / "
                        f"в архиве {len(members):,} файлов, а в работе их несколько: заархивируйте папку заново.")
            escaping = [m.filename for m in members if m.filename.startswith(("/", "\\")) or ".." in
                        Path(m.filename.replace("\\", "/")).parts or ":" in m.filename]
            if escaping:
                _refuse(f"{path.name} holds paths that leave its folder ({escaping[0]}): refused. Zip your folder "
                        "again, from inside it. / в архиве есть пути за пределы его папки: заархивируйте папку "
                        "заново, изнутри неё.")
            candidates = [m for m in members if Path(m.filename).name == "network.py" and not m.is_dir()]
            if not candidates:
                _refuse(f"{path.name} holds no network.py. / в архиве нет network.py.")
            member = min(candidates, key=lambda m: m.filename.count("/"))
            if member.file_size > MAX_NETWORK_BYTES:
                _refuse(f"network.py in {path.name} is {member.file_size:,} bytes uncompressed; over 1 MiB is refused. "
                        "/ network.py больше 1 МиБ: не принимается.")
            with archive.open(member) as f:  # only this member, never extracted by its own path
                content = f.read(MAX_NETWORK_BYTES + 1)  # the header may lie about the size: read no more
            if len(content) > MAX_NETWORK_BYTES:
                _refuse(f"network.py in {path.name} unpacks to more than 1 MiB (a zip bomb?): refused. / network.py "
                        "распаковывается больше чем в 1 МиБ: не принимается.")
            return content
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        _refuse(f"{path.name} is not a zip file that can be read ({exc}). / это не читаемый zip-архив.")


def _from_file(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_NETWORK_BYTES:
        _refuse(f"{path.name} is {size:,} bytes; a network.py over 1 MiB is refused. / network.py больше 1 МиБ: "
                "не принимается.")
    return path.read_bytes()


def _source_problem(content: bytes) -> str:
    """Why Python could not even read this as source, in words; '' if it can."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(content).readline)
    except SyntaxError:  # no usable coding declaration: Python reads the file as UTF-8
        encoding = "utf-8"
    try:
        content.decode(encoding)
    except LookupError:
        return f"network.py declares an unknown encoding ({encoding}): remove the coding line and save it as UTF-8."
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return (f"network.py is not UTF-8 text (byte 0x{content[exc.start]:02x} on line {line}): save it as UTF-8 "
                "(most editors: File → Save with encoding → UTF-8). / network.py не в кодировке UTF-8 "
                f"(байт 0x{content[exc.start]:02x} в строке {line}): сохраните его в UTF-8.")
    return ""


def read_submission(path: Path) -> Submission:
    """The network.py of a submission, bounded and checked; a problem instead where it has one."""
    submission = Submission(name_of(path), path)
    try:
        if path.is_dir():
            found = [path / "network.py"] if (path / "network.py").is_file() else sorted(path.rglob("network.py"))
            if not found:
                _refuse(f"{path.name}/ holds no network.py. / в папке нет network.py.")
            content = _from_file(found[0])
        elif path.suffix == ".zip":
            content = _from_zip(path)
        elif path.is_file():
            content = _from_file(path)
        else:
            _refuse(f"{path} is neither a directory, a .py file nor a .zip.")
        problem = _source_problem(content)
        if problem:
            _refuse(problem)
        submission.content = content
    except _Unreadable as exc:
        submission.problem = str(exc)
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


# -- grading one ----------------------------------------------------------------------------
def engine_fingerprint() -> str:
    """A hash of everything that decides a grade (autograder.manifest.grading_files): a changed
    check or reference means a regrade."""
    if not hasattr(engine_fingerprint, "value"):
        digest = hashlib.sha256()
        for f in manifest.grading_files():
            digest.update(f.relative_to(manifest.ROOT).as_posix().encode() + f.read_bytes())
        engine_fingerprint.value = digest.hexdigest()[:16]
    return engine_fingerprint.value


def grade_content(content: bytes, data_dir=None, skip_training: bool = False, unsafe: bool = False) -> dict:
    """Grade one network.py's bytes in a separate grading process (whose worker is sandboxed);
    return the Grade as a dict. What a Dask worker runs, too."""
    with tempdirs.temporary("grade") as tmp:
        (tmp / "network.py").write_bytes(content)
        command = [sys.executable, "-m", "autograder.grading.grade", str(tmp / "network.py"), str(tmp / "grade.json")]
        if data_dir:
            command += ["--data-dir", str(data_dir)]
        if skip_training:
            command.append("--skip-training")
        if unsafe:
            command.append("--unsafe-no-sandbox")
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=GRADING_SECONDS,
                                  stdin=subprocess.DEVNULL, cwd=str(ROOT),
                                  env={**os.environ, **machine.blas_environment()})
            if done.returncode != 0 or not (tmp / "grade.json").is_file():
                raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"])
            return json.loads((tmp / "grade.json").read_text())
        except (subprocess.TimeoutExpired, RuntimeError) as exc:
            return Grade.zero(f"{GRADER_FAILED}: {exc}", skip_training).to_dict()


def grade_one(path: Path, out: Path, data_dir=None, skip_training: bool = False, unsafe: bool = False) -> Grade:
    """Grade one submission; write its reports to OUT/NAME/; return its Grade."""
    submission = read_submission(path)
    if submission.problem:
        grade = Grade.zero(submission.problem, skip_training)
    else:
        grade = Grade.from_dict(grade_content(submission.content, data_dir, skip_training, unsafe))
    reports.write_submission_reports(out / submission.name, submission.name, grade)
    return grade


def check_sandbox(unsafe: bool = False) -> str:
    """The canary through this machine's sandbox (autograder.sandbox.canary); SubmissionError if it misbehaves."""
    from autograder.sandbox import canary

    try:
        return canary.check(unsafe)
    except (canary.SandboxBroken, canary.SandboxUnavailable) as exc:
        raise SubmissionError(f"not grading: {exc}") from None


# -- the journal ------------------------------------------------------------------------------
class Journal:
    """Finished gradings by key, in OUT/.graded/KEY.json (atomic), and a line each in
    OUT/journal.jsonl (what was graded when; a torn last line is ignored)."""

    def __init__(self, out: Path):
        self.store, self.log = out / ".graded", out / "journal.jsonl"
        self.store.mkdir(parents=True, exist_ok=True)

    def get(self, key: str) -> Grade | None:
        try:
            return Grade.from_dict(json.loads((self.store / f"{key}.json").read_text()))
        except (OSError, ValueError, TypeError, KeyError):
            return None  # absent, or not a complete result: grade again

    def put(self, key: str, name: str, grade: Grade) -> None:
        write_atomic(self.store / f"{key}.json", json.dumps(grade.to_dict()).encode())
        line = json.dumps({"submission": name, "key": key, "score": grade.score, "max_score": grade.max_score,
                           "at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")})
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())


# -- where gradings run ------------------------------------------------------------------------
class LocalPool:
    """Grading processes on this machine (threads that each wait on one)."""

    def __init__(self, jobs: int | None):
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1)

    def submit(self, key, content, data_dir, skip_training, unsafe=False):
        return self.pool.submit(grade_content, content, data_dir, skip_training, unsafe)

    def as_completed(self, futures):
        from concurrent.futures import as_completed

        return as_completed(futures)

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """Gradings sent to a Dask distributed scheduler; each Dask worker runs grade_content,
    the same sandboxed engine. A worker that dies has its gradings rescheduled by Dask."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise SubmissionError("--cluster needs Dask: pip install 'mnist-hw[cluster]'") from None
        try:
            self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise SubmissionError(f"cannot reach the Dask scheduler at {address} ({exc}). Start one with "
                                  "`dask scheduler` and workers with `dask worker ADDRESS`.") from None

    def submit(self, key, content, data_dir, skip_training, unsafe=False):
        # the key names the grading by its content: the same network.py is graded once, whoever sent it
        return self.client.submit(grade_content, content, data_dir, skip_training, unsafe, key=f"mnist-hw-{key}",
                                  retries=1)

    def as_completed(self, futures):
        from distributed import as_completed

        return as_completed(futures)

    def close(self):
        self.client.close()


# -- the batch -----------------------------------------------------------------------------------
def grade_batch(paths: list[Path], out: Path, jobs: int | None = None, data_dir=None, skip_training: bool = False,
                on_done=None, force: bool = False, cluster: str | None = None,
                unsafe: bool = False) -> dict[str, Grade]:
    """Grade every submission not already in the journal (all with force), write every
    report, the gradebook and the summary; return {name: Grade}. Before grading here, a
    canary is graded through the same sandbox: a sandbox that misbehaves refuses the batch
    (SubmissionError naming the cause) rather than hand out zeros. `unsafe`: grade without
    isolation where none can be had."""
    paths = [Path(p) for p in paths]
    check_paths(paths)
    out.mkdir(parents=True, exist_ok=True)
    journal = Journal(out)
    options = json.dumps({"skip_training": skip_training})
    grades: dict[str, Grade] = {}

    submissions, _ = expand(paths)
    identities = {s.name: s.identity for s in submissions if s.identity}

    def finish(name: str, grade: Grade, reused: bool = False):
        if name in identities:  # the journal keeps what was graded; who it is, the gradebook
            grade = dataclasses.replace(grade, identity=identities[name])
        grades[name] = grade
        reports.write_submission_reports(out / name, name, grade)
        if on_done:
            on_done(name, grade, reused)

    pending: dict[str, list[str]] = {}  # key -> names with that content
    contents: dict[str, bytes] = {}
    codes: dict[str, bytes] = {}  # name -> network.py, for the similarity report
    for submission in submissions:
        if submission.content is not None:
            codes[submission.name] = submission.content
        if submission.problem:
            finish(submission.name, Grade.zero(submission.problem, skip_training))
            continue
        key = submission.key(options)
        done = None if force else journal.get(key)
        if done is not None:
            finish(submission.name, done, reused=True)
        else:
            pending.setdefault(key, []).append(submission.name)
            contents[key] = submission.content
    if pending:
        if not cluster:  # a cluster's workers are their own machines: their gradings say their protections
            check_sandbox(unsafe)
        runner = DaskCluster(cluster) if cluster else LocalPool(jobs)
        try:
            futures = {runner.submit(key, contents[key], data_dir, skip_training, unsafe): key for key in pending}
            for future in runner.as_completed(list(futures)):
                key = futures[future]
                try:
                    grade = Grade.from_dict(future.result())
                except Exception as exc:  # noqa: BLE001 - e.g. Dask gave up after workers kept dying
                    grade = Grade.zero(f"{GRADER_FAILED}: {exc}", skip_training)
                if not grade.import_error.startswith(GRADER_FAILED):  # only a real result is kept
                    journal.put(key, ",".join(pending[key]), grade)
                for name in pending[key]:
                    finish(name, grade)
        finally:
            runner.close()
    reports.write_gradebook(out, grades)
    reports.write_grades(out, grades)
    reports.write_summary(out, grades)
    batch_page.write_batch_page(out, grades, codes)  # from all the grades, as the gradebook
    return grades
