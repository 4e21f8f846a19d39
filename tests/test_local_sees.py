"""The local check says what it cannot see (issue 25): Adam has a public check on the same kind
of inputs as the grader's (a wrong Adam fails it from the release's recorded answers), the
local report's points are the grader's for those checks, and with what only the grader checks
(rows with their points, and training, which the grader runs itself) they add up to the
assignment's autograded points."""
from __future__ import annotations

import importlib.util
import json

import pytest

from autograder import scheme
from autograder.authoring.examples import SOLUTION, buggy
from autograder.grading.plugin import run_checks
from autograder.local import answers, check
from autograder.local.student import LocalStudent

WRONG_ADAMS = {
    "no_bias_correction": buggy("adam_no_bias_correction"),
    "beta2_hard_coded": SOLUTION.read_text().replace("new_v[k] = beta2 * v[k] + (1 - beta2) * (g * g)",
                                                     "new_v[k] = 0.999 * v[k] + (1 - 0.999) * (g * g)"),
    "epsilon_hard_coded": SOLUTION.read_text().replace("(np.sqrt(new_v[k]) + epsilon)", "(np.sqrt(new_v[k]) + 1e-7)"),
}


@pytest.fixture(scope="module")
def recorded():
    """The answers the release records, as the student release replays them."""
    return answers.record_answers()


def load(tmp_path, name, text):
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(f"_adam_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def public_updates(module, recorded):
    plugin = run_checks(LocalStudent(module), answers.Recorded(recorded, module), None, ["updates"],
                        profile="student", public_only=True)
    return {("adam" if r.name.startswith("adam_update: m, v") else r.name.split(":")[0]): r for r in plugin.results}


@pytest.mark.parametrize("name", sorted(WRONG_ADAMS))
def test_a_wrong_adam_fails_a_local_check(tmp_path, recorded, name):
    assert WRONG_ADAMS[name] != SOLUTION.read_text()
    results = public_updates(load(tmp_path, name, WRONG_ADAMS[name]), recorded)
    assert results["adam"].status == "failed", results["adam"].en
    assert "no recorded answer" not in results["adam"].en
    assert results["sgd_update"].status == "passed"


def test_the_right_adam_passes_from_the_recorded_answers(tmp_path, recorded):
    results = public_updates(load(tmp_path, "right", SOLUTION.read_text()), recorded)
    assert {n: r.status for n, r in results.items()} == {n: "passed" for n in results}


def test_the_local_report_adds_up_to_the_assignments_points(tmp_path, capsys):
    run = check.run_local(SOLUTION)
    report = check.to_report(run, "en")
    grader_only = report["grader_only"]
    assert report["score"] == report["max_score"]
    assert report["max_score"] + sum(row["points"] for row in grader_only) == scheme.AUTOGRADED
    assert {row["area"] for row in grader_only} >= {"gradients", "updates", "training"}
    training = next(row for row in grader_only if row["area"] == "training")
    assert training["points"] == 20 and "the grader's own run" in training["what"]
    # per area, the local points and the grader-only points are the area's points in the scheme
    for area in scheme.AUTOGRADED_AREAS:
        local = sum(t["max_score"] for t in report["tests"] if t["area"] == area.key)
        hidden = sum(row["points"] for row in grader_only if row["area"] == area.key)
        assert local + hidden == area.points, area.key
    check.report(run.results, scheme.QUICK_KEYS, "en")
    check.grader_only_report(grader_only, "en")
    printed = capsys.readouterr().out
    assert "Only the grader checks" in printed and "Training on MNIST" in printed


@pytest.mark.parametrize("environ, lang", [
    ({"LANG": "ru_RU.UTF-8"}, "ru"), ({"LANG": "en_US.UTF-8"}, "en"), ({}, "en"), ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "ru_RU.UTF-8"}, "ru"), ({"LANG": "ru_RU.UTF-8", "LC_MESSAGES": "en_GB"}, "en"),
    ({"LC_ALL": "", "LANG": "ru_UA"}, "ru"),
])
def test_the_report_speaks_the_locales_language(environ, lang):
    from assignment.cli import locale_lang

    assert locale_lang(environ) == lang


def test_check_follows_the_locale_and_lang_overrides_it(monkeypatch, capsys):
    from typer.testing import CliRunner

    runner = CliRunner()
    ru = runner.invoke(check.app, [str(SOLUTION), "--area", "forward"], env={"LANG": "ru_RU.UTF-8", "LC_ALL": ""})
    en = runner.invoke(check.app, [str(SOLUTION), "--area", "forward"], env={"LANG": "en_US.UTF-8", "LC_ALL": ""})
    told = runner.invoke(check.app, [str(SOLUTION), "--area", "forward", "--lang", "en"],
                         env={"LANG": "ru_RU.UTF-8", "LC_ALL": ""})
    assert "Прямой проход" in ru.output and "Forward pass" in en.output and "Forward pass" in told.output


def test_the_notebooks_quick_run_leaves_the_training_check_out(monkeypatch, capsys):
    monkeypatch.setenv("MNIST_HW_EPOCHS", "1")
    assert check.check_area("training", str(SOLUTION), "en") == 0.0
    assert "A quick run (MNIST_HW_EPOCHS=1)" in capsys.readouterr().out


def test_compare_draws_the_reference_faint_behind_the_students_runs():
    """A 2-epoch run beside the reference's 30: the reference faint and under it, the epoch
    axis cut to the run's epochs."""
    from assignment.plots import plot_comparison

    def history(epochs):
        return {m: [0.5 + 0.01 * e for e in range(epochs)] for m in ("loss", "val_loss", "accuracy", "val_accuracy")}

    figure = plot_comparison([("yours", history(2)), ("reference", history(30))], faint=[1])
    lines = figure.axes[0].get_lines()
    assert [line.get_alpha() for line in lines] == [None, None, 0.35, 0.35]
    assert max(line.get_zorder() for line in lines[2:]) < min(line.get_zorder() for line in lines[:2])
    assert figure.axes[-1].get_xlim() == (0.5, 2.5)


def test_the_training_checks_terms_are_said_once_the_same_everywhere():
    from typer.testing import CliRunner

    from autograder import messages

    terms = messages.training_terms()[0]
    assert terms == "up to 12 epochs, the best validation epoch kept, stopping at full marks, within 300 s"
    readme = (SOLUTION.parents[1] / "autograder/authoring/templates/student-README.md").read_text()
    assert terms in readme and terms in (SOLUTION.parents[1] / "README.md").read_text().replace("\n", " ")
    helped = CliRunner().invoke(check.app, ["--help"], env={"COLUMNS": "400"}).output
    assert terms in " ".join(helped.split())
