"""A correct network.py that loops over the examples in Python: right values, far too slow to
train 12 epochs in the grader's 300 s. Made from the reference (the functions below replace
its forward and backward)."""
from solution_copy import *  # noqa: F401,F403 - the reference's text, then these two overrides


def forward(params, X):
    # a Python loop over the examples and the hidden units: on any machine, 12 epochs would
    # take several times the 300 s budget (a loop over the examples alone can just make it)
    W1, b1 = params["W1"], params["b1"]
    rows = [[max(float(x @ W1[:, j] + b1[j]), 0.0) for j in range(W1.shape[1])] for x in X]
    h = np.array(rows, dtype=np.result_type(X, W1)).reshape(len(X), W1.shape[1])
    logits = np.array([row @ params["W2"] + params["b2"] for row in h]).reshape(len(X), params["W2"].shape[1])
    return logits, {"X": X, "h": h}


def backward(params, cache, dlogits):
    X, h = cache["X"], cache["h"]
    grads = {k: np.zeros_like(p, dtype=np.result_type(p, dlogits)) for k, p in params.items()}
    for x, hi, d in zip(X, h, dlogits):
        grads["W2"] += np.outer(hi, d)
        grads["b2"] += d
        dz = (params["W2"] @ d) * (hi > 0)
        grads["W1"] += np.outer(x, dz)
        grads["b1"] += dz
    return grads
