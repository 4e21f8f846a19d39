"""Grading throughput: submissions graded per minute by 1 and 2 local grading processes and
through a Dask cluster of 2 single-threaded workers on loopback, in one run on one machine.

    python benchmarks/throughput.py [--skip-training] [--repeat K]

The submissions are the examples (the reference, the stub and the six bugs; K copies each,
2 by default), each graded
completely (training included unless --skip-training); every configuration starts from an
empty output directory, so nothing is taken from the journal. Prints the rates, the ratio
2 workers / 1 worker (target: at least 1.8 on a 2-core machine) and what they imply for
1,000 submissions.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.authoring.examples import write_examples  # noqa: E402
from autograder.batch import run as batch  # noqa: E402


def timed(paths, out: Path, **kwargs) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    batch.grade_batch(paths, out, **kwargs)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="copies of each example (distinct files); with 1, "
                        "7 half-minute gradings on 2 workers leave one idle at the end")
    a = parser.parse_args()
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = []
        for k in range(a.repeat):
            for path in write_examples(tmp / f"set{k}"):
                # a distinct content per copy, or the batch would grade each content once
                (path / "network.py").write_text((path / "network.py").read_text() + f"\n# copy {k}\n")
                paths.append(path.rename(tmp / f"set{k}" / f"{path.name}_{k}"))
        n = len(paths)
        print(f"{n} submissions, training {'skipped' if a.skip_training else 'included'}, "
              f"{os.cpu_count()} cores")
        rows = []
        for label, kwargs in (("local, 1 worker", {"jobs": 1}), ("local, 2 workers", {"jobs": 2})):
            rows.append((label, timed(paths, tmp / "out", skip_training=a.skip_training, **kwargs)))
            print(f"  {label}: {rows[-1][1]:.1f} s")
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            rows.append(("Dask, 2 workers (loopback)", timed(paths, tmp / "out", skip_training=a.skip_training,
                                                              cluster=cluster.scheduler_address)))
            print(f"  {rows[-1][0]}: {rows[-1][1]:.1f} s")
    print("\n| configuration | wall time (s) | submissions per minute |\n|---|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} | {60 * n / seconds:.1f} |")
    one, two = rows[0][1], rows[1][1]
    rate = 60 * n / two  # per 2-core machine
    print(f"\n2 workers / 1 worker: {one / two:.2f}x (target >= 1.8)")
    for machines in (1, 10, 50):
        print(f"1,000 submissions on {machines} such machine(s): {1000 / (rate * machines):.0f} min")


if __name__ == "__main__":
    main()
