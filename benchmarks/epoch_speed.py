"""Time one training epoch of the numpy reference and of the lesson's Keras model, in one run.

    python benchmarks/epoch_speed.py [--epochs 3] [--data-dir D]

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


def numpy_epoch(mnist, epochs: int) -> list[float]:
    _, history = fit(network, mnist.x_train, mnist.y_train, epochs=epochs)
    return history.seconds[1:]  # the first epoch warms caches and the allocator


def keras_epoch(mnist, epochs: int) -> list[float]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from solution.keras_reference import _epoch_timer, build_model

    model = build_model(42)
    timer = _epoch_timer()
    model.fit(mnist.x_train, one_hot(mnist.y_train), batch_size=200, epochs=epochs, validation_split=0.2,
              verbose=0, callbacks=[timer])
    return timer.seconds[1:]  # the first epoch traces and compiles the graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4, help="epochs per framework; the first is not counted")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    from threadpoolctl import threadpool_info

    mnist = load_mnist(args.data_dir)
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
            for i in threadpool_info() if i["user_api"] == "blas"]
    rate = matmul_rate()
    numpy_s = statistics.median(numpy_epoch(mnist, args.epochs))
    keras_s = statistics.median(keras_epoch(mnist, args.epochs))
    bound = EPOCH_FLOP / rate
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__} on {', '.join(blas)}")
    print(f"float32 matmul rate:        {rate / 1e9:7.1f} GFLOP/s  -> bound {bound:.3f} s per epoch "
          f"({EPOCH_FLOP:.3g} FLOP)")
    print(f"numpy reference epoch:      {numpy_s:7.3f} s   ({bound / numpy_s:.0%} of the bound; target >= 70%)")
    print(f"Keras (TensorFlow) epoch:   {keras_s:7.3f} s   ({bound / keras_s:.0%} of the bound)")
    print(f"numpy / Keras:              {numpy_s / keras_s:7.2f}     (target <= 0.60)")


if __name__ == "__main__":
    main()
