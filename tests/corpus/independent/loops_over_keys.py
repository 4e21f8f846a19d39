"""Written independently for the similarity test: explicit log-sum-exp, loops over the parameter names, Algorithm 1."""
import numpy as np

NAMES = ("W1", "b1", "W2", "b2")


def init_params(n_inputs=784, n_hidden=800, n_classes=10, seed=0):
    rng = np.random.default_rng(seed)
    weights = {}
    weights["W1"] = rng.normal(0.0, 0.05, size=(n_inputs, n_hidden)).astype(np.float32)
    weights["b1"] = np.zeros((n_hidden,), np.float32)
    weights["W2"] = rng.normal(0.0, 0.05, size=(n_hidden, n_classes)).astype(np.float32)
    weights["b2"] = np.zeros((n_classes,), np.float32)
    return weights


def logsumexp(a):
    top = np.max(a, axis=1)
    return top + np.log(np.sum(np.exp(a - top[:, None]), axis=1))


def softmax(logits):
    return np.exp(logits - logsumexp(logits)[:, None])


def forward(params, X):
    pre = np.dot(X, params["W1"])
    pre = pre + params["b1"]
    act = np.maximum(pre, 0)
    out = np.dot(act, params["W2"]) + params["b2"]
    return out, {"inputs": X, "pre": pre, "act": act}


def softmax_cross_entropy(logits, Y):
    batch = logits.shape[0]
    logprob = logits - logsumexp(logits)[:, None]
    loss = -np.sum(Y * logprob) / batch
    grad = (np.exp(logprob) - Y) / batch
    return float(loss), grad


def backward(params, cache, dlogits):
    grads = {}
    grads["W2"] = np.dot(cache["act"].T, dlogits)
    grads["b2"] = np.sum(dlogits, axis=0)
    dact = np.dot(dlogits, params["W2"].T)
    dpre = dact * (cache["pre"] > 0)
    grads["W1"] = np.dot(cache["inputs"].T, dpre)
    grads["b1"] = np.sum(dpre, axis=0)
    return grads


def sgd_update(params, grads, learning_rate):
    updated = {}
    for name in NAMES:
        updated[name] = params[name] - learning_rate * grads[name]
    return updated


def adam_update(params, grads, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7):
    new_params, new_m, new_v = {}, {}, {}
    for name in NAMES:
        new_m[name] = beta1 * m[name] + (1.0 - beta1) * grads[name]
        new_v[name] = beta2 * v[name] + (1.0 - beta2) * grads[name] ** 2
        m_hat = new_m[name] / (1.0 - beta1 ** t)
        v_hat = new_v[name] / (1.0 - beta2 ** t)
        new_params[name] = params[name] - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return new_params, new_m, new_v
