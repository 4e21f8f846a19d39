"""Every mistake the feedback knows is named, in both languages, when a network.py makes it.

Each mutation below turns the reference solution into a realistic mistake; the checks run
as when grading (public and hidden, the live reference) on the student's functions called
through the same wire format as the sandbox, and the failure must carry the diagnosis.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.feedback import Feedback, compare
from autograder.messages import KNOWN_MISTAKES
from autograder.grading.plugin import run_checks
from autograder.grading.reference import live_reference
from autograder.local.student import LocalStudent

SOLUTION = Path(__file__).resolve().parents[1] / "solution" / "network.py"
ADAM_T = "lr_t = float(learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t))"

# key of KNOWN_MISTAKES: (area, [(text of the solution, replacement)])
MISTAKES = {
    "no_relu_mask": ("gradients", [("    dz1 *= h > 0", "    pass")]),
    "bias_mean": ("gradients", [("db2 = dlogits.sum(axis=0)", "db2 = dlogits.mean(axis=0)")]),
    "no_bias_correction": ("updates", [(ADAM_T, "lr_t = learning_rate")]),
    # t - 1 would divide by zero at t = 1 (a NaN, said as such); from t = 2 on it is this mistake
    "t_from_zero": ("updates", [(ADAM_T, ADAM_T.replace("**t", "**max(t - 1, 1)"))]),
    "t_plus_one": ("updates", [(ADAM_T, ADAM_T.replace("**t", "**(t + 1)"))]),
    "epsilon_inside_sqrt": ("updates", [(ADAM_T, "lr_t = learning_rate"),
                                        ("new_params[k] = params[k] - lr_t * new_m[k] / (np.sqrt(new_v[k]) + epsilon)",
                                         "new_params[k] = params[k] - lr_t * (new_m[k] / (1 - beta1**t)) / np.sqrt("
                                         "new_v[k] / (1 - beta2**t) + epsilon)")]),
    "moment_unchanged": ("updates", [("return new_params, new_m, new_v", "return new_params, m, v")]),
    "softmax_columns": ("softmax_loss", [("shifted = logits - logits.max(axis=1, keepdims=True)\n    exp = np.exp("
                                          "shifted)\n    return exp / exp.sum(axis=1, keepdims=True)",
                                          "shifted = logits - logits.max(axis=0, keepdims=True)\n    exp = np.exp("
                                          "shifted)\n    return exp / exp.sum(axis=0, keepdims=True)")]),
    "forward_no_relu": ("forward", [("h = np.maximum(z1, 0, out=z1)", "h = z1")]),
    "forward_no_bias": ("forward", [('z1 += params["b1"]', "pass"), ('logits += params["b2"]', "pass")]),
    "forward_sigmoid": ("forward", [("h = np.maximum(z1, 0, out=z1)", "h = 1 / (1 + np.exp(-z1))")]),
    "forward_tanh": ("forward", [("h = np.maximum(z1, 0, out=z1)", "h = np.tanh(z1)")]),
    "forward_softmax": ("forward", [('return logits, {"X": X, "h": h}', 'return softmax(logits), {"X": X, "h": h}')]),
    "dlogits_no_softmax": ("softmax_loss", [("dlogits = (exp / sums - Y) / n", "dlogits = (logits - Y) / n")]),
}

# Mistakes named by the shape of the error rather than by a known wrong answer: (area, edits, en, ru)
SHAPED = {
    "float32 forward": ("forward", [('z1 = X @ params["W1"]', 'params = {k: p.astype(np.float32) for k, p in '
                                                              'params.items()}\n    z1 = X.astype(np.float32) @ '
                                                              'params["W1"]')],
                        "is computed in float32", "вычисляется в float32"),
    "float32 inside, float64 out": ("forward", [('z1 = X @ params["W1"]', 'params = {k: p.astype(np.float32) for k, '
                                                                          'p in params.items()}\n    z1 = X.astype('
                                                                          'np.float32) @ params["W1"]'),
                                                ('return logits, {"X": X, "h": h}',
                                                 'return logits.astype(np.float32).astype(np.float64), '
                                                 '{"X": X, "h": h}')],
                                    "every value is a float32 number", "все значения — числа float32"),
    "mean over N*C": ("softmax_loss", [("loss = -float(np.sum(Y * log_probs)) / n",
                                        "loss = -float(np.mean(Y * log_probs))")],
                      "C = 3 times too small", "он делится на N·C"),
    "not averaged": ("softmax_loss", [("dlogits = (exp / sums - Y) / n", "dlogits = exp / sums - Y")],
                     "N = 4 times too large", "усредняете ли вы градиент потери по батчу"),
    "sign": ("gradients", [("dW2 = h.T @ dlogits", "dW2 = -(h.T @ dlogits)")],
             "has the wrong sign", "имеет неверный знак"),
    "transposed": ("gradients", [("dW2 = h.T @ dlogits", "dW2 = (h.T @ dlogits).T")],
                   "it is transposed", "он транспонирован"),
    # the mistakes nobody listed, named by a general relation
    "Adam's step added": ("updates", [("new_params[k] = params[k] - lr_t", "new_params[k] = params[k] + lr_t")],
                          "moves the wrong way", "сдвигается не в ту сторону"),
    "(params, v, m)": ("updates", [("return new_params, new_m, new_v", "return new_params, new_v, new_m")],
                       "it equals the new v (the second moment) where m was due", "это новый v (второй момент) вместо m"),
    "the step returned": ("updates", [("return {k: params[k] - learning_rate * grads[k] for k in params}",
                                       "return {k: learning_rate * grads[k] for k in params}")],
                          "is the size of the step", "величина шага"),
    # the red team's: Adam's step returned, in Algorithm 1's form (epsilon added to the corrected sqrt(v)),
    # is named against the form it was written in, not as a mismatch with Keras's form
    "Adam's step returned": ("updates", [("new_params[k] = params[k] - lr_t * new_m[k] / (np.sqrt(new_v[k]) + epsilon)",
                                          "new_params[k] = learning_rate * (new_m[k] / (1 - beta1**t)) / "
                                          "(np.sqrt(new_v[k] / (1 - beta2**t)) + epsilon)")],
                             "is the size of the step (old - new)", "величина шага (старое - новое)"),
    "dlogits over C": ("softmax_loss", [("dlogits = (exp / sums - Y) / n", "dlogits = (exp / sums - Y) / Y.shape[1]")],
                       "divided by C = 3 where N = 4 was due", "поделён на C = 3, а нужно на N = 4"),
    "softmax over the batch": ("softmax_loss", [("return exp / exp.sum(axis=1, keepdims=True)",
                                                 "return exp / exp.sum()")],
                               "the whole array sums to 1", "весь массив в сумме даёт 1"),
    "db2 over the classes": ("gradients", [("db2 = dlogits.sum(axis=0)", "db2 = dlogits.sum(axis=1)")],
                             "4 is N, 3 is C", "4 — это N, 3 — это C"),
    "beta2 hard-coded": ("updates", [("new_v[k] = beta2 * v[k] + (1 - beta2) * (g * g)",
                                      "new_v[k] = 0.999 * v[k] + (1 - 0.999) * (g * g)")],
                         "ignores beta2: it behaves as beta2=0.999 when called with 0.99", "beta2=0.999"),
    "inverted ReLU mask": ("gradients", [("    dz1 *= h > 0", "    dz1 *= h <= 0")],
                           "your ReLU mask", "маска ReLU"),
    "overflow": ("softmax_loss", [("shifted = logits - logits.max(axis=1, keepdims=True)\n    exp = np.exp(shifted)"
                                   "\n    return", "exp = np.exp(logits)\n    return")],
                 "NaN or inf", "NaN или inf"),
}


def failures(tmp_path: Path, area: str, edits) -> list:
    source = SOLUTION.read_text()
    for old, new in edits:
        assert old in source, f"the solution no longer holds {old!r}: update this mutation"
        source = source.replace(old, new)
    path = tmp_path / "network.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("network", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = run_checks(LocalStudent(module), live_reference(), None, [area])
    return [r for r in plugin.results if r.status == "failed"]


def test_every_known_mistake_has_a_mutation():
    assert set(MISTAKES) == set(KNOWN_MISTAKES)


@pytest.mark.parametrize("key", sorted(MISTAKES))
def test_a_known_mistake_is_named_in_both_languages(tmp_path, key):
    area, edits = MISTAKES[key]
    failed = failures(tmp_path, area, edits)
    en, ru = KNOWN_MISTAKES[key]
    assert any(en in r.en for r in failed), [r.en for r in failed]
    assert any(ru in r.ru for r in failed), [r.ru for r in failed]


@pytest.mark.parametrize("case", sorted(SHAPED))
def test_a_mistake_is_named_by_the_shape_of_its_error(tmp_path, case):
    area, edits, en, ru = SHAPED[case]
    failed = failures(tmp_path, area, edits)
    assert any(en in r.en for r in failed), [r.en for r in failed]
    assert any(ru in r.ru for r in failed), [r.ru for r in failed]


def diagnosis(got, expected, **kwargs) -> Feedback:
    with pytest.raises(Feedback) as caught:
        compare("x", got, expected, **kwargs)
    return caught.value


def test_a_factor_within_one_percent_of_one_is_never_called_a_factor():
    expected = np.random.default_rng(0).standard_normal((5, 4))
    for factor in (1.002, 0.995, 1.0099):
        message = diagnosis(expected * factor, expected, rtol=1e-7)
        assert "times the right value" not in message.en and "умноженному на" not in message.ru
        assert "first differing entry [0, 0]" in message.en  # the fallback: never only "does not match"
    # 1.5 is a factor only where it is a ratio of the call's quantities (here N/C), said in their words
    message = diagnosis(expected * 1.5, expected, rtol=1e-7)
    assert "times the right value" not in message.en and "constant factor" not in message.en
    message = diagnosis(expected * 1.5, expected, rtol=1e-7, n=3, c=2)
    assert "N/C = 3/2 times the right value" in message.en and "умноженному на N/C = 3/2" in message.ru


def test_float32_precision_is_not_claimed_for_a_small_real_error():
    """A float64 answer a little off (not every value a float32 number) is not blamed on float32."""
    expected = np.random.default_rng(1).standard_normal((5, 4))
    message = diagnosis(expected * (1 + 3e-6), expected, rtol=1e-7)
    assert "float32" not in message.en and "differs from the reference" in message.en


def test_a_loss_of_an_unusable_dtype_is_said_plainly(tmp_path):
    """Found by the red team: an np.longdouble loss read "should be a numpy array, but it is a
    numpy array of dtype float128", and the gradient check failed inside the grader."""
    if not hasattr(np, "float128"):
        pytest.skip("no float128 on this platform")
    edits = [("    loss = -float(np.sum(Y * log_probs)) / n", "    loss = np.longdouble(-np.sum(Y * log_probs) / n)")]
    failed = failures(tmp_path, "softmax_loss", edits) + failures(tmp_path, "gradients", edits)
    assert failed
    for r in failed:
        assert "check failed" not in r.en and "проверка не пройдена" not in r.ru
    assert any("dtype float128, which the checks cannot use" in r.en for r in failed)


def test_russian_feedback_says_where_in_russian(tmp_path):
    """Found by the red team: "m['W1'] неверен at step t=1", "sgd_update's params" in Russian feedback."""
    area, edits = MISTAKES["t_plus_one"]
    failed = failures(tmp_path, area, edits)
    assert any("на шаге t=" in r.ru for r in failed)
    for r in failed:
        assert " at step" not in r.ru and "'s " not in r.ru


def test_adams_step_returned_is_named_by_every_adam_check(tmp_path):
    """Algorithm 1's step returned in the parameters' place differs from Keras's form by more than
    its tolerance: each check must compare it with the form it was written in (check_updates.
    nearest_form), or the engine sees no relation and says only where it differs (red team)."""
    area, edits, en, ru = SHAPED["Adam's step returned"]
    failed = failures(tmp_path, area, edits)
    assert len(failed) == 3, [r.name for r in failed]  # the public and hidden Adam checks, and the 2-point one
    assert all(en in r.en and ru in r.ru for r in failed), [r.en for r in failed]
