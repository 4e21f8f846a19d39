"""The training loop given to students: minibatch training of any network.py, Keras-style.

It calls only the functions of the student contract (init_params, forward,
softmax_cross_entropy, backward, sgd_update, adam_update), so it runs the reference and
every student's network alike, and returns a History with the keys Keras uses:

    >>> params, history = fit(network, mnist.x_train, mnist.y_train, epochs=10)
    >>> history.history["val_accuracy"][-1]
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

import numpy as np

from .data import N_CLASSES, one_hot

DEFAULT_LEARNING_RATE = {"adam": 1e-3, "sgd": 0.1}
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass
class History:
    """As keras.callbacks.History: `history[metric]` holds one value per epoch."""

    history: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in METRICS})
    epoch: list[int] = field(default_factory=list)
    params: dict = field(default_factory=dict)  # the hyperparameters of the run
    seconds: list[float] = field(default_factory=list)  # wall time of each epoch
    best_epoch: int | None = None  # 0-based, when the best weights were kept

    def to_dict(self) -> dict:
        return {**self.history, "epoch": self.epoch, "seconds": self.seconds,
                "best_epoch": self.best_epoch, "params": self.params}

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        return cls({k: list(d[k]) for k in METRICS}, list(d.get("epoch", range(len(d["loss"])))),
                   dict(d.get("params", {})), list(d.get("seconds", [])), d.get("best_epoch"))


def evaluate(net: ModuleType, params: dict, x: np.ndarray, y: np.ndarray, batch_size: int = 2000) -> tuple[float, float]:
    """Mean loss and accuracy of `params` on (x (N, D), integer labels y (N,)), in batches."""
    total_loss, correct = 0.0, 0
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        logits, _ = net.forward(params, xb)
        loss, _ = net.softmax_cross_entropy(logits, one_hot(yb, dtype=logits.dtype))
        total_loss += float(loss) * len(xb)
        correct += int(np.sum(np.argmax(logits, axis=1) == yb))
    return total_loss / len(x), correct / len(x)


def predict(net: ModuleType, params: dict, x: np.ndarray, batch_size: int = 2000) -> np.ndarray:
    """Predicted classes (N,) for inputs x (N, D)."""
    return np.concatenate([np.argmax(net.forward(params, x[s:s + batch_size])[0], axis=1)
                           for s in range(0, len(x), batch_size)])


def split_validation(x: np.ndarray, y: np.ndarray, validation_split: float):
    """As Keras's validation_split: the last fraction of the data, taken before any shuffling."""
    n_val = int(math.floor(len(x) * validation_split))
    cut = len(x) - n_val
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


EpochCallback = Callable[[int, dict], None]  # (epoch index from 0, logs of that epoch)
BatchCallback = Callable[[int, int, float, float], None]  # (batch, n_batches, running loss, running accuracy)


def fit(net: ModuleType, x: np.ndarray, y: np.ndarray, *, epochs: int = 10, batch_size: int = 200,
        optimizer: str = "adam", learning_rate: float | None = None, validation_split: float = 0.2,
        n_hidden: int = 800, seed: int = 0, restore_best_weights: bool = False,
        on_epoch: EpochCallback | None = None, on_batch: BatchCallback | None = None,
        time_budget: float | None = None) -> tuple[dict, History]:
    """Train a network.py on (x, y) and return (params, History).

    Inputs:
    - net: a module with the contract's functions (a student's network.py or the reference)
    - x: (N, D) float inputs; y: (N,) integer labels in 0..C-1
    - epochs, batch_size, optimizer ('adam' or 'sgd'), learning_rate (default: 1e-3 for
      Adam, 0.1 for SGD), validation_split (the last fraction of x, as Keras does)
    - n_hidden: H; seed: seeds both the initial weights and the shuffling, so a run repeats
    - restore_best_weights: return the weights of the epoch with the best val_accuracy
      (as Keras's EarlyStopping(restore_best_weights=True)) instead of the last ones
    - on_epoch, on_batch: callbacks for progress display
    - time_budget: seconds; training stops after the epoch that crosses it

    Returns a tuple of:
    - params: the trained parameters
    - history: History with loss, accuracy, val_loss, val_accuracy per epoch
    """
    if optimizer not in DEFAULT_LEARNING_RATE:
        raise ValueError(f"optimizer must be 'adam' or 'sgd', not {optimizer!r}")
    lr = DEFAULT_LEARNING_RATE[optimizer] if learning_rate is None else float(learning_rate)
    (x_tr, y_tr), (x_val, y_val) = split_validation(x, y, validation_split)
    n_classes = max(N_CLASSES, int(y.max()) + 1)
    Y_tr = one_hot(y_tr, n_classes, dtype=x.dtype)
    rng = np.random.default_rng(seed)
    params = net.init_params(n_inputs=x.shape[1], n_hidden=n_hidden, n_classes=n_classes, seed=seed)
    m = {k: np.zeros_like(p) for k, p in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    history = History(params=dict(epochs=epochs, batch_size=batch_size, optimizer=optimizer, learning_rate=lr,
                                  validation_split=validation_split, n_hidden=n_hidden, seed=seed,
                                  n_train=len(x_tr), n_val=len(x_val)))
    best = (-1.0, None)
    n_batches = math.ceil(len(x_tr) / batch_size)
    step, started = 0, time.perf_counter()
    for epoch in range(epochs):
        t0 = time.perf_counter()
        order = rng.permutation(len(x_tr))
        loss_sum, correct, seen = 0.0, 0, 0
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            xb, Yb = x_tr[idx], Y_tr[idx]
            logits, cache = net.forward(params, xb)
            loss, dlogits = net.softmax_cross_entropy(logits, Yb)
            grads = net.backward(params, cache, dlogits)
            step += 1
            if optimizer == "adam":
                params, m, v = net.adam_update(params, grads, m, v, step, learning_rate=lr)
            else:
                params = net.sgd_update(params, grads, lr)
            # Keras reports the running mean over the epoch's batches, measured before each update.
            loss_sum += float(loss) * len(idx)
            correct += int(np.sum(np.argmax(logits, axis=1) == y_tr[idx]))
            seen += len(idx)
            if on_batch:
                on_batch(b + 1, n_batches, loss_sum / seen, correct / seen)
        logs = {"loss": loss_sum / seen, "accuracy": correct / seen}
        if len(x_val):
            logs["val_loss"], logs["val_accuracy"] = evaluate(net, params, x_val, y_val)
        else:
            logs["val_loss"] = logs["val_accuracy"] = float("nan")
        for key in METRICS:
            history.history[key].append(logs[key])
        history.epoch.append(epoch)
        history.seconds.append(time.perf_counter() - t0)
        if restore_best_weights and logs["val_accuracy"] > best[0]:
            best = (logs["val_accuracy"], {k: p.copy() for k, p in params.items()})
            history.best_epoch = epoch
        if on_epoch:
            on_epoch(epoch, logs)
        if time_budget is not None and time.perf_counter() - started > time_budget:
            break
    if restore_best_weights and best[1] is not None:
        params = best[1]
    return params, history
