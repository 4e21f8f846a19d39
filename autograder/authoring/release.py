"""`mnist-hw release`: the student release and the grader bundle, made from the sources by
a declared pipeline of small named steps (STEPS), as nbgrader's preprocessors make a release.

    release/student/      what students get: the stub, the kit, the texts, the public checks
    release/student.zip   the same, under mnist-hw/
    release/autograder/   what graders get: the whole engine, the hidden checks, the reference;
                          runs where the project is not installed (python -m autograder)
    release/autograder.zip  the same at the zip's root: a Gradescope autograder (setup.sh, run_autograder)

Each step adds files (path -> bytes) to a Release in memory; archive.write puts them on disk.
The steps' helpers, one job each: regions.py (nbgrader clears solutions and hidden checks),
packaging.py (the pins from pyproject.toml), templates/ (the READMEs, Gradescope's scripts,
the student's pyproject.toml), archive.py (byte-reproducible trees and zips), leaks.py and
bundle.py (validating what was made).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder import manifest
from autograder.authoring import packaging
from autograder.authoring.regions import clear_hidden_tests, clear_solutions

ROOT = manifest.ROOT  # the project: assignment/ solution/ autograder/
TEMPLATES = Path(__file__).resolve().with_name("templates")
ENGINE_SUFFIXES = (".py", ".md", ".json", ".ini", ".html", ".css", ".js")  # .html/.css/.js: the batch page's


@dataclass
class Release:
    """The files of both bundles, path -> bytes, before anything is written."""

    student: dict[str, bytes] = field(default_factory=dict)
    grader: dict[str, bytes] = field(default_factory=dict)


def _text(rel: str) -> str:
    """A source file of the project, as text."""
    return (ROOT / rel).read_text(encoding="utf-8")


def _bytes(rel: str) -> bytes:
    """A source file of the project, as it is."""
    return (ROOT / rel).read_bytes()


def _template(name: str) -> bytes:
    """A file of templates/, as it is."""
    return (TEMPLATES / name).read_bytes()


# -- the steps ------------------------------------------------------------------------------
def stub_network(release: Release):
    """The student's network.py: the solution with every solution region cleared."""
    release.student["network.py"] = clear_solutions(_text("solution/network.py")).encode()


def student_kit(release: Release):
    """The kit students run: data layer, training loop, plots, the student commands."""
    for rel in manifest.KIT:
        release.student[rel] = _bytes(rel)


def texts(release: Release):
    """The assignment text, and the derivation's questions without their answers."""
    for lang in ("ru", "en"):
        release.student[f"assignment-{lang}.md"] = _bytes(f"assignment/text/assignment-{lang}.md")
        release.student[f"derivation-{lang}.md"] = clear_solutions(_text(f"solution/derivation-{lang}.md"),
                                                                   "markdown").encode()


def keras_reference(release: Release):
    """The recorded Keras run and its curves: the bar students are graded against, and what
    `mnist-hw compare` and the notebook draw their networks against (no secret: numbers only)."""
    for name in ("reference.json", "reference.png"):
        release.student[name] = _bytes(f"solution/{name}")


def public_checks(release: Release):
    """The public checks and what runs them, with the hidden checks cut out, and the
    reference's answers for their fixed cases instead of the reference."""
    from autograder.local.answers import record_answers

    release.student["autograder/__init__.py"] = (
        '"""The public half of the autograder: `mnist-hw check` runs these checks on your network.py.\n\n'
        'The grader runs the same files, plus hidden checks, in a sandbox."""\n').encode()
    for rel in manifest.PUBLIC_ENGINE:
        release.student[rel] = _bytes(rel)
    for path in sorted((ROOT / manifest.CHECKS).iterdir()):
        if path.suffix == ".py" or path.name == "pytest.ini":
            release.student[f"{manifest.CHECKS}/{path.name}"] = clear_hidden_tests(path.read_text()).encode()
    release.student[f"{manifest.CHECKS}/answers.json"] = (json.dumps(record_answers(), indent=0) + "\n").encode()


def student_notebook(release: Release):
    """The lesson's notebook as nbgrader's generate_assignment would release it."""
    from autograder.authoring.notebook_source import SOURCE, student_version

    if SOURCE.is_file():
        release.student["mnist.ipynb"] = student_version(SOURCE).encode()


def student_packaging(release: Release):
    """README and pyproject.toml, so that `pip install -e .` gives the student `mnist-hw`."""
    release.student["README.md"] = _template("student-README.md")
    pyproject = packaging.student_pyproject(_template("student-pyproject.toml").decode())
    release.student["pyproject.toml"] = pyproject.encode()


def grader_bundle(release: Release):
    """The whole engine, the hidden checks, the reference solution and the recorded Keras
    reference, runnable with `python -m autograder` where the project is not installed."""
    for package in ("assignment", "autograder", "solution"):
        for path in sorted((ROOT / package).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            # templates/ is this module's input, and this module stays out of the bundle
            # (GRADER_ONLY): its setup.sh and run_autograder are the bundle's root ones, below
            if path.is_file() and "__pycache__" not in rel and path.suffix in ENGINE_SUFFIXES \
                    and rel not in manifest.GRADER_ONLY and not path.is_relative_to(TEMPLATES):
                release.grader[rel] = path.read_bytes()
    release.grader["requirements.txt"] = packaging.requirements_txt().encode()
    release.grader["README.md"] = _template("grader-README.md")


def gradescope(release: Release):
    """Gradescope's two scripts: setup.sh builds the image (with the grader's Python,
    manifest.GRADER_PYTHON), run_autograder grades one submission."""
    for name in ("setup.sh", "run_autograder"):
        release.grader[name] = _template(name).replace(b"@GRADER_PYTHON@", manifest.GRADER_PYTHON_TEXT.encode())


STEPS = (stub_network, student_kit, texts, keras_reference, public_checks, student_notebook, student_packaging,
         grader_bundle, gradescope)


def build() -> Release:
    """Every step, in order, over an empty Release."""
    release = Release()
    for step in STEPS:
        step(release)
    return release
