"""What verified, trusted-driven training costs: one complete grading of the reference
(every check, training included) by this tree and by an earlier commit, alternating, in
one run, so that both meet the same load; and the grading time of a correct submission
that loops over the examples in Python.

    python benchmarks/training_overhead.py --baseline COMMIT [--rounds 2] [--slow]

Prints each grading's wall time, the median ratio this tree / the baseline (the budget:
at most 1.2), and with --slow the Python-loops submission's grading (its score and time).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADE = ("import json, sys; from pathlib import Path; from autograder import runner; "
         "g = runner.grade(Path(sys.argv[1])); print(json.dumps([g.score, g.test_accuracy]))")


def graded(tree: Path, network: Path) -> tuple[float, list]:
    """(wall seconds, [score, test accuracy]) of grading network with the engine in tree."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", GRADE, str(network)], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(tree)}, cwd=str(tree))
    return time.perf_counter() - started, json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the commit to compare with (before verified training)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--slow", action="store_true", help="also grade the Python-loops submission")
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.baseline, "assignment", "autograder",
                                  "solution"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        reference = ROOT / "solution" / "network.py"
        ratios = []
        for r in range(a.rounds):
            old, old_result = graded(base, reference)
            new, new_result = graded(ROOT, reference)
            ratios.append(new / old)
            print(f"round {r + 1}: baseline {old:.1f} s {old_result}, this tree {new:.1f} s {new_result}: "
                  f"{new / old:.3f}", flush=True)
        print(f"this tree / baseline, median of {a.rounds}: {statistics.median(ratios):.3f} (budget: 1.2)")
        if a.slow:
            slow = Path(tmp) / "python_loops" / "network.py"  # the reference's text, then the loops (as the tests do)
            slow.parent.mkdir()
            loops = (ROOT / "tests" / "slow" / "python_loops.py").read_text()
            slow.write_text(reference.read_text() + "\n" + loops.replace("from solution_copy import *", ""))
            seconds, result = graded(ROOT, slow)
            print(f"Python loops over the examples: {seconds:.1f} s, score {result[0]} (budget: 60 s)")


if __name__ == "__main__":
    main()
