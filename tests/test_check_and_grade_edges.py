"""Found by the red team of the rebuilt grader (session 5), each a way `mnist-hw check` and
`mnist-hw grade` could part, or `check` could stop without its report:
- a file the grader refuses to read (not UTF-8 without a coding line, over 1 MiB) is refused
  by `check` too, with the same message; with its coding line it is read by both;
- a KeyboardInterrupt raised by the student's code is reported as the worker reports it, and
  the checks go on (it used to end `check` with "0 / 0 passed" and exit status 0);
- a recursion limit lowered at import does not crash `check`'s own report;
- a missing function is named as missing, in both languages (not "raised AttributeError");
- a folder named network.py in a batch is that submission's 0, not the batch's end.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # end to end: the real `check` and the real sandboxed `grade`

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = (ROOT / "solution/network.py").read_text()


def mnist_hw(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def both(tmp_path: Path, name: str, content: bytes, lang: str = "en") -> tuple[dict, dict, int]:
    """(check --json, the grader's results.json, check's exit status) for one network.py."""
    folder = tmp_path / "in" / name
    folder.mkdir(parents=True)
    (folder / "network.py").write_bytes(content)
    graded = mnist_hw("grade", folder, "--out", tmp_path / "out", "--skip-training")
    assert graded.returncode == 0, graded.stderr[-2000:]
    local = mnist_hw("check", folder / "network.py", "--json", "--lang", lang)
    assert local.returncode in (0, 1), local.stderr[-2000:]
    return json.loads(local.stdout), json.loads((tmp_path / "out" / name / "results.json").read_text()), \
        local.returncode


def public_points(results: dict) -> dict:
    return {t["name"]: t["score"] for t in results["tests"] if t.get("visibility") == "visible" and "number" in t}


@pytest.mark.parametrize("name, content, refused", ids=["cp1251", "too_big", "cp1251_declared"], argvalues=[
    ("cp1251", ("# Сеть: прямой проход\n" + SOLUTION).encode("cp1251"), "is not UTF-8 text (byte 0xd1 on line 1)"),
    ("too_big", (SOLUTION + "#" * (1 << 20)).encode(), "a network.py over 1 MiB is refused"),
    ("cp1251_declared", ("# -*- coding: cp1251 -*-\n# Сеть: прямой проход\n" + SOLUTION).encode("cp1251"), ""),
])
def test_what_the_grader_cannot_read_check_cannot_either(tmp_path, name, content, refused):
    local, results, status = both(tmp_path, name, content)
    if not refused:
        assert results["score"] == 70
        assert local["score"] == local["max_score"] == 51
        assert status == 0
        return
    assert results["score"] == local["score"] == 0
    assert status == 1
    assert refused in results["tests"][0]["output"]
    assert refused in local["import_error"]


def test_a_keyboard_interrupt_in_a_function_is_reported_and_the_checks_go_on(tmp_path):
    source = SOLUTION.replace('def forward(params, X):\n', 'def forward(params, X):\n    raise KeyboardInterrupt\n', 1)
    assert source != SOLUTION
    local, results, status = both(tmp_path, "kbint", source.encode())
    assert status == 1  # not "0 / 0 passed"
    assert local["tests"], "check ended without its report"
    forward = [t for t in local["tests"] if t["area"] == "forward"]
    assert forward and all(t["status"] == "failed" and "KeyboardInterrupt" in t["message"] for t in forward)
    assert any(t["status"] == "passed" for t in local["tests"])  # softmax and the rest were still checked
    graded = {t["name"]: (t["score"], t["status"]) for t in results["tests"]}
    for check in local["tests"]:  # and the grader agrees, check by check
        assert graded[check["name"]] == (check["score"], check["status"]), check["name"]


def test_a_recursion_limit_lowered_at_import_leaves_check_its_report(tmp_path):
    """It used to crash `check` with a traceback from its own report. The import itself still
    fails locally, where it runs deep in `check`'s own stack, and not in the worker, where the
    stack is shallow: a difference the README names."""
    source = "import sys\nsys.setrecursionlimit(60)\n" + SOLUTION
    local, results, status = both(tmp_path, "recursion", source.encode())
    assert results["score"] == 70
    assert status == 1
    assert {t["area"] for t in local["tests"]} == {"forward", "softmax_loss", "gradients", "updates"}  # the report
    assert "RecursionError" in local["import_error"]


def test_a_missing_function_is_named_as_missing_in_both_languages(tmp_path):
    source = SOLUTION.replace("def sgd_update(", "def sgd_step(", 1)
    local, results, _ = both(tmp_path, "renamed", source.encode())
    assert any("network.py defines no function sgd_update: keep the names of the stub." in t["message"]
               for t in local["tests"])
    output = "\n".join(t["output"] for t in results["tests"])
    assert "в network.py нет функции sgd_update" in output
    assert "sgd_update raised" not in output
    assert "выбросила исключение AttributeError" not in output


def test_a_folder_named_network_py_is_its_submissions_zero_not_the_batchs_end(tmp_path):
    odd = tmp_path / "odd"
    (odd / "network.py").mkdir(parents=True)
    good = tmp_path / "good"
    good.mkdir()
    (good / "network.py").write_text(SOLUTION)
    done = mnist_hw("grade", odd, good, "--out", tmp_path / "out", "--skip-training")
    assert done.returncode == 0, done.stderr[-2000:]
    odd_results = json.loads((tmp_path / "out/odd/results.json").read_text())
    assert odd_results["score"] == 0
    assert "holds no network.py" in odd_results["tests"][0]["output"]
    assert json.loads((tmp_path / "out/good/results.json").read_text())["score"] == 70
