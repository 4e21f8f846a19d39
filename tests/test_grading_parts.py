"""A grading in two parts side by side (autograder/grading/parts.py): the training check in one
grading process, the rest in another, merged on the trusted side. The two parts give what one
process gives (scores, checks in order, reports); a part that fails, or a grade that does not
fit its part, is never points; the canary's gate keeps student code from running before it
passes; the batch splits only where a core would idle."""
import copy
import os
import subprocess
import sys
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder import scheme
from autograder.authoring.examples import SOLUTION, expected_scores
from autograder.batch import run as batch
from autograder.grading import parts
from autograder.results import CheckResult, Grade

HOSTILE = Path(__file__).parent / "hostile"


def check(area, score, points, name=None, status=None):
    return CheckResult(name or f"{area} check", area, points, score, status or ("passed" if score == points else "failed"),
                       "visible", "" if score == points else "wrong", "" if score == points else "неверно")


def part_grades():
    """What the two parts' processes write for a network.py that loses 3 points of updates."""
    checks = Grade.of_checks([check("forward", 3, 3), check("forward", 12, 12), check("gradients", 25, 25),
                              check("softmax_loss", 15, 15), check("updates", 8, 11), check("updates", 4, 4)],
                             scheme.max_score(parts.PARTS[0][1]), protections={"filesystem": True, "network": True},
                             output="hello\n", execution_time=9.0)
    training = Grade.of_checks([check("training", 20, 20)], 20, protections={"filesystem": True, "network": False},
                               output="hello\n", execution_time=40.0)
    return {"checks": checks, "training": training}


def test_the_merged_grade_is_what_one_process_gives():
    merged = parts.merge(part_grades())
    assert merged.score == 87 and merged.max_score == scheme.AUTOGRADED and not merged.ungraded
    # pytest's order in one process: the check files by name, training before updates
    assert [c.area for c in merged.checks] == ["forward", "forward", "gradients", "softmax_loss", "training",
                                               "updates", "updates"]
    assert merged.protections == {"filesystem": True, "network": False}  # held only where both parts say so
    assert merged.output == "hello\n" and merged.execution_time == 40.0
    assert merged.area_scores() == {"forward": 15, "softmax_loss": 15, "gradients": 25, "updates": 12, "training": 20}


def test_the_merge_is_deterministic_whatever_order_the_parts_end_in():
    grades = part_grades()
    backwards = dict(reversed(list(copy.deepcopy(grades).items())))
    assert parts.merge(grades).to_dict() == parts.merge(backwards).to_dict() == parts.merge(part_grades()).to_dict()


def test_what_the_parts_printed_is_kept_once_each():
    grades = part_grades()
    grades["training"].output = "epoch print\n"
    assert parts.merge(grades).output == "hello\n\nepoch print\n"


def test_a_network_py_that_does_not_import_says_so_once():
    grades = part_grades()
    for g in grades.values():
        g.checks, g.score, g.import_error = [], 0.0, "SyntaxError: invalid syntax (line 3)"
    merged = parts.merge(grades)
    assert merged.score == 0 and merged.checks == [] and merged.import_error == "SyntaxError: invalid syntax (line 3)"
    assert merged.max_score == scheme.AUTOGRADED and not merged.ungraded


@pytest.mark.parametrize("spoil, said", [
    (lambda g: g.pop("training"), "training part ended without a grade"),
    (lambda g: g.__setitem__("checks", Grade.failed_grader("MemoryError")), "checks part: MemoryError"),
    # a grade.json in the checks part's folder that claims the training points
    (lambda g: g["checks"].checks.append(check("training", 20, 20)), "a check of another part (training)"),
    (lambda g: setattr(g["training"].checks[0], "score", 40), "out of bounds"),
    (lambda g: setattr(g["training"], "max_score", 90), "its maximum is 90"),
    (lambda g: setattr(g["training"], "score", 20.5), "not its checks' sum"),
])
def test_a_part_that_fails_or_claims_what_is_not_its_own_is_no_grade(spoil, said):
    """Never points: the whole grading is the grader's failure, graded again on the next run."""
    grades = part_grades()
    spoil(grades)
    merged = parts.merge(grades)
    assert merged.ungraded and said in merged.grader_failure and merged.score == 0


def test_without_training_there_is_one_part():
    assert [name for name, _ in parts.parts(skip_training=True)] == ["checks"]
    merged = parts.merge({"checks": part_grades()["checks"]}, skip_training=True)
    assert merged.score == 67 and merged.max_score == scheme.max_score(skip_training=True)


@pytest.mark.parametrize("cores, busy, jobs, pending, split", [
    (2, 0, 1, 1, True), (2, 0, 2, 1, True), (2, 0, 2, 16, False), (2, 0, None, 16, False), (16, 0, 2, 16, True),
    (16, 0, None, 16, False), (1, 0, 1, 1, False), (4, 0, 2, 3, True),
    (2, 1, 1, 1, False), (16, 10, 2, 16, True), (16, 13, 2, 16, False)])  # cores other work keeps busy
def test_the_batch_splits_only_where_a_core_would_idle(monkeypatch, cores, busy, jobs, pending, split):
    monkeypatch.setattr(batch, "cores", lambda: cores)
    monkeypatch.setattr(batch, "busy_cores", lambda: busy)
    assert batch.overlap(jobs, pending) is split


def test_no_student_code_runs_before_the_gate_opens(tmp_path, monkeypatch):
    """The grading processes start beside the canary; a refused gate ends them ungraded, and the
    network.py they were given never ran (no sandbox here, so that it could leave its mark)."""
    from autograder.sandbox import box

    monkeypatch.setenv(box.MODE_VARIABLE, "unsafe")
    where = Path(tempfile.mkdtemp(prefix="gate-", dir="/tmp"))  # the worker may run as a user of its own
    where.chmod(0o777)
    mark = where / "ran"
    content = (SOLUTION.read_text() + f"\nopen({str(mark)!r}, 'a').write('x')\n").encode()
    gate = batch.Gate()
    gate.refuse()
    refused = Grade.from_dict(batch.grade_content(content, skip_training=True, unsafe=True, split=True, gate=gate))
    assert refused.ungraded and refused.grader_failure == batch.REFUSED and not mark.exists()
    opened = batch.Gate()
    opened.open()
    graded = Grade.from_dict(batch.grade_content(content, skip_training=True, unsafe=True, gate=opened))
    assert graded.score == scheme.max_score(skip_training=True) and mark.exists()
    shutil.rmtree(where)


def test_a_launched_worker_imports_network_py_only_when_let_in(tmp_path, monkeypatch):
    """The grading process launches its worker before the gate (Sandbox.launch: the worker's start
    and its reading of the training set overlap the canary); network.py is imported only at
    let_in. A worker launched and closed never ran it; one let in did. (Had the worker imported
    at start, it would have left its mark before reading the end of its requests.)"""
    from autograder.sandbox import box

    monkeypatch.setenv(box.MODE_VARIABLE, "unsafe")
    where = Path(tempfile.mkdtemp(prefix="launch-", dir="/tmp"))
    where.chmod(0o777)
    mark = where / "ran"
    (tmp_path / "network.py").write_text(SOLUTION.read_text() + f"\nopen({str(mark)!r}, 'a').write('x')\n")
    try:
        launched = box.Sandbox(tmp_path / "network.py", unsafe=True).launch()
        assert launched.process.poll() is None and launched.ready is None
        launched.close()
        assert launched.process.returncode is not None and not mark.exists()
        with box.Sandbox(tmp_path / "network.py", unsafe=True) as let_in:  # launch, then let_in
            assert let_in.ready == {"ok": True} and mark.read_text() == "x"
    finally:
        shutil.rmtree(where)


def test_the_checks_part_yields_the_cpu_to_the_training_part():
    """The training part keeps the batch's priority (the grading waits for it); the checks' part
    is started nicer, and what it starts inherits that."""
    assert parts.niceness("training") == 0 < parts.niceness("checks")
    child = subprocess.Popen([sys.executable, "-c", "import os, subprocess, sys; "
                              "print(os.getpriority(os.PRIO_PROCESS, 0), subprocess.run([sys.executable, '-c', "
                              "'import os; print(os.getpriority(os.PRIO_PROCESS, 0))'], capture_output=True, "
                              "text=True).stdout.strip(), flush=True) if sys.stdin.readline() else None"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    batch._lower_priority(child.pid, parts.niceness("checks"))
    out, _ = child.communicate("go\n")
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert out.split() == [str(min(19, own + parts.niceness("checks")))] * 2


def test_a_split_grading_starts_its_checks_part_nicer(monkeypatch):
    """grade_content lowers the priority of the checks' part's process and not the training's
    (a refused gate: the processes start and end without grading)."""
    lowered = []
    monkeypatch.setattr(batch, "_lower_priority", lambda pid, by: lowered.append(by))
    gate = batch.Gate()
    gate.refuse()
    batch.grade_content(SOLUTION.read_bytes(), unsafe=True, split=True, gate=gate)
    assert sorted(lowered) == sorted(parts.niceness(name) for name, _ in parts.PARTS) == [0, 5]


def comparable(grade: Grade) -> dict:
    """A grade's dict without what the clock decides (its execution time, each epoch's seconds)."""
    d = grade.to_dict()
    d.pop("execution_time")
    for c in d["checks"]:
        if c.get("metrics") and c["metrics"].get("history"):
            c["metrics"]["history"].pop("seconds", None)
    d.get("history") and d["history"].pop("seconds", None)
    return d


@pytest.mark.slow
def test_the_examples_get_the_same_grades_and_reports_in_two_parts(tmp_path, mnist_dir, examples_graded):
    """Every example without training, graded in one process and in two: the same grades, and
    the same feedback and results.json (but for the execution time). The one-process grading is
    the run's shared one (conftest.py: `mnist-hw grade ... --skip-training --no-split`)."""
    one = examples_graded.grades()
    two = batch.grade_batch(examples_graded.paths, tmp_path / "two", jobs=2, data_dir=mnist_dir, skip_training=True,
                            split=True)
    assert set(one) == set(two) == set(expected_scores())
    assert {n: comparable(g) for n, g in one.items()} == {n: comparable(g) for n, g in two.items()}
    for path in examples_graded.paths:
        outs = {"one": examples_graded.out, "two": tmp_path / "two"}
        for report in ("feedback.md", "feedback.en.md"):
            assert (outs["one"] / path.name / report).read_text() == (outs["two"] / path.name / report).read_text()
        results = [json.loads((outs[run] / path.name / "results.json").read_text()) for run in ("one", "two")]
        for r in results:
            r.pop("execution_time")
        assert results[0] == results[1]


@pytest.mark.slow
def test_the_reference_trained_in_its_own_part_gets_the_same_grade(tmp_path, mnist_dir, reference_trained,
                                                                   reference_trained_whole):
    """With training: one process and two parts give the same points, checks, accuracy and stop
    epoch, twice over (the split is deterministic). The one-process grading and the first in two
    parts are the run's shared ones (conftest.py); the second in two parts is graded here."""
    one = reference_trained_whole.grade()
    two = [reference_trained.grade(),
           batch.grade_one(reference_trained.path, tmp_path / "two2", data_dir=mnist_dir, split=True)]
    assert one.score == scheme.AUTOGRADED
    assert comparable(one) == comparable(two[0]) == comparable(two[1])
    assert [c.area for c in two[0].checks] == [c.area for c in one.checks]


@pytest.mark.slow
def test_a_hostile_submission_in_one_part_cannot_fake_the_others_points(tmp_path, mnist_dir, sandbox_mode):
    """The reference, whose worker writes a full-marks grade.json into every grading folder it can
    find (the parts' folders among them) and kills itself once training starts: its training part
    earns nothing, its other checks exactly the reference's, as in one process."""
    text = SOLUTION.read_text() + "\n" + (HOSTILE / "forges_other_part.py").read_text()
    (tmp_path / "s" / "forger").mkdir(parents=True)
    (tmp_path / "s" / "forger" / "network.py").write_text(text)
    one = batch.grade_one(tmp_path / "s" / "forger", tmp_path / "one", data_dir=mnist_dir, split=False)
    two = batch.grade_one(tmp_path / "s" / "forger", tmp_path / "two", data_dir=mnist_dir, split=True)
    for grade in (one, two):
        assert not grade.ungraded
        assert grade.area_scores()["training"] == 0
        assert grade.score == scheme.AUTOGRADED - 20  # every other check passes: the reference's functions
    assert comparable(one)["checks"] == comparable(two)["checks"]
