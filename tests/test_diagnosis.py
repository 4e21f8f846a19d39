"""The diagnosis engine's relations (autograder/grading/diagnosis.py), each made to fire and
made not to: a relation that holds names its cause in both languages; one that does not hold
stays silent, so the next relation (or the fallback) speaks."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.grading import diagnosis as dx
from autograder.grading.feedback import Feedback, compare

RNG = np.random.default_rng(0)
DIMS = {"N": 4, "D": 6, "H": 5, "C": 3}


def ctx(**kwargs) -> dx.Context:
    return dx.Context(dims=dict(DIMS), **kwargs)


def said(name, got, expected, **kwargs) -> Feedback:
    """The Feedback compare() raises (it must raise)."""
    with pytest.raises(Feedback) as caught:
        compare(name, got, expected, dims=dict(DIMS), **kwargs)
    return caught.value


def softmax(z, axis=1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# -- shapes ------------------------------------------------------------------------------------------
def test_a_wrong_length_is_named_as_the_dimension_it_equals():
    en, ru = dx.shape_relation("db2", (4,), (3,), ctx())
    assert "4 is N, 3 is C" in en and "axis" in en
    assert "4 — это N, 3 — это C" in ru


def test_a_length_that_is_no_dimension_is_said_plainly():
    en, _ = dx.shape_relation("db2", (7,), (3,), ctx())
    assert en.startswith("db2 has shape (7,) but should have (3,)") and " is N" not in en
    assert dx.shape_relation("db2", (3,), (3,), ctx()) is None


def test_keepdims_and_transposition_are_told_apart():
    assert "keepdims" in dx.shape_relation("db2", (1, 3), (3,), ctx())[0]
    assert "transposed" in dx.shape_relation("dW1", (5, 6), (6, 5), ctx())[0]
    assert "(N, H)" in dx.shape_relation("dW1", (4, 5), (6, 5), ctx())[0]


def test_where_two_dimensions_are_equal_the_output_side_is_named():
    assert dx.dimension_names((3,), {"N": 4, "D": 3, "H": 5, "C": 3}) == "(C,)"
    assert dx.dimension_names((7,), DIMS) is None


# -- dtype and non-finite values ------------------------------------------------------------------
def test_an_integer_array_is_named_by_its_dtype():
    expected = RNG.standard_normal((4, 3))
    assert "int64" in said("logits", expected.astype(np.int64), expected).en
    assert dx.dtype_relation("x", expected, expected, ctx()) is None


def test_non_finite_values_say_where_they_start():
    got = RNG.standard_normal((4, 3))
    got[2, 1] = np.nan
    en, ru = dx.finite_relation("probs", got, ctx())
    assert "[2, 1]" in en and "[2, 1]" in ru
    assert dx.finite_relation("probs", np.ones((4, 3)), ctx()) is None


# -- probabilities ------------------------------------------------------------------------------------
LOGITS = RNG.standard_normal((4, 3)) * 3


@pytest.mark.parametrize("wrong, words", [
    (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(), "the whole array sums to 1"),
    (lambda z: softmax(z, axis=0), "each column sums to 1"),
    (lambda z: np.exp(z - z.max(axis=1, keepdims=True)), "the exponentials themselves"),
    (lambda z: softmax(z) * 0.5 + 0.1, "row 0 sums to"),
])
def test_rows_that_do_not_sum_to_one_say_what_does(wrong, words):
    message = said("softmax(logits)", wrong(LOGITS), softmax(LOGITS), probabilities="rows", logits=LOGITS)
    assert words in message.en and "строк" in message.ru


def test_a_shift_that_differs_by_column_is_named():
    e = np.exp(LOGITS - LOGITS.max(axis=0, keepdims=True))
    message = said("softmax(logits)", e / e.sum(axis=1, keepdims=True), softmax(LOGITS), probabilities="rows",
                   logits=LOGITS)
    assert "shifted by a different amount in each column" in message.en
    assert dx.column_shift_relation(("p", "p"), softmax(LOGITS + 5), LOGITS, ctx()) is None


def test_a_negative_probability_is_shown():
    got = softmax(LOGITS)
    got[1, 2] = -got[1, 2]
    message = said("softmax(logits)", got, softmax(LOGITS), probabilities="rows", logits=LOGITS)
    assert "negative" in message.en and "[1, 2]" in message.en


def test_right_rows_with_wrong_values_are_no_probability_error():
    got = softmax(LOGITS[:, ::-1])  # every row sums to 1, non-negative
    assert dx.probability_relation("p", got, LOGITS, ctx()) is None


def test_implied_probabilities_localize_an_error_inside_the_loss():
    """dlogits from a softmax normalized over the batch: the probabilities inside it (N·dlogits + Y)
    do not sum to 1 by rows; a dlogits off by a factor keeps them summing to 1, and is a factor."""
    y = np.eye(3)[[0, 1, 2, 0]]
    expected = (softmax(LOGITS) - y) / 4
    batch = np.exp(LOGITS - LOGITS.max()) / np.exp(LOGITS - LOGITS.max()).sum()
    implied = ("the probabilities in your dlogits", "вероятностей в вашем dlogits")
    message = said("dlogits", (batch - y) / 4, expected, probabilities=(implied, lambda g: 4 * g + y))
    assert "the probabilities in your dlogits" in message.en and "whole array" in message.en
    message = said("dlogits", (softmax(LOGITS) - y) / 3, expected, probabilities=(implied, lambda g: 4 * g + y))
    assert "divided by C = 3 where N = 4 was due" in message.en


# -- factors ------------------------------------------------------------------------------------------
def test_a_factor_is_said_as_a_ratio_of_the_call_quantities():
    expected = RNG.standard_normal((4, 3))
    en, ru = dx.factor_relation("dlogits", expected * 4 / 3, expected, ctx())
    assert "N/C = 4/3" in en and "divided by C = 3 where N = 4 was due" in en
    assert "N/C = 4/3" in ru
    assert "1/H" in dx.factor_relation("x", expected / 5, expected, ctx())[0]
    lr = ctx(quantities=[("learning_rate", 0.01)])
    assert "learning_rate" in dx.factor_relation("x", expected * 0.01, expected, lr)[0]


def test_a_factor_that_matches_no_quantity_is_not_called_a_factor():
    expected = RNG.standard_normal((4, 3))
    assert dx.factor_relation("x", expected * 1.016, expected, ctx()) is None
    message = said("params['W1']", expected * 3.419e-05, expected)
    assert "constant factor" not in message.en and "times the right value" not in message.en
    assert "постоянным множителем" not in message.ru and "умноженному на" not in message.ru
    assert "first differing entry [0, 0]" in message.en


def test_a_factor_within_one_percent_of_one_is_precision_not_a_factor():
    expected = RNG.standard_normal((4, 3))
    assert dx.factor_relation("x", expected * 1.004, expected, ctx(quantities=[("q", 1.004)])) is None


# -- relatives ------------------------------------------------------------------------------------------
def test_a_moment_equal_to_the_other_moment_is_named():
    g, m, v = (RNG.standard_normal((3, 2)) for _ in range(3))
    v = np.abs(v)
    new_m, new_v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
    relatives = dx.moment_relatives("m", g, m, v, new_m, new_v, 0.9, 0.999, 2)
    message = said("m['W1']", new_v, new_m, relatives=relatives, rtol=1e-8, atol=1e-12)
    assert "the new v" in message.en and "новый v" in message.ru
    message = said("m['W1']", new_m / (1 - 0.9**2), new_m, relatives=relatives, rtol=1e-8, atol=1e-12)
    assert "bias-corrected" in message.en
    assert dx.relative_relation("m", new_m + 1, ctx(relatives=relatives), 1e-8, 1e-12) is None


# -- steps ----------------------------------------------------------------------------------------
OLD = RNG.standard_normal((3, 2))
GRAD = RNG.standard_normal((3, 2))


def step_said(got, lr=0.1, **kwargs):
    return said("W1", got, OLD - lr * GRAD, old=OLD, quantities=[("learning_rate", lr)], fn="sgd_update",
                rtol=1e-10, atol=1e-12, **kwargs)


def test_updates_are_compared_as_steps():
    assert "moves the wrong way" in step_said(OLD + 0.1 * GRAD).en
    assert "the size of the step" in step_said(0.1 * GRAD).en
    assert "the step (new - old)" in step_said(-0.1 * GRAD).en
    assert "returned unchanged" in step_said(OLD).en


def test_a_step_with_a_hard_coded_learning_rate_names_the_rate():
    message = step_said(OLD - 0.01 * GRAD, usual={"learning_rate": [0.1, 0.01]})
    assert "your sgd_update ignores learning_rate: it behaves as learning_rate=0.01 when called with 0.1" in message.en
    # a rate no check uses: a factor of the step, in the call's terms, not a rate the student "used"
    message = step_said(OLD - 0.1 * 0.1 * GRAD, usual={"learning_rate": [0.1, 0.5]})
    assert "ignores" not in message.en and "learning_rate = 0.1 times" in message.en


def test_a_step_that_relates_to_nothing_falls_back_to_the_first_entry_and_the_contract():
    message = step_said(OLD - 0.1 * GRAD + 0.01 * RNG.standard_normal((3, 2)), promise="sgd")
    assert "first differing entry" in message.en and "p_new = p - learning_rate * dp" in message.en
    assert "По условию" in message.ru


# -- hyperparameters ------------------------------------------------------------------------------------
def moments(g, m, v, b1, b2):
    return [b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g]


def test_an_ignored_hyperparameter_is_found_by_recomputing_with_another_value():
    g, m, v = (RNG.standard_normal(5) for _ in range(3))
    hyper = {"beta1": 0.8, "beta2": 0.99}
    candidates = {"beta1": [0.9], "beta2": [0.999]}

    def recompute(beta1, beta2):
        return [moments(g, m, v, beta1, beta2)]

    got = moments(g, m, v, 0.8, 0.999)
    en, ru = dx.hyperparameter_relation("adam_update", got, hyper, candidates, recompute, 1e-8, 1e-12,
                                        labels=("m", "v"))
    assert "ignores beta2: it behaves as beta2=0.999 when called with 0.99" in en and "beta2=0.999" in ru
    assert dx.hyperparameter_relation("adam_update", moments(g, m, v, 0.8, 0.99), hyper, candidates, recompute,
                                      1e-8, 1e-12) is None


# -- localization ---------------------------------------------------------------------------------
def test_the_first_wrong_upstream_value_is_named():
    logits, dlogits = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    upstream = [(("your logits", "ваши логиты"), logits, logits), (("your dlogits", "ваш dlogits"), dlogits * 2, dlogits)]
    message = said("dW2", np.ones((5, 3)), np.zeros((5, 3)), upstream=upstream)
    assert "your dlogits is already wrong" in message.en and "ваш dlogits уже неверен" in message.ru
    right = [(("your logits", "ваши логиты"), logits, logits)]
    assert dx.upstream_relation("dW2", ctx(upstream=right), 1e-6, 1e-10) is None


def test_no_diagnosis_is_only_does_not_match():
    expected = RNG.standard_normal((4, 3))
    message = said("dW2", expected + 0.3 * RNG.standard_normal((4, 3)), expected)
    assert "does not match" not in message.en
    assert "first differing entry" in message.en
    # what the contract promises, in words: the gradient's formula is the student's derivation, never said
    assert "gradient of the mean loss with respect to W2" in message.en and "h.T" not in message.en


def test_a_wrong_relu_mask_is_recovered_from_dw1():
    """N <= D: dz1 follows from dW1 = X.T @ dz1, and its ratio to dh is the mask applied."""
    x, dh, z1 = RNG.standard_normal((4, 6)), RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
    due = x.T @ (dh * (z1 > 0))
    hidden = (x, dh, z1)
    message = said("dW1", x.T @ (dh * (z1 > -0.5)), due, hidden=hidden)
    assert "your ReLU mask passes the gradient at" in message.en and "маска ReLU" in message.ru
    message = said("dW1", x.T @ (dh * (z1 > 1)), due, hidden=hidden)
    assert "blocks the gradient" in message.en
    message = said("dW1", x.T @ (dh * (z1 > 0) + 0.1 * z1), due, hidden=hidden)
    assert "your dz1" in message.en
    # more examples than inputs: dz1 cannot be recovered, and nothing is claimed about it
    x = RNG.standard_normal((8, 3))
    assert dx.mask_relation("dW1", x.T @ (np.ones((8, 5))), ctx(hidden=(x, np.ones((8, 5)), np.ones((8, 5))))) is None


def test_a_difference_that_is_the_same_row_everywhere_is_a_bias():
    expected, b2 = RNG.standard_normal((4, 3)), RNG.standard_normal(3)
    assert "b2 is not added" in said("logits", expected - b2, expected, offsets={"b2": b2}).en
    assert "b2 is subtracted instead of added" in said("logits", expected - 2 * b2, expected, offsets={"b2": b2}).en
    assert "a term that does not depend on the example" in said("logits", expected + 0.3, expected).en
    assert dx.row_offset_relation("logits", expected + RNG.standard_normal((4, 3)), expected, ctx()) is None


def test_a_moment_with_other_weights_names_them():
    g, m = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 2))
    terms = dx.moment_terms("m", g, m, 0.9)
    message = said("m['W1']", 0.9 * m + 1.9 * g, 0.9 * m + 0.1 * g, terms=terms, rtol=1e-8, atol=1e-12)
    assert "0.9 * m + 1.9 * g" in message.en and "0.9 * m + 0.1 * g was due" in message.en
    assert dx.weights_relation("m", 0.9 * m + 0.1 * g + 0.01 * g * g, ctx(terms=terms)) is None
