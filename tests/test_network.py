"""The reference network against float64 central differences and against Keras/TensorFlow."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assignment.data import one_hot
from assignment.gradient_check import params_gradients, rel_error
from solution import network as net


def small_problem(n=7, d=6, h=5, c=4, seed=0, kink_margin=1e-3):
    """float64 params and a batch whose pre-activations all lie away from the ReLU kink."""
    rng = np.random.default_rng(seed)
    params = {k: v.astype(np.float64) for k, v in net.init_params(d, h, c, seed=seed).items()}
    params["W1"] = rng.standard_normal((d, h))
    params["b1"] = rng.standard_normal(h) * 0.1
    params["W2"] = rng.standard_normal((h, c))
    params["b2"] = rng.standard_normal(c) * 0.1
    x = rng.standard_normal((n, d))
    z1 = x @ params["W1"] + params["b1"]
    x = x[np.all(np.abs(z1) > kink_margin, axis=1)]
    y = one_hot(rng.integers(0, c, len(x)), c, dtype=np.float64)
    return params, x, y


def loss_of(params, x, y):
    return net.softmax_cross_entropy(net.forward(params, x)[0], y)[0]


def analytic(params, x, y):
    logits, cache = net.forward(params, x)
    _, dlogits = net.softmax_cross_entropy(logits, y)
    return net.backward(params, cache, dlogits)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(n=st.integers(1, 8), d=st.integers(1, 6), h=st.integers(1, 6), c=st.integers(2, 5), seed=st.integers(0, 99))
def test_gradients_match_central_differences(n, d, h, c, seed):
    params, x, y = small_problem(n, d, h, c, seed)
    if len(x) == 0:
        return
    numeric = params_gradients(lambda p: loss_of(p, x, y), params)
    grads = analytic(params, x, y)
    for key in params:
        assert grads[key].shape == params[key].shape
        assert rel_error(grads[key], numeric[key]) < 1e-6, key


def test_dlogits_matches_central_differences():
    _, _, y = small_problem()
    logits = np.random.default_rng(1).standard_normal(y.shape) * 3
    from assignment.gradient_check import numerical_gradient

    numeric = numerical_gradient(lambda z: net.softmax_cross_entropy(z, y)[0], logits)
    assert rel_error(net.softmax_cross_entropy(logits, y)[1], numeric) < 1e-7


def test_softmax_is_stable_and_shift_invariant():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1.0, 2.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        probs = net.softmax(logits)
        loss, dlogits = net.softmax_cross_entropy(logits, np.eye(3))
    assert np.all(np.isfinite(probs)) and np.allclose(probs.sum(axis=1), 1)
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits)) and loss >= 0
    np.testing.assert_allclose(net.softmax(logits[2:] + 123.0), net.softmax(logits[2:]), rtol=1e-12)


def test_nothing_is_mutated_and_dtypes_are_kept():
    params = net.init_params(20, 8, 10, seed=3)
    x = np.random.default_rng(0).random((5, 20), dtype=np.float32)
    y = one_hot(np.arange(5) % 10)
    before = {k: v.copy() for k, v in params.items()}
    logits, cache = net.forward(params, x)
    loss, dlogits = net.softmax_cross_entropy(logits, y)
    d_before = dlogits.copy()
    grads = net.backward(params, cache, dlogits)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    new, m2, v2 = net.adam_update(params, grads, m, v, 1)
    sgd = net.sgd_update(params, grads, 0.1)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
        assert not m[k].any() and not v[k].any()
        assert new[k].dtype == sgd[k].dtype == grads[k].dtype == np.float32
    np.testing.assert_array_equal(dlogits, d_before)
    assert isinstance(loss, float)


def test_init_params_is_kerass_normal():
    p = net.init_params(seed=7)
    assert {k: v.shape for k, v in p.items()} == {"W1": (784, 800), "b1": (800,), "W2": (800, 10), "b2": (10,)}
    assert abs(p["W1"].std() - 0.05) < 0.001 and abs(p["W1"].mean()) < 0.001
    assert not p["b1"].any() and not p["b2"].any()
    np.testing.assert_array_equal(net.init_params(seed=7)["W1"], p["W1"])


def test_same_shapes_and_parameter_count_as_the_keras_model(tf):
    from solution.keras_reference import build_model

    model = build_model()
    p = net.init_params()
    assert [tuple(w.shape) for w in model.get_weights()] == [p[k].shape for k in ("W1", "b1", "W2", "b2")]
    assert sum(v.size for v in p.values()) == model.count_params()  # 636,010


# Against an established library: the same weights and batch through Keras/TensorFlow.

@pytest.fixture(scope="module")
def tf():
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return pytest.importorskip("tensorflow")


def test_forward_loss_and_gradients_match_tensorflow(tf):
    params, x, y = small_problem(n=16, d=12, h=9, c=10, seed=5)
    tp = {k: tf.Variable(v) for k, v in params.items()}
    with tf.GradientTape() as tape:
        logits = tf.nn.relu(x @ tp["W1"] + tp["b1"]) @ tp["W2"] + tp["b2"]
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    expected = tape.gradient(loss, tp)
    ours_logits, _ = net.forward(params, x)
    ours_loss, _ = net.softmax_cross_entropy(ours_logits, y)
    np.testing.assert_allclose(ours_logits, logits.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours_loss, float(loss), rtol=1e-12)
    np.testing.assert_allclose(net.softmax(ours_logits), tf.nn.softmax(logits).numpy(), rtol=1e-10, atol=1e-15)
    grads = analytic(params, x, y)
    for k in params:
        np.testing.assert_allclose(grads[k], expected[k].numpy(), rtol=1e-10, atol=1e-14)


def test_adam_matches_keras_adam_over_several_steps(tf):
    import keras

    rng = np.random.default_rng(0)
    params = {k: v.astype(np.float64) for k, v in net.init_params(6, 5, 3, seed=1).items()}
    variables = [keras.Variable(params[k], dtype="float64", name=k) for k in params]
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)  # Keras's defaults otherwise
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    for t in range(1, 6):
        grads = {k: rng.standard_normal(p.shape) for k, p in params.items()}
        optimizer.apply_gradients([(tf.constant(grads[k]), var) for k, var in zip(params, variables)])
        params, m, v = net.adam_update(params, grads, m, v, t, learning_rate=1e-2)
        for k, var in zip(params, variables):
            # Keras keeps beta_2 in float32 (0.99900001...), so its step differs by ~1e-5 relative.
            np.testing.assert_allclose(params[k], var.numpy(), rtol=0, atol=5e-7)


def test_sgd_matches_keras_sgd(tf):
    import keras

    params = {k: v.astype(np.float64) for k, v in net.init_params(4, 3, 2, seed=2).items()}
    grads = {k: np.full_like(v, 0.5) for k, v in params.items()}
    variables = [keras.Variable(params[k], dtype="float64") for k in params]
    keras.optimizers.SGD(learning_rate=0.1).apply_gradients(
        [(tf.constant(grads[k]), var) for k, var in zip(params, variables)])
    new = net.sgd_update(params, grads, 0.1)
    for k, var in zip(params, variables):
        np.testing.assert_allclose(new[k], var.numpy(), rtol=0, atol=1e-9)  # Keras's lr is a float32
