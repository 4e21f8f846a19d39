"""Found by the red team: the kit imported, sys.stdout reconfigured and written as bytes."""

import sys

import numpy as np

from assignment.data import one_hot  # the kit, as the assignment text shows

sys.stdout.reconfigure(encoding="utf-8")  # a Windows student printing Russian
sys.stdout.buffer.write("сеть загружена\n".encode())


def init_params(n_inputs=784, n_hidden=800, n_classes=10, seed=0):
    """Initial weights, as Keras's kernel_initializer="normal" and zero biases.

    Inputs:
    - n_inputs: D, the size of an input vector
    - n_hidden: H, the number of hidden units
    - n_classes: C, the number of classes
    - seed: seed of the random generator, so that a run can be repeated

    Returns params: a dict of float32 arrays
    - 'W1': (D, H) drawn from Normal(0, 0.05)
    - 'b1': (H,) zeros
    - 'W2': (H, C) drawn from Normal(0, 0.05)
    - 'b2': (C,) zeros
    """
    rng = np.random.default_rng(seed)
    return {
        "W1": (0.05 * rng.standard_normal((n_inputs, n_hidden))).astype(np.float32),
        "b1": np.zeros(n_hidden, dtype=np.float32),
        "W2": (0.05 * rng.standard_normal((n_hidden, n_classes))).astype(np.float32),
        "b2": np.zeros(n_classes, dtype=np.float32),
    }


def softmax(logits):
    """Row-wise softmax, exact for any finite logits (no overflow for logits of 1e4).

    Inputs:
    - logits: (N, C) scores

    Returns probs: (N, C), each row non-negative and summing to 1.
    """
    # softmax(z) = softmax(z - c) for any c per row; with c = max the largest exponent is
    # e^0 = 1, so exp never overflows and the sum is at least 1.
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def forward(params, X):
    """Forward pass: z1 = X W1 + b1, h = ReLU(z1), logits = h W2 + b2.

    Inputs:
    - params: dict with 'W1' (D, H), 'b1' (H,), 'W2' (H, C), 'b2' (C,)
    - X: (N, D) inputs

    Returns a tuple of:
    - logits: (N, C) scores before the softmax
    - cache: dict of the arrays that backward needs (for example X and h)
    """
    z1 = X @ params["W1"]
    z1 += params["b1"]  # z1 is a new array: adding in place saves a copy, changes no input
    h = np.maximum(z1, 0, out=z1)
    logits = h @ params["W2"]
    logits += params["b2"]
    return logits, {"X": X, "h": h}


def softmax_cross_entropy(logits, Y):
    """Mean cross-entropy of softmax(logits) against one-hot labels, and its gradient.

    Inputs:
    - logits: (N, C) scores
    - Y: (N, C) one-hot labels

    Returns a tuple of:
    - loss: float, L = -(1/N) sum_i sum_c Y[i, c] log softmax(logits)[i, c]
    - dlogits: (N, C), the gradient dL/dlogits
    """
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    sums = exp.sum(axis=1, keepdims=True)
    # log softmax = shifted - log(sum exp): finite even where the probability underflows.
    log_probs = shifted - np.log(sums)
    loss = -float(np.sum(Y * log_probs)) / n
    dlogits = (exp / sums - Y) / n
    return loss, dlogits


def backward(params, cache, dlogits):
    """Backward pass: the gradient of the loss for every parameter.

    Inputs:
    - params: dict with 'W1' (D, H), 'b1' (H,), 'W2' (H, C), 'b2' (C,)
    - cache: what forward returned for this batch
    - dlogits: (N, C), the gradient of the loss with respect to the logits

    Returns grads: dict with 'W1' (D, H), 'b1' (H,), 'W2' (H, C), 'b2' (C,), each the
    gradient of the loss with respect to that parameter.
    """
    X, h = cache["X"], cache["h"]
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(axis=0)
    dz1 = dlogits @ params["W2"].T
    dz1 *= h > 0  # ReLU passes the gradient only where it was active
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_update(params, grads, learning_rate):
    """One step of plain gradient descent: p_new = p - learning_rate * dp.

    Inputs:
    - params: dict of arrays
    - grads: dict of arrays, same keys and shapes as params
    - learning_rate: float

    Returns new_params: dict, same keys and shapes as params.
    """
    return {k: params[k] - learning_rate * grads[k] for k in params}


def adam_update(params, grads, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7):
    """One step of Adam (Kingma & Ba 2015, Algorithm 1), with Keras's defaults.

    Inputs:
    - params, grads: dicts of arrays with the same keys and shapes
    - m, v: dicts of the first and second moment estimates (zeros before the first step)
    - t: the number of this step, counting from 1
    - learning_rate, beta1, beta2, epsilon: Adam's hyperparameters

    Returns a tuple of:
    - new_params: dict, the parameters after the step
    - new_m: dict, m_t = beta1 m + (1 - beta1) g
    - new_v: dict, v_t = beta2 v + (1 - beta2) g^2
    Both Algorithm 1 (bias-corrected m_hat and v_hat) and the form Keras uses
    (lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), p - lr_t m_t / (sqrt(v_t) + epsilon))
    are accepted.
    """
    # Keras's form: the bias corrections folded into one step size.
    # A Python float keeps float32 arrays float32 (a numpy float64 scalar would not).
    lr_t = float(learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t))
    new_params, new_m, new_v = {}, {}, {}
    for k in params:
        g = grads[k]
        new_m[k] = beta1 * m[k] + (1 - beta1) * g
        new_v[k] = beta2 * v[k] + (1 - beta2) * (g * g)
        new_params[k] = params[k] - lr_t * new_m[k] / (np.sqrt(new_v[k]) + epsilon)
    return new_params, new_m, new_v


if __name__ == "__main__":
    print(one_hot(np.array([1, 2]), 3))
