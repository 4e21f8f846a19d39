"""The checks' side of grading, shared by the autograder and the student's local checks:
a pytest plugin that gives the checks their fixtures (the student's functions, the
reference, the data) and turns each check's outcome into a scored, explained result.

The checks (autograder/grading/checks/check_AREA.py, a file per area of the scheme) are pytest
functions marked with their points (and `hidden` where students do not see them before grades
are published); a failure raises Feedback(en, ru), and a check may award partial credit.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import pytest

from autograder import messages, scheme
from autograder.grading.feedback import Feedback
from autograder.results import CheckResult
from autograder.sandbox import tempdirs

CHECKS = Path(__file__).resolve().parent / "checks"


def area_of(check_file: Path) -> str:
    """The area a check file grades: its name says it (checks/check_forward.py: "forward"), so
    an area is declared once, in the scheme, and its checks are the file of that name."""
    return Path(check_file).stem.removeprefix("check_")


class GradingPlugin:
    """Gives the checks their fixtures and records each check's outcome."""

    def __init__(self, student, data_dir: Path, reference, profile: str = "grading"):
        self._student, self._data_dir, self._reference, self.profile = student, data_dir, reference, profile
        self.results: list[CheckResult] = []
        self.out_of_memory = False  # a check met this process's MemoryError: no grade can be trusted

    def pytest_configure(self, config):
        from hypothesis import settings

        # after checks/conftest.py has registered the profiles, before the checks are imported:
        # @given takes the settings in force when a check is defined
        settings.load_profile(self.profile)

    @pytest.fixture(scope="session")
    def student(self):
        return self._student

    @pytest.fixture(scope="session")
    def reference(self):
        """What the checks compare with: the live solution when grading, the recorded
        answers in the student's local checks."""
        return self._reference

    @pytest.fixture(scope="session")
    def data_dir(self):
        return self._data_dir

    @pytest.fixture
    def award(self, request):
        """Call award(fraction) for partial credit (the default is all or nothing), with what the
        check measured besides (training: history, test_accuracy), kept in its CheckResult."""
        def set_fraction(fraction: float, **metrics):
            request.node.user_properties.append(("fraction", max(0.0, min(1.0, float(fraction)))))
            if metrics:
                request.node.user_properties.append(("metrics", metrics))
        return set_fraction

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when != "call" and not (report.when == "setup" and report.failed):
            return
        points = item.get_closest_marker("points").args[0]
        area = area_of(item.path)
        visibility = "hidden" if item.get_closest_marker("hidden") else "visible"
        # a check's docstring: its name in English on the first line, in Russian on the second
        names = [line.strip() for line in (item.function.__doc__ or item.name).strip().splitlines()] + [""]
        name, name_ru = names[0], names[1] or names[0]
        fraction = dict(item.user_properties).get("fraction")
        metrics = dict(item.user_properties).get("metrics")
        if report.passed:
            en = ru = ""
            score = points * (1.0 if fraction is None else fraction)
        else:
            exc = call.excinfo.value if call.excinfo else None
            if isinstance(exc, MemoryError):  # this process's own memory cap: the grader's failure, not a result
                self.out_of_memory = True
            if isinstance(exc, Feedback):
                en, ru = exc.en, exc.ru
            else:  # a bug in a check, or an unexpected value: still say something useful
                text = f"{type(exc).__name__}: {exc}" if exc else str(report.longrepr)[-500:]
                en, ru = messages.check_broke(text)
            score = points * fraction if fraction is not None else 0.0
        self.results.append(CheckResult(name, area, points, round(score, 4), "passed" if report.passed else "failed",
                                        visibility, en, ru, name_ru, metrics))


def run_checks(student, reference, data_dir=None, areas=None, profile: str = "grading", public_only: bool = False,
               checks: Path = CHECKS) -> GradingPlugin:
    """Run the checks of `areas` (default: all; `public_only`: not the hidden ones) against
    `student`; the plugin holds the results."""
    plugin = GradingPlugin(student, data_dir, reference, profile)
    files = sorted(checks / f"check_{area}.py" for area in scheme.selected(areas))  # pytest's own order: by name
    # Only the plugins the checks need: hypothesis's and this one (what else is installed, xdist,
    # anyio, a student's own plugins, is not loaded: its import time and its hooks are not ours).
    args = [*map(str, files), "-q", "-p", "_hypothesis_pytestplugin", "-p", "no:cacheprovider", "-p", "no:randomly",
            "--import-mode=importlib",
            "-o", "python_files=check_*.py", "-o", "python_functions=check_*", "-o", "console_output_style=classic",
            "--rootdir", str(checks), "-c", str(checks / "pytest.ini")] + (["-m", "not hidden"] if public_only else [])
    from hypothesis.configuration import set_hypothesis_home_dir

    for name, module in list(sys.modules.items()):  # checks imported by an earlier run keep its settings
        if Path(getattr(module, "__file__", None) or "/").resolve().parent == checks.resolve():
            del sys.modules[name]

    with tempdirs.temporary("hypothesis") as home, \
            contextlib.redirect_stdout(io.StringIO()), no_plugin_autoload():
        set_hypothesis_home_dir(home)  # hypothesis's caches go here, not into the student's or grader's folder
        try:
            pytest.main(args, plugins=[plugin])
        finally:
            set_hypothesis_home_dir(None)
    return plugin


@contextlib.contextmanager
def no_plugin_autoload():
    """PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 while the checks run (restored after): pytest loads only
    the plugins named with -p."""
    before = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = before
