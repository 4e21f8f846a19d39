"""What the releases install, from the project's own pyproject.toml (one place for the
pins): the grader bundle's requirements.txt and the student release's pyproject.toml.
"""
from __future__ import annotations

import json
import string

from autograder import manifest

STUDENT_EXTRAS = ("keras", "notebook")  # `pip install -e '.[keras]'` in the student release: the project's own pins


def _project() -> dict:
    """The [project] table of the project's pyproject.toml."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    return tomllib.loads((manifest.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def project_dependencies() -> list[str]:
    """The project's dependencies, as pyproject.toml pins them: what the grader bundle and
    the student release install."""
    return list(_project()["dependencies"])


def project_extras(names=STUDENT_EXTRAS) -> dict[str, list[str]]:
    """These optional dependencies of the project's pyproject.toml, name -> pins."""
    extras = _project()["optional-dependencies"]
    return {name: extras[name] for name in names}


def requirements_txt() -> str:
    """The grader bundle's requirements.txt: the project's dependencies, one a line."""
    return "\n".join(project_dependencies()) + "\n"


def student_pyproject(template: str) -> str:
    """The student release's pyproject.toml, from its template (templates/student-pyproject.toml,
    a string.Template): the project's dependencies and student extras, the packages of the
    kit and of the public engine, and the checks' data files (answers.json, pytest.ini)."""
    checks = manifest.CHECKS.replace("/", ".")
    packages = sorted({rel.rpartition("/")[0].replace("/", ".") for rel in manifest.KIT + manifest.PUBLIC_ENGINE}
                      | {checks})
    return string.Template(template).substitute(
        dependencies="\n".join(f'    "{d}",' for d in project_dependencies()),
        extras="\n".join(f"{k} = {json.dumps(v)}" for k, v in project_extras().items()),
        packages=json.dumps(packages),
        package_data=f'"{checks}" = {json.dumps(["*.json", "*.ini"])}')
