# The reference, except that softmax, sgd_update and adam_update change their arguments in place
# (and return them): honest code a student may write, which trains.
from solution_copy import *  # noqa: F401,F403

_softmax, _sgd, _adam = softmax, sgd_update, adam_update


def softmax(logits):
    logits[...] = _softmax(logits)
    return logits


def sgd_update(params, grads, learning_rate):
    new = _sgd(params, grads, learning_rate)
    for k in params:
        params[k][...] = new[k]
    return params


def adam_update(params, grads, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7):
    new, new_m, new_v = _adam(params, grads, m, v, t, learning_rate, beta1, beta2, epsilon)
    for k in params:
        params[k][...], m[k][...], v[k][...] = new[k], new_m[k], new_v[k]
    return params, m, v
