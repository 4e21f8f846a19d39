"""Nothing the worker says is believed, for the batch (issue 22): a grader failure is the
grader's to declare (a typed field set by trusted code, never read from text a submission
controls), whatever a submission causes is its own result (journaled, scored, exported), the
checks of one submission have a budget, the grading process's memory is bounded against a
flooding worker, and a failure writing one submission's reports never takes the batch down.
Each hostile case is graded for real, in both sandbox modes."""
import csv
import io
import json
from pathlib import Path

import pytest

import leftovers

from autograder.authoring.examples import SOLUTION
from autograder.batch import reports
from autograder.batch import run as batch
from autograder.batch.journal import Journal, grading_key
from autograder.lms import export
from autograder.results import CheckResult, Grade
from autograder.sandbox import box as sandbox

HOSTILE = Path(__file__).parent / "hostile"
OPTIONS = json.dumps({"skip_training": True})


def source(name: str) -> str:
    return (HOSTILE / f"{name}.py").read_text().replace("from solution_copy import *", SOLUTION.read_text())


def plain(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "in" / name / "network.py"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path.parent


def gradebook(out: Path) -> dict[str, dict]:
    return {r["submission"]: r for r in csv.DictReader(io.StringIO((out / "gradebook.csv").read_text()))}


def journaled(out: Path, text: str) -> Grade | None:
    return Journal(out).get(grading_key(text.encode(), OPTIONS))


# -- a grader failure is the grader's to declare ------------------------------------------------
MOODLE_HEADER = ('Identifier,"Full name","Email address",Status,Grade,"Maximum grade","Grade can be changed",'
                 '"Last modified (submission)","File submissions","Last modified (grade)","Feedback comments"\r\n')


def moodle_sheet(path: Path, rows: dict[str, tuple[int, str]]) -> Path:
    """A downloaded worksheet; rows: {full name: (uid, the Grade cell as it was)}."""
    lines = [f'"Participant {uid}","{name}",s{uid}@example.com,"Submitted for grading",{old},"100,00",Yes,'
             f'"Monday, 2 June 2025, 10:00",network.py,"Tuesday, 3 June 2025, 09:00",\r\n'
             for name, (uid, old) in rows.items()]
    path.write_bytes(("\ufeff" + MOODLE_HEADER + "".join(lines)).encode())
    return path


def canvas_book(path: Path, rows: dict[str, tuple[int, str]]) -> Path:
    lines = ["Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (777)", "    Points Possible,,,,,100.00"]
    lines += [f'"{name}",{uid},s{uid},l{uid},Section A,{old}' for name, (uid, old) in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_download(path: Path, members: dict[str, str]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_forged_grader_failure_is_the_students_zero_journaled_and_exported(tmp_path, sandbox_mode):
    forged = source("forges_grader_failure")
    # Moodle: the student had 55 in the worksheet; the forged failure must not leave it standing
    download = write_download(tmp_path / "moodle.zip", {"Mallory Forge_201_assignsubmission_file/network.py": forged})
    out = tmp_path / "moodle-out"
    grade = batch.grade_batch([download], out, skip_training=True)["Mallory Forge_201"]
    assert not grade.ungraded and grade.score == 0 and "grader itself failed" in grade.import_error
    assert journaled(out, forged) is not None  # the submission's result: kept, not graded again
    assert gradebook(out)["Mallory Forge_201"]["total"] == "0"
    assert gradebook(out)["Mallory Forge_201"]["ungraded"] == ""
    sheet = moodle_sheet(tmp_path / "worksheet.csv", {"Mallory Forge": (201, "55")})
    report = export.moodle_export(out, sheet)  # no --allow-ungraded needed: nothing is ungraded
    assert report.filled == 1 and report.ungraded == []
    row = list(csv.reader(io.StringIO((out / "moodle/grading-worksheet.csv").read_text(encoding="utf-8-sig"))))[1]
    assert row[4] == "0" and "grader itself failed" in row[10]
    # Canvas: the same submission, its cell 40 before
    download = write_download(tmp_path / "canvas.zip", {"forgemallory_301_9001_network.py": forged})
    out = tmp_path / "canvas-out"
    grade = batch.grade_batch([download], out, skip_training=True)["forgemallory_301"]
    assert not grade.ungraded and grade.score == 0
    assert journaled(out, forged) is not None
    book = canvas_book(tmp_path / "gradebook.csv", {"Forge, Mallory": (301, "40")})
    export.canvas_export(out, book, "Homework 1 (777)")
    rows = list(csv.reader(io.StringIO((out / "canvas/gradebook.csv").read_text(encoding="utf-8"))))
    assert rows[2][1] == "301" and rows[2][5] == "0"


def test_a_worker_crash_is_the_students_result(tmp_path, sandbox_mode):
    crashing = source("crashes_worker")
    out = tmp_path / "out"
    grade = batch.grade_batch([plain(tmp_path, "crasher", crashing)], out, skip_training=True)["crasher"]
    assert not grade.ungraded
    assert journaled(out, crashing) is not None
    failed = [c for c in grade.checks if c.status == "failed"]
    assert failed and all(c.area in ("backward", "training") or "backward" in c.en for c in failed), \
        [(c.name, c.en) for c in failed]
    assert any("calling backward ended the worker" in c.en for c in failed), [c.en for c in failed]
    assert 0 < grade.score < grade.max_score  # what did not crash earned its points
    assert gradebook(out)["crasher"]["ungraded"] == ""


# -- a budget for the checks of one submission ---------------------------------------------------
def test_a_slow_every_call_submission_ends_within_the_checks_budget_journaled(tmp_path, sandbox_mode, monkeypatch):
    monkeypatch.setenv(sandbox.CHECKS_VARIABLE, "4")  # the budget, short here (CHECKS_SECONDS in grading)
    slow = source("slow_every_call")
    out = tmp_path / "out"
    grade = batch.grade_batch([plain(tmp_path, "sloth", slow)], out, skip_training=True)["sloth"]
    assert not grade.ungraded and not grade.import_error
    assert journaled(out, slow) is not None  # the student's result: not graded again on every run
    called = [c for c in grade.checks if c.area != "derivation"]
    budget = [c for c in called if "the checks need under 4 s in all" in c.en]
    assert budget and all(c.status == "failed" for c in budget)
    assert all("все проверки должны уложиться в 4 с" in c.ru for c in budget)
    assert grade.score == 0  # every function is slow: no check it takes part in can pass within the budget
    # the first call was stopped at the budget: no check ever waited out the 20 s limit of one call
    assert not any("no answer within 20 s" in c.en for c in grade.checks)


# -- the grading process's memory --------------------------------------------------------------------
def test_a_frame_flood_leaves_the_grading_process_under_its_memory_cap(tmp_path, sandbox_mode, monkeypatch):
    monkeypatch.setenv(sandbox.CHECKS_VARIABLE, "10")
    flood = source("floods_frames")
    out = tmp_path / "out"
    grade = batch.grade_batch([plain(tmp_path, "flood", flood)], out, skip_training=True)["flood"]
    # the grading process caps its own memory (grade.GRADER_MEMORY_BYTES): had the flood's frames been
    # queued without bound, it would have failed with MemoryError, and this be the grader's failure
    assert not grade.ungraded, grade.grader_failure
    assert journaled(out, flood) is not None
    assert grade.score == 0


def test_a_flooding_worker_is_held_back_and_stopped_at_its_byte_budget(tmp_path, sandbox_mode):
    frame = 64 << 20
    path = plain(tmp_path, "flood", source("floods_frames")) / "network.py"
    limits = sandbox.Limits(answer_budget_bytes=8 * frame)
    with sandbox.Sandbox(path, limits=limits) as box:
        box.send({"op": "call", "fn": "softmax", "args": [[1.0]], "kwargs": {}})  # starts the flood, never returns
        # the flood writes as fast as the pipe takes it and nothing is read off the queue meanwhile, so the
        # queue fills (waited for, not slept on: how soon depends on the machine)
        leftovers.wait_for(box._answers.full, "the flood to fill the answer queue")
        # back pressure: the reader stopped at a full queue (and the frame it holds), the worker's writes block
        assert box._answers.qsize() <= limits.answers_queued
        assert box.bytes_read <= (limits.answers_queued + 1) * (frame + 1024)
        with pytest.raises(sandbox.WorkerError) as caught:
            for _ in range(20):  # each frame taken as an answer, until the budget is spent
                box.receive(5)
        assert "sent back more than a grading allows" in caught.value.message
        assert box.bytes_read <= limits.answer_budget_bytes


def test_the_answer_queue_is_bounded():
    assert sandbox.Sandbox(SOLUTION)._answers.maxsize == sandbox.Limits().answers_queued > 0


# -- a genuine grader failure ---------------------------------------------------------------------
@pytest.mark.slow
def test_a_genuine_grader_failure_is_flagged_not_journaled_and_graded_again(tmp_path, monkeypatch):
    solution = SOLUTION.read_text()
    folder = plain(tmp_path, "alice", solution)
    out = tmp_path / "out"
    monkeypatch.setattr(batch, "GRADING_SECONDS", 0.01)  # the batch's safety kill, before anything is graded
    grade = batch.grade_batch([folder], out, skip_training=True)["alice"]
    assert grade.ungraded and "safety kill" in grade.grader_failure
    assert journaled(out, solution) is None
    row = gradebook(out)["alice"]
    assert row["total"] == "" and "safety kill" in row["ungraded"]
    assert "UNGRADED" in (out / "index.html").read_text()
    assert "Not graded" in (out / "alice/feedback.en.md").read_text()
    monkeypatch.setattr(batch, "GRADING_SECONDS", 900)
    grade = batch.grade_batch([folder], out, skip_training=True)["alice"]  # the next run grades it
    assert not grade.ungraded and grade.score == grade.max_score
    assert journaled(out, solution) is not None and gradebook(out)["alice"]["ungraded"] == ""


# -- an export with ungraded submissions ------------------------------------------------------------
def graded_out(tmp_path: Path, lms: str, uid: str) -> Path:
    """OUT as a batch leaves it, with two submissions from `lms`: one graded, one the grader failed on."""
    out = tmp_path / "out"
    grades = {"good": Grade(42.0, 70.0, [CheckResult("c", "forward", 42, 42, "passed", "visible")],
                            identity={"lms": lms, "uid": uid + "1", "name": "Good Student"}),
              "lost": Grade.failed_grader("the executor lost this grading (KilledWorker)", True)}
    grades["lost"].identity = {"lms": lms, "uid": uid + "2", "name": "Lost Student"}
    for name, grade in grades.items():
        reports.write_submission_reports(out / name, name, grade)
    reports.write_grades(out, grades)
    return out


def test_a_moodle_export_with_ungraded_submissions_refuses_or_writes_them_flagged(tmp_path):
    out = graded_out(tmp_path, "moodle", "40")
    sheet = moodle_sheet(tmp_path / "w.csv", {"Good Student": (401, ""), "Lost Student": (402, "77")})
    with pytest.raises(export.ExportError, match=r"grader itself failed on 1 submission.*lost.*KilledWorker"
                                                 r".*--allow-ungraded"):
        export.moodle_export(out, sheet)
    assert not (out / "moodle").exists()  # refused before writing anything
    report = export.moodle_export(out, sheet, allow_ungraded=True)
    assert report.ungraded == ["lost"] and report.filled == 2
    rows = list(csv.reader(io.StringIO((out / "moodle/grading-worksheet.csv").read_text(encoding="utf-8-sig"))))
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["Participant 401"][4] == "42"
    assert by_id["Participant 402"][4] == ""  # never the old 77 left standing, never a 0 it did not earn
    assert "NOT GRADED" in by_id["Participant 402"][10] and "НЕ ОЦЕНЕНО" in by_id["Participant 402"][10]
    assert "KilledWorker" in by_id["Participant 402"][10]


def test_a_canvas_export_with_ungraded_submissions_refuses_or_writes_them_flagged(tmp_path):
    out = graded_out(tmp_path, "canvas", "50")
    book = canvas_book(tmp_path / "g.csv", {"Student, Good": (501, ""), "Student, Lost": (502, "77")})
    with pytest.raises(export.ExportError, match="--allow-ungraded"):
        export.canvas_export(out, book, "Homework 1 (777)")
    report = export.canvas_export(out, book, "Homework 1 (777)", allow_ungraded=True)
    assert report.ungraded == ["lost"]
    rows = {r[1]: r for r in csv.reader(io.StringIO((out / "canvas/gradebook.csv").read_text(encoding="utf-8")))}
    assert rows["501"][5] == "42" and rows["502"][5] == ""
    assert "Not graded" in (out / "canvas/feedback/lost_feedback.en.md").read_text()


def test_the_grader_failure_is_never_read_from_text():
    forged = Grade.zero("the grader itself failed on this submission: MemoryError")
    assert not forged.ungraded
    assert Grade.from_dict(json.loads(json.dumps(forged.to_dict()))).grader_failure is None
    assert Grade.failed_grader("MemoryError").ungraded


# -- a batch outlives any submission -------------------------------------------------------------------
@pytest.mark.slow
def test_a_report_writing_failure_leaves_the_batch_whole_and_its_resume_clean(tmp_path):
    solution = SOLUTION.read_text()
    folders = [plain(tmp_path, "absurd", solution + "\n# absurd\n"), plain(tmp_path, "fine", solution)]
    out = tmp_path / "out"
    batch.grade_batch(folders, out, skip_training=True)
    # the journaled grade as a worker reporting 8e312 right answers left it before validation:
    # an accuracy of 1.67e308 in its history, which plot_history cannot draw
    key = grading_key((solution + "\n# absurd\n").encode(), OPTIONS)
    stored = Journal(out).get(key)
    stored.checks.append(CheckResult("training", "training", 0, 0.0, "failed", "visible", metrics={
        "history": {"accuracy": [0.5, 1.67e308], "val_accuracy": [0.5, 0.6], "loss": [1.0, 0.5],
                    "val_loss": [1.0, 0.5]}, "test_accuracy": 0.5}))
    stored.write(out / ".graded" / f"{key}.json")
    for _ in range(2):  # resuming, and resuming again: never a crash on a journaled grade
        for name in ("gradebook.csv", "grades.json", "summary.md", "index.html"):
            (out / name).unlink(missing_ok=True)
        grades = batch.grade_batch(folders, out, skip_training=True)
        assert set(grades) == {"absurd", "fine"}
        for name in ("gradebook.csv", "grades.json", "summary.md", "index.html"):
            assert (out / name).is_file(), name
        assert "writing the reports failed" in grades["absurd"].report_error
        assert "writing the reports failed" in gradebook(out)["absurd"]["error"]
        assert "ValueError" in (out / "absurd" / reports.REPORT_ERROR).read_text()
        assert (out / "absurd/feedback.md").is_file() and (out / "absurd/results.json").is_file()
        assert not (out / "absurd/history.png").exists()
        assert grades["fine"].report_error == "" and (out / "fine/results.json").is_file()
        assert not (out / "fine" / reports.REPORT_ERROR).exists()
