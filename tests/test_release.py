"""The release: up to date and deterministic, no solution in the student half, a grader
bundle that grades on its own (and as a Gradescope autograder), the student's local checks."""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder import manifest

from autograder.authoring import archive, leaks, release as rel
from autograder.authoring.bundle import validate_bundle
from autograder.authoring.examples import buggy, expected_scores

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "release"
ANSWERS = "autograder/grading/checks/answers.json"


@pytest.fixture(scope="module")
def built():
    return rel.build()


def same_answers(a: bytes, b: bytes) -> bool:
    """answers.json holds the reference's outputs, whose last bits may follow the machine's
    BLAS; the inputs (the keys) and everything else must be identical."""
    a, b = json.loads(a), json.loads(b)
    if a.keys() != b.keys() or a["calls"].keys() != b["calls"].keys():
        return False

    def close(x, y):
        if isinstance(x, dict) and isinstance(y, dict):
            return x.keys() == y.keys() and all(close(x[k], y[k]) for k in x)
        if isinstance(x, list) and isinstance(y, list):
            return len(x) == len(y) and all(close(u, v) for u, v in zip(x, y))
        if isinstance(x, float) and isinstance(y, float):
            return bool(np.isclose(x, y, rtol=1e-12, atol=1e-300))
        return x == y

    return close(a, b)


def test_committed_release_is_up_to_date(built):
    """release/ is what `mnist-hw release` makes of today's sources (run it when this fails)."""
    for name, files in ((archive.STUDENT, built.student), (archive.GRADER, built.grader)):
        committed = archive.read_tree(RELEASE / name)
        assert sorted(committed) == sorted(files), f"release/{name}: files added or removed; run `mnist-hw release`"
        stale = [p for p in files if committed[p] != files[p]
                 and not (p == ANSWERS and same_answers(committed[p], files[p]))]
        assert not stale, f"release/{name} is out of date in {stale}; run `mnist-hw release`"
        # each zip is exactly the zip of its committed tree
        assert (RELEASE / f"{name}.zip").read_bytes() == archive.zip_bytes(committed, archive.PREFIX[name])


def test_release_is_byte_identical_when_made_twice(built, tmp_path):
    again = rel.build()
    assert again.student == built.student and again.grader == built.grader
    archive.write(built, tmp_path / "a")
    archive.write(again, tmp_path / "b")
    for name in ("student.zip", "autograder.zip"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "autograder.zip") as z:
        run = z.getinfo("run_autograder")
        assert run.date_time == archive.ZIP_DATE and (run.external_attr >> 16) & 0o111  # executable for Gradescope
        assert "setup.sh" in z.namelist()


def test_the_bundles_texts_come_from_the_template_files(built):
    """README.md, setup.sh and run_autograder are authoring/templates/' files byte for byte,
    and that folder itself (the release's input) is not copied into the grader bundle, where it
    could be taken for the bundle's own Gradescope scripts."""
    assert built.student["README.md"] == (rel.TEMPLATES / "student-README.md").read_bytes()
    assert built.grader["README.md"] == (rel.TEMPLATES / "grader-README.md").read_bytes()
    for script in ("setup.sh", "run_autograder"):  # the grader's Python filled in where the template names it
        assert built.grader[script] == (rel.TEMPLATES / script).read_bytes().replace(
            b"@GRADER_PYTHON@", manifest.GRADER_PYTHON_TEXT.encode())
    assert b"@GRADER_PYTHON@" not in built.grader["setup.sh"]
    assert [p for p in built.grader if p.startswith("autograder/authoring/templates/")] == []


def test_student_pyproject_carries_the_projects_own_pins(built):
    """The template filled in: valid TOML whose dependencies and keras and notebook extras are this project's
    pyproject.toml's (read, not copied), with every package the release holds a .py file in."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    student = tomllib.loads(built.student["pyproject.toml"].decode())
    assert student["project"]["dependencies"] == project["dependencies"]
    assert student["project"]["optional-dependencies"] == {extra: project["optional-dependencies"][extra]
                                                           for extra in ("keras", "notebook")}
    assert student["project"]["scripts"] == {"mnist-hw": "autograder.cli:student_main"}
    holding_code = {p.rpartition("/")[0].replace("/", ".") for p in built.student if "/" in p and p.endswith(".py")}
    assert sorted(holding_code) == student["tool"]["setuptools"]["packages"]
    assert built.grader["requirements.txt"].decode().split() == project["dependencies"]


def test_a_wheel_of_the_project_carries_the_release_templates(tmp_path):
    """A non-editable install has what `mnist-hw release` reads (pyproject.toml's package-data)."""
    source = tmp_path / "source"
    for name in ("assignment", "autograder", "solution"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(source),
                    "-w", str(tmp_path)], check=True, capture_output=True)
    with zipfile.ZipFile(next(tmp_path.glob("mnist_hw-*.whl"))) as z:
        shipped = {n for n in z.namelist() if n.startswith("autograder/authoring/templates/")}
    assert shipped == {f"autograder/authoring/templates/{p.name}" for p in rel.TEMPLATES.iterdir()}


def test_student_release_holds_no_solution_hidden_check_or_answer():
    student = archive.read_tree(RELEASE / "student")
    secrets = leaks.secrets()
    # check_updates' hidden Adam check is a thin loop since the public one shares its step comparison (issue 25)
    assert len(secrets["solution/network.py"]) >= 20 and len(secrets["autograder/grading/checks/check_updates.py"]) >= 5
    assert len(secrets["solution/derivation-ru.md"]) >= 20
    assert leaks.find_leaks(student) == []
    # what should be there is
    assert {"network.py", "assignment-ru.md", "assignment-en.md", "derivation-ru.md", "derivation-en.md",
            "mnist.ipynb", "autograder/grading/checks/check_forward.py", "assignment/training.py"} <= set(student)
    assert not any(p.startswith("solution/") for p in student)
    checks = "".join(student[p].decode() for p in student if p.startswith("autograder/grading/checks/check_"))
    assert "@pytest.mark.hidden" not in checks and "def check_adam(" not in checks and "HIDDEN TESTS" not in checks
    assert student["derivation-en.md"].decode().count("YOUR ANSWER HERE") == 7


@pytest.mark.parametrize("origin", ["solution/network.py", "solution/derivation-en.md",
                                    "autograder/grading/checks/check_gradients.py"])
def test_the_leak_search_finds_a_planted_line(origin):
    """The search is not vacuous: one secret line pasted into the assignment text is found."""
    student = archive.read_tree(RELEASE / "student")
    line = max(leaks.secrets()[origin], key=len)  # the most telling line of the region
    student["assignment-en.md"] += ("\n" + " ".join(line) + "\n").encode()
    assert any(origin in leak and leak.startswith("assignment-en.md") for leak in leaks.find_leaks(student))


def test_stub_keeps_the_signatures_and_raises_not_implemented():
    import importlib.util

    spec = importlib.util.spec_from_file_location("stub_network", RELEASE / "student/network.py")
    stub = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stub)
    params = stub.init_params(4, 3, 2)  # given, not a TODO
    assert params["W1"].shape == (4, 3)
    for fn, args in (("softmax", (np.zeros((2, 2)),)), ("forward", (params, np.zeros((2, 4)))),
                     ("softmax_cross_entropy", (np.zeros((2, 2)), np.eye(2))),
                     ("backward", (params, {}, np.zeros((2, 2)))), ("sgd_update", (params, params, 0.1)),
                     ("adam_update", (params, params, params, params, 1))):
        with pytest.raises(NotImplementedError):
            getattr(stub, fn)(*args)


def bundle_env(directory: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(directory), "PYTHONDONTWRITEBYTECODE": "1"}


def test_grader_bundle_alone_gives_the_reference_full_marks_and_the_stub_zero(mnist_dir):
    scores = validate_bundle(RELEASE / "autograder", mnist_dir, skip_training=True)
    assert scores == {"reference": (70.0, 70.0), "stub": (0.0, 0.0)}


@pytest.mark.slow
def test_gradescope_zip_grades_a_submission_with_training(mnist_dir, tmp_path):
    """Gradescope's layout: the zip unpacked in /autograder/source, the submission in
    /autograder/submission, results in /autograder/results (moved under tmp here)."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(RELEASE / "autograder.zip") as z:
        z.extractall(root / "source")
    (root / "submission" / "nested").mkdir(parents=True)
    shutil.copyfile(ROOT / "solution/network.py", root / "submission/nested/network.py")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(AUTOGRADER_ROOT=str(root), MNIST_HW_DATA_DIR=str(mnist_dir), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(["bash", str(root / "source/run_autograder")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results/results.json").read_text())
    assert results["score"] == results["max_score"] == 90
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}
    assert round(results["extra_data"]["test_accuracy"], 3) >= 0.978  # training stops at the bar, counted at 0.1 pp


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("apt-get"),
                    reason="setup.sh installs Debian packages as root, as Gradescope's image build and CI do")
def test_gradescope_setup_sh_builds_an_image_that_grades(tmp_path):
    """What Gradescope does with the zip, for real: setup.sh (apt, a venv, pip from the
    package index, MNIST fetched and verified), then run_autograder in that venv."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(RELEASE / "autograder.zip") as z:
        z.extractall(root / "source")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MNIST_HW_DATA_DIR", "VIRTUAL_ENV")}
    built = subprocess.run(["bash", "setup.sh"], cwd=root / "source", env=env, capture_output=True, text=True)
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    venv_python = root / "venv/bin/python"
    modules = subprocess.run([str(venv_python), "-c", "import numpy, typer, hypothesis, pytest; print(numpy.__file__)"],
                             capture_output=True, text=True)
    assert str(root / "venv") in modules.stdout, modules.stderr  # the image's own packages, not this machine's
    assert sorted(p.name for p in (root / "source/mnist").iterdir()) == sorted(
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])

    (root / "submission").mkdir()
    (root / "submission/network.py").write_text(buggy("no_relu_mask"))
    done = subprocess.run(["bash", str(root / "source/run_autograder")], env={**env, "AUTOGRADER_ROOT": str(root)},
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results/results.json").read_text())
    failed = [t["name"] for t in results["tests"] if t["score"] < t["max_score"]]
    assert (results["score"], results["max_score"]) == (expected_scores()["no_relu_mask"], 90)
    assert any("backward" in name for name in failed), failed
    assert all(results["extra_data"]["protections"].values()), results["extra_data"]["protections"]


@pytest.fixture()
def student_copy(tmp_path):
    """A student's unpacked release (from the zip), where the project itself is not importable."""
    with zipfile.ZipFile(RELEASE / "student.zip") as z:
        z.extractall(tmp_path)
    return tmp_path / "mnist-hw"


def student_run(copy: Path, *args, data_dir=None, call_seconds=None):
    env = bundle_env(copy)
    if data_dir:
        env["MNIST_HW_DATA_DIR"] = str(data_dir)
    if call_seconds:
        env["MNIST_HW_CALL_SECONDS"] = str(call_seconds)
    return subprocess.run([sys.executable, "-m", "autograder.local", *args], cwd=copy, env=env,
                          capture_output=True, text=True)


def test_student_check_reports_per_area_and_fails_until_fixed(student_copy):
    where = subprocess.run([sys.executable, "-c", "import autograder.local.answers as l; print(l.__file__, l.ANSWERS)"],
                           cwd=student_copy, env=bundle_env(student_copy), capture_output=True, text=True)
    assert str(student_copy) in where.stdout  # the release's own copy, with its recorded answers
    stub = student_run(student_copy, "check", "--lang", "en")
    assert stub.returncode == 1 and "not implemented yet" in stub.stdout and "0 / 51" in stub.stdout
    (student_copy / "network.py").write_text(buggy("no_batch_mean"))
    bug = student_run(student_copy, "check", "--lang", "en")
    assert bug.returncode == 1 and "times too large" in bug.stdout and "divided by N" in bug.stdout
    ru = student_run(student_copy, "check", "--area", "gradients", "--lang", "ru")
    checked, _, only_grader = ru.stdout.partition("Проверяет только система оценки")  # the second table: what was not run
    assert ru.returncode == 1 and "Обратное распространение" in checked and "Прямой проход" not in checked
    assert "Прямой проход" in only_grader
    shutil.copyfile(ROOT / "solution/network.py", student_copy / "network.py")
    good = student_run(student_copy, "check", "--lang", "en")
    assert good.returncode == 0 and "51 / 51" in good.stdout, good.stdout + good.stderr
    unknown = student_run(student_copy, "check", "--area", "backprop", "--lang", "en")
    assert unknown.returncode == 1 and "no area backprop" in unknown.stderr
    unknown = student_run(student_copy, "check", "--area", "backprop", "--lang", "ru")
    assert unknown.returncode == 1 and "нет области backprop" in " ".join(unknown.stderr.split())


def test_student_check_stops_an_endless_loop_and_checks_the_rest(student_copy):
    """No sandbox on a student's laptop: the local checks run network.py in their own process,
    so a forward that never returns (and swallows every Exception on the way) is stopped by
    the time limit, reported as the grader reports it, not called again, and the other areas
    are still checked."""
    endless = ("\n\ndef forward(params, X):\n    while True:\n        try:\n            sum(range(1000))\n"
               "        except Exception:\n            pass\n")
    (student_copy / "network.py").write_text((ROOT / "solution/network.py").read_text() + endless)
    done = student_run(student_copy, "check", "--lang", "en", call_seconds=4)  # never ends: any limit cuts it off
    assert done.returncode == 1, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert "forward did not finish: no answer within 4 s (an infinite loop?)" in said
    assert "Softmax and cross-entropy │ 15 / 15 │ passed" in said and "SGD and Adam updates │ 11 / 11 │ passed" in said


def test_student_release_trains_and_checks_training(student_copy, mnist_dir, tmp_path):
    shutil.copyfile(ROOT / "solution/network.py", student_copy / "network.py")
    train = student_run(student_copy, "train", "--epochs", "1", "--out", str(tmp_path / "run"), data_dir=mnist_dir)
    assert train.returncode == 0, train.stderr[-2000:]
    assert json.loads((tmp_path / "run/history.json").read_text())["test_accuracy"] > 0.95
    checked = student_run(student_copy, "check", "--area", "training", "--lang", "en", data_dir=mnist_dir)
    assert checked.returncode == 0 and "20 / 20" in checked.stdout, checked.stdout + checked.stderr
    # stopped at full marks, with the warning that the grader's epoch may differ (in Russian: test_training.py)
    said = " ".join(checked.stdout.split())
    assert "full marks reached at epoch" in said and "of 12" in said, said
    assert "The grader may stop at another epoch" in said, said


def test_student_release_builds_as_a_package(student_copy, tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    str(student_copy), "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("mnist_hw_student-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = next(z.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert {"autograder/grading/checks/answers.json", "autograder/grading/checks/pytest.ini", "assignment/training.py"} <= names
    assert "mnist-hw = autograder.cli:student_main" in entry_points
    assert not any(n.startswith("solution/") for n in names)


@pytest.mark.slow
def test_gradescope_zip_without_bubblewrap_grades_the_reference_fully_and_the_hunter_zero(mnist_dir, tmp_path):
    """Gradescope runs autograders in Docker, where bubblewrap usually cannot make namespaces:
    bubblewrap hidden, the bundle (built from these sources) grades through its own
    run_autograder with the fallback sandbox (Landlock, seccomp, a user of its own): the
    reference 90/90 with training, and a submission that hunts the filesystem for the
    reference solution and hands every call to it 0."""
    archive.write(rel.build(), tmp_path / "release")
    hunter = (Path(__file__).parent / "hostile/hunts_reference.py").read_text()
    scores = {}
    for name, source in (("reference", (ROOT / "solution/network.py").read_text()), ("hunter", hunter)):
        root = tmp_path / name / "autograder"
        with zipfile.ZipFile(tmp_path / "release/autograder.zip") as z:
            z.extractall(root / "source")
        (root / "submission").mkdir(parents=True)
        (root / "submission/network.py").write_text(source)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(AUTOGRADER_ROOT=str(root), MNIST_HW_DATA_DIR=str(mnist_dir), PYTHONDONTWRITEBYTECODE="1",
                   MNIST_HW_SANDBOX="fallback")
        done = subprocess.run(["bash", str(root / "source/run_autograder")], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        results = json.loads((root / "results/results.json").read_text())
        assert all(results["extra_data"]["protections"].values()), results["extra_data"]["protections"]
        scores[name] = (results["score"], results["max_score"])
    assert scores == {"reference": (90, 90), "hunter": (0, 90)}
