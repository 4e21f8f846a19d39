"""The Keras reference: the recorded reference.json is sound and a fresh run reproduces it."""
import numpy as np
import pytest

pytest.importorskip("tensorflow")
from assignment import data  # noqa: E402
from solution import keras_reference as kr  # noqa: E402

pytestmark = pytest.mark.slow  # end to end (grading with training, nbgrader, Chromium, Keras, the corpus): `-m "not slow"` leaves it out


def test_recorded_reference_is_complete():
    ref = kr.load()
    assert 0.975 <= ref["test_accuracy"] <= 0.99
    assert ref["hyperparameters"]["epochs"] == len(ref["history"]["val_accuracy"]) == 30
    assert ref["hyperparameters"]["batch_size"] == 200 and ref["hyperparameters"]["seed"] == 42
    assert ref["data_md5"] == data.CANONICAL_MD5
    assert {"keras", "tensorflow", "numpy"} <= set(ref["versions"])


@pytest.mark.keras
def test_a_fresh_run_reproduces_the_recorded_first_epochs(mnist):
    recorded = kr.load()["history"]
    _, history, _, _, _ = kr.train_reference(mnist, epochs=2, verbose=0)
    for key in ("accuracy", "val_accuracy"):
        np.testing.assert_allclose(history[key], recorded[key][:2], atol=0.003, err_msg=key)
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(history[key], recorded[key][:2], rtol=0.03, err_msg=key)


@pytest.mark.keras
def test_two_runs_on_one_machine_give_the_same_history(mnist):
    small = data.MNIST(mnist.x_train[:4000], mnist.y_train[:4000], mnist.x_test[:1000], mnist.y_test[:1000])
    first = kr.train_reference(small, epochs=2, verbose=0)
    second = kr.train_reference(small, epochs=2, verbose=0)
    assert first[1] == second[1] and first[3] == second[3]


def test_missing_reference_says_how_to_record(tmp_path):
    with pytest.raises(FileNotFoundError, match="mnist-hw reference"):
        kr.load(tmp_path / "reference.json")



@pytest.mark.parametrize("absent", ["keras", "tensorflow"])
def test_a_missing_keras_is_found_without_importing_it(monkeypatch, absent):
    """keras_model.find_keras: what `mnist-hw keras` asks before its other arguments (TensorFlow's
    import, seconds, comes after them), in import_keras's words for the same absence."""
    import importlib.util

    from assignment import keras_model
    from autograder import messages

    real_find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == absent else real_find(name, *a))
    with pytest.raises(keras_model.KerasMissing) as found:
        keras_model.find_keras()
    error = ModuleNotFoundError(f"No module named '{absent}'")  # what `import` raises for it
    assert str(found.value) == str(keras_model.said(keras_model.KerasMissing,
                                                    messages.kit("keras_missing", error, keras_model.INSTALL)))
    assert keras_model.INSTALL in str(found.value)
