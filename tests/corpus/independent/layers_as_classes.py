"""Written independently for the similarity test: layers as small classes with their own backward, a probabilities-first loss."""
import numpy as np


class Dense:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def __call__(self, x):
        return x @ self.W + self.b

    def grads(self, x, upstream):
        return x.T @ upstream, upstream.sum(0), upstream @ self.W.T


def relu(z):
    return z * (z > 0)


def init_params(n_inputs=784, n_hidden=800, n_classes=10, seed=0):
    gen = np.random.default_rng(seed)
    shapes = {"W1": (n_inputs, n_hidden), "W2": (n_hidden, n_classes)}
    out = {k: (gen.standard_normal(s) * 0.05).astype("float32") for k, s in shapes.items()}
    out["b1"] = np.zeros(n_hidden, "float32")
    out["b2"] = np.zeros(n_classes, "float32")
    return out


def softmax(logits):
    z = logits - np.amax(logits, axis=1, keepdims=True)
    ez = np.exp(z)
    return ez / np.sum(ez, axis=1, keepdims=True)


def forward(params, X):
    first, second = Dense(params["W1"], params["b1"]), Dense(params["W2"], params["b2"])
    hidden = relu(first(X))
    return second(hidden), {"x": X, "hidden": hidden}


def softmax_cross_entropy(logits, Y):
    probs = softmax(logits)
    count = len(logits)
    safe = np.log(np.clip(probs, 1e-300, None))
    return float(-(Y * safe).sum() / count), (probs - Y) / count


def backward(params, cache, dlogits):
    X, hidden = cache["x"], cache["hidden"]
    dW2, db2, dhidden = Dense(params["W2"], params["b2"]).grads(hidden, dlogits)
    dW1, db1, _ = Dense(params["W1"], params["b1"]).grads(X, dhidden * (hidden > 0))
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_update(params, grads, learning_rate):
    return dict((k, params[k] - grads[k] * learning_rate) for k in params)


def adam_update(params, grads, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7):
    step = learning_rate * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t)
    m2 = {k: m[k] * beta1 + grads[k] * (1 - beta1) for k in grads}
    v2 = {k: v[k] * beta2 + grads[k] * grads[k] * (1 - beta2) for k in grads}
    return {k: params[k] - step * m2[k] / (np.sqrt(v2[k]) + epsilon) for k in params}, m2, v2
