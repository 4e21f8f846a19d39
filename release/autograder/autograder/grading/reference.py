"""What the checks compare a student's functions with, when grading: the reference
solution itself, the recorded Keras accuracy. Grader-only: the student release carries
recorded answers instead (autograder/local/answers.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.grading.calls import Functions


@dataclass
class Reference(Functions):
    """The reference network's functions and the Keras test accuracy training is measured against."""

    network: object
    keras_test_accuracy: float

    def call(self, fn, args, kwargs):
        return getattr(self.network, fn)(*args, **kwargs)

    def adam_forms(self, params, grads, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7) -> dict:
        """Every Adam step an honest student may write, as {name: (params, m, v)}: Keras's form
        (the reference's), Kingma & Ba's Algorithm 1, and the honest mistakes that still train
        (no bias correction, t counted from 0, epsilon inside the square root). The hidden Adam
        check accepts the first two; training and the updates' public step check accept them all.

        Inputs: dicts of arrays (any shape: whole parameters, or sampled entries), t from 1.
        """
        forms = {"keras": self.network.adam_update(params, grads, m, v, t, lr, b1, b2, eps),
                 "algorithm1": algorithm1(params, grads, m, v, t, lr, b1, b2, eps),
                 "no_bias_correction": algorithm1(params, grads, m, v, 1e9, lr, b1, b2, eps),  # beta^t -> 0
                 "epsilon_inside_sqrt": algorithm1(params, grads, m, v, t, lr, b1, b2, eps, eps_inside=True)}
        if t > 1:
            forms["t_from_zero"] = algorithm1(params, grads, m, v, t - 1, lr, b1, b2, eps)
        return forms


def algorithm1(params, grads, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7, eps_inside=False):
    """Kingma & Ba 2015, Algorithm 1, written out: (params, m, v) after one step."""
    out = ({}, {}, {})
    with np.errstate(all="ignore"):
        for k in params:
            mk = b1 * m[k] + (1 - b1) * grads[k]
            vk = b2 * v[k] + (1 - b2) * grads[k] ** 2
            v_hat = vk / (1 - b2**t)
            denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            out[0][k] = params[k] - lr * (mk / (1 - b1**t)) / denominator
            out[1][k], out[2][k] = mk, vk
    return out


def live_reference() -> Reference:
    from solution import keras_reference, network

    return Reference(network, keras_reference.load()["test_accuracy"])
