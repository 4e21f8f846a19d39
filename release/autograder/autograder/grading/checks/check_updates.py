"""Weight updates: SGD and Adam over several steps against the reference. Adam is accepted
in both Kingma & Ba's Algorithm 1 and the form Keras uses."""
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from autograder import messages
from autograder.grading.feedback import PARAM_KEYS as KEYS
from autograder.grading.diagnosis import adam_quantities, hyperparameter_relation, moment_relatives, moment_terms
from autograder.grading.feedback import compare, fail, params_dict
from autograder.grading.problems import SHAPES, copy_params, problem, with_examples


LEARNING_RATES = [0.1, 0.01, 0.5, 1e-3]  # the checks' own (and Keras's default): what a hard-coded one may be


@pytest.mark.points(5)
@given(SHAPES, st.sampled_from(LEARNING_RATES[:3]))
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
                    what=messages.after_sgd_step(step + 1, lr), old=params[k], quantities=[("learning_rate", lr)],
                    usual={"learning_rate": LEARNING_RATES}, fn="sgd_update", promise="sgd")
        params = expected  # each step starts from the same parameters for the student and the reference


# Adam's hyperparameters in the checks: Keras's defaults, and a set where each differs (a hard-coded
# beta1, beta2 or epsilon gives another step).
ADAM_HYPER = [(1e-3, 0.9, 0.999, 1e-7), (1e-2, 0.8, 0.99, 1e-8)]


@pytest.mark.points(4)
@given(SHAPES, st.sampled_from(ADAM_HYPER))
@with_examples(ADAM_HYPER[0])
@with_examples(ADAM_HYPER[1])
def check_adam_steps(student, reference, shape, hyper):
    """adam_update: m, v and the parameters over 5 steps from the reference's state (Algorithm 1 or the Keras form)
    adam_update: m, v и параметры за 5 шагов из состояния эталона (Алгоритм 1 или форма Keras)"""
    params, m, v, steps = adam_problem(shape)
    for t, grads in enumerate(steps, start=1):
        forms, _ = _compare_adam_step(student, reference, params, grads, m, v, t, hyper)
        # each step starts from the reference's state, so that every call is one the release recorded
        params, m, v = forms["keras"]


def adam_problem(shape):
    """Adam's checks' problem for a drawn shape: (params, zero m, zero v, the gradients of steps 1 to 5)."""
    n, d, h, c, seed = shape
    params, _, _ = problem(n, d, h, c, seed)
    rng = np.random.default_rng(seed + 11)
    steps = [{k: rng.standard_normal(p.shape) * 0.1 for k, p in params.items()} for _ in range(5)]
    return params, {k: np.zeros_like(p) for k, p in params.items()}, {k: np.zeros_like(p) for k, p in params.items()}, steps


def _compare_adam_step(student, reference, params, grads, m, v, t, hyper, hyper_relation=None) -> tuple[dict, tuple]:
    """One Adam step of the student's against the reference's accepted forms (Feedback where it
    differs, naming the relation the diagnosis engine finds); returns the reference's forms of
    that step and the student's (params, m, v) after it. `hyper_relation`: the hidden check's
    search for an ignored hyperparameter (it needs the live reference: the release's recorded
    answers hold only the calls the public check makes)."""
    lr, b1, b2, eps = hyper
    out = student.adam_update(params, grads, m, v, t, learning_rate=lr, beta1=b1, beta2=b2, epsilon=eps)
    if not isinstance(out, (list, tuple)) or len(out) != 3:
        fail(*messages.not_a_tuple("adam_update", "(params, m, v)"))
    new, new_m, new_v = (params_dict(x, "adam_update") for x in out)
    forms = reference.adam_forms(params, grads, m, v, t, lr, b1, b2, eps)
    keras_form, alg1 = forms["keras"], forms["algorithm1"]

    def both_forms(step_number):  # a wrong step number, in either accepted form
        if step_number < 1:
            return None
        shifted = reference.adam_forms(params, grads, m, v, step_number, lr, b1, b2, eps)
        return [shifted["keras"][0], shifted["algorithm1"][0]]

    mistakes = {"no_bias_correction": both_forms(10**9), "t_from_zero": both_forms(t - 1),
                "t_plus_one": both_forms(t + 1),
                "epsilon_inside_sqrt": [forms["epsilon_inside_sqrt"][0], epsilon_inside_keras(
                    params, keras_form, t, lr, b1, b2, eps)]}
    step = messages.at_adam_step(t, lr, b1, b2, eps)
    if hyper_relation:
        ignored = hyper_relation(reference, (params, grads, m, v, t), (new, new_m, new_v), dict(
            learning_rate=lr, beta1=b1, beta2=b2, epsilon=eps), step)
        if ignored:
            fail(*ignored)
    quantities = adam_quantities(lr, b1, b2, t)
    for k in KEYS:
        for which, got, due, tol in (("m", new_m, keras_form[1], 1e-12), ("v", new_v, keras_form[2], 1e-14)):
            compare(f"{which}[{k!r}]", got[k], due[k], rtol=1e-8, atol=tol, what=step, quantities=quantities,
                    relatives=moment_relatives(which, grads[k], m[k], v[k], keras_form[1][k], keras_form[2][k],
                                               b1, b2, t, [params[k], keras_form[0][k], alg1[0][k]]),
                    terms=moment_terms(which, grads[k], (m if which == "m" else v)[k], b1 if which == "m" else b2))
        target = nearest_form(new[k], params[k], [keras_form[0][k], alg1[0][k]])
        compare(f"params[{k!r}]", new[k], target, rtol=1e-7, atol=1e-10, what=step,
                alternatives={key: forms and [f[k] for f in forms] for key, forms in mistakes.items()},
                old=params[k], quantities=quantities, promise="adam")
    return forms, (new, new_m, new_v)


def nearest_form(got, old, forms):
    """Of the accepted forms of a step's new value, the one the student's is nearest to, as a
    value or as a step (its step, its sign flipped, or the step returned in the value's place), so
    that the engine compares a wrong answer with the form it was written in (Algorithm 1's step
    returned is named as a step, not as a mismatch with Keras's form)."""
    if not isinstance(got, np.ndarray) or got.shape != np.shape(old) or got.dtype.kind != "f":
        return forms[0]

    def distance(form):
        step = form - old
        return min(np.max(np.abs(got - form)), np.max(np.abs(got - step)), np.max(np.abs(got + step)),
                   np.max(np.abs(got - old + step)))

    return min(forms, key=distance)


def epsilon_inside_keras(params, keras_form, t, lr, b1, b2, eps):
    """Keras's form with epsilon inside the square root: p - lr_t m / sqrt(v + epsilon)."""
    lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    return {k: params[k] - lr_t * keras_form[1][k] / np.sqrt(keras_form[2][k] + eps) for k in params}


### BEGIN HIDDEN TESTS
@pytest.mark.points(4)
@pytest.mark.hidden
@given(SHAPES, st.sampled_from(ADAM_HYPER))
def check_adam(student, reference, shape, hyper):
    """adam_update: m, v and the parameters over 5 steps (Algorithm 1 or the Keras form)
    adam_update: m, v и параметры за 5 шагов (Алгоритм 1 или форма Keras)"""
    params, m, v, steps = adam_problem(shape)
    for t, grads in enumerate(steps, start=1):
        _, (params, m, v) = _compare_adam_step(student, reference, params, grads, m, v, t, hyper,
                                               hyper_relation=ignored_hyperparameter)


def ignored_hyperparameter(reference, call, out, hyper, what):
    """(en, ru) where the student's Adam step is the reference's (either accepted form) with one
    hyperparameter replaced (by its default, another's value, the other check's), else None.
    Inputs: call, the step's (params, grads, m, v, t); out, the student's (params, m, v) dicts."""
    if not all(isinstance(part[k], np.ndarray) and np.shape(part[k]) == np.shape(call[0][k]) and part[k].dtype.kind == "f"
               for part in out for k in KEYS):
        return None  # the comparisons below say what is wrong with the shapes or values
    candidates = {"learning_rate": [1e-3, 1e-2], "beta1": [0.9, 0.8, hyper["beta2"]],
                  "beta2": [0.999, 0.99, hyper["beta1"]], "epsilon": [1e-7, 1e-8, 0.0]}

    def flat(parts):
        return [np.concatenate([np.ravel(part[k]) for k in KEYS]) for part in parts]

    def recompute(learning_rate, beta1, beta2, epsilon):
        forms = reference.adam_forms(*call, learning_rate, beta1, beta2, epsilon)
        return [flat(forms["keras"]), flat(forms["algorithm1"])]

    got = flat(out)
    if any(all(np.allclose(g, e, rtol=1e-7, atol=1e-10) for g, e in zip(got, form)) for form in recompute(**hyper)):
        return None
    return hyperparameter_relation("adam_update", got, hyper, candidates, recompute, rtol=1e-7, atol=1e-10,
                                   labels=("params", "m", "v"), what=what)
### END HIDDEN TESTS


@pytest.mark.points(2)
@given(SHAPES)
@example((3, 4, 3, 2, 5))  # the release's fixed case (the local check's); the grader draws more from its seed
def check_updates_do_not_change_their_inputs(student, reference, shape):
    """sgd_update and adam_update return a step (SGD's, and any accepted form of Adam's) from their inputs
    sgd_update и adam_update возвращают шаг (SGD и любую принятую форму Adam) из своих входных данных"""
    params, _, _ = problem(*shape)
    grads = {k: np.ones_like(p) for k, p in params.items()}
    m = {k: np.full_like(p, 0.1) for k, p in params.items()}
    v = {k: np.full_like(p, 0.2) for k, p in params.items()}
    # No points for doing nothing: the answer must be a step (SGD's, or any accepted form of
    # Adam's, Adam's own correctness being the hidden check's). Whether the inputs were left
    # alone earns nothing: only the worker could say it, and it can say anything (grading/calls.py).
    new = params_dict(student.sgd_update(copy_params(params), grads, 0.1), "sgd_update")
    expected = reference.sgd_update(params, grads, 0.1)
    for k in KEYS:
        compare(f"params[{k!r}]", new[k], expected[k], rtol=1e-10, atol=1e-12, what=messages.from_function("sgd_update"),
                old=params[k], quantities=[("learning_rate", 0.1)], usual={"learning_rate": LEARNING_RATES},
                fn="sgd_update", promise="sgd")
    forms = reference.adam_forms(params, grads, m, v, 2)
    out = student.adam_update(copy_params(params), grads, m, v, 2)
    if not isinstance(out, (list, tuple)) or len(out) != 3:
        fail(*messages.not_a_tuple("adam_update", "(params, m, v)"))
    new, new_m, new_v = (params_dict(x, "adam_update") for x in out)
    for k in KEYS:
        for which, got, due, tol in (("m", new_m, forms["keras"][1], 1e-12), ("v", new_v, forms["keras"][2], 1e-14)):
            compare(f"{which}[{k!r}]", got[k], due[k], rtol=1e-8, atol=tol, what=messages.from_function("adam_update"),
                    quantities=adam_quantities(1e-3, 0.9, 0.999, 2), relatives=moment_relatives(
                        which, grads[k], m[k], v[k], forms["keras"][1][k], forms["keras"][2][k], 0.9, 0.999, 2,
                        [params[k], forms["keras"][0][k], forms["algorithm1"][0][k]]))
        if not any(_close(new[k], form[0][k]) for form in forms.values()):
            compare(f"params[{k!r}]", new[k], forms["keras"][0][k], rtol=1e-7, atol=1e-10,
                    what=messages.from_function("adam_update"), old=params[k],
                    quantities=adam_quantities(1e-3, 0.9, 0.999, 2), promise="adam")


def _close(got, expected) -> bool:
    return isinstance(got, np.ndarray) and got.shape == np.shape(expected) and bool(
        np.allclose(got, expected, rtol=1e-7, atol=1e-10))
