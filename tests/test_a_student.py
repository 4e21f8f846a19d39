"""A test that is a student (issue 25): the student release, built from today's sources into a
temporary folder, copied to a new one; a venv made and the kit installed by the commands of the
release's own README, parsed from it (so the two cannot drift), run in order in one shell; a
wrong and a correct network.py checked; the notebook's quick run executed; and `mnist-hw check
--json` compared with the grader on the same files, area by area.

Kept cheap: the README's `python3 -m venv` is made by the interpreter running the tests and sees
the tests' environment after its own packages (a .pth file naming its site-packages, as
test_lesson's see_this_environment), so that pip finds TensorFlow and Jupyter (~600 MB) already
installed instead of installing them again (the packages still resolve through the README's own
`pip install` line). (`--system-site-packages` did not do it: `python3` on the student's PATH is
the system's, and the tests' own interpreter is a venv's, whose base lacks the test extra; pip
installed TensorFlow and Jupyter into every run's venv, 35 s of the fixture's 108 s.) The training commands
run with their epochs cut to 1 (MNIST_HW_EPOCHS=1 and `--epochs 1`), the quick run the README and
the notebook name; `jupyter notebook` (which waits for a browser) runs as `python -m nbconvert --execute`,
headless, by the venv's Python (so that its kernel is the venv's; not `python -m jupyter
nbconvert`, which looks for a `jupyter-nbconvert` script in the venv, where pip made none: it
found nbconvert installed); and `mnist-hw check
--training`, the grader's 12-epoch check within its 300 s budget, is left out (on a machine
shared by several test runs its budget, not the kit, would decide; test_agreement and
test_training_integrity run it)."""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import archive, release as rel
from autograder.authoring.examples import buggy
from autograder.batch import run as batch

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def readme_commands(readme: str) -> list[str]:
    """The commands of the README's first bash block, comments taken off, in order."""
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip() and
            not line.lstrip().startswith("#")]


LEFT_OUT = ("mnist-hw check --training",)


def as_run_here(command: str) -> str:
    """A README command as this test runs it (see the module's docstring for why each change)."""
    if command.startswith(LEFT_OUT):
        return "true"
    if command.startswith("python3 -m venv"):
        venv = command.split()[-1]
        ours = "".join(f"{p}\n" for p in dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib")))
        see_ours = (f"import sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()['purelib'], 'runner-packages.pth')"
                    f".write_text({ours!r})")
        return (f"{shlex.quote(sys.executable)} {command.removeprefix('python3 ')} && "
                f"{venv}/bin/python -c {shlex.quote(see_ours)}")
    if command.startswith("jupyter notebook"):
        notebook = command.split()[-1]
        return (f"python -m nbconvert --to notebook --execute {notebook} --ExecutePreprocessor.timeout=900 "
                "--output executed.ipynb")
    if command.startswith(("mnist-hw train", "mnist-hw keras")):
        return re.sub(r"--epochs \d+", "", command) + " --epochs 1"
    return command


@pytest.fixture(scope="module")
def student(tmp_path_factory, mnist_dir):
    """The student's folder after the README's commands, and what they printed."""
    where = tmp_path_factory.mktemp("student")
    built = rel.build()
    path = where / "student.zip"
    path.write_bytes(archive.zip_bytes(built.student, archive.PREFIX[archive.STUDENT]))
    with zipfile.ZipFile(path) as z:
        z.extractall(where)
    copy = where / "mnist-hw"
    (copy / "network.py").write_text((ROOT / "solution/network.py").read_text())
    commands = readme_commands((copy / "README.md").read_text())
    script = "set -e\n" + "".join(f"echo '>>> {c}'\n{as_run_here(c)}\n" for c in commands)
    env = {"HOME": str(Path.home()), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "en_US.UTF-8",
           "MNIST_HW_DATA_DIR": str(mnist_dir), "MNIST_HW_EPOCHS": "1", "COLUMNS": "200",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(["bash", "-c", script], cwd=copy, env=env, capture_output=True, text=True, timeout=3000)
    assert done.returncode == 0, done.stdout[-3000:] + "\n--- stderr ---\n" + done.stderr[-1500:]
    return copy, commands, done.stdout, env


def test_the_readme_names_a_venv_the_extras_and_the_notebook(student):
    _, commands, _, _ = student
    assert commands[0].startswith("python3 -m venv") and commands[1].startswith(". .venv/bin/activate")
    assert any("pip install -e '.[keras,notebook]'" in c for c in commands)
    assert any(c.startswith("jupyter notebook") for c in commands)


def test_the_readme_runs_as_written_and_the_correct_file_passes(student):
    copy, _, printed, _ = student
    assert "Public checks total: 51 / 51" in printed
    assert "Public 51 + only the grader 39 = 90 points" in printed
    assert "All log messages before absl::InitializeLog()" not in printed
    notebook = nbformat.read(str(copy / "executed.ipynb"), as_version=4)
    assert not [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.parametrize("name", ["reference", "no_batch_mean"])
def test_check_and_the_grader_agree_area_by_area(student, tmp_path, name):
    copy, _, _, env = student
    text = (ROOT / "solution/network.py").read_text() if name == "reference" else buggy(name)
    folder = tmp_path / name
    folder.mkdir()
    (folder / "network.py").write_text(text)
    local = subprocess.run([str(copy / ".venv/bin/mnist-hw"), "check", str(folder / "network.py"), "--json"],
                           cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert local.returncode == (0 if name == "reference" else 1), local.stderr[-2000:]
    report = json.loads(local.stdout)
    grade = batch.grade_one(folder, tmp_path / "out", skip_training=True)
    graded = {c.gradescope_name(): c for c in grade.checks}
    for test in report["tests"]:
        mine = graded[test["name"]]
        assert (test["score"], test["status"]) == (mine.score, mine.status), test["name"]
    areas = {t["area"] for t in report["tests"]}
    for area in areas:
        local_points = sum(t["score"] for t in report["tests"] if t["area"] == area)
        grader_public = sum(c.score for c in grade.checks if c.area == area and c.visibility == "visible")
        assert local_points == grader_public, area
