"""Issue 25, "what the student sees is what the grader will do": code the grader scores or
refuses, seen the same way by `mnist-hw check` and by the sandboxed grader, with the real cause:
- a tuple- or numpy-integer-keyed cache crosses the wire as sent: full points, as in training;
- network.py loading MNIST at its module level is told so, not "imports platformdirs";
- a helper module of the student's own beside network.py is named as such;
- a training step that outlasts its per-call limit is called slow, with the projected time.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import scheme

pytestmark = pytest.mark.slow  # end to end: the real `check` and the real sandboxed `grade`

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = (ROOT / "solution/network.py").read_text()
TUPLE_KEYED = SOLUTION.replace('return logits, {"X": X, "h": h}', 'return logits, {("a", 0): X, ("a", np.int64(1)): h}') \
    .replace('X, h = cache["X"], cache["h"]', 'X, h = cache[("a", 0)], cache[("a", 1)]')
LOADS_AT_IMPORT = SOLUTION + "\n\nfrom assignment.data import load_mnist\n\n(X_train, y_train), _ = load_mnist()\n"
USES_HELPER = SOLUTION.replace("import numpy as np", "import numpy as np\nfrom nn_utils import relu", 1)
SLOW_STEP = SOLUTION + '''

def forward(params, X):
    # a Python loop over the examples and the hidden units: right values, a training step of minutes
    W1, b1 = params["W1"], params["b1"]
    h = np.zeros((X.shape[0], W1.shape[1]), dtype=X.dtype)
    for i in range(X.shape[0]):
        for j in range(W1.shape[1]):
            h[i, j] = max(sum(float(X[i, k]) * float(W1[k, j]) for k in range(X.shape[1])) + float(b1[j]), 0.0)
    return h @ params["W2"] + params["b2"], {"X": X, "h": h}
'''


def mnist_hw(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def submission(tmp_path: Path, name: str, text: str, **beside: str) -> Path:
    folder = tmp_path / "in" / name
    folder.mkdir(parents=True)
    (folder / "network.py").write_text(text)
    for file, content in beside.items():
        (folder / file).write_text(content)
    return folder


def both(folder: Path, tmp_path: Path, *check_args, training: bool = False) -> tuple[dict, dict]:
    """(check --json, the grader's results.json) for one submission folder."""
    graded = mnist_hw("grade", folder, "--out", tmp_path / "out", *([] if training else ["--skip-training"]))
    assert graded.returncode == 0, graded.stderr[-2000:]
    local = mnist_hw("check", folder / "network.py", "--json", "--lang", "en", *check_args)
    assert local.returncode in (0, 1), local.stderr[-2000:]
    return json.loads(local.stdout), json.loads((tmp_path / "out" / folder.name / "results.json").read_text())


def test_a_tuple_keyed_cache_gets_every_point(tmp_path, mnist_dir):
    local, results = both(submission(tmp_path, "tuple_keyed", TUPLE_KEYED), tmp_path, training=True)
    assert results["score"] == scheme.AUTOGRADED == 90, [t for t in results["tests"] if t["score"] < t["max_score"]]
    assert local["score"] == local["max_score"], local


def test_a_tuple_keyed_cache_gets_every_point_without_training(tmp_path):
    local, results = both(submission(tmp_path, "tuple_keyed", TUPLE_KEYED), tmp_path)
    assert results["score"] == scheme.AUTOGRADED - 20 == 70
    assert local["score"] == local["max_score"]


def test_loading_mnist_at_import_is_named_as_the_cause(tmp_path):
    local, results = both(submission(tmp_path, "loads", LOADS_AT_IMPORT), tmp_path)
    said = "network.py loads MNIST when it is imported"
    assert results["score"] == local["score"] == 0
    assert said in results["tests"][0]["output"] and said in local["import_error"]
    assert 'if __name__ == "__main__":' in local["import_error"]
    assert "Remove `import platformdirs`" not in results["tests"][0]["output"] + local["import_error"]
    assert "network.py загружает MNIST при импорте" in results["tests"][0]["output"]


def test_a_helper_module_of_ones_own_is_named_as_such(tmp_path):
    folder = submission(tmp_path, "helper", USES_HELPER, **{"nn_utils.py": "import numpy as np\n\n\ndef relu(x):\n"
                                                                             "    return np.maximum(x, 0)\n"})
    local, results = both(folder, tmp_path)
    said = "only network.py is graded: put nn_utils.py's functions into network.py"
    assert results["score"] == local["score"] == 0
    assert said in results["tests"][0]["output"] and said in local["import_error"]
    assert "allows numpy only" not in local["import_error"]


def test_a_training_step_over_its_limit_is_called_slow(tmp_path, mnist_dir, monkeypatch):
    """A step of minutes: stopped at the step's limit (the warm-up, here 5 s instead of 20 through
    MNIST_HW_WARMUP_SECONDS: a step that would take minutes is over either) and called slow."""
    monkeypatch.setenv("MNIST_HW_WARMUP_SECONDS", "5")
    folder = submission(tmp_path, "slow_step", SLOW_STEP)
    local = json.loads(mnist_hw("check", folder / "network.py", "--json", "--lang", "en", "--area", "training",
                                "--training").stdout)
    training = [t for t in local["tests"] if t["area"] == "training"]
    assert [t["score"] for t in training] == [0]
    assert "a training step is too slow: training would need more than" in training[0]["message"]
    assert "infinite loop" not in training[0]["message"]


@pytest.mark.parametrize("construct, line", [
    ("import numpy as np\ntype Params = dict[str, np.ndarray]\n", "`type` alias"),
    ("def first[T](xs: list[T]) -> T:\n    return xs[0]\n", "type parameter list"),
    ('def shown(params):\n    return f"{params["W1"].shape}"\n', "reuses its own quotes"),
], ids=["type_alias", "generics", "fstring"])
def test_python_312_syntax_gets_the_same_message_and_0_from_check_and_the_grader(tmp_path, construct, line):
    folder = submission(tmp_path, "py312", SOLUTION + "\n\n" + construct)
    local, results = both(folder, tmp_path)
    assert results["score"] == local["score"] == 0
    assert line in local["import_error"] and "the grader runs Python" in local["import_error"]
    assert local["import_error"] in results["tests"][0]["output"]


def test_a_value_that_cannot_cross_is_said_in_both_languages_by_check_and_grader(tmp_path):
    """A cache keyed by a frozenset cannot cross the wire: the grader's results.json and `check --lang ru`
    say why in Russian as well as English (worded on the trusted side from the worker's code)."""
    text = SOLUTION.replace('return logits, {"X": X, "h": h}', 'return logits, {frozenset({1}): X, "h": h}')
    folder = submission(tmp_path, "frozenset_key", text)
    _, results = both(folder, tmp_path, "--area", "forward")
    said = "\n".join(t["output"] for t in results["tests"])
    assert "the result cannot be returned: the dict key frozenset({1}) (a frozenset) cannot be sent" in said
    assert "результат нельзя вернуть: ключ словаря frozenset({1}) (типа frozenset) нельзя передать" in said
    ru = json.loads(mnist_hw("check", folder / "network.py", "--json", "--lang", "ru", "--area", "forward").stdout)
    assert any("результат нельзя вернуть: ключ словаря" in t["message"] for t in ru["tests"]), ru
