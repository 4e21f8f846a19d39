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
from autograder.grading import parts
from autograder.results import Grade
from autograder.sandbox import machine, tempdirs

GRADING_SECONDS = 900  # the batch's safety kill of one grading process, far above its own budget (Limits.budget_seconds)
ROOT = manifest.ROOT


# -- grading one ----------------------------------------------------------------------------
class Gate:
    """Whether student code may run yet: the batch's gradings start (their imports, their data)
    while the sandbox's canary runs, and wait here until it has passed (`open`) or failed
    (`refuse`: they end without grading)."""

    def __init__(self):
        import threading

        self._decided, self._open = threading.Event(), False

    def open(self):
        self._open = True
        self._decided.set()

    def refuse(self):
        self._decided.set()

    def wait(self) -> bool:
        self._decided.wait()
        return self._open


REFUSED = "not graded: the sandbox's canary failed"


def grade_content(content: bytes, data_dir=None, skip_training: bool = False, unsafe: bool = False,
                  own=frozenset(), split: bool = False, gate: Gate | None = None) -> dict:
    """Grade one network.py's bytes in a separate grading process (whose worker is sandboxed),
    or with `split` in two at the same time (autograder/grading/parts.py: the training check and
    the rest, each its own process and worker, merged there); return the Grade as a dict. What a
    Dask worker runs, too. `own`: the submission's other modules' names (Submission.own).
    `gate`: the processes start at once and wait for it before any student code runs."""
    with tempdirs.temporary("grade") as tmp:
        (tmp / "network.py").write_bytes(content)
        options = []
        if data_dir:
            options += ["--data-dir", str(data_dir)]
        if unsafe:
            options.append("--unsafe-no-sandbox")
        # the submission's own modules change only a refusal's words
        options += [f"--own-module={name}" for name in sorted(own)] + (["--gate"] if gate else [])
        if split:
            runs = {name: parts.arguments(areas) for name, areas in parts.parts(skip_training)}
        else:
            runs = {"": ["--skip-training"] if skip_training else []}
        # The grading process is trusted code: if it does not end with its grade.json, the grader
        # failed (its memory cap, an exception of its own, the safety kill) — never the submission's
        # result, which the grading process always writes (a worker's crash, hang or forgery included).
        found = {name: _graded(done, folder, skip_training) for name, (done, folder) in
                 _run_processes(tmp, runs, options, gate).items()}
        if not split:
            return found[""]
        for name, g in found.items():  # a part the grader failed on: the whole is no grade
            if g.get("grader_failure"):
                reason = g["grader_failure"] if g["grader_failure"] == REFUSED else f"{name} part: {g['grader_failure']}"
                return Grade.failed_grader(reason, skip_training).to_dict()
        return parts.merge({name: Grade.from_dict(g) for name, g in found.items()}, skip_training).to_dict()


def _run_processes(tmp: Path, runs: dict[str, list[str]], options: list[str], gate: Gate | None) -> dict:
    """Start one grading process per run ({name: its options}), each writing TMP/NAME/grade.json,
    all at once; open their gate once `gate` says so; wait for them all (the batch's safety kill
    at GRADING_SECONDS). {name: (None if killed, else (returncode, last line of its output)), its folder)}."""
    import time

    started, processes = time.monotonic(), {}
    try:
        for name, extra in runs.items():
            folder = tmp / name if name else tmp
            folder.mkdir(exist_ok=True)
            log = open(folder / "grading.log", "w+b")  # a file, not a pipe: a process that writes much never blocks
            command = [sys.executable, "-m", "autograder.grading.grade", str(tmp / "network.py"),
                       str(folder / "grade.json"), *options, *extra]
            processes[name] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                                stdin=subprocess.PIPE if gate else subprocess.DEVNULL, cwd=str(ROOT),
                                                env={**os.environ, **machine.blas_environment()}), log, folder)
            _lower_priority(processes[name][0].pid, parts.niceness(name))
        if gate:
            word = b"go\n" if gate.wait() else b"no\n"
            for process, _, _ in processes.values():
                try:
                    process.stdin.write(word)
                    process.stdin.close()
                except OSError:  # it ended already: its grade.json (or its absence) says how
                    pass
        found = {}
        for name, (process, log, folder) in processes.items():
            try:
                code = process.wait(timeout=max(0.0, GRADING_SECONDS - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                found[name] = (None, folder)
                continue
            log.seek(0)
            tail = log.read()[-4000:].decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            found[name] = ((code, tail[0][:300], not gate or gate.wait()), folder)
        return found
    finally:
        for process, log, _ in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()


def _lower_priority(pid: int, by: int) -> None:
    """Make process `pid` (just started; what it starts inherits it) `by` nicer than this one.
    Only where the system lets us: a priority is speed, never a grade."""
    if by:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + by))
        except (OSError, AttributeError):
            pass


def _graded(done, folder: Path, skip_training: bool) -> dict:
    """The grade a grading process left in FOLDER/grade.json as a dict, or the grader's failure."""
    if done is None:
        return Grade.failed_grader(f"the grading process ran past the batch's {GRADING_SECONDS} s safety kill",
                                   skip_training).to_dict()
    code, last, let_in = done
    if not let_in:
        return Grade.failed_grader(REFUSED, skip_training).to_dict()
    try:
        return Grade.read(folder / "grade.json").to_dict()
    except (OSError, ValueError, TypeError, KeyError):
        return Grade.failed_grader(f"the grading process ended with status {code} and no grade ({last})",
                                   skip_training).to_dict()


def grade_one(path: Path, out: Path, data_dir=None, skip_training: bool = False, unsafe: bool = False,
              split: bool | None = None) -> Grade:
    """Grade one submission; write its reports to OUT/NAME/; return its Grade. `split`: in two
    parts at the same time (default: where this machine has a core for each, see `overlap`)."""
    submission = read_submission(path)
    if submission.problem:
        grade = Grade.zero(submission.problem, skip_training, submission.problem_ru)
    else:
        grade = Grade.from_dict(grade_content(submission.content, data_dir, skip_training, unsafe,
                                                 submission.own, overlap(1, 1) if split is None else split))
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


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def busy_cores() -> int:
    """The cores other work keeps busy now: the 1-minute load average, rounded down."""
    try:
        return int(os.getloadavg()[0])
    except (AttributeError, OSError):
        return 0


def overlap(jobs: int | None, pending: int) -> bool:
    """Whether a batch's gradings are split in two parts that run side by side
    (autograder/grading/parts.py): only where every part gets a core of its own, i.e. the
    gradings that run at once (jobs, at most the pending ones) times two fit the cores that
    other work (the load average) leaves idle. A single grading on an idle 2-core machine is
    split; a batch that keeps every core busy anyway is not, nor a grading on a machine already
    loaded, where the training part would share its core with the other part, and its pace
    (training.Pace, which stops a training too slow to end within its budget) would suffer."""
    at_once = max(1, min(jobs or cores(), pending))
    return 2 * at_once <= cores() - busy_cores()


# -- the batch -----------------------------------------------------------------------------------
def grade_batch(paths: list[Path], out: Path, jobs: int | None = None, data_dir=None, skip_training: bool = False,
                on_done=None, force: bool = False, cluster: str | None = None,
                unsafe: bool = False, split: bool | None = None, rubric=None,
                notes: list | None = None, before_open=None) -> dict[str, Grade]:
    """Grade every submission not already in the journal (all with force), write every
    report, the gradebook and the summary; return {name: Grade}. Before grading here, a
    canary is graded through the same sandbox: a sandbox that misbehaves refuses the batch
    (SubmissionError naming the cause) rather than hand out zeros. `unsafe`: grade without
    isolation where none can be had. `split`: each grading in two parts side by side (default:
    where a core would otherwise idle, `overlap`; never on a cluster). The submissions' written
    derivations are checked too (autograder.derivation: OUT/NAME/derivation.json,
    OUT/derivation/index.html) by `rubric` (None: the default); what could not be is appended
    to `notes`. `before_open()`: what must hold before any student code runs (the command's
    check of the data set), done while the gradings start, beside the canary; where it raises,
    nothing is graded; done all the same where every submission is in the journal.

    The canary runs while the first gradings start: they import and read their data meanwhile,
    and their student code runs only once it has passed (Gate); where it fails, they end
    ungraded and the batch is refused as before."""
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
    if before_open and (not pending or cluster):  # no gate to hold the gradings at: before any starts
        before_open()
    if pending:
        # a cluster's workers are their own machines: their gradings say their protections, no canary here
        gate = None if cluster else Gate()
        split = False if cluster else (overlap(jobs, len(pending)) if split is None else split)
        runner = DaskCluster(cluster) if cluster else LocalPool(jobs)
        reports.warm_up()  # this process only waits meanwhile
        try:
            futures = {runner.submit(key, grade_content, contents[key], data_dir, skip_training, unsafe, owns[key],
                                     split, gate): key
                       for key in pending}
            if gate:
                try:
                    if before_open:  # beside the canary, while the gradings start
                        before_open()
                    check_sandbox(unsafe)
                except BaseException:
                    gate.refuse()  # the started gradings end without running student code
                    raise
                gate.open()
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
    derivations(out, submissions, rubric, notes)  # first: the gradebook's derivation column is of these answers
    reports.write_gradebook(out, grades)
    reports.write_grades(out, grades)
    reports.write_summary(out, grades)
    batch_page.write_batch_page(out, grades, codes)  # from all the grades, as the gradebook
    return grades
