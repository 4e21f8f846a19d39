"""einsum everywhere (optimize=True: through BLAS), np.where for ReLU, an np.float64 step size (training runs in float64)."""
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
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def forward(params, X):
    z1 = np.einsum("nd,dh->nh", X, params["W1"], optimize=True) + params["b1"]
    h = np.where(z1 > 0, z1, 0.0)
    return np.einsum("nh,hc->nc", h, params["W2"], optimize=True) + params["b2"], {"X": X, "h": h}


def softmax_cross_entropy(logits, Y):
    p = softmax(logits)
    n = len(Y)
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.einsum("nc,nc->", Y, logp) / n), (p - Y) / n


def backward(params, cache, dlogits):
    X, h = cache["X"], cache["h"]
    dz1 = np.where(h > 0, np.einsum("nc,hc->nh", dlogits, params["W2"], optimize=True), 0.0)
    return {"W1": np.einsum("nd,nh->dh", X, dz1, optimize=True), "b1": np.einsum("nh->h", dz1),
            "W2": np.einsum("nh,nc->hc", h, dlogits, optimize=True), "b2": np.einsum("nc->c", dlogits)}


def sgd_update(params, grads, learning_rate):
    return {k: p - learning_rate * grads[k] for k, p in params.items()}


def adam_update(params, grads, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7):
    lr_t = learning_rate * np.sqrt(1.0 - beta2 ** t) / (1.0 - beta1 ** t)  # an np.float64
    m = {k: beta1 * m[k] + (1 - beta1) * g for k, g in grads.items()}
    v = {k: beta2 * v[k] + (1 - beta2) * np.square(g) for k, g in grads.items()}
    return {k: params[k] - lr_t * m[k] / (np.sqrt(v[k]) + epsilon) for k in params}, m, v
