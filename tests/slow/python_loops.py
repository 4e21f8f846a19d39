"""A correct network.py that loops over the examples in Python: right values, far too slow to
train 12 epochs in the grader's 300 s. Made from the reference (the functions below replace
its forward and backward)."""
from solution_copy import *  # noqa: F401,F403 - the reference's text, then these two overrides


def forward(params, X):
    # a Python loop over the examples, each with some pure-Python work besides: on any machine,
    # 12 epochs would take several times the 300 s budget (the loop alone can just make it)
    rows = []
    for x in X:
        sum(range(100_000))
        rows.append(np.maximum(x @ params["W1"] + params["b1"], 0))
    h = np.array(rows).reshape(len(X), params["W1"].shape[1])
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
