"""The lesson's Keras half in the student's hands: `mnist-hw keras`, `mnist-hw compare` and the
notebook's Keras section, run as a student runs them, from the unpacked student release
installed with and without its `[keras]` extra in virtual environments of its own.

The release is built from today's sources (the committed release/ is checked against them by
test_release.py), so these tests hold before and after `mnist-hw release`.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from assignment import runs
from assignment.plots import plot_comparison
from assignment.training import fit
from autograder.authoring import archive, release as rel

ROOT = Path(__file__).resolve().parent.parent
INSTALL = "pip install -e '.[keras]'"


@pytest.fixture(scope="module")
def built():
    return rel.build()


@pytest.fixture(scope="module")
def student_zip(built, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("release") / "student.zip"
    path.write_bytes(archive.zip_bytes(built.student, archive.PREFIX[archive.STUDENT]))
    return path


def unpack(student_zip: Path, where: Path) -> Path:
    """A student's copy: the zip unpacked, network.py filled in with the reference."""
    with zipfile.ZipFile(student_zip) as z:
        z.extractall(where)
    copy = where / "mnist-hw"
    shutil.copyfile(ROOT / "solution/network.py", copy / "network.py")
    return copy


def student_env(mnist_dir, **extra) -> dict:
    """The environment of a student's shell: none of this project on PYTHONPATH, no other venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "MNIST_HW_DATA_DIR": str(mnist_dir), "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200", **extra}


def run(args, cwd, env, check=True):
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done


def see_this_environment(venv: Path) -> None:
    """Let `venv` see the packages of the environment running the tests, after its own (a .pth file
    naming this interpreter's site-packages). Not `--system-site-packages`: made from a venv (as
    .ci/run's), that shows the *base* interpreter's packages, which lack what the test extra installed."""
    own = Path(subprocess.run([venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip())
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (own / "runner-packages.pth").write_text("".join(f"{p}\n" for p in ours))


def make_venv(copy: Path, mnist_dir, extra: str, see_ours: bool, also=()) -> Path:
    """A virtual environment with the student release installed in it, editable, as the README
    says, and `also` (what the test itself runs there, e.g. ipykernel for the notebook's kernel)."""
    venv = copy.parent / "venv"
    run([sys.executable, "-m", "venv", venv], copy.parent, student_env(mnist_dir))
    if see_ours:
        see_this_environment(venv)
    run([venv / "bin/python", "-m", "pip", "install", "-q", "-e", f".{extra}", *also], copy, student_env(mnist_dir))
    where = run([venv / "bin/python", "-c", "import assignment, autograder; print(assignment.__file__)"], copy.parent,
                student_env(mnist_dir))
    assert Path(where.stdout.strip()).is_relative_to(copy), where.stdout  # the release's kit, not this project
    return venv


@pytest.fixture(scope="module")
def with_keras(student_zip, mnist_dir, tmp_path_factory):
    """`pip install -e '.[keras]'`, plus ipykernel for the notebook. The venv sees the test
    environment's packages (see_this_environment), so that pip finds Keras and TensorFlow (~500 MB)
    that the test extra installed instead of downloading them again; what the test uses is named to
    pip all the same (ipykernel was once found only where someone had installed it by hand)."""
    copy = unpack(student_zip, tmp_path_factory.mktemp("with-keras"))
    return copy, make_venv(copy, mnist_dir, "[keras]", see_ours=True, also=["ipykernel"])


@pytest.fixture(scope="module")
def without_keras(student_zip, mnist_dir, tmp_path_factory):
    """`pip install -e .` in a venv of its own (no TensorFlow), plus ipykernel for the notebook."""
    copy = unpack(student_zip, tmp_path_factory.mktemp("without-keras"))
    return copy, make_venv(copy, mnist_dir, "", see_ours=False, also=["ipykernel"])


def execute_notebook(copy: Path, venv: Path, mnist_dir) -> nbformat.NotebookNode:
    """`jupyter nbconvert --to notebook --execute mnist.ipynb`, headless, with a kernel that runs in
    `venv`, 1 epoch of training (MNIST_HW_EPOCHS); returns the executed notebook."""
    run([venv / "bin/python", "-m", "ipykernel", "install", "--prefix", venv, "--name", "student"], copy,
        student_env(mnist_dir))
    env = student_env(mnist_dir, JUPYTER_PATH=str(venv / "share/jupyter"), MNIST_HW_EPOCHS="1")
    run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "mnist.ipynb",
         "--ExecutePreprocessor.kernel_name=student", "--ExecutePreprocessor.timeout=900", "--output",
         "executed.ipynb"], copy, env)
    return nbformat.read(str(copy / "executed.ipynb"), as_version=4)


def cell(notebook, cell_id: str):
    return next(c for c in notebook.cells if c.get("id") == cell_id)


def text_of(c) -> str:
    """What a cell showed: its streams, and the plain text of its results and displays (rich's
    colours taken out)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                                                  for o in c.outputs))


def row_names(c) -> list[str]:
    """The runs' kinds in the comparison table a cell showed: the first word of each row (the
    rows are the lines with a test accuracy)."""
    return [line.split()[0] for line in text_of(c).splitlines() if "%" in line]


def points(c) -> float:
    """What a check cell returned (nbgrader's partial credit)."""
    return float(next(o for o in c.outputs if o.output_type == "execute_result").data["text/plain"])


# -- fast: what the release holds, the figure's data, compare's messages -------------------------
def test_student_release_ships_the_reference_and_the_keras_extra(built):
    student = built.student
    assert student["reference.json"] == (ROOT / "solution/reference.json").read_bytes()
    assert student["reference.png"] == (ROOT / "solution/reference.png").read_bytes()
    assert {"assignment/keras_model.py", "assignment/runs.py"} <= set(student)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    released = tomllib.loads(student["pyproject.toml"].decode())["project"]["optional-dependencies"]
    assert released == {"keras": project["keras"], "notebook": project["notebook"]} and any(r.startswith("tensorflow") for r in released["keras"])
    kit = "".join(student[p].decode() for p in student if p.startswith("assignment/"))
    assert "solution.keras_reference" not in kit and "import keras" in student["assignment/keras_model.py"].decode()


def lines_by_label(axis) -> dict:
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in axis.get_lines()}


def test_the_comparison_figure_holds_each_run_split_and_panel(mnist, tmp_path, monkeypatch):
    """Runs as train and the notebook write them, and reference.json; the figure's lines are the runs'
    numbers, two per run and panel; without arguments compare takes the newest numpy run, the
    newest Keras run and reference.json."""
    from solution import network

    monkeypatch.chdir(tmp_path)
    small = mnist.x_train[:3000], mnist.y_train[:3000]
    for out, epochs in (("runs/old", 1), ("runs/train", 2)):
        params, history = fit(network, *small, epochs=epochs, n_hidden=50)
        runs.save(runs.from_fit(history, params, 0.3, 0.9 + epochs / 100, "network.py"), out, title="t")
    assert runs.latest() == Path("runs/train") and runs.latest(kind="keras") is None
    keras_like = json.loads(Path("runs/train/history.json").read_text()) | {"framework": "keras"}
    Path("runs/keras").mkdir()
    Path("runs/keras/history.json").write_text(json.dumps(keras_like))  # the format `mnist-hw keras` writes
    defaults = runs.default_runs()
    assert defaults[:2] == [Path("runs/train"), Path("runs/keras")]
    assert defaults[2].resolve() == (ROOT / "solution/reference.json").resolve()

    loaded = [runs.load(p) for p in defaults]
    assert [r.kind for r in loaded] == ["numpy", "keras", "reference"]
    assert [r.parameters for r in loaded] == [784 * 50 + 50 + 50 * 10 + 10] * 2 + [636_010]
    figure = plot_comparison([(r.label, r.history) for r in loaded], tmp_path / "compare.png")
    assert (tmp_path / "compare.png").stat().st_size > 0
    accuracy, loss = figure.axes[:2]
    assert (accuracy.get_ylabel(), loss.get_ylabel()) == ("Accuracy", "Loss")
    for axis, metric in ((accuracy, "accuracy"), (loss, "loss")):
        lines = lines_by_label(axis)
        assert len(axis.get_lines()) == len(lines) == 2 * len(loaded)
        for r in loaded:
            for split, key in (("train", metric), ("validation", f"val_{metric}")):
                x, y = lines[f"{r.label}: {split}"]
                assert x == list(range(1, r.epochs + 1))
                np.testing.assert_array_equal(y, r.history[key])
    assert [r.label for r in loaded] == ["numpy · runs/train", "Keras · runs/keras", "reference · reference.json"]
    reference = json.loads((ROOT / "solution/reference.json").read_text())

    rows = runs.rows(loaded)
    assert [r["epochs"] for r in rows] == [2, 2, 30]
    assert rows[0]["vs_reference"] == pytest.approx(100 * (0.92 - reference["test_accuracy"]))
    assert rows[2]["vs_reference"] is None and rows[2]["test_accuracy"] == reference["test_accuracy"]


def mnist_hw(*args, cwd):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("lang, words", [
    ("ru_RU.UTF-8", {"panels": ("Точность", "Потери"), "epoch": "Эпоха", "splits": ("обучение", "валидация"),
                     "table": ("numpy и Keras на MNIST", "запуск", "эпох", "тест. точн.", "к эталону", "с/эпоху",
                               "параметры", "эталон · reference.json"), "run": "RUN — это папка"}),
    ("en_US.UTF-8", {"panels": ("Accuracy", "Loss"), "epoch": "Epoch", "splits": ("train", "validation"),
                     "table": ("numpy vs Keras on MNIST", "run", "epochs", "test acc.", "vs ref.", "s/epoch", "params",
                               "reference · reference.json"), "run": "A RUN is a directory"}),
])
def test_the_figures_and_the_table_speak_the_locales_language(lang, words, tmp_path, monkeypatch):
    """What the notebook and compare draw and print (assignment/plots.py, runs.table) and a bad
    RUN's error follow the locale, as every kit command does; the numbers are the same."""
    from rich.console import Console

    from assignment import cli
    from assignment.plots import plot_history

    monkeypatch.setattr(cli, "_SPOKEN", {"lang": None})  # no command chose a language: the notebook's case
    monkeypatch.setenv("LANG", lang)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.chdir(ROOT / "solution")
    history = {"loss": [0.5, 0.3], "accuracy": [0.8, 0.9], "val_loss": [0.4, 0.35], "val_accuracy": [0.85, 0.88]}
    for figure in (plot_history(history), plot_comparison([("numpy", history)])):
        assert tuple(ax.get_ylabel() for ax in figure.axes[:2]) == words["panels"]
        assert figure.axes[1].get_xlabel() == words["epoch"]
    assert [line.get_label() for line in plot_history(history).axes[0].get_lines()] == list(words["splits"])
    assert set(lines_by_label(plot_comparison([("numpy", history)]).axes[0])) == {f"numpy: {s}" for s in words["splits"]}
    console = Console(record=True, width=80)  # an 80-column terminal: no header cut in either language
    keras = {**json.loads(Path("reference.json").read_text())["history"], "test_accuracy": 0.954, "seconds": [6.35],
             "parameters": 636_010, "framework": "keras"}  # a run below the reference: the widest "vs" cell
    console.print(runs.table([runs.from_dict(keras, "Keras · runs/keras"), runs.load("reference.json")]))
    shown = " ".join(console.export_text().split())
    assert all(word in shown for word in words["table"]) and "…" not in shown, shown
    assert "98." in shown and "636,010" in shown and "-2.90 " in shown
    with pytest.raises(runs.RunError) as info:
        runs.load(tmp_path)
    assert words["run"] in cli.said(cli.reason(info.value))


def test_compare_says_what_is_wrong_with_a_run(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken/history.json").write_text('{"loss": [0.3], "accuracy": ')
    (tmp_path / "other.json").write_text('{"loss": [0.3, 0.2], "accuracy": [0.9], "val_loss": [1], '
                                         '"val_accuracy": [1], "test_accuracy": 0.9}')
    (tmp_path / "words.json").write_text('{"loss": [0.3], "accuracy": [0.9], "val_loss": [0.2], '
                                         '"val_accuracy": [0.9], "test_accuracy": 0.9, "seconds": ["fast"]}')
    cases = {"words.json": "words.json: the History, test_accuracy, seconds or parameters hold something that is "
                           "not a number.",
             "nowhere": "nowhere: no such file or directory. A RUN is a directory that `mnist-hw train` or "
                        "`mnist-hw keras` wrote",
             "empty": "empty: no history.json or reference.json in this directory.",
             "broken": "history.json: not JSON",
             "other.json": "other.json: the History's lists are empty or of different lengths (loss: 2, accuracy: 1"}
    for path, message in cases.items():
        done = mnist_hw("compare", path, "--out", "c.png", cwd=tmp_path)
        assert done.returncode == 1 and message in " ".join(done.stderr.split()), (path, done.stderr)
        assert "Traceback" not in done.stderr
    nothing = mnist_hw("compare", cwd=tmp_path)  # no runs/ here
    assert nothing.returncode == 1 and "no run under" in nothing.stderr and "mnist-hw train" in nothing.stderr
    assert not (tmp_path / "c.png").exists() and not (tmp_path / "runs").exists()


# -- slow: the release installed, with and without Keras ----------------------------------------
@pytest.mark.slow
@pytest.mark.keras
def test_with_keras_the_student_trains_both_and_compares(with_keras, mnist_dir):
    copy, venv = with_keras
    env = student_env(mnist_dir)
    mnist_hw_ = venv / "bin/mnist-hw"  # the console script pip installed from the release
    run([mnist_hw_, "keras", "--epochs", "1"], copy, env)
    run([mnist_hw_, "train", "--network", "network.py", "--epochs", "1"], copy, env)
    keras_run = json.loads((copy / "runs/keras/history.json").read_text())
    numpy_run = json.loads((copy / "runs/train/history.json").read_text())
    assert set(numpy_run) == set(keras_run)  # one format: compare and plot_history read both alike
    assert (keras_run["framework"], keras_run["parameters"], len(keras_run["val_accuracy"])) == ("keras", 636_010, 1)
    assert keras_run["params"]["layers"] == [784, 800, 10] and keras_run["params"]["seed"] == 42
    assert keras_run["test_accuracy"] > 0.9 and len(keras_run["seconds"]) == 1
    assert (copy / "runs/keras/history.png").stat().st_size > 0

    done = run([mnist_hw_, "compare"], copy, env)  # the default: the newest runs and reference.json
    table = [line.split() for line in done.stdout.splitlines()]
    assert ["numpy", "·", "runs/train", "1", f"{numpy_run['test_accuracy']:.2%}"] in [r[:5] for r in table]
    assert ["Keras", "·", "runs/keras", "1", f"{keras_run['test_accuracy']:.2%}"] in [r[:5] for r in table]
    assert ["reference", "·", "reference.json", "30", "98.30%"] in [r[:5] for r in table]
    assert (copy / "runs/compare.png").stat().st_size > 0
    loaded = [runs.load(copy / p) for p in ("runs/train", "runs/keras", "reference.json")]
    figure = plot_comparison([(r.label, r.history) for r in loaded])
    for axis in figure.axes[:2]:
        assert len(axis.get_lines()) == 6

    notebook = execute_notebook(copy, venv, mnist_dir)
    said = text_of(cell(notebook, "keras-run"))
    assert "Keras test accuracy" in said and "skipped" not in said
    comparison = cell(notebook, "comparison")
    assert any("image/png" in o.get("data", {}) for o in comparison.outputs)
    assert "numpy · network.py" in text_of(comparison) and "reference · reference.json" in text_of(comparison)
    assert row_names(comparison) == ["numpy", "Keras", "reference"]
    assert points(cell(notebook, "updates")) == 11 and points(cell(notebook, "training")) == 0  # ran to the end
    assert json.loads((copy / "runs/notebook/history.json").read_text())["epoch"] == [0]


@pytest.mark.slow
def test_without_keras_the_kit_says_how_to_install_it_and_the_notebook_still_runs(without_keras, mnist_dir):
    copy, venv = without_keras
    env = student_env(mnist_dir)
    absent = run([venv / "bin/python", "-c", "import keras"], copy, env, check=False)
    assert absent.returncode == 1 and "No module named 'keras'" in absent.stderr  # really without Keras
    done = run([venv / "bin/mnist-hw", "keras", "--epochs", "1"], copy, env, check=False)
    assert done.returncode == 1 and INSTALL in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (copy / "runs").exists()
    run([venv / "bin/mnist-hw", "check", "--area", "forward"], copy, env)  # the rest of the kit needs no TensorFlow

    notebook = execute_notebook(copy, venv, mnist_dir)
    said = text_of(cell(notebook, "keras-run"))
    assert "Keras skipped" in said and INSTALL in said
    comparison = cell(notebook, "comparison")
    assert any("image/png" in o.get("data", {}) for o in comparison.outputs)
    assert row_names(comparison) == ["numpy", "reference"]
    assert points(cell(notebook, "updates")) == 11 and points(cell(notebook, "training")) == 0
