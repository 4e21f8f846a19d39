"""One Python, said and checked (issue 25): a network.py whose syntax the grader's Python
(manifest.GRADER_PYTHON) cannot read is refused by sandbox/source.py — which the grader's
reading of submissions and `mnist-hw check` both call — with the line and the construct, the
same words whichever Python reads it. The Pythons students use (3.10 to 3.13, where pyenv has
them here) each run the same check; this Python always does."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from autograder import manifest
from autograder.sandbox import source

ROOT = Path(__file__).resolve().parents[1]
PYENV = Path.home() / ".pyenv" / "versions"
# The three forms a student's Python 3.12 reads and the grader's cannot, and what each is named.
NEWER = {
    "type_alias": ("import numpy as np\ntype Params = dict[str, np.ndarray]\n", 2),
    "generics": ("def first[T](xs: list[T]) -> T:\n    return xs[0]\n", 1),
    "fstring_quotes": ('params = {"W1": 1}\nshown = f"{params["W1"]}"\n', 2),
}
READABLE = 'params = {"W1": 1}\nshown = f"{params[\'W1\']}" f"""{"a"}"""\ntype = 3\ndef f(x): return x[0]\n'


def pythons() -> list[str]:
    """The Python 3.10-3.13 interpreters here (pyenv's), besides this one."""
    return sorted(str(p / "bin" / "python") for p in PYENV.glob("3.1[0-3].*") if (p / "bin" / "python").is_file())


def verdict(python: str | None, text: str):
    """source.unreadable_text of `text` as `python` (None: this one) gives it."""
    if python is None:
        return source.unreadable_text(text.encode())
    code = "import sys, json; from autograder.sandbox import source; " \
           "print(json.dumps(source.unreadable_text(sys.stdin.buffer.read())))"
    done = subprocess.run([python, "-c", code], input=text.encode(), capture_output=True, cwd=ROOT, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    found = json.loads(done.stdout)
    return tuple(found) if found else None


@pytest.mark.parametrize("python", [None, *pythons()], ids=lambda p: "this" if p is None else Path(p).parts[-3])
def test_every_python_refuses_what_the_grader_cannot_read_in_the_same_words(python):
    for construct, (text, line) in NEWER.items():
        en, ru = verdict(python, text)
        assert (en, ru) == verdict(None, text), construct
        assert en.startswith(f"network.py line {line} uses ")
        assert f"the grader runs Python {manifest.GRADER_PYTHON_TEXT}" in en and "would score 0" in en
        assert f"Python {manifest.GRADER_PYTHON_TEXT}" in ru
    assert "`type` alias" in verdict(python, NEWER["type_alias"][0])[0]
    assert "type parameter list" in verdict(python, NEWER["generics"][0])[0]
    assert "reuses its own quotes" in verdict(python, NEWER["fstring_quotes"][0])[0]
    assert verdict(python, READABLE) is None


def test_a_plain_syntax_error_names_the_graders_python_and_the_line():
    en, ru = source.unreadable_text(b"import numpy as np\nx = (1 +\n")
    assert en.startswith(f"network.py line 2 is not valid Python {manifest.GRADER_PYTHON_TEXT}")
    assert "SyntaxError" in en and "строка 2" in ru


def test_the_graders_python_is_said_where_students_and_instructors_look():
    """The README, the assignment text in both languages and the Gradescope bundle's setup say
    the version manifest declares."""
    version = manifest.GRADER_PYTHON_TEXT
    for rel in ("README.md", "assignment/text/assignment-en.md", "assignment/text/assignment-ru.md",
                "autograder/authoring/templates/student-README.md"):
        assert f"Python {version}" in (ROOT / rel).read_text(), rel
    from autograder.authoring import release

    built = release.Release()
    release.gradescope(built)
    assert f"PYTHON=python{version}\n" in built.grader["setup.sh"].decode()


EXCEPT_STAR = ("import numpy as np\n\n\ndef relu(x):\n    try:\n        return np.maximum(x, 0)\n"
               "    except* ValueError:\n        raise\n")


@pytest.mark.parametrize("python", [None, *pythons()], ids=lambda p: "this" if p is None else Path(p).parts[-3])
def test_except_star_is_read_as_the_grader_reads_it_and_an_older_python_says_so(python):
    """`except*` (Python 3.11) is the grader's Python's syntax: accepted wherever the Python running
    the check reads it too; on Python 3.10, which cannot, the student is told the truth (the
    grader reads it, this Python cannot: check with 3.11 or later), never that it is invalid."""
    found = verdict(python, EXCEPT_STAR)
    older = python is not None and Path(python).parts[-3].startswith("3.10")
    if not older:
        assert found is None
        return
    en, ru = found
    assert en.startswith("network.py line 7 uses an `except*` clause (Python 3.11, PEP 654): the grader's Python "
                         f"{manifest.GRADER_PYTHON_TEXT} reads it, but this Python 3.10 cannot"), en
    assert "is not valid Python" not in en and "would score 0" not in en
    assert f"with Python {manifest.GRADER_PYTHON_TEXT} or later" in en and "Python 3.10" in ru
