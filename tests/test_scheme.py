"""autograder/scheme.py: which areas a grading runs, its maximum score, and the training points."""
import math

from hypothesis import given, strategies as st

from autograder import scheme

TRAINING = next(a.points for a in scheme.AREAS if a.key == "training")
KERAS = 0.983  # the recorded reference's test accuracy (solution/reference.json), rounded


def test_selected_keeps_the_schemes_order_whatever_order_is_asked():
    assert scheme.selected() == scheme.AUTOGRADED_KEYS
    assert scheme.selected(["updates", "forward"]) == ("forward", "updates")
    assert scheme.selected(["training", "gradients"], skip_training=True) == ("gradients",)
    assert scheme.selected(["derivation"]) == ()  # graded by the instructor, never by a grading
    assert scheme.selected(skip_training=True) == scheme.QUICK_KEYS


def test_max_score_with_and_without_training():
    assert scheme.max_score() == scheme.AUTOGRADED == 90
    assert scheme.max_score(skip_training=True) == scheme.AUTOGRADED - TRAINING == 70
    assert scheme.max_score(["forward", "gradients"]) == 15 + 25
    assert scheme.max_score(["training"], skip_training=True) == 0
    assert scheme.TOTAL == scheme.AUTOGRADED + 10  # the written derivation


def test_counted_accuracy_rounds_to_ten_test_images():
    assert math.isclose(scheme.counted_accuracy(0.98049), 0.980)
    assert math.isclose(scheme.counted_accuracy(0.98051), 0.981)
    assert scheme.counted_accuracy(0.9804) != scheme.counted_accuracy(0.9806)


def test_training_fraction_at_the_ends():
    assert scheme.training_fraction(scheme.TRAINING_FLOOR - 0.01, KERAS) == 0.0
    assert scheme.training_fraction(scheme.TRAINING_FLOOR, KERAS) == 0.0
    assert scheme.training_fraction(KERAS - scheme.TRAINING_MARGIN, KERAS) == 1.0
    assert scheme.training_fraction(1.0, KERAS) == 1.0
    assert scheme.training_fraction(float("nan"), KERAS) == 0.0
    assert 0.0 < scheme.training_fraction((scheme.TRAINING_FLOOR + KERAS) / 2, KERAS) < 1.0


@given(st.floats(0, 1), st.floats(0, 1))
def test_training_fraction_is_monotone_and_bounded(a, b):
    low, high = sorted((a, b))
    assert 0.0 <= scheme.training_fraction(low, KERAS) <= scheme.training_fraction(high, KERAS) <= 1.0
