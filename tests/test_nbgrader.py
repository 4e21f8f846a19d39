"""The notebook in nbgrader, with nbgrader's own commands on a temporary course directory
made from this repository's nbgrader_config.py and source notebook."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring import notebook_source
from autograder.authoring.examples import buggy

pytestmark = pytest.mark.slow  # end to end (grading with training, nbgrader, Chromium, Keras, the corpus): `-m "not slow"` leaves it out

ROOT = Path(__file__).resolve().parent.parent
AREAS = {"forward": 15, "softmax_loss": 15, "gradients": 25, "updates": 15, "training": 20}


def test_source_notebook_is_up_to_date():
    """solution/nbgrader/mnist/mnist.ipynb is what `mnist-hw notebook` writes today."""
    assert notebook_source.SOURCE.read_text(encoding="utf-8") == nbformat.writes(
        notebook_source.source_notebook()) + "\n", "run `mnist-hw notebook`, then `mnist-hw release`"


def test_notebook_cells_carry_the_scheme_and_the_derivation():
    cells = nbformat.read(str(notebook_source.SOURCE), as_version=4).cells
    graded = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert {k: graded[k] for k in AREAS} == AREAS
    assert sum(v for k, v in graded.items() if k.startswith("derivation-")) == 10
    answer = next(c for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == "derivation-4")
    assert answer.metadata.nbgrader["solution"] and "softmax" in answer.source


def nbgrader(course: Path, *args):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.mark.slow
def test_generate_assignment_autograde_generate_feedback(tmp_path, mnist_dir, monkeypatch):
    course = tmp_path / "course"
    (course / "solution").mkdir(parents=True)
    shutil.copyfile(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solution/nbgrader", course / "solution/nbgrader")
    monkeypatch.setenv("MNIST_HW_DATA_DIR", str(mnist_dir))
    monkeypatch.setenv("MNIST_HW_EPOCHS", "1")  # the notebook's own training cells, as a student in a hurry

    nbgrader(course, "generate_assignment", "mnist")
    released = course / "release/nbgrader/mnist/mnist.ipynb"
    ours = nbformat.read(str(ROOT / "release/student/mnist.ipynb"), as_version=4)
    theirs = nbformat.read(str(released), as_version=4)
    assert [(c.source, c.metadata) for c in theirs.cells] == [(c.source, c.metadata) for c in ours.cells]

    networks = {"alice": (ROOT / "solution/network.py").read_text(), "bob": buggy("no_batch_mean"),
                "carol": None}  # carol submits the untouched stub from the release
    for student, source in networks.items():
        folder = course / "grading/submitted" / student / "mnist"
        folder.mkdir(parents=True)
        notebook = nbformat.read(str(released), as_version=4)
        for cell in notebook.cells:
            if student == "alice" and cell.metadata.get("nbgrader", {}).get("grade_id") == "derivation-6":
                cell.source = "$$W \\leftarrow W - \\eta \\, \\partial L / \\partial W$$"
        nbformat.write(notebook, str(folder / "mnist.ipynb"))
        shutil.copyfile(ROOT / "release/student/network.py", folder / "network.py")
        if source:
            (folder / "network.py").write_text(source)

    nbgrader(course, "autograde", "mnist", "--create")
    nbgrader(course, "generate_feedback", "mnist")
    # the Keras cell (the same model for every student, no points) is left out while nbgrader grades
    autograded = nbformat.read(str(course / "grading/autograded/alice/mnist/mnist.ipynb"), as_version=4)
    keras_cell = next(c for c in autograded.cells if c.get("id") == "keras-run")
    said = "".join(o.get("text", "") for o in keras_cell.outputs)
    assert "Keras skipped: nbgrader is running this notebook to grade it (`NBGRADER_EXECUTION`)" in said, said
    assert "Keras пропущен: nbgrader выполняет этот ноутбук" in said and not (
        course / "grading/autograded/alice/mnist/runs/keras").exists()

    expected = {"alice": AREAS, "bob": {**AREAS, "softmax_loss": 12, "gradients": 0},
                "carol": dict.fromkeys(AREAS, 0)}
    with Gradebook(f"sqlite:///{course / 'grading/gradebook.db'}") as gb:
        for student, areas in expected.items():
            notebook = gb.find_submission_notebook("mnist", "mnist", student)
            grades = {g.name: g for g in notebook.grades}
            assert {a: grades[a].auto_score for a in AREAS} == areas, student
        alice = {g.name: g for g in gb.find_submission_notebook("mnist", "mnist", "alice").grades}
        assert alice["derivation-6"].needs_manual_grade  # answered: for the instructor in formgrader
        assert not alice["derivation-5"].needs_manual_grade and alice["derivation-5"].auto_score == 0  # left blank
    feedback = (course / "grading/feedback/bob/mnist/mnist.html").read_text()
    assert "times too large" in feedback and "divided by N" in feedback
    assert not (course / "grading/autograded/alice/mnist/.hypothesis").exists()

    # mnist-hw grade writes into the same gradebook, beside nbgrader's own scores
    (tmp_path / "dave").mkdir()
    (tmp_path / "dave/network.py").write_text(buggy("sign_flipped"))
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "dave"), "--out",
                           str(tmp_path / "grades"), "--skip-training", "--nbgrader-db",
                           str(course / "grading/gradebook.db")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    with Gradebook(f"sqlite:///{course / 'grading/gradebook.db'}") as gb:
        dave = {g.name: g.auto_score for g in gb.find_submission_notebook("mnist", "mnist", "dave").grades}
        assert dave == {**{f"derivation-{i}": None for i in range(1, 8)}, "forward": 15, "softmax_loss": 15,
                        "gradients": 0, "updates": 15, "training": None}
        assert gb.find_submission("mnist", "alice").score == 90  # untouched


def test_nbgrader_db_creates_the_assignment_in_a_new_gradebook(tmp_path, mnist_dir):
    (tmp_path / "erin").mkdir()
    (tmp_path / "erin/network.py").write_text(buggy("bias_mean"))
    db = tmp_path / "new" / "gradebook.db"
    for _ in range(2):  # a second run updates, it does not duplicate
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "erin"), "--out",
                               str(tmp_path / "grades"), "--skip-training", "--nbgrader-db", str(db),
                               "--data-dir", str(mnist_dir)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    with Gradebook(f"sqlite:///{db}") as gb:
        assert [s.id for s in gb.students] == ["erin"]
        grades = {g.name: g.auto_score for g in gb.find_submission_notebook("mnist", "mnist", "erin").grades}
        results = json.loads((tmp_path / "grades/erin/results.json").read_text())
        assert sum(v for k, v in grades.items() if k in AREAS and v is not None) == results["score"]
        assert gb.find_notebook("mnist", "mnist").max_score == 100


def test_a_file_that_is_not_a_gradebook_is_said_before_any_grading(tmp_path, mnist_dir):
    (tmp_path / "erin").mkdir()
    (tmp_path / "erin/network.py").write_text(buggy("bias_mean"))
    db = tmp_path / "gradebook.db"
    db.write_text("a course list, saved under the wrong name\n" * 20)
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "erin"), "--out",
                           str(tmp_path / "grades"), "--skip-training", "--nbgrader-db", str(db),
                           "--data-dir", str(mnist_dir)], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "400"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"error: {db} cannot be used as an nbgrader gradebook: file is not a database." in done.stderr
    assert not (tmp_path / "grades" / "journal.jsonl").exists()  # nothing graded, so nothing to record later
    assert db.read_text().startswith("a course list")  # and the file left as it was


def test_hidden_cells_grade_with_the_engine_not_with_files_beside_the_notebook(tmp_path, monkeypatch, mnist_dir):
    """A submission folder with its own autograder/grading/grade.py (which would forge 90 points if
    it were imported) is graded by the real engine: the stub gets 0."""
    from autograder.authoring import notebook

    (tmp_path / "autograder/grading").mkdir(parents=True)
    for package in ("autograder", "autograder/grading"):
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "autograder/grading/grade.py").write_text(
        "import json, sys\nopen(sys.argv[2], 'w').write(json.dumps({'score': 90.0, 'max_score': 90.0, "
        "'checks': []}))\n")
    shutil.copyfile(ROOT / "release/student/network.py", tmp_path / "network.py")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MNIST_HW_DATA_DIR", str(mnist_dir))
    assert notebook.grade_area("forward") == 0.0
    assert notebook.grade_of(Path("network.py")).score == 0.0
