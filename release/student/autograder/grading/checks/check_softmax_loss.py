"""Softmax and cross-entropy: properties, stability, and values against the reference."""
import numpy as np
import pytest
from hypothesis import example, given

from autograder import messages
from autograder.grading.feedback import as_array, compare, fail, loss_number
from autograder.grading.problems import SHAPES, problem, with_examples

EXTREME = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -3.0], [0.5, -0.2, 0.1]])


@pytest.mark.points(4)
@given(SHAPES)
@with_examples()
def check_softmax_rows_sum_to_one(student, reference, shape):
    """softmax: probabilities in [0, 1], rows sum to 1, equal to the reference
    softmax: вероятности в [0, 1], суммы строк равны 1, совпадают с эталоном"""
    n, _, _, c, seed = shape
    logits = np.random.default_rng(seed).standard_normal((n, c)) * 3
    probs = as_array(student.softmax(logits), "softmax(logits)")
    compare("softmax(logits)", probs, reference.softmax(logits), rtol=1e-7, atol=1e-12,
            alternatives={"softmax_columns": columnwise(logits)}, dims={"N": n, "C": c}, probabilities="rows",
            logits=logits)



def extreme_logits(shape):
    """(logits with entries like ±1e4, moderate rows to shift by 1000) for a drawn shape; for
    None, the release's fixed case (EXTREME, and its last row)."""
    if shape is None:
        return EXTREME, EXTREME[3:]
    n, _, _, c, seed = shape
    rng = np.random.default_rng(seed + 3)
    return rng.choice([-1e4, 0.0, 1e4], (n, c)) + rng.standard_normal((n, c)), rng.standard_normal((n, c))


@pytest.mark.points(4)
@given(SHAPES)
@example(None)  # the release's fixed case (the local check's); the grader draws more from its seed
def check_softmax_is_stable_and_shift_invariant(student, reference, shape):
    """softmax: no overflow for logits of ±1e4, unchanged by adding a constant to a row
    softmax: нет переполнения при логитах ±1e4, не меняется от прибавления константы к строке"""
    extreme, moderate = extreme_logits(shape)
    probs = as_array(student.softmax(extreme), "softmax(logits)")
    if probs.shape != extreme.shape or not np.all(np.isfinite(probs)):
        fail(*messages.SOFTMAX_OVERFLOW)
    compare("softmax of extreme logits", probs, reference.softmax(extreme), rtol=1e-7, atol=1e-12,
            alternatives={"softmax_columns": columnwise(extreme)}, probabilities="rows", logits=extreme)
    shifted = as_array(student.softmax(moderate + 1000.0), "softmax(logits + 1000)")
    compare("softmax(logits + 1000)", shifted, reference.softmax(moderate), rtol=1e-7, atol=1e-12,
            what=messages.SHIFTED_ROWS, probabilities="rows")


def columnwise(logits):
    """softmax over the wrong axis (each column sums to 1): a usual mistake."""
    exp = np.exp(logits - logits.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)


def loss_and_grad(student, logits, y):
    out = student.softmax_cross_entropy(logits, y)
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        fail(*messages.not_a_tuple("softmax_cross_entropy", "(loss, dlogits)"))
    return loss_number(out[0]), out[1]


def labelled_logits(shape, salt):
    """(N, logits (N, C), one-hot Y (N, C)) for a drawn shape; `salt` keeps checks' data apart."""
    n, _, _, c, seed = shape
    _, _, y = problem(n, 1, 1, c, seed)
    return n, np.random.default_rng(seed + salt).standard_normal((n, c)) * 3, y


@pytest.mark.points(4)
@given(SHAPES)
@with_examples()
def check_loss_value(student, reference, shape):
    """cross-entropy: the mean loss over the batch, >= 0, equal to the reference
    перекрёстная энтропия: средняя потеря по батчу, >= 0, совпадает с эталоном"""
    n, logits, y = labelled_logits(shape, salt=1)
    loss, _ = loss_and_grad(student, logits, y)
    expected, _ = reference.softmax_cross_entropy(logits, y)
    if loss < 0:
        fail(*messages.negative_loss(loss))
    compare("loss", np.array(loss), np.array(expected), rtol=1e-6, atol=1e-10, n=n, c=logits.shape[1],
            what=messages.for_batch(n), dims={"N": n, "C": logits.shape[1]})


@pytest.mark.points(3)
@given(SHAPES)
@with_examples()
def check_dlogits(student, reference, shape):
    """cross-entropy: dlogits = (softmax(logits) - Y) / N, finite for logits of ±1e4
    перекрёстная энтропия: dlogits = (softmax(logits) - Y) / N, конечны при логитах ±1e4"""
    n, logits, y = labelled_logits(shape, salt=2)
    _, dlogits = loss_and_grad(student, logits, y)
    _, expected = reference.softmax_cross_entropy(logits, y)
    compare("dlogits", dlogits, expected, rtol=1e-6, atol=1e-10, n=n, c=logits.shape[1],
            alternatives={"dlogits_no_softmax": (logits - y) / n}, what=messages.for_batch(n),
            dims={"N": n, "C": logits.shape[1]}, logits=logits,
            probabilities=(messages.IMPLIED_PROBABILITIES, lambda got: n * got + y))
    loss, dlogits = loss_and_grad(student, EXTREME, np.eye(3)[[0, 1, 2, 0]])
    if not np.isfinite(loss) or not np.all(np.isfinite(as_array(dlogits, "dlogits"))):
        fail(*messages.LOSS_OVERFLOW)
