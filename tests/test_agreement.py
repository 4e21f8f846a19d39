"""One verdict everywhere: `mnist-hw check` and `mnist-hw grade` agree check by check on the
public checks, for correct solutions written in many styles and for realistic bugs, and
every correct form gets full marks from the grader.

Both commands run for real, as the student and the grader run them: `check --json` in a
fresh process, `grade` with its sandboxed worker, and the results compared by the check
names both write (results.json's).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import scheme
from autograder.authoring.examples import expected_scores

pytestmark = pytest.mark.slow  # end to end (grading with training, nbgrader, Chromium, Keras, the corpus): `-m "not slow"` leaves it out

ROOT = Path(__file__).resolve().parents[1]
CORRECT = sorted((Path(__file__).parent / "corpus" / "correct").glob("*.py"))


def mnist_hw(*args, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def local_checks(network_py: Path) -> dict:
    done = mnist_hw("check", network_py, "--json", "--lang", "en", check=False)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return json.loads(done.stdout)


def submissions(tmp_path: Path, sources: dict[str, Path]) -> list[Path]:
    paths = []
    for name, source in sources.items():
        (tmp_path / "in" / name).mkdir(parents=True)
        (tmp_path / "in" / name / "network.py").write_bytes(source.read_bytes())
        paths.append(tmp_path / "in" / name)
    return paths


def assert_same_public_points(local: dict, results: dict, name: str):
    graded = {t["name"]: t for t in results["tests"]}
    assert local["tests"], name
    for check in local["tests"]:
        assert check["name"] in graded, f"{name}: {check['name']} is not in results.json"
        mine, theirs = check, graded[check["name"]]
        assert (mine["score"], mine["max_score"], mine["status"]) == (
            theirs["score"], theirs["max_score"], theirs["status"]), (name, check["name"], mine["message"],
                                                                      theirs["output"])


def test_correct_forms_get_full_marks_and_the_same_public_points(tmp_path, mnist_dir):
    """Every correct form: 90/90 from the grader (training included), 51/51 from the local
    check, and the same points check by check."""
    assert len(CORRECT) >= 6
    paths = submissions(tmp_path, {p.stem: p for p in CORRECT})
    mnist_hw("grade", *paths, "--out", tmp_path / "out", "--jobs", "2", "--data-dir", mnist_dir)
    for path in paths:
        results = json.loads((tmp_path / "out" / path.name / "results.json").read_text())
        failed = [(t["name"], t["output"][:300]) for t in results["tests"] if t["status"] != "passed"]
        assert results["score"] == scheme.AUTOGRADED, (path.name, failed)
        local = local_checks(path / "network.py")
        assert local["score"] == local["max_score"], (path.name, local)
        assert_same_public_points(local, results, path.name)


def test_realistic_bugs_get_the_same_public_points_from_check_and_grade(examples_graded):
    """The example bugs and the stub: each check's points, locally and from the grader
    (`mnist-hw grade EXAMPLES --jobs 2 --skip-training`, once per test run: conftest.py)."""
    expected = expected_scores()
    for path in examples_graded.paths:
        results = json.loads((examples_graded.out / path.name / "results.json").read_text())
        local = local_checks(path / "network.py")
        assert_same_public_points(local, results, path.name)
        if expected[path.name] < scheme.AUTOGRADED:  # a bug loses points in the public checks or the hidden ones
            assert results["score"] < scheme.AUTOGRADED - 20, path.name


@pytest.mark.parametrize("module, allowed", [("scipy.special", False), ("sklearn", False), ("torch", False),
                                             ("json", True), ("numpy.linalg", True)])
def test_the_import_rule_is_the_same_in_check_and_grade(tmp_path, module, allowed):
    """A module outside the rule: the same bilingual message and the same 0 from both; one
    inside it: no message and full marks from both."""
    source = (ROOT / "solution/network.py").read_text().replace("import numpy as np\n",
                                                               f"import numpy as np\nimport {module}\n", 1)
    (tmp_path / "in" / "s").mkdir(parents=True)
    (tmp_path / "in" / "s" / "network.py").write_text(source)
    mnist_hw("grade", tmp_path / "in" / "s", "--out", tmp_path / "out", "--skip-training")
    results = json.loads((tmp_path / "out" / "s" / "results.json").read_text())
    local = local_checks(tmp_path / "in" / "s" / "network.py")
    top = module.split(".")[0]
    if allowed:
        assert results["score"] == scheme.AUTOGRADED - 20
        assert local["score"] == local["max_score"] == 51
        return
    assert results["score"] == local["score"] == 0
    en = f"network.py imports `{top}`, which the grader does not provide: the assignment allows numpy only"
    assert en in local["import_error"]
    assert en in results["tests"][0]["output"]
    assert f"network.py импортирует `{top}`, которого нет при оценке" in results["tests"][0]["output"]
    ru = json.loads(mnist_hw("check", tmp_path / "in" / "s" / "network.py", "--json", "--lang", "ru",
                             check=False).stdout)
    assert f"network.py импортирует `{top}`" in ru["import_error"]
    assert ru["score"] == 0
