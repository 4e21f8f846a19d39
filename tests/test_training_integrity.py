"""Points are earned: training points only for the student's own steps, verified one by one
(autograder/grading/training.py), and no points for answers that do nothing. The cheats are
real: weights trained here with the kit's fit, quantized and stored in the network.py as a
student would; a real import hook; a real patch of the worker; junk returns."""
import base64
import io
from pathlib import Path

import numpy as np
import pytest

from assignment.training import evaluate, fit
from autograder import scheme
from autograder.authoring.examples import SOLUTION, buggy, expected_scores
from autograder.authoring.regions import clear_solutions
from autograder.batch import run as batch
from autograder.grading import training as training_driver
from autograder.local.check import run_local
from solution import network as reference

pytestmark = pytest.mark.slow  # end to end (grading with training, nbgrader, Chromium, Keras, the corpus): `-m "not slow"` leaves it out

HERE = Path(__file__).parent
NO_TRAINING = scheme.AUTOGRADED - 20


@pytest.fixture(scope="module")
def stored(mnist):
    """Weights trained elsewhere: a 784-300-10 network (3 epochs of the kit's fit), int8 per
    column as base64 (about 320 kB), zero-padded to 800 hidden units when used. They are good
    enough to earn training points, so a cheat that got them through would gain."""
    params, _ = fit(reference, mnist.x_train, mnist.y_train, epochs=3, n_hidden=300)
    s1, s2 = np.abs(params["W1"]).max(axis=0) / 127, np.abs(params["W2"]).max(axis=0) / 127
    q1, q2 = np.round(params["W1"] / s1).astype(np.int8), np.round(params["W2"] / s2).astype(np.int8)
    buffer = io.BytesIO()
    np.savez(buffer, W1=q1, s1=s1, b1=params["b1"], W2=q2, s2=s2, b2=params["b2"])
    padded = {"W1": np.zeros((784, 800), np.float32), "b1": np.zeros(800, np.float32),
              "W2": np.zeros((800, 10), np.float32), "b2": params["b2"]}
    padded["W1"][:, :300], padded["b1"][:300], padded["W2"][:300] = q1 * s1, params["b1"], q2 * s2
    _, accuracy = evaluate(reference, padded, mnist.x_test, mnist.y_test)
    assert accuracy > scheme.TRAINING_FLOOR + 0.005, accuracy
    return base64.b64encode(buffer.getvalue()).decode()


def submission(tmp_path, source: Path, stored_weights: str = "") -> Path:
    """The network.py made from a file in tests/hostile or tests/slow: `from X_copy import *`
    becomes the text of X (the stub, the sign_flipped example, the reference)."""
    text = source.read_text().replace("__STORED__", stored_weights)
    for marker, base in (("from stub_copy import *", lambda: clear_solutions(SOLUTION.read_text())),
                         ("from sign_flipped_copy import *", lambda: buggy("sign_flipped")),
                         ("from solution_copy import *", SOLUTION.read_text)):
        if marker in text:
            text = text.replace(marker, base() + "\n")
    path = tmp_path / source.stem / "network.py"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path.parent


@pytest.mark.parametrize("name, honest, detected", [
    ("patches_fit", "stub", "not an Adam step"),  # fit replaced in the worker, the worker's step too
    ("adam_returns_stored", "sign_flipped", "not an Adam step"),
    ("backward_steers", "sign_flipped", "differs from the gradient of the loss"),
])
def test_weights_trained_elsewhere_earn_no_training_points(tmp_path, mnist_dir, stored, name, honest, detected):
    g = batch.grade_one(submission(tmp_path, HERE / "hostile" / f"{name}.py", stored), tmp_path / "out",
                        data_dir=mnist_dir)
    training = next(c for c in g.checks if c.area == "training")
    assert training.score == 0, training
    assert g.score == expected_scores()[honest], [(c.name, c.score) for c in g.checks]
    assert "training earns no points" in training.en and detected in training.en, training.en
    assert "не принесло баллов" in training.ru


JUNK = {
    "returns_none": {fn: "return None" for fn in ("softmax", "forward", "softmax_cross_entropy", "backward",
                                                   "sgd_update", "adam_update")},
    "returns_an_object": {fn: "return object()" for fn in ("softmax", "forward", "softmax_cross_entropy",
                                                           "backward", "sgd_update", "adam_update")},
    "returns_zeros": {"softmax": "return np.zeros_like(logits)",
                      "forward": "return np.zeros((len(X), params['W2'].shape[1])), {'X': X}",
                      "softmax_cross_entropy": "return 0.0, np.zeros_like(logits)",
                      "backward": "return {k: np.zeros_like(p) for k, p in params.items()}",
                      "sgd_update": "return {k: np.zeros_like(p) for k, p in params.items()}",
                      "adam_update": "z = {k: np.zeros_like(p) for k, p in params.items()}\n    return z, z, z"},
    "returns_its_inputs": {"softmax": "return logits", "forward": "return X, {'X': X}",
                           "softmax_cross_entropy": "return 0.0, logits", "backward": "return params",
                           "sgd_update": "return params", "adam_update": "return params, m, v"},
}
SIGNATURES = {"softmax": "logits", "forward": "params, X", "softmax_cross_entropy": "logits, Y",
              "backward": "params, cache, dlogits", "sgd_update": "params, grads, learning_rate",
              "adam_update": "params, grads, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7"}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_answers_that_do_nothing_score_nothing(tmp_path, mnist_dir, name):
    """The baseline: the stub's given init_params, and functions that return None, an object,
    zeros of the right shapes, or their inputs unchanged. Nothing of that is right, so every
    check, training included, gives 0 (each with a message), mutation and shapes notwithstanding."""
    text = clear_solutions(SOLUTION.read_text()) + "\n" + "\n".join(
        f"def {fn}({SIGNATURES[fn]}):\n    {body}\n" for fn, body in JUNK[name].items())
    path = tmp_path / name / "network.py"
    path.parent.mkdir()
    path.write_text(text)
    g = batch.grade_one(path.parent, tmp_path / "out", data_dir=mnist_dir)
    assert {c.name: c.score for c in g.checks if c.score} == {} and g.score == 0
    assert len(g.checks) > 10 and all(c.en for c in g.checks)


def test_a_slow_submission_is_stopped_early_with_its_speed(tmp_path, mnist_dir, monkeypatch):
    """Python loops over the examples: right values, but 12 epochs would take far over 300 s.
    Training stops once the speed is measured, with the projection; every other point kept.
    The speed is projected after 5 s instead of 20 (MNIST_HW_WARMUP_SECONDS, read by the grading
    process and by the local check alike): the same rule, measured sooner."""
    monkeypatch.setenv(training_driver.WARMUP_VARIABLE, "5")
    path = submission(tmp_path, HERE / "slow" / "python_loops.py")
    g = batch.grade_one(path, tmp_path / "out", data_dir=mnist_dir)
    training = next(c for c in g.checks if c.area == "training")
    assert g.score == NO_TRAINING and training.score == 0
    assert "training would need about" in training.en and "Python loop" in training.en, training.en
    assert "steps in" in training.en and "цикла Python" in training.ru
    # the same verdict from the student's own check (in-process, the same driver)
    local = run_local(path / "network.py", ["training"], mnist_dir).results
    assert [r.score for r in local] == [0] and "training would need about" in local[0].en, local[0].en


def test_the_warm_up_follows_its_variable(monkeypatch):
    assert training_driver.Pace(10, 300.0).warmup == training_driver.WARMUP_SECONDS == 20
    monkeypatch.setenv(training_driver.WARMUP_VARIABLE, "5")
    assert training_driver.Pace(10, 300.0).warmup == 5 and training_driver.Pace(10, 300.0).step_seconds() == 5
    for wrong in ("", "later", "0", "-3"):
        monkeypatch.setenv(training_driver.WARMUP_VARIABLE, wrong)
        assert training_driver.Pace(10, 300.0).warmup == training_driver.WARMUP_SECONDS, wrong
