"""Training: this trusted process runs the kit's loop on the MNIST training set, the student's
functions doing each step in the worker, every step verified (autograder/grading/training.py);
test accuracy is measured here on the weights this process holds.

The rule (scheme.training_decided): up to EPOCHS epochs; at each epoch that is the best on
validation so far the test accuracy of its weights is measured, and training stops there once
it earns full marks. Where that never happens, every epoch is trained and the best validation
epoch's test accuracy gives the points."""
import numpy as np
import pytest

from assignment.data import load_split
from assignment.training import evaluate
from autograder import messages, scheme
from autograder.grading.feedback import fail

EPOCHS = scheme.TRAINING_EPOCHS
WALL_SECONDS = scheme.TRAINING_SECONDS
SHAPES = {"W1": (784, 800), "b1": (800,), "W2": (800, 10), "b2": (10,)}


def accuracy_on_test(network, params: dict, x_test, y_test) -> float:
    """The test accuracy of params (arrays of SHAPES) with `network`'s forward; 0 where not finite."""
    _, accuracy = evaluate(network, {k: np.asarray(params[k], dtype=np.float32) for k in SHAPES}, x_test, y_test)
    return float(accuracy) if np.isfinite(accuracy) else 0.0


@pytest.mark.points(20)
def check_training_reaches_the_keras_reference(student, reference, data_dir, award):
    """training: 784-800-10, Adam, batch 200, up to 12 epochs (best validation epoch kept; stops at full marks): test accuracy
    обучение: 784-800-10, Adam, батч 200, до 12 эпох (берётся лучшая эпоха по валидации; стоп при полном балле): точность на тесте"""
    target = reference.keras_test_accuracy - scheme.TRAINING_MARGIN
    x_test, y_test = load_split(data_dir, "t10k")  # verified against the canonical MD5; never in the worker
    measured = {}  # id of an epoch's params -> (params, their test accuracy); holding them keeps the ids unique

    def measure(params: dict):
        """An epoch's test accuracy: measured beside its validation when grading (drive's measure)."""
        measured[id(params)] = params, accuracy_on_test(reference.network, params, x_test, y_test)

    def decided(epoch: int, params: dict) -> bool:
        """At a best-validation-so-far epoch: do its weights already earn full marks?"""
        if id(params) not in measured:  # the local check: measured only where the rule asks
            measure(params)
        if scheme.training_decided(measured[id(params)][1], reference.keras_test_accuracy):
            measured["stopped_at"] = epoch + 1
            return True
        return False

    result = student.train(WALL_SECONDS, reference, epochs=EPOCHS, batch_size=200, optimizer="adam", n_hidden=800,
                           seed=0, restore_best_weights=True, stop=decided, measure=measure)
    params = result.get("params") if isinstance(result, dict) else None
    if not isinstance(params, dict) or any(not isinstance(params.get(k), np.ndarray) or params[k].shape != s
                                           for k, s in SHAPES.items()):
        fail(*messages.TRAINED_SHAPES)
    known = measured.get(id(params))  # the kept epoch was measured when it became the best, if it is that object
    accuracy = known[1] if known and known[0] is params else accuracy_on_test(reference.network, params, x_test, y_test)
    fraction = scheme.training_fraction(accuracy, reference.keras_test_accuracy)
    award(fraction, history=result.get("history"), test_accuracy=accuracy, stopped_at=measured.get("stopped_at"),
          epochs=EPOCHS)
    if fraction < 1:
        counted = scheme.counted_accuracy(accuracy)
        fail(*messages.accuracy_below_target(accuracy, EPOCHS, counted, target, scheme.TRAINING_MARGIN,
                                             scheme.TRAINING_FLOOR))
