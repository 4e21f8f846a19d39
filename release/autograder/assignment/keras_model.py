"""The lesson's Keras model in today's Keras 3, fed by the kit's own data layer: what
`mnist-hw keras` trains and what the instructor's reference (reference.json) was recorded with.

The lesson's code no longer runs as written (`keras.utils.np_utils` is gone, the history
keys are now `accuracy`/`val_accuracy`, and `keras.datasets.mnist.load_data` downloads
from the internet); this is its working equivalent, as the assignment text shows it:

    >>> from assignment import keras_model
    >>> model, history, test_loss, test_accuracy, seconds = keras_model.train(load_mnist(), epochs=30)

Keras is imported only here and only when called: nothing else in the kit needs TensorFlow,
and without it `import_keras` raises KerasMissing, whose message says how to install it.
"""
from __future__ import annotations

import contextlib
import os
import re
import time

from . import data, said

INSTALL = "pip install -e '.[keras]'"  # the student release's extra (the project has the same one)
NAME = "keras 784-800-10"
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


class KerasMissing(ImportError):
    """Keras or TensorFlow cannot be imported; the message names the command that installs them."""


# What TensorFlow's C++ side writes to stderr while it starts, before its log level is read
# (absl's pre-initialisation notice, oneDNN's announcement): said to no one, so dropped.
START_UP_NOISE = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\)|^[IW]\d{4} .*oneDNN custom "
                            r"operations are on|^[IW]\d{4} .*(cpu_feature_guard|cuda_|Unable to register)")


@contextlib.contextmanager
def quiet_start_up():
    """While TensorFlow is imported, file descriptor 2 goes to a temporary file (its C++ code
    writes there, below Python's sys.stderr); afterwards every line but START_UP_NOISE's is
    written to stderr as it came, so a real error is still seen."""
    import sys
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = [line for line in caught.read().decode("utf-8", "replace").splitlines(keepends=True)
                    if not START_UP_NOISE.search(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def not_while_nbgrader_grades():
    """Raise KerasMissing, saying why, where nbgrader runs the notebook to grade or validate it
    (it sets NBGRADER_EXECUTION, as its FAQ suggests for cells to leave out then): the Keras cell
    trains the same model for every student, for no points, so autograding a class would spend
    an epoch's minute per notebook on it for nothing."""
    if os.environ.get("NBGRADER_EXECUTION"):
        from autograder import messages

        raise said(KerasMissing, messages.kit("keras_while_graded"))


def find_keras():
    """Raise KerasMissing (as import_keras does) where Keras or TensorFlow is not installed, found
    without importing them: a fraction of a second, where TensorFlow's import takes seconds, so a
    command can check its other arguments before that import and still say a missing Keras first."""
    import importlib.util

    for name in ("keras", "tensorflow"):
        if importlib.util.find_spec(name) is None:
            from autograder import messages

            raise said(KerasMissing, messages.kit("keras_missing", ModuleNotFoundError(f"No module named '{name}'"),
                                                  INSTALL))


def import_keras():
    """Import and return the keras module (TensorFlow backend, its C++ log quiet).

    Raises KerasMissing, in English and Russian, with the install command, where Keras or
    TensorFlow is not installed (the kit installs neither by default: they weigh ~500 MB).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    try:
        with quiet_start_up():
            import keras
            import tensorflow  # noqa: F401 - the backend; Keras alone would fail later, less clearly
    except ImportError as exc:
        from autograder import messages

        raise said(KerasMissing, messages.kit("keras_missing", exc, INSTALL)) from exc
    return keras


def build_model(seed: int = 42):
    """Dense(800, relu) -> Dense(10, softmax), both kernel_initializer="normal", compiled as the lesson:
    categorical cross-entropy, Adam(1e-3), accuracy. 636,010 parameters."""
    keras = import_keras()
    with quiet_start_up():  # the first operation starts TensorFlow's runtime, which announces itself again
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
    keras = import_keras()
    import tensorflow as tf

    keras.utils.set_random_seed(seed)  # Python, numpy and the backend's generators
    tf.config.experimental.enable_op_determinism()


def epoch_timer():
    """A Keras callback that records the wall time of each epoch in `.seconds`."""
    keras = import_keras()

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._t0)

    return EpochTimer()


def progress_callback(on_batch, on_epoch):
    """A Keras callback that feeds the kit's progress display (assignment.cli.epoch_progress):
    on_batch(batch from 1, batches, running loss, running accuracy), on_epoch(epoch from 0, logs)."""
    keras = import_keras()

    class Report(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            on_batch(batch + 1, self.params["steps"], logs.get("loss", 0.0), logs.get("accuracy", 0.0))

        def on_epoch_end(self, epoch, logs=None):
            on_epoch(epoch, {k: logs[k] for k in ("loss", "accuracy", "val_loss", "val_accuracy")})

    return Report()


def train(mnist: data.MNIST, epochs: int = 30, seed: int = 42, verbose: int = 2, callbacks=()):
    """Train the lesson's model on MNIST, deterministically for a seed on one machine.

    Inputs:
    - mnist: the kit's MNIST (x float32 (N, 784) in [0, 1], integer labels (N,))
    - epochs, seed; verbose: Keras's (0 silent, 2 a line per epoch); callbacks: more Keras callbacks

    Returns (model, history dict with lists loss/accuracy/val_loss/val_accuracy, test loss,
    test accuracy, seconds of each epoch).
    """
    make_deterministic(seed)
    model = build_model(seed)
    timer = epoch_timer()
    fit = model.fit(mnist.x_train, data.one_hot(mnist.y_train), batch_size=HYPERPARAMETERS["batch_size"],
                    epochs=epochs, validation_split=HYPERPARAMETERS["validation_split"], verbose=verbose,
                    callbacks=[timer, *callbacks])
    test_loss, test_accuracy = model.evaluate(mnist.x_test, data.one_hot(mnist.y_test), verbose=0, batch_size=2000)
    history = {k: [float(x) for x in fit.history[k]] for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    return model, history, float(test_loss), float(test_accuracy), timer.seconds


def run(mnist: data.MNIST, epochs: int = 30, seed: int = 42, verbose: int = 2, callbacks=()) -> dict:
    """Train the lesson's model and return its run as `mnist-hw train` records one (history.json:
    see assignment.runs.result)."""
    from .runs import result

    model, history, test_loss, test_accuracy, seconds = train(mnist, epochs, seed, verbose, callbacks)
    return result(history, test_loss, test_accuracy, seconds=seconds, network=NAME, framework="keras",
                  parameters=int(model.count_params()), params={**HYPERPARAMETERS, "epochs": epochs, "seed": seed})
