"""Helper functions, type hints, a class, lists instead of tuples, a 0-d array loss."""
from __future__ import annotations

import math
import numpy as np

Params = dict[str, np.ndarray]


def init_params(n_inputs=784, n_hidden=800, n_classes=10, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "W1": (0.05 * rng.standard_normal((n_inputs, n_hidden))).astype(np.float32),
        "b1": np.zeros(n_hidden, dtype=np.float32),
        "W2": (0.05 * rng.standard_normal((n_hidden, n_classes))).astype(np.float32),
        "b2": np.zeros(n_classes, dtype=np.float32),
    }


def relu(z: np.ndarray) -> np.ndarray:
    return z * (z > 0)


def log_softmax(z: np.ndarray) -> np.ndarray:
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


class Layers:
    @staticmethod
    def dense(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        return x @ w + b

    @staticmethod
    def dense_backward(x: np.ndarray, w: np.ndarray, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def softmax(logits: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(logits))


def forward(params: Params, X: np.ndarray) -> list:
    z1 = Layers.dense(X, params["W1"], params["b1"])
    h = relu(z1)
    return [Layers.dense(h, params["W2"], params["b2"]), {"X": X, "z1": z1, "h": h}]


def softmax_cross_entropy(logits: np.ndarray, Y: np.ndarray) -> list:
    n = logits.shape[0]
    loss = np.array(-(Y * log_softmax(logits)).sum() / n)  # a 0-d array
    return [loss, (softmax(logits) - Y) / n]


def backward(params: Params, cache: dict, dlogits: np.ndarray) -> Params:
    dh, dW2, db2 = Layers.dense_backward(cache["h"], params["W2"], dlogits)
    dz1 = dh * (cache["z1"] > 0)
    _, dW1, db1 = Layers.dense_backward(cache["X"], params["W1"], dz1)
    return dict(W1=dW1, b1=db1, W2=dW2, b2=db2)


def sgd_update(params: Params, grads: Params, learning_rate: float) -> Params:
    return {k: params[k] - learning_rate * grads[k] for k in ("W1", "b1", "W2", "b2")}


def adam_update(params: Params, grads: Params, m: Params, v: Params, t: int, learning_rate: float = 1e-3,
                beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-7) -> list:
    step = learning_rate * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    out = [{}, {}, {}]
    for k in params:
        mk = beta1 * m[k] + (1 - beta1) * grads[k]
        vk = beta2 * v[k] + (1 - beta2) * grads[k] * grads[k]
        out[0][k], out[1][k], out[2][k] = params[k] - step * mk / (np.sqrt(vk) + epsilon), mk, vk
    return out
