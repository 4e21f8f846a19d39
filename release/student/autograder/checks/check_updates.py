"""Weight updates: SGD and Adam over several steps against the reference. Adam is accepted
in both Kingma & Ba's Algorithm 1 and the form Keras uses."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from autograder.feedback import PARAM_KEYS as KEYS, compare, fail, params_dict
from autograder.problems import SHAPES, copy_params, problem, with_examples

AREA = "updates"
pytestmark = pytest.mark.updates


@pytest.mark.points(5)
@given(SHAPES, st.sampled_from([0.1, 0.01, 0.5]))
@with_examples(0.1)
def check_sgd(student, reference, shape, lr):
    """sgd_update: p - learning_rate * dp, for several steps
    sgd_update: p - learning_rate * dp, несколько шагов"""
    n, d, h, c, seed = shape
    params, _, _ = problem(n, d, h, c, seed)
    rng = np.random.default_rng(seed + 7)
    for step in range(3):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        new = params_dict(student.sgd_update(params, grads, lr), "sgd_update")
        expected = reference.sgd_update(params, grads, lr)
        for k in KEYS:
            compare(k, new[k], expected[k], rtol=1e-10, atol=1e-12,
                    what_en=f" after SGD step {step + 1} with learning_rate={lr}",
                    what_ru=f" после шага SGD {step + 1} с learning_rate={lr}")
        params = expected  # each step starts from the same parameters for the student and the reference




@pytest.mark.points(2)
def check_updates_do_not_change_their_inputs(student):
    """sgd_update and adam_update leave params, grads, m and v unchanged
    sgd_update и adam_update не меняют params, grads, m и v"""
    params, _, _ = problem(3, 4, 3, 2, seed=5)
    grads = {k: np.ones_like(p) for k, p in params.items()}
    m = {k: np.full_like(p, 0.1) for k, p in params.items()}
    v = {k: np.full_like(p, 0.2) for k, p in params.items()}
    for fn, args in (("sgd_update", (copy_params(params), grads, 0.1)),
                     ("adam_update", (copy_params(params), grads, m, v, 2))):
        getattr(student, fn)(*args)
        if student.mutated:
            fail(f"{fn} changed its arguments in place ({', '.join(student.mutated)}): build and return new "
                 f"dicts of new arrays (p - lr * g, not p -= lr * g).",
                 f"{fn} изменила аргументы на месте ({', '.join(student.mutated)}): создавайте и возвращайте "
                 f"новые словари с новыми массивами (p - lr * g, а не p -= lr * g).")
