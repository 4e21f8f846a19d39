"""Nothing the worker says is believed (issue 22): what a training step reports is checked
against what it can possibly be, the shared file cannot hurt the grading process, no point
rests on what only the worker knows (its account of what a call changed, its answers to the
inputs the release ships), and an honest Adam variant is not taken for weights made elsewhere.
The hostile submissions are real (tests/hostile/) and graded through the real sandbox in both
of its modes."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from autograder import scheme
from autograder.authoring.examples import SOLUTION
from autograder.authoring.regions import clear_solutions
from autograder.batch import run as batch
from autograder.grading import training
from autograder.grading.feedback import Feedback
from autograder.grading.reference import algorithm1, live_reference
from autograder.local.answers import record_answers
from autograder.local.check import run_local
from solution import network as solution

HOSTILE = Path(__file__).parent / "hostile"
NO_TRAINING = scheme.AUTOGRADED - 20
KEYS = ("W1", "b1", "W2", "b2")


def hostile(tmp_path, name, **fill) -> Path:
    """tests/hostile/NAME.py as a submission's folder: `from X_copy import *` becomes X's text
    (the solution, or another hostile file), __KEY__ the value given."""
    text = (HOSTILE / f"{name}.py").read_text()
    for marker in ("from inplace_updates_copy import *",):
        text = text.replace(marker, (HOSTILE / "inplace_updates.py").read_text())
    text = text.replace("from solution_copy import *", SOLUTION.read_text())
    for key, value in fill.items():
        text = text.replace(f"__{key.upper()}__", value)
    path = tmp_path / name / "network.py"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path.parent


# -- what a step reports, where it enters -----------------------------------------------------
@pytest.mark.parametrize("loss, correct, why", [
    (0.3, 8 * 10**312, "examples right in a batch of 200"), (0.3, -1, "examples right"), (-0.5, 10, "a loss of -0.5"),
    (float("nan"), 10, "a loss of nan"), (float("inf"), 10, "a loss of inf"), ("0.3", 10, "did not answer"),
    (0.3, 10.0, "did not answer"), (0.3, True, "did not answer"), (None, None, "did not answer")])
def test_an_impossible_step_report_is_the_steps_rejection(loss, correct, why):
    with pytest.raises(Feedback) as caught:
        training.step_report(7, loss, correct, 200)
    assert why in caught.value.en and "(step 7)" in caught.value.en, caught.value.en
    assert "шаг 7" in caught.value.ru and len(caught.value.en) < 600


def test_a_possible_step_report_passes_as_plain_numbers():
    assert training.step_report(1, np.float32(2.5), np.int64(200), 200) == (2.5, 200)
    assert training.step_report(1, 0, 0, 200) == (0.0, 0)


# -- honest Adam variants are Adam steps; weights from elsewhere are not ----------------------
def chain(update, steps=6, seed=0):
    """(params before, grads, params after) of `steps` float32 steps of `update`, with
    gradients small enough (1e-7 .. 1e-3) that the epsilon used shows in the step."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (30, 20), "b1": (20,), "W2": (20, 10), "b2": (10,)}
    p = {k: (rng.standard_normal(s) * 0.1).astype(np.float32) for k, s in shapes.items()}
    m = {k: np.zeros_like(x) for k, x in p.items()}
    v = {k: np.zeros_like(x) for k, x in p.items()}
    out = []
    for t in range(1, steps + 1):
        g = {k: (rng.standard_normal(s) * 10.0 ** rng.uniform(-7, -3, s)).astype(np.float32) for k, s in shapes.items()}
        new, m, v = update(p, g, m, v, t)
        new = {k: np.asarray(x, np.float32) for k, x in new.items()}
        out.append((p, g, new))
        p = new
    return out


def verify(steps):
    """Run the Verifier (the Adam chain only) over the steps; the Feedback of a rejection, else None."""
    verifier = training.Verifier(live_reference(), steps[0][0], len(steps), 1e-3, seed=3)
    verifier.gradient_steps = set()
    try:
        for t, (_, g, new) in enumerate(steps, start=1):
            verifier.after_step(t, new, g)
    except Feedback as exc:
        return exc
    return None


HONEST = {
    "keras": lambda p, g, m, v, t: solution.adam_update(p, g, m, v, t),
    "keras, epsilon fixed at 1e-8": lambda p, g, m, v, t: solution.adam_update(p, g, m, v, t, epsilon=1e-8),
    "algorithm 1 / PyTorch, epsilon fixed at 1e-8": lambda p, g, m, v, t: algorithm1(p, g, m, v, t, eps=1e-8),
    "algorithm 1, epsilon fixed at 1e-6": lambda p, g, m, v, t: algorithm1(p, g, m, v, t, eps=1e-6),
    "keras, beta2 fixed at 0.99": lambda p, g, m, v, t: solution.adam_update(p, g, m, v, t, beta2=0.99),
    "algorithm 1 without bias correction, epsilon 1e-8": lambda p, g, m, v, t: algorithm1(p, g, m, v, 1e9, eps=1e-8),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_an_honest_adam_variant_is_an_adam_step(name):
    assert verify(chain(HONEST[name])) is None


def test_the_hard_coded_epsilon_would_have_been_rejected_by_the_given_hyperparameters_alone():
    """The case is not vacuous: with the given epsilon only, the 1e-8 chain is not Adam's."""
    saved = training.EPSILONS
    try:
        training.EPSILONS = (1e-7,)
        assert verify(chain(HONEST["keras, epsilon fixed at 1e-8"])) is not None
    finally:
        training.EPSILONS = saved


def test_weights_from_elsewhere_and_a_changing_form_are_rejected_without_accusing():
    steps = chain(HONEST["keras"])
    stored = [(p, g, {k: x + np.float32(0.01) for k, x in new.items()}) if t == 4 else (p, g, new)
              for t, (p, g, new) in enumerate(steps, start=1)]
    found = verify(stored)
    assert found is not None and "not an Adam step" in found.en and "(step 4)" in found.en, found
    assert "in any form tried" in found.en and "your own" not in found.en
    # epsilon 1e-7 for three steps, then 1e-3: each step is some Adam's, the chain is none
    found = verify(chain(lambda p, g, m, v, t: solution.adam_update(p, g, m, v, t, epsilon=1e-7 if t < 4 else 1e-3)))
    assert found is not None and "(step 4)" in found.en, found


def test_a_wrong_learning_rate_is_not_an_adam_variant():
    assert verify(chain(lambda p, g, m, v, t: solution.adam_update(p, g, m, v, t, learning_rate=3e-3))) is not None


# -- the release's recorded answers earn nothing on their own ---------------------------------
@pytest.fixture(scope="module")
def recorded():
    """The reference's answers for the public checks, as `mnist-hw release` records them: those of the
    areas whose public checks grade fixed inputs only (forward, softmax and loss; gradients are checked
    against the student's own numbers). The updates' answers (the public Adam check's five steps at
    two settings, 2 MB) would not fit in a network.py, which is refused over 1 MiB."""
    return json.dumps(record_answers(["forward", "softmax_loss", "gradients"]))


def test_replayed_answers_pass_the_local_check_and_score_nothing(tmp_path, recorded, sandbox_mode):
    path = hostile(tmp_path, "replays_answers", answers=recorded)
    local = run_local(path / "network.py", [a for a in scheme.AUTOGRADED_KEYS if a != "training"]).results
    assert sum(r.score for r in local) > 0  # the fixed cases are answered: locally, only those are asked
    g = batch.grade_one(path, tmp_path / "out", skip_training=True)
    assert g.score == 0, [(c.name, c.score) for c in g.checks if c.score]
    assert len(g.checks) > 10 and all(c.en for c in g.checks)


# -- no point for what only the worker knows ----------------------------------------------------
def test_a_forged_mutation_report_scores_what_its_honest_self_scores(tmp_path, sandbox_mode):
    honest = batch.grade_one(hostile(tmp_path, "inplace_updates"), tmp_path / "out", skip_training=True)
    forged = batch.grade_one(hostile(tmp_path, "forges_mutation_report"), tmp_path / "out", skip_training=True)
    assert [(c.name, c.score) for c in forged.checks] == [(c.name, c.score) for c in honest.checks]
    assert honest.score == forged.score == NO_TRAINING  # in place or not, the values are right


# -- the shared file and the step's report, attacked from the box -------------------------------
def test_a_truncated_shared_file_leaves_the_grading_alive_and_the_other_areas_graded(tmp_path, mnist_dir,
                                                                                     sandbox_mode):
    g = batch.grade_one(hostile(tmp_path, "truncates_shared_file"), tmp_path / "out", data_dir=mnist_dir)
    training_check = next(c for c in g.checks if c.area == "training")
    # steps are asked up to 3 ahead, so the worker may have done step 3 and cut the file while this
    # side still reads the 1st, 2nd or 3rd: which one is the scheduler's (a loaded machine made it the 1st)
    assert training_check.score == 0 and "cut short" in training_check.en, training_check.en
    assert re.search(r"\(step [123]\)", training_check.en), training_check.en
    assert "укорочен" in training_check.ru
    assert g.score == NO_TRAINING and not g.import_error
    assert (tmp_path / "out" / "truncates_shared_file").is_dir()  # its reports written


@pytest.mark.parametrize("report, said", [("count", "examples right in a batch of 200"), ("loss", "a loss of -1")])
def test_an_absurd_step_report_gives_a_sane_grade(tmp_path, mnist_dir, sandbox_mode, report, said):
    g = batch.grade_one(hostile(tmp_path, "reports_absurd_step", report=report), tmp_path / "out",
                        data_dir=mnist_dir)
    training_check = next(c for c in g.checks if c.area == "training")
    assert training_check.score == 0 and said in training_check.en and "(step 2)" in training_check.en, \
        training_check.en
    assert g.score == NO_TRAINING and 0 <= g.score <= g.max_score
    history = (training_check.metrics or {}).get("history") or {}
    assert all(0 <= a <= 1 for a in history.get("accuracy", [])), history


# -- an honest slip keeps the training points it earns ------------------------------------------
def test_a_hard_coded_epsilon_keeps_its_training_points(tmp_path, mnist_dir, sandbox_mode):
    source = SOLUTION.read_text()
    line = "new_params[k] = params[k] - lr_t * new_m[k] / (np.sqrt(new_v[k]) + epsilon)"
    assert line in source
    path = tmp_path / "epsilon" / "network.py"
    path.parent.mkdir()
    path.write_text(source.replace(line, line.replace("+ epsilon)", "+ 1e-8)  # the paper's epsilon")))
    g = batch.grade_one(path.parent, tmp_path / "out", data_dir=mnist_dir)
    training_check = next(c for c in g.checks if c.area == "training")
    assert training_check.score == training_check.max_score, training_check.en
    lost = {c.name: c.max_score - c.score for c in g.checks if c.score < c.max_score}
    assert set(lost) <= {c.name for c in g.checks if c.area == "updates"}, lost  # Adam's own check says it


def test_the_stub_still_scores_nothing_with_the_drawn_cases(tmp_path):
    path = tmp_path / "stub" / "network.py"
    path.parent.mkdir()
    path.write_text(clear_solutions(SOLUTION.read_text()))
    assert sum(r.score for r in run_local(path, [a for a in scheme.AUTOGRADED_KEYS if a != "training"]).results) == 0
