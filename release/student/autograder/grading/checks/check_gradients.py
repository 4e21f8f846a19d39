"""Backpropagation: the student's gradients against central differences of the student's
own loss (float64, away from ReLU kinks), and against the reference, with a diagnosis."""
import numpy as np
import pytest
from hypothesis import example, given

from assignment.gradient_check import numerical_gradient
from autograder import messages
from autograder.grading.feedback import PARAM_KEYS as KEYS
from autograder.grading.feedback import as_array, compare, fail, loss_number, params_dict
from autograder.grading.problems import SHAPES, problem, with_examples

TOLERANCE = 1e-5  # a correct gradient: about 1e-9; a wrong factor, sign or mask: 1e-1 and more
MARGIN = 1e-3  # pre-activations at least this far from 0, so h = 1e-5 never crosses a kink


def student_grads(student, params, x, y):
    return student_pipeline(student, params, x, y)[2]


def student_pipeline(student, params, x, y):
    """The student's logits, dlogits and grads for one batch (the intermediates localize an error)."""
    logits, cache = student.forward(params, x)
    _, dlogits = student.softmax_cross_entropy(logits, y)
    return logits, dlogits, params_dict(student.backward(params, cache, dlogits), "backward")


@pytest.mark.points(10)
@given(SHAPES)
@with_examples()
def check_gradients_match_central_differences(student, shape):
    """gradients: backward agrees with central differences of your own forward + loss
    градиенты: backward согласуется с центральными разностями ваших же forward и потери"""
    n, d, h, c, seed = shape
    params, x, y = problem(n, d, h, c, seed, kink_margin=MARGIN)
    grads = student_grads(student, params, x, y)

    def loss_with(key, value):
        logits, _ = student.forward({**params, key: value}, x)
        out = student.softmax_cross_entropy(logits, y)
        return loss_number(out[0] if isinstance(out, (list, tuple)) and out else out)

    numerics = {key: numerical_gradient(lambda v: loss_with(key, v), params[key], h=1e-5) for key in KEYS}
    if not any(np.any(numeric != 0) for numeric in numerics.values()):
        # zero gradients of a loss that does not change agree with anything: no points for that
        fail(*messages.LOSS_CONSTANT)
    for key in KEYS:
        analytic = as_array(grads[key], f"d{key}")
        if analytic.shape != params[key].shape:
            compare(f"d{key}", analytic, np.zeros_like(params[key]), dims={"N": n, "D": d, "H": h, "C": c})
        numeric = numerics[key]
        err = scaled_error(analytic, numeric)
        if not err < TOLERANCE:
            where = np.unravel_index(int(np.argmax(np.abs(analytic - numeric))), numeric.shape)
            fail(*messages.numerical_gradient_disagrees(key, err, TOLERANCE, list(map(int, where)), analytic[where],
                                                        numeric[where], (n, d, h, c)))


def scaled_error(analytic, numeric) -> float:
    """The largest difference over the largest gradient entry. Unlike CS231n's elementwise
    rel_error, entries of 1e-9 (a saturated softmax) cannot fail a correct gradient on the
    central differences' own rounding; a wrong factor, sign or mask still gives 1e-1 or more."""
    scale = max(1e-8, float(np.max(np.abs(analytic) + np.abs(numeric)))) if analytic.size else 1.0
    return float(np.max(np.abs(analytic - numeric))) / scale if analytic.size else 0.0


