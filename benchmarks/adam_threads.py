"""Can Adam's update use the second core? Timed alone and inside training, one run.

    python benchmarks/adam_threads.py [--data-dir D]

numpy runs elementwise operations on one core, so the reference's adam_update leaves the
second core idle. Splitting every parameter in two halves (Adam is elementwise, so the
halves are independent) and updating them in two threads should use both. This script
times that, per epoch of 240 steps, first on its own and then in the training loop, where
OpenBLAS's worker thread keeps spinning on the second core for a while after each product.
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assignment.data import load_mnist, one_hot  # noqa: E402
from solution import network  # noqa: E402

STEPS, BATCH = 240, 200
POOL = ThreadPoolExecutor(2)


def halves(d: dict) -> tuple[dict, dict]:
    return {k: a[: len(a) // 2] for k, a in d.items()}, {k: a[len(a) // 2:] for k, a in d.items()}


def adam_in_two_threads(params, grads, m, v, t):
    """The reference's adam_update on each half of every array, in two threads, joined."""
    parts = [POOL.submit(network.adam_update, *args, t) for args in zip(*map(halves, (params, grads, m, v)))]
    (p0, m0, v0), (p1, m1, v1) = (f.result() for f in parts)
    join = lambda a, b: {k: np.concatenate([a[k], b[k]]) for k in a}  # noqa: E731
    return join(p0, p1), join(m0, m1), join(v0, v1)


def halves_not_joined(params, grads, m, v, t):
    """The two threads' arithmetic only: not a usable step (it returns its inputs)."""
    for f in [POOL.submit(network.adam_update, *args, t) for args in zip(*map(halves, (params, grads, m, v)))]:
        f.result()
    return params, m, v


def adam_alone(update) -> float:
    rng = np.random.default_rng(0)
    params = network.init_params()
    grads = {k: (1e-3 * rng.standard_normal(p.shape)).astype(np.float32) for k, p in params.items()}
    m, v = ({k: np.zeros_like(p) for k, p in params.items()} for _ in range(2))
    t0 = time.perf_counter()
    for t in range(1, STEPS + 1):
        params, m, v = update(params, grads, m, v, t)  # each step's output feeds the next, as in training
    return time.perf_counter() - t0


def in_training(update, x, Y) -> tuple[float, float]:
    """(epoch seconds, of which Adam) for one epoch of the training loop's steps."""
    params = network.init_params()
    m, v = ({k: np.zeros_like(p) for k, p in params.items()} for _ in range(2))
    order = np.random.default_rng(0).permutation(len(x))
    adam = 0.0
    t0 = time.perf_counter()
    for t in range(1, STEPS + 1):
        idx = order[(t - 1) * BATCH:t * BATCH]
        logits, cache = network.forward(params, x[idx])
        _, dlogits = network.softmax_cross_entropy(logits, Y[idx])
        grads = network.backward(params, cache, dlogits)
        a = time.perf_counter()
        params, m, v = update(params, grads, m, v, t)
        adam += time.perf_counter() - a
    return time.perf_counter() - t0, adam


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    mnist = load_mnist(args.data_dir)
    x, Y = mnist.x_train[:STEPS * BATCH], one_hot(mnist.y_train[:STEPS * BATCH], dtype=np.float32)
    ways = {"one thread": network.adam_update, "two threads": adam_in_two_threads}
    for name, update in ways.items():
        in_training(update, x, Y)  # warm-up: caches, the allocator, the thread pool
        alone = min(adam_alone(update) for _ in range(args.repeats))
        epoch, adam = min(in_training(update, x, Y) for _ in range(args.repeats))
        print(f"Adam in {name:11s}: alone {alone:6.3f} s per epoch; in training {adam:6.3f} s of a {epoch:6.3f} s epoch")
    alone = min(adam_alone(halves_not_joined) for _ in range(args.repeats))
    print(f"two threads' arithmetic alone, the halves not joined into new arrays: {alone:6.3f} s per epoch")


if __name__ == "__main__":
    main()
