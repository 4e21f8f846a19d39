"""Time one training epoch of the numpy reference and of the lesson's Keras model, in one run.

    python benchmarks/epoch_speed.py [--rounds 5] [--data-dir D]

An epoch is 48,000 samples in batches of 200 (validation_split=0.2) plus the validation
pass, for both. Its arithmetic is about 1.23e11 floating-point operations: the forward
pass 2·N·(784·800 + 800·10), the backward pass the same again (no gradient for the input).
Dividing by the machine's float32 matrix-multiply rate, measured here in the same run,
gives the time no implementation on this machine's BLAS can beat: the bound.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assignment.data import load_mnist, one_hot  # noqa: E402
from assignment.training import fit  # noqa: E402
from solution import network  # noqa: E402

N_TRAIN, D, H, C = 48_000, 784, 800, 10
EPOCH_FLOP = 2 * (2 * N_TRAIN * (D * H + H * C))


def matmul_rate(n: int = 2048, repeats: int = 5) -> float:
    """Best float32 GEMM rate (FLOP/s) of n×n by n×n."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n**3 / best


def _timed(f) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def numpy_floor(repeats: int = 3) -> dict[str, float]:
    """Seconds per epoch of the work no numpy loop of this contract can skip, measured alone.

    - products: the two large matrix products of each training step (X W1 and X^T dz1,
      (200, 784) by (784, 800)) and the validation forward's X W1 on 12,000 rows;
    - adam: one call of the reference's adam_update per step on parameters of MNIST's
      shapes (elementwise, so numpy runs it on one core), each step's output fed to the next
      as in training.
    The rest of an epoch (bias, ReLU, softmax, the small products, batching) comes on top.
    """
    rng = np.random.default_rng(0)
    steps = N_TRAIN // 200
    x = rng.random((200, D), dtype=np.float32)
    x_val = rng.random((2000, D), dtype=np.float32)
    dz1 = rng.random((200, H), dtype=np.float32)
    params = network.init_params()
    grads = {k: (1e-3 * rng.standard_normal(p.shape)).astype(np.float32) for k, p in params.items()}

    def products():
        w1 = params["W1"]
        for _ in range(steps):
            x @ w1
            x.T @ dz1
        for _ in range(12_000 // 2000):
            x_val @ w1

    def adam():
        p, m, v = params, {k: np.zeros_like(a) for k, a in params.items()}, {k: np.zeros_like(a) for k, a in params.items()}
        for t in range(1, steps + 1):
            p, m, v = network.adam_update(p, grads, m, v, t)

    return {name: min(_timed(f) for _ in range(repeats)) for name, f in (("products", products), ("adam", adam))}


def interleaved_epochs(mnist, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of one numpy epoch and one Keras epoch, alternately, `rounds` times each.

    Alternating puts both under the same conditions: on a shared machine the speed drifts
    by a fifth over minutes, which would bias two back-to-back runs. A warm-up epoch of
    each (caches and the allocator for numpy, tracing and compiling for Keras) is not counted.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from solution.keras_reference import _epoch_timer, build_model

    model, timer = build_model(42), _epoch_timer()
    y = one_hot(mnist.y_train)

    def keras_epoch():
        model.fit(mnist.x_train, y, batch_size=200, epochs=1, validation_split=0.2, verbose=0, callbacks=[timer])
        return timer.seconds[-1]

    def numpy_epoch():
        return fit(network, mnist.x_train, mnist.y_train, epochs=1)[1].seconds[0]

    numpy_epoch(), keras_epoch()
    times = [(numpy_epoch(), keras_epoch()) for _ in range(rounds)]
    return [n for n, _ in times], [k for _, k in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs of each, alternating (after one warm-up each)")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    from threadpoolctl import threadpool_info

    mnist = load_mnist(args.data_dir)
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
            for i in threadpool_info() if i["user_api"] == "blas"]
    rate = matmul_rate()
    floor = numpy_floor()
    numpy_times, keras_times = interleaved_epochs(mnist, args.rounds)
    numpy_s, keras_s = statistics.median(numpy_times), statistics.median(keras_times)
    bound = EPOCH_FLOP / rate
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__} on {', '.join(blas)}")
    print(f"float32 matmul rate:        {rate / 1e9:7.1f} GFLOP/s  -> bound {bound:.3f} s per epoch "
          f"({EPOCH_FLOP:.3g} FLOP)")
    print(f"numpy reference epoch:      {numpy_s:7.3f} s   ({bound / numpy_s:.0%} of the bound; target >= 70%)")
    print(f"  of which at least:        {floor['products']:7.3f} s   large matrix products alone")
    print(f"                            {floor['adam']:7.3f} s   Adam's elementwise update alone (one core)")
    print(f"  numpy floor:              {sum(floor.values()):7.3f} s   ({bound / sum(floor.values()):.0%} of the bound; "
          f"the 70% target needs <= {bound / 0.7:.3f} s)")
    print(f"Keras (TensorFlow) epoch:   {keras_s:7.3f} s   ({bound / keras_s:.0%} of the bound)")
    print(f"numpy / Keras:              {numpy_s / keras_s:7.2f}     (target <= 0.60; medians of {args.rounds} "
          f"alternating epochs, ratios {min(n / k for n, k in zip(numpy_times, keras_times)):.2f}"
          f"-{max(n / k for n, k in zip(numpy_times, keras_times)):.2f})")


if __name__ == "__main__":
    main()
