"""The lesson's Keras model in today's Keras 3, fed by this project's own data layer.

The model itself is the student kit's (assignment/keras_model.py: the lesson's code in
today's form). Its recorded run (reference.json) is what the autograder's accuracy
threshold is measured against, so grading itself needs no TensorFlow.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
from pathlib import Path

import numpy as np

from assignment import data, keras_model

REFERENCE_JSON = Path(__file__).with_name("reference.json")
# The model, its training and its hyperparameters are the student kit's (one definition: what
# `mnist-hw keras` trains is what the reference was recorded with); these names stay for callers.
HYPERPARAMETERS = keras_model.HYPERPARAMETERS
build_model, make_deterministic, _epoch_timer = keras_model.build_model, keras_model.make_deterministic, \
    keras_model.epoch_timer
train_reference = keras_model.train


def versions() -> dict:
    keras = keras_model.import_keras()
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
