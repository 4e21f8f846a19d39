"""Grade many submissions in parallel, each in its own grading process, and write the reports.

A submission is a directory holding network.py, a network.py file, or a zip of either;
its name is the directory's or file's name (without .zip/.py). One submission crashing,
hanging or attacking its grader never stops the others.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from autograder import reports, scheme
from autograder.runner import Grade

MAX_NETWORK_BYTES = 1 << 20  # a network.py is a few kB; 1 MiB is generous
GRADING_SECONDS = 900  # the whole grading of one submission, training included


class SubmissionError(ValueError):
    """A submission cannot be read; the message says why."""


def name_of(path: Path) -> str:
    return path.stem if path.suffix in (".zip", ".py") else path.name


def extract_network(path: Path, into: Path) -> Path:
    """The submission's network.py, copied into `into` (zips read safely, sizes bounded)."""
    if not path.exists():
        raise SubmissionError(f"{path} does not exist")
    if path.is_dir():
        candidates = [path / "network.py"] if (path / "network.py").is_file() else sorted(path.rglob("network.py"))
        if not candidates:
            raise SubmissionError(f"{path} holds no network.py")
        source = candidates[0]
        if source.stat().st_size > MAX_NETWORK_BYTES:
            raise SubmissionError(f"{source} is {source.stat().st_size:,} bytes; a network.py over 1 MiB is refused")
        shutil.copyfile(source, into / "network.py")
    elif path.suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if Path(m.filename).name == "network.py" and not m.is_dir()]
                if not members:
                    raise SubmissionError(f"{path}: the zip holds no network.py")
                member = min(members, key=lambda m: m.filename.count("/"))
                if member.file_size > MAX_NETWORK_BYTES:
                    raise SubmissionError(f"{path}: network.py is {member.file_size:,} bytes uncompressed; "
                                          "over 1 MiB is refused")
                with archive.open(member) as f:  # only this member is read, never extracted by its own path
                    content = f.read(MAX_NETWORK_BYTES + 1)
                (into / "network.py").write_bytes(content[:MAX_NETWORK_BYTES])
        except zipfile.BadZipFile as exc:
            raise SubmissionError(f"{path} is not a valid zip file ({exc})") from None
    elif path.is_file():
        if path.stat().st_size > MAX_NETWORK_BYTES:
            raise SubmissionError(f"{path} is {path.stat().st_size:,} bytes; a network.py over 1 MiB is refused")
        shutil.copyfile(path, into / "network.py")
    else:
        raise SubmissionError(f"{path} is neither a directory, a .py file nor a .zip")
    return into / "network.py"


def grade_one(path: Path, out: Path, data_dir=None, skip_training: bool = False) -> Grade:
    """Grade one submission in a separate grading process; write its reports; return its Grade."""
    name = name_of(path)
    with tempfile.TemporaryDirectory(prefix="mnist-hw-grade-") as tmp:
        tmp = Path(tmp)
        try:
            network = extract_network(path, tmp)
        except SubmissionError as exc:
            grade = Grade(0.0, max_score(skip_training), [], import_error=str(exc))
        else:
            command = [sys.executable, "-m", "autograder.runner", str(network), str(tmp / "grade.json")]
            if data_dir:
                command += ["--data-dir", str(data_dir)]
            if skip_training:
                command.append("--skip-training")
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=GRADING_SECONDS,
                                      stdin=subprocess.DEVNULL)
                if done.returncode != 0 or not (tmp / "grade.json").is_file():
                    raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"])
                grade = Grade.from_dict(json.loads((tmp / "grade.json").read_text()))
            except (subprocess.TimeoutExpired, RuntimeError) as exc:
                grade = Grade(0.0, max_score(skip_training), [],
                              import_error=f"the grader itself failed on this submission: {exc}")
    reports.write_submission_reports(out / name, name, grade)
    return grade


def max_score(skip_training: bool) -> float:
    return scheme.AUTOGRADED - (next(a.points for a in scheme.AREAS if a.key == "training") if skip_training else 0)


def grade_batch(paths: list[Path], out: Path, jobs: int | None = None, data_dir=None, skip_training: bool = False,
                on_done=None) -> dict[str, Grade]:
    names = [name_of(p) for p in paths]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SubmissionError(f"two submissions are named {', '.join(duplicates)}: rename one, since each "
                              f"submission's reports go to OUT/NAME/")
    out.mkdir(parents=True, exist_ok=True)
    grades: dict[str, Grade] = {}
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        futures = {pool.submit(grade_one, p, out, data_dir, skip_training): name_of(p) for p in paths}
        for future in as_completed(futures):
            grades[futures[future]] = future.result()
            if on_done:
                on_done(futures[future], grades[futures[future]])
    reports.write_gradebook(out, grades)
    reports.write_summary(out, grades)
    return grades
