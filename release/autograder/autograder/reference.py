"""What the checks compare a student's functions with, when grading: the reference
solution itself, the recorded Keras accuracy, and the known wrong answers the diagnoses
name. Grader-only: the student release carries recorded answers instead (autograder.local).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Reference:
    """The reference network's functions, the Keras test accuracy training is measured
    against, and known wrong answers."""

    network: object
    keras_test_accuracy: float

    def __getattr__(self, fn):
        return getattr(self.network, fn)

    @staticmethod
    def forward_mistakes(params, x):
        """The logits of two usual wrong forward passes: no ReLU, no biases."""
        no_relu = (x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
        no_bias = np.maximum(x @ params["W1"], 0) @ params["W2"]
        return {"forward_no_relu": no_relu, "forward_no_bias": no_bias}


def live_reference() -> Reference:
    from solution import keras_reference, network

    return Reference(network, keras_reference.load()["test_accuracy"])
