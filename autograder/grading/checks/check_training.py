"""Training: this trusted process runs the kit's loop on the MNIST training set, the student's
functions doing each step in the worker, every step verified (autograder/grading/training.py);
test accuracy is measured here on the weights this process holds."""
import numpy as np
import pytest

from assignment.data import load_split
from assignment.training import evaluate
from autograder import messages, scheme
from autograder.grading.feedback import fail

EPOCHS = scheme.TRAINING_EPOCHS
WALL_SECONDS = scheme.TRAINING_SECONDS
SHAPES = {"W1": (784, 800), "b1": (800,), "W2": (800, 10), "b2": (10,)}


@pytest.mark.points(20)
def check_training_reaches_the_keras_reference(student, reference, data_dir, award):
    """training: 784-800-10, Adam, batch 200, 12 epochs (best validation epoch kept): test accuracy
    обучение: 784-800-10, Adam, батч 200, 12 эпох (берётся лучшая эпоха по валидации): точность на тесте"""
    target = reference.keras_test_accuracy - scheme.TRAINING_MARGIN
    result = student.train(WALL_SECONDS, reference, epochs=EPOCHS, batch_size=200, optimizer="adam", n_hidden=800, seed=0,
                           restore_best_weights=True)
    params = result.get("params") if isinstance(result, dict) else None
    if not isinstance(params, dict) or any(not isinstance(params.get(k), np.ndarray) or params[k].shape != s
                                           for k, s in SHAPES.items()):
        fail(*messages.TRAINED_SHAPES)
    params = {k: params[k].astype(np.float32) for k in SHAPES}
    x_test, y_test = load_split(data_dir, "t10k")  # verified against the canonical MD5; never in the worker
    _, accuracy = evaluate(reference.network, params, x_test, y_test)
    if not np.isfinite(accuracy):
        accuracy = 0.0
    fraction = scheme.training_fraction(accuracy, reference.keras_test_accuracy)
    award(fraction, history=result.get("history"), test_accuracy=accuracy)
    if fraction < 1:
        counted = scheme.counted_accuracy(accuracy)
        fail(*messages.accuracy_below_target(accuracy, EPOCHS, counted, target, scheme.TRAINING_MARGIN,
                                             scheme.TRAINING_FLOOR))
