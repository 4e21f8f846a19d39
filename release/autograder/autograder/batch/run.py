"""Grade many submissions: in parallel, each in its own grading process, on this machine or on
a Dask cluster; resumable, content-addressed, and careful with what it is given.

The flow of a batch, whose parts live beside it: the submissions are read and checked
(autograder.batch.submissions), what the journal already holds is taken from it
(autograder.batch.journal), the rest is graded where the executor runs it
(autograder.batch.executors), each in its own grading process (grade_content). One
submission crashing, hanging or attacking its grader never stops the others. The gradebook
and the batch page (autograder.batch.page: OUT/index.html) are written from all the grades at
the end, so they are the same as an uninterrupted run's.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from autograder import manifest
from autograder.batch import page as batch_page
from autograder.batch import reports
from autograder.batch.executors import DaskCluster, LocalPool
from autograder.batch.journal import Journal, grading_key
from autograder.batch.submissions import SubmissionError, check_paths, expand, read_submission
from autograder.results import Grade
from autograder.sandbox import machine, tempdirs

GRADING_SECONDS = 900  # the batch's safety kill of one grading process, far above its own budget (Limits.budget_seconds)
ROOT = manifest.ROOT


# -- grading one ----------------------------------------------------------------------------
def grade_content(content: bytes, data_dir=None, skip_training: bool = False, unsafe: bool = False,
                  own=frozenset()) -> dict:
    """Grade one network.py's bytes in a separate grading process (whose worker is sandboxed);
    return the Grade as a dict. What a Dask worker runs, too. `own`: the submission's other
    modules' names (Submission.own)."""
    with tempdirs.temporary("grade") as tmp:
        (tmp / "network.py").write_bytes(content)
        command = [sys.executable, "-m", "autograder.grading.grade", str(tmp / "network.py"), str(tmp / "grade.json")]
        if data_dir:
            command += ["--data-dir", str(data_dir)]
        if skip_training:
            command.append("--skip-training")
        if unsafe:
            command.append("--unsafe-no-sandbox")
        # The grading process is trusted code: if it does not end with its grade.json, the grader
        # failed (its memory cap, an exception of its own, the safety kill) — never the submission's
        # result, which the grading process always writes (a worker's crash, hang or forgery included).
        command += [f"--own-module={name}" for name in sorted(own)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=GRADING_SECONDS,
                                  stdin=subprocess.DEVNULL, cwd=str(ROOT),
                                  env={**os.environ, **machine.blas_environment()})
        except subprocess.TimeoutExpired:
            return Grade.failed_grader(f"the grading process ran past the batch's {GRADING_SECONDS} s safety kill",
                                       skip_training).to_dict()
        try:
            return Grade.read(tmp / "grade.json").to_dict()
        except (OSError, ValueError, TypeError, KeyError):
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return Grade.failed_grader(f"the grading process ended with status {done.returncode} and no grade "
                                       f"({last[0][:300]})", skip_training).to_dict()


def grade_one(path: Path, out: Path, data_dir=None, skip_training: bool = False, unsafe: bool = False) -> Grade:
    """Grade one submission; write its reports to OUT/NAME/; return its Grade."""
    submission = read_submission(path)
    if submission.problem:
        grade = Grade.zero(submission.problem, skip_training, submission.problem_ru)
    else:
        grade = Grade.from_dict(grade_content(submission.content, data_dir, skip_training, unsafe,
                                                 submission.own))
    return reports.write_reports_or_error(out / submission.name, submission.name, grade)


def derivations(out: Path, submissions, rubric=None, notes: list | None = None) -> None:
    """The written derivations of the batch's submissions: checked, suggested, grouped on
    OUT/derivation/index.html (never graded: the instructor confirms, `mnist-hw derivation confirm`)."""
    from autograder.derivation import record, rubric as rubrics, view

    written, problems = record.write_batch(out, {s.name: s.answers for s in submissions}, rubric or rubrics.default())
    view.write_page(out, written)
    if notes is not None:
        notes += problems


def check_sandbox(unsafe: bool = False) -> str:
    """The canary through this machine's sandbox (autograder.sandbox.canary); SubmissionError if it misbehaves."""
    from autograder.sandbox import canary

    try:
        return canary.check(unsafe)
    except (canary.SandboxBroken, canary.SandboxUnavailable) as exc:
        raise SubmissionError(f"not grading: {exc}") from None


# -- the batch -----------------------------------------------------------------------------------
def grade_batch(paths: list[Path], out: Path, jobs: int | None = None, data_dir=None, skip_training: bool = False,
                on_done=None, force: bool = False, cluster: str | None = None,
                unsafe: bool = False, rubric=None, notes: list | None = None) -> dict[str, Grade]:
    """Grade every submission not already in the journal (all with force), write every
    report, the gradebook and the summary; return {name: Grade}. Before grading here, a
    canary is graded through the same sandbox: a sandbox that misbehaves refuses the batch
    (SubmissionError naming the cause) rather than hand out zeros. `unsafe`: grade without
    isolation where none can be had. The submissions' written derivations are checked too
    (autograder.derivation: OUT/NAME/derivation.json, OUT/derivation/index.html) by `rubric`
    (None: the default); what could not be is appended to `notes`."""
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
        grade = reports.write_reports_or_error(out / name, name, grade)  # a failure there is this one's error
        grades[name] = grade
        if on_done:
            on_done(name, grade, reused)

    pending: dict[str, list[str]] = {}  # key -> names with that content
    contents: dict[str, bytes] = {}
    owns: dict[str, frozenset] = {}
    codes: dict[str, bytes] = {}  # name -> network.py, for the similarity report
    for submission in submissions:
        if submission.content is not None:
            codes[submission.name] = submission.content
        if submission.problem:
            finish(submission.name, Grade.zero(submission.problem, skip_training, submission.problem_ru))
            continue
        # the submission's own modules change only a refusal's words, but they are its words: keyed too
        key = grading_key(submission.content, options + (json.dumps(sorted(submission.own)) if submission.own else ""))
        done = None if force else journal.get(key)
        if done is not None:
            finish(submission.name, done, reused=True)
        else:
            pending.setdefault(key, []).append(submission.name)
            contents[key] = submission.content
            owns[key] = submission.own
    if pending:
        if not cluster:  # a cluster's workers are their own machines: their gradings say their protections
            check_sandbox(unsafe)
        runner = DaskCluster(cluster) if cluster else LocalPool(jobs)
        try:
            futures = {runner.submit(key, grade_content, contents[key], data_dir, skip_training, unsafe, owns[key]): key
                       for key in pending}
            for future in runner.as_completed(list(futures)):
                key = futures[future]
                try:
                    grade = Grade.from_dict(future.result())
                except Exception as exc:  # noqa: BLE001 - e.g. Dask gave up after workers kept dying
                    grade = Grade.failed_grader(f"the executor lost this grading ({type(exc).__name__}: "
                                                f"{str(exc)[:300]})", skip_training)
                if not grade.ungraded:  # the submission's result, whatever it is, is kept; the grader's failure is not
                    journal.put(key, ",".join(pending[key]), grade)
                for name in pending[key]:
                    finish(name, grade)
        finally:
            runner.close()
    reports.write_gradebook(out, grades)
    reports.write_grades(out, grades)
    reports.write_summary(out, grades)
    derivations(out, submissions, rubric, notes)
    batch_page.write_batch_page(out, grades, codes)  # from all the grades, as the gradebook
    return grades
