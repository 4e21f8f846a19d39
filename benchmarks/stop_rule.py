"""The training check's stopping rule against the rule before it, on every correct form
(tests/corpus/correct) and every example (autograder/authoring/examples.py).

    python benchmarks/stop_rule.py [--data-dir D] [--only NAME ...]

Each submission is trained once, the full 12 epochs, by the grader's driver with the steps in
this process (verified, one BLAS thread, as the worker does them), the test accuracy measured
at every epoch that is the best on validation so far. From that one run both rules follow:
- before: the best validation epoch of all 12 gives the points;
- now (scheme.training_decided): the first best-so-far epoch whose test accuracy earns full
  marks ends training with them; where none does, as before.
Prints a row per submission: the points under each rule, the epoch training stops at, and
whether it loses or gains. A submission whose training is rejected (or does not import)
gets 0 under both rules.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as in the worker
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def submissions(directory: Path) -> dict[str, Path]:
    """{name: network.py} for the correct forms and the examples (written into directory)."""
    from autograder.authoring.examples import write_examples

    found = {f"correct/{p.stem}": p for p in sorted((ROOT / "tests" / "corpus" / "correct").glob("*.py"))}
    found.update({f"example/{p.name}": p / "network.py" for p in write_examples(directory)})
    return found


def both_rules(network_py: Path, data_dir, x, y, x_test, y_test, reference) -> dict:
    """Train network_py the full budget; {"before", "now": training points, "stopped_at": epoch
    from 1 or None, "curve": [(epoch, val accuracy, test accuracy)] at the best-so-far epochs}."""
    from assignment.contract import load_network
    from autograder import scheme
    from autograder.grading.checks.check_training import EPOCHS, accuracy_on_test
    from autograder.grading.training import InProcess, drive

    points = next(a.points for a in scheme.AREAS if a.key == "training")
    curve = []

    def asked(epoch, params):
        curve.append((epoch + 1, accuracy_on_test(reference.network, params, x_test, y_test)))
        return False  # the whole budget: both rules read off this one run

    try:
        module = load_network(network_py, complete=False)
        result = drive(InProcess(module, x, y, lambda action, seconds: action()), reference, x, y, budget=1e9,
                       epochs=EPOCHS, batch_size=200, optimizer="adam", n_hidden=800, seed=0,
                       restore_best_weights=True, stop=asked)
    except Exception as exc:  # noqa: BLE001 - rejected or broken training: 0 under both rules
        return {"before": 0.0, "now": 0.0, "stopped_at": None, "curve": [], "why": f"{type(exc).__name__}"}
    keras = reference.keras_test_accuracy
    before = points * scheme.training_fraction(curve[-1][1], keras) if curve else 0.0
    stopped = next((e for e, acc in curve if scheme.training_decided(acc, keras)), None)
    now = float(points) if stopped else before
    return {"before": before, "now": now, "stopped_at": stopped, "curve": curve,
            "best_epoch": result["history"]["best_epoch"], "why": ""}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--only", action="append")
    parser.add_argument("--examples-dir", default="/tmp/stop_rule_examples")
    a = parser.parse_args()
    from assignment import data
    from autograder.grading.reference import live_reference
    from autograder.grading.training import one_blas_thread

    data_dir = data.resolve_data_dir(a.data_dir)
    x, y = data.load_split(data_dir, "train")
    x_test, y_test = data.load_split(data_dir, "t10k")
    reference = live_reference()
    print(f"{'submission':45} {'before':>6} {'now':>6} {'stops at':>8}  best-so-far epochs (test accuracy)")
    for name, path in submissions(Path(a.examples_dir)).items():
        if a.only and not any(o in name for o in a.only):
            continue
        with one_blas_thread():
            r = both_rules(path, data_dir, x, y, x_test, y_test, reference)
        change = "LOSES" if r["now"] < r["before"] else "gains" if r["now"] > r["before"] else ""
        curve = " ".join(f"{e}:{acc:.4f}" for e, acc in r["curve"]) or r["why"]
        print(f"{name:45} {r['before']:6.2f} {r['now']:6.2f} {str(r['stopped_at'] or '-'):>8}  {curve} {change}",
              flush=True)


if __name__ == "__main__":
    main()
