"""`mnist-hw release`: the student release and the grader bundle, made from the sources by
a pipeline of small named steps, as nbgrader's preprocessors make a release.

    release/student/      what students get: the stub, the kit, the texts, the public checks
    release/student.zip   the same, under mnist-hw/
    release/autograder/   what graders get: the whole engine, the hidden checks, the reference;
                          runs where the project is not installed (python -m autograder)
    release/autograder.zip  the same at the zip's root: a Gradescope autograder (setup.sh, run_autograder)

Solution regions are cleared by nbgrader's own ClearSolutions, hidden checks by its
ClearHiddenTests. Files are built in memory, then written with fixed timestamps and
ordering, so the same sources give byte-identical files and zips.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import manifest

ROOT = manifest.ROOT  # the project: assignment/ solution/ autograder/
STUDENT, GRADER = "student", "autograder"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build time leaks into the bytes
EXECUTABLE = {"run_autograder", "setup.sh"}
STUDENT_EXTRAS = ("keras",)  # `pip install -e '.[keras]'` in the student release: the project's own pins


ENGINE_SUFFIXES = (".py", ".md", ".json", ".ini", ".html", ".css", ".js")  # .html/.css/.js: the batch page's


@dataclass
class Release:
    """The files of both bundles, path -> bytes, before anything is written."""

    student: dict[str, bytes] = field(default_factory=dict)
    grader: dict[str, bytes] = field(default_factory=dict)


# -- clearing, with nbgrader's own code ------------------------------------------------------
def _cleared(source: str, preprocessor, cell_type: str) -> str:
    """Run one of nbgrader's cell preprocessors over a whole file, as one cell."""
    from nbformat.v4 import new_code_cell, new_markdown_cell

    cell = (new_code_cell if cell_type == "code" else new_markdown_cell)(source)
    preprocessor(cell)
    return cell.source + ("\n" if source.endswith("\n") and not cell.source.endswith("\n") else "")


def clear_solutions(source: str, cell_type: str = "code") -> str:
    """Each `### BEGIN SOLUTION` … `### END SOLUTION` region replaced by nbgrader's stub
    (`# YOUR CODE HERE` + `raise NotImplementedError()` in code, `YOUR ANSWER HERE` in text)."""
    from nbgrader.preprocessors import ClearSolutions

    return _cleared(source, lambda cell: ClearSolutions()._replace_solution_region(cell, "python"), cell_type)


def clear_hidden_tests(source: str) -> str:
    """Each `### BEGIN HIDDEN TESTS` … `### END HIDDEN TESTS` region removed."""
    from nbgrader.preprocessors import ClearHiddenTests

    return _cleared(source, ClearHiddenTests()._remove_hidden_test_region, "code")


# -- the steps ---------------------------------------------------------------------------------
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
    release.student["README.md"] = STUDENT_README.encode()
    packages = sorted({rel.rpartition("/")[0].replace("/", ".") for rel in manifest.KIT + manifest.PUBLIC_ENGINE}
                      | {manifest.CHECKS.replace("/", ".")})
    release.student["pyproject.toml"] = _pyproject("mnist-hw-student", "autograder.cli:student_main", packages,
                                                   {manifest.CHECKS.replace("/", "."): ["*.json", "*.ini"]}).encode()


def grader_bundle(release: Release):
    """The whole engine, the hidden checks, the reference solution and the recorded Keras
    reference, runnable with `python -m autograder` where the project is not installed."""
    for package in ("assignment", "autograder", "solution"):
        for path in sorted((ROOT / package).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.is_file() and "__pycache__" not in rel and path.suffix in ENGINE_SUFFIXES \
                    and rel not in manifest.GRADER_ONLY:
                release.grader[rel] = path.read_bytes()
    release.grader["requirements.txt"] = ("\n".join(project_dependencies()) + "\n").encode()
    release.grader["README.md"] = GRADER_README.encode()


def gradescope(release: Release):
    """Gradescope's two scripts: setup.sh builds the image, run_autograder grades one submission."""
    release.grader["setup.sh"] = SETUP_SH.encode()
    release.grader["run_autograder"] = RUN_AUTOGRADER.encode()


STEPS = (stub_network, student_kit, texts, keras_reference, public_checks, student_notebook, student_packaging, grader_bundle,
         gradescope)


def build() -> Release:
    release = Release()
    for step in STEPS:
        step(release)
    return release


# -- writing -----------------------------------------------------------------------------------
def zip_bytes(files: dict[str, bytes], prefix: str = "") -> bytes:
    """A zip that depends only on the files: sorted, fixed date and modes, stored (zlib's
    output may differ between versions; a few hundred kB need no compression)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(prefix + name, ZIP_DATE)
            mode = 0o755 if name in EXECUTABLE else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.create_system = 3  # unix, so the modes mean what they say
            archive.writestr(info, files[name])
    return buffer.getvalue()


def write(release: Release, out: Path) -> list[Path]:
    """Replace out/student, out/autograder and their zips; leave anything else in `out` alone."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, files, prefix in ((STUDENT, release.student, "mnist-hw/"), (GRADER, release.grader, "")):
        directory = out / name
        staging = out / f".{name}.new"
        shutil.rmtree(staging, ignore_errors=True)
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            path.chmod(0o755 if rel in EXECUTABLE else 0o644)
        shutil.rmtree(directory, ignore_errors=True)
        staging.rename(directory)  # a half-written release is never left under the real name
        archive = out / f"{name}.zip"
        archive.write_bytes(zip_bytes(files, prefix))
        written += [directory, archive]
    return written


def read_tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


# -- validation ----------------------------------------------------------------------------------
TOKEN = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\S")
REGION = {"solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
          "hidden": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")}
MIN_TOKENS = 6  # shorter lines ("for k in params:") say nothing about a solution


def regions(source: str, kind: str) -> list[list[str]]:
    """The lines inside each region of `kind` in a source."""
    begin, end = REGION[kind]
    found, current = [], None
    for line in source.splitlines():
        if begin in line:
            current = []
        elif end in line and current is not None:
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def secrets() -> dict[str, list[tuple[str, ...]]]:
    """Every line of a solution body, derivation answer or hidden check, as tokens — but
    not the lines that also occur outside the regions of their file (`n, d, h, c, seed =
    shape`) or in the kit's given code (Adam's zero state in training.py)."""
    sources = {"solution/network.py": "solution", "solution/derivation-ru.md": "solution",
               "solution/derivation-en.md": "solution",
               **{f"autograder/grading/checks/{p.name}": "hidden" for p in (ROOT / manifest.CHECKS).glob("check_*.py")}}
    notebook = ROOT / "solution/nbgrader/mnist/mnist.ipynb"
    kit = " ".join(" ".join(TOKEN.findall(_text(rel))) for rel in manifest.KIT)
    found = {}
    for rel, kind in sources.items():
        source = _text(rel)
        public = kit + " " + " ".join(TOKEN.findall(clear_solutions(source) if kind == "solution"
                                                    else clear_hidden_tests(source)))
        lines = [tuple(TOKEN.findall(line)) for region in regions(source, kind) for line in region]
        found[rel] = [t for t in lines if len(t) >= MIN_TOKENS and " ".join(t) not in public]
    if notebook.is_file():
        cells = json.loads(notebook.read_text())["cells"]
        lines = [tuple(TOKEN.findall(line)) for cell in cells for kind in REGION
                 for region in regions("".join(cell["source"]), kind) for line in region]
        found[notebook.relative_to(ROOT).as_posix()] = [t for t in lines if len(t) >= MIN_TOKENS]
    return found


def find_leaks(files: dict[str, bytes]) -> list[str]:
    """Where a secret line appears, token by token, in any file of a release."""
    streams = {}
    for rel, content in files.items():
        text = content.decode("utf-8", "replace")
        if rel.endswith(".ipynb"):  # search the cells' text, not its JSON escaping
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        streams[rel] = " " + " ".join(TOKEN.findall(text)) + " "
    leaks = []
    for origin, lines in secrets().items():
        for tokens in lines:
            needle = " " + " ".join(tokens) + " "
            leaks += [f"{rel}: {' '.join(tokens)!r} (from {origin})" for rel, stream in streams.items()
                      if needle in stream]
    return leaks


def validate_bundle(bundle: Path, data_dir=None, skip_training: bool = False) -> dict[str, tuple[float, float]]:
    """Grade the reference and the stub with the bundle alone (the project not importable
    from it); return {name: (score, expected score)}."""
    import os
    import subprocess
    import sys

    from autograder import scheme
    from autograder.sandbox import tempdirs

    env = {**os.environ, "PYTHONPATH": str(bundle.resolve()), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run([sys.executable, "-c", "import assignment, autograder, solution; "
                            "print(assignment.__file__, autograder.__file__, solution.__file__)"],
                           cwd=bundle, env=env, capture_output=True, text=True, check=True).stdout.split()
    outside = [w for w in where if not Path(w).resolve().is_relative_to(bundle.resolve())]
    if outside:
        raise RuntimeError(f"the bundle imports {outside} from outside itself")
    expected = {"reference": float(scheme.max_score(skip_training=skip_training)), "stub": 0.0}
    with tempdirs.temporary("validate") as tmp:
        for name, source in (("reference", ROOT / "solution/network.py"), ("stub", bundle.parent / STUDENT / "network.py")):
            (tmp / name).mkdir()
            shutil.copyfile(source, tmp / name / "network.py")
        command = [sys.executable, "-m", "autograder", "grade", str(tmp / "reference"), str(tmp / "stub"),
                   "--out", str(tmp / "out")] + (["--skip-training"] if skip_training else []) + (
            ["--data-dir", str(data_dir)] if data_dir else [])
        done = subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the grader bundle failed: {done.stderr[-2000:]}")
        scores = {name: json.loads((tmp / "out" / name / "results.json").read_text())["score"] for name in expected}
    return {name: (scores[name], expected[name]) for name in expected}


# -- the texts of the bundles -------------------------------------------------------------------
def _text(rel: str) -> str:
    return (ROOT / rel).read_text(encoding="utf-8")


def _bytes(rel: str) -> bytes:
    return (ROOT / rel).read_bytes()


def _project() -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    return tomllib.loads(_text("pyproject.toml"))["project"]


def project_dependencies() -> list[str]:
    """The project's dependencies, as pyproject.toml pins them (one place for them): what the
    grader bundle and the student release install."""
    return list(_project()["dependencies"])


def project_extras(names=STUDENT_EXTRAS) -> dict[str, list[str]]:
    """These optional dependencies of the project's pyproject.toml, pins and all (one place for them)."""
    extras = _project()["optional-dependencies"]
    return {name: extras[name] for name in names}


def _pyproject(name: str, script: str, packages: list[str], package_data: dict) -> str:
    deps = "".join(f'    "{d}",\n' for d in project_dependencies())
    extras = "".join(f"{k} = {json.dumps(v)}\n" for k, v in project_extras().items())
    data = "".join(f'"{k}" = {json.dumps(v)}\n' for k, v in package_data.items())
    return (f'[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
            f'dependencies = [\n{deps}]\n\n[project.optional-dependencies]\n'
            f"# Keras 3 on TensorFlow (CPU), for mnist-hw keras and the notebook's Keras cells\n{extras}\n"
            f'[project.scripts]\nmnist-hw = "{script}"\n\n'
            f'[tool.setuptools]\npackages = {json.dumps(packages)}\n\n[tool.setuptools.package-data]\n{data}')


STUDENT_README = """\
# MNIST: нейронная сеть на numpy / a neural network in numpy

Задание — в `assignment-ru.md`, письменная часть — в `derivation-ru.md`.
The assignment is in `assignment-en.md`, the written part in `derivation-en.md`.

```bash
pip install -e .                 # команда mnist-hw / the mnist-hw command
mnist-hw data fetch              # MNIST (11 МБ / 11 MB), с проверкой MD5 / MD5-checked
mnist-hw check                   # открытые проверки вашего network.py / the public checks of your network.py
mnist-hw check --area gradients  # один раздел / one area
mnist-hw check --training        # и обучение (около минуты) / and training (about a minute)
mnist-hw train --network network.py --epochs 10
pip install -e '.[keras]'        # Keras 3 + TensorFlow (CPU), для сравнения / to compare
mnist-hw keras                   # модель Keras из урока / the lesson's Keras model -> runs/keras
mnist-hw compare                 # ваша сеть, Keras и эталон на одном рисунке / yours, Keras, the reference
jupyter notebook mnist.ipynb     # урок целиком / the whole lesson
```

`reference.json` (и `reference.png`) — запись эталонного запуска Keras преподавателя: с ним
сравнивается точность вашей сети при оценке. `reference.json` (and `reference.png`) is the
instructor's recorded Keras run: the bar your network's accuracy is graded against.

Без установки / without installing: `python -m autograder.local check`.

Пишите код только в `network.py`, между `# YOUR CODE HERE` и концом функции; сдаёте `network.py`
(и `mnist.ipynb` с письменными ответами, если курс использует nbgrader).
Write code only in `network.py`; submit `network.py` (and `mnist.ipynb` with the written answers
if your course uses nbgrader).

`mnist-hw check` запускает те же открытые проверки, что и автопроверка, и объясняет каждую ошибку;
при оценке добавляются скрытые проверки и обучение. Exit status 1, пока что-то не проходит.
`mnist-hw check` runs the same public checks as the grader and explains each failure; grading adds
hidden checks and training.
"""

GRADER_README = """\
# mnist-hw: the grader bundle

Everything needed to grade submissions, without the project installed: the sandboxed
engine (`autograder/`), its checks including the hidden ones, the reference solution and
the recorded Keras reference (`solution/`), the student kit (`assignment/`).

```bash
pip install -r requirements.txt
apt-get install -y bubblewrap              # the sandbox's namespaces (reported missing without it)
python -m autograder data fetch
python -m autograder grade SUBMISSION... --out grades
```

As a Gradescope autograder: upload `autograder.zip` (this directory at the zip's root).
`setup.sh` installs the requirements and bubblewrap and fetches MNIST into the image;
`run_autograder` grades `/autograder/submission` (a `network.py`, anywhere in it, or a zip)
and writes `/autograder/results/results.json`.

Do not give this bundle to students: it holds the solution and the hidden checks.
"""

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope: builds the autograder image (runs once, as root, from /autograder/source).
set -euo pipefail
cd "$(dirname "$0")"
apt-get update && apt-get install -y python3 python3-pip python3-venv bubblewrap
python3 -m venv ../venv  # newer Ubuntus refuse pip installs into the system Python
../venv/bin/python -m pip install -r requirements.txt
../venv/bin/python -m autograder data fetch --data-dir "$PWD/mnist"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope: grades /autograder/submission into /autograder/results/results.json.
# AUTOGRADER_ROOT moves /autograder elsewhere (for trying it out), MNIST_HW_DATA_DIR the data.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="$ROOT/venv/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
cd "$ROOT/source"
exec "$PYTHON" -m autograder gradescope --root "$ROOT" --data-dir "${MNIST_HW_DATA_DIR:-$ROOT/source/mnist}"
"""
