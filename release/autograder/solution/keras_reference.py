"""The lesson's Keras model in today's Keras 3, fed by this project's own data layer.

The lesson's code no longer runs as written (`keras.utils.np_utils` is gone, the history
keys are now `accuracy`/`val_accuracy`, and `keras.datasets.mnist.load_data` downloads
from the internet); this is its working equivalent. Its recorded run (reference.json)
is what the autograder's accuracy threshold is measured against, so grading itself
needs no TensorFlow.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from assignment import data

REFERENCE_JSON = Path(__file__).with_name("reference.json")
HYPERPARAMETERS = dict(
    layers=[784, 800, 10],
    hidden_activation="relu",
    output_activation="softmax",
    kernel_initializer="normal",  # RandomNormal(mean=0, stddev=0.05)
    loss="categorical_crossentropy",
    optimizer="adam",
    learning_rate=1e-3,
    beta_1=0.9,
    beta_2=0.999,
    epsilon=1e-7,
    batch_size=200,
    epochs=30,
    validation_split=0.2,
    seed=42,
)


def _quiet_tensorflow() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def build_model(seed: int = 42):
    """Dense(800, relu) -> Dense(10, softmax), both kernel_initializer="normal", compiled as the lesson."""
    _quiet_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(800, activation="relu", kernel_initializer="normal"),
        keras.layers.Dense(10, activation="softmax", kernel_initializer="normal"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=["accuracy"])
    return model


def make_deterministic(seed: int) -> None:
    """Same seed, same machine, same history: seeded generators and deterministic TF ops."""
    _quiet_tensorflow()
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)  # Python, numpy and the backend's generators
    tf.config.experimental.enable_op_determinism()


def train_reference(mnist: data.MNIST, epochs: int = 30, seed: int = 42, verbose: int = 2, callbacks=()):
    """Train the lesson's model; return (model, history dict, test loss, test accuracy, seconds per epoch)."""
    make_deterministic(seed)
    model = build_model(seed)
    y_train = data.one_hot(mnist.y_train)
    y_test = data.one_hot(mnist.y_test)
    timer = _epoch_timer()
    fit = model.fit(mnist.x_train, y_train, batch_size=HYPERPARAMETERS["batch_size"], epochs=epochs,
                    validation_split=HYPERPARAMETERS["validation_split"], verbose=verbose,
                    callbacks=[timer, *callbacks])
    test_loss, test_accuracy = model.evaluate(mnist.x_test, y_test, verbose=0, batch_size=2000)
    history = {k: [float(x) for x in fit.history[k]] for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    return model, history, float(test_loss), float(test_accuracy), timer.seconds


def _epoch_timer():
    """A Keras callback that records the wall time of each epoch in `.seconds`."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._t0)

    return EpochTimer()


def versions() -> dict:
    import keras
    import tensorflow as tf

    return {"keras": keras.__version__, "tensorflow": tf.__version__, "numpy": np.__version__,
            "python": platform.python_version()}


def record(mnist: data.MNIST, epochs: int = 30, seed: int = 42, verbose: int = 2, callbacks=()) -> dict:
    """Train the reference and return the content of reference.json."""
    _, history, test_loss, test_accuracy, seconds = train_reference(mnist, epochs, seed, verbose, callbacks)
    return {
        "model": "keras 784-800-10 (the lesson's)",
        "test_accuracy": test_accuracy,
        "test_loss": test_loss,
        "history": history,
        "seconds_per_epoch": seconds,
        "hyperparameters": {**HYPERPARAMETERS, "epochs": epochs, "seed": seed},
        "versions": versions(),
        "data_md5": dict(data.CANONICAL_MD5),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "date": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
    }


def save(reference: dict, path: os.PathLike | str = REFERENCE_JSON) -> Path:
    from assignment.idx import write_atomic

    path = Path(path)
    write_atomic(path, (json.dumps(reference, indent=2) + "\n").encode())
    return path


def load(path: os.PathLike | str = REFERENCE_JSON) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no recorded Keras reference. Run `mnist-hw reference` to record one.")
    return json.loads(path.read_text())
