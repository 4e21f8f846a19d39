"""Label indexing instead of one-hot products; a cache with extra keys."""
import numpy as np


def init_params(n_inputs=784, n_hidden=800, n_classes=10, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "W1": (0.05 * rng.standard_normal((n_inputs, n_hidden))).astype(np.float32),
        "b1": np.zeros(n_hidden, dtype=np.float32),
        "W2": (0.05 * rng.standard_normal((n_hidden, n_classes))).astype(np.float32),
        "b2": np.zeros(n_classes, dtype=np.float32),
    }


def softmax(logits):
    z = logits - np.max(logits, axis=1)[:, None]
    e = np.exp(z)
    return e / np.sum(e, axis=1)[:, None]


def forward(params, X):
    z1 = X.dot(params["W1"]) + params["b1"]
    h = np.maximum(0, z1)
    logits = h.dot(params["W2"]) + params["b2"]
    return logits, {"X": X, "z1": z1, "h": h, "logits": logits, "W2": params["W2"]}


def softmax_cross_entropy(logits, Y):
    n = logits.shape[0]
    labels = Y.argmax(axis=1)
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), labels].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), labels] -= 1
    return loss, dlogits / n


def backward(params, cache, dlogits):
    dW2 = cache["h"].T.dot(dlogits)
    db2 = dlogits.sum(axis=0)
    dh = dlogits.dot(cache["W2"].T)
    dz1 = dh * (cache["z1"] > 0)
    return {"W1": cache["X"].T.dot(dz1), "b1": dz1.sum(axis=0), "W2": dW2, "b2": db2}


def sgd_update(params, grads, learning_rate):
    new = {}
    for name, value in params.items():
        new[name] = value - learning_rate * grads[name]
    return new


def adam_update(params, grads, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7):
    new_p, new_m, new_v = {}, {}, {}
    for k in params:
        new_m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
        new_v[k] = beta2 * v[k] + (1 - beta2) * grads[k] ** 2
        m_hat = new_m[k] / (1 - beta1 ** t)
        v_hat = new_v[k] / (1 - beta2 ** t)
        new_p[k] = params[k] - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return new_p, new_m, new_v
