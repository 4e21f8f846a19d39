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
from typing import Callable, Iterable

import numpy as np

from . import kit_error
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
# (t of the first step, the epoch's batches as index arrays) -> (loss, correct predictions) of each step, in order
Steps = Callable[[int, list], Iterable[tuple[float, int]]]
StopRule = Callable[[int, dict], bool]  # (epoch index from 0, that epoch's params) -> stop here


def train_step(net: ModuleType, state: dict, t: int, xb: np.ndarray, Yb: np.ndarray, optimizer: str,
               learning_rate: float) -> tuple[dict, float, np.ndarray]:
    """One step of training with the contract's functions: forward, loss, backward, update.

    Inputs:
    - net: a module with the contract's functions
    - state: {"params": ..., "m": ..., "v": ...} (m, v only for Adam); replaced by the new ones
    - t: the number of this step, from 1; xb: (B, D) inputs; Yb: (B, C) one-hot labels
    - optimizer: 'adam' or 'sgd'; learning_rate: float

    Returns a tuple of:
    - grads: what backward returned for this batch
    - loss: what softmax_cross_entropy returned (before the update)
    - logits: (B, C), what forward returned (before the update)
    """
    logits, cache = net.forward(state["params"], xb)
    loss, dlogits = net.softmax_cross_entropy(logits, Yb)
    grads = net.backward(state["params"], cache, dlogits)
    if optimizer == "adam":
        state["params"], state["m"], state["v"] = net.adam_update(state["params"], grads, state["m"], state["v"], t,
                                                                  learning_rate=learning_rate)
    else:
        state["params"] = net.sgd_update(state["params"], grads, learning_rate)
    return grads, loss, logits


def run_epochs(steps: Steps, snapshot: Callable[[], dict], validate: Callable[[dict], tuple[float, float]] | None,
               n_train: int, history: History, *, epochs: int, batch_size: int, seed: int,
               restore_best_weights: bool = False, on_epoch: EpochCallback | None = None,
               on_batch: BatchCallback | None = None, time_budget: float | None = None,
               stop: StopRule | None = None) -> tuple[dict, History]:
    """The loop of `fit`, whatever does the steps: shuffled minibatches, per-epoch metrics,
    the best validation epoch kept. `fit` runs it with the student's functions in this
    process; the autograder runs it with every step done, and verified, in the sandbox.

    Inputs:
    - steps(t0, batches): trains on each batch (an index array (B,) into the training part)
      in turn, as steps t0, t0 + 1, ... (t counts from 1); yields, for each, (loss, number of
      correct predictions) of that batch, measured before the update
    - snapshot(): a copy of the current parameters
    - validate(params): (val_loss, val_accuracy) of params, or None when there is no validation set
    - n_train: N, the size of the training part; history: the History to fill
    - epochs, batch_size, seed (the shuffling), restore_best_weights, on_epoch, on_batch,
      time_budget: as in `fit`
    - stop(epoch, params): asked at each epoch that is the best on validation so far (with
      restore_best_weights), with that epoch's parameters; True ends training there, those
      parameters kept. The autograder stops once the points are decided; the epochs it asks
      about are chosen by validation alone.

    Returns a tuple (params, history).
    """
    rng = np.random.default_rng(seed)
    best = (-1.0, None)
    n_batches = math.ceil(n_train / batch_size)
    t, started = 0, time.perf_counter()
    for epoch in range(epochs):
        t0 = time.perf_counter()
        order = rng.permutation(n_train)
        loss_sum, correct, seen = 0.0, 0, 0
        batches = [order[b * batch_size:(b + 1) * batch_size] for b in range(n_batches)]
        for b, (loss, right) in enumerate(steps(t + 1, batches)):
            # Keras reports the running mean over the epoch's batches, measured before each update.
            loss_sum += float(loss) * len(batches[b])
            correct += int(right)
            seen += len(batches[b])
            if on_batch:
                on_batch(b + 1, n_batches, loss_sum / seen, correct / seen)
        t += n_batches
        logs = {"loss": loss_sum / seen, "accuracy": correct / seen}
        current = snapshot()
        if validate is not None:
            logs["val_loss"], logs["val_accuracy"] = validate(current)
        else:
            logs["val_loss"] = logs["val_accuracy"] = float("nan")
        for key in METRICS:
            history.history[key].append(logs[key])
        history.epoch.append(epoch)
        history.seconds.append(time.perf_counter() - t0)
        improved = restore_best_weights and logs["val_accuracy"] > best[0]
        if improved:
            best = (logs["val_accuracy"], current)
            history.best_epoch = epoch
        if on_epoch:
            on_epoch(epoch, logs)
        if improved and stop is not None and stop(epoch, current):
            break
        if time_budget is not None and time.perf_counter() - started > time_budget:
            break
    if restore_best_weights and best[1] is not None:
        return best[1], history
    return snapshot(), history


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
        raise kit_error(ValueError, "bad_optimizer", repr(optimizer))
    lr = DEFAULT_LEARNING_RATE[optimizer] if learning_rate is None else float(learning_rate)
    (x_tr, y_tr), (x_val, y_val) = split_validation(x, y, validation_split)
    n_classes = max(N_CLASSES, int(y.max()) + 1)
    Y_tr = one_hot(y_tr, n_classes, dtype=x.dtype)
    params = net.init_params(n_inputs=x.shape[1], n_hidden=n_hidden, n_classes=n_classes, seed=seed)
    state = {"params": params, "m": {k: np.zeros_like(p) for k, p in params.items()},
             "v": {k: np.zeros_like(p) for k, p in params.items()}}
    history = History(params=dict(epochs=epochs, batch_size=batch_size, optimizer=optimizer, learning_rate=lr,
                                  validation_split=validation_split, n_hidden=n_hidden, seed=seed,
                                  n_train=len(x_tr), n_val=len(x_val)))

    def steps(t0, batches):
        for t, idx in enumerate(batches, start=t0):
            _, loss, logits = train_step(net, state, t, x_tr[idx], Y_tr[idx], optimizer, lr)
            yield loss, int(np.sum(np.argmax(logits, axis=1) == y_tr[idx]))

    return run_epochs(steps, lambda: {k: p.copy() for k, p in state["params"].items()},
                      (lambda p: evaluate(net, p, x_val, y_val)) if len(x_val) else None, len(x_tr), history,
                      epochs=epochs, batch_size=batch_size, seed=seed, restore_best_weights=restore_best_weights,
                      on_epoch=on_epoch, on_batch=on_batch, time_budget=time_budget)
