"""How long a grading takes, in epochs' worth: the wall time of the real `mnist-hw grade`
process divided by the time of one training epoch measured in the same grading (the training
check's own per-epoch times, in grade.json's history), so that the figure holds on any
machine and under any load that stays the same within a grading.

    python benchmarks/grading_time.py [--tree DIR] [--forms 3] [--batch] [--breakdown] [--out FILE]

- one at a time: the reference and the first --forms correct forms (tests/corpus/correct),
  each by its own `mnist-hw grade` process; per grading: the wall time, the training check's
  epochs and their time, the rest (everything besides training), all in epochs' worth;
- --batch: 16 gradings (the examples twice, the copies made distinct by a comment so that the
  journal grades them again) by one `mnist-hw grade --jobs 2`: the wall time, and the wall
  time over the median epoch of all 16.
--breakdown: what a grading does besides training, each part timed alone in a fresh process
(so each includes the interpreter's start, which is given first), in epochs' worth of the
first grading's epoch (run with the gradings, or alone with --epoch SECONDS).
--tree: the source tree whose engine grades (default: this one), e.g. an earlier commit
unpacked with `git archive`, to compare before and after under the same load.
--split: every grading in two parts side by side whatever the load (`grade --split`; with --compare, both
trees' gradings, so that the two meet the same split), as a single grading on an idle machine is.
--compare DIR: each submission graded by DIR's engine and by --tree's, alternately (DIR first),
so that both meet the same load on a shared machine, where it drifts within minutes.
Prints the machine's load (uptime) before and after: ratios within one run are what count.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def mnist_hw(tree: Path, *args) -> float:
    """Run `mnist-hw ARGS` with the engine in tree; its wall seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(tree)}, cwd=str(tree))
    return time.perf_counter() - started


def training_of(grade_json: Path) -> tuple[list[float], float]:
    """(seconds of each trained epoch, the grade's score) from a grade.json."""
    grade = json.loads(grade_json.read_text())
    history = grade.get("history") or {}
    return list(history.get("seconds") or []), grade["score"]


GRADE_OPTIONS: list[str] = []  # given to every `mnist-hw grade` of the run (--split)


def one_at_a_time(tree: Path, submissions: dict[str, Path], work: Path, options=()) -> list[dict]:
    rows = []
    for name, source in submissions.items():
        if (work / "in" / name).exists():  # graded by the other tree in this run: a fresh folder
            shutil.rmtree(work / "in" / name)
            shutil.rmtree(work / "out" / name, ignore_errors=True)
        (work / "in" / name).mkdir(parents=True)
        shutil.copy(source, work / "in" / name / "network.py")
        wall = mnist_hw(tree, "grade", work / "in" / name, "--out", work / "out" / name, "--jobs", "1", *options)
        seconds, score = training_of(work / "out" / name / name / "grade.json")
        if not seconds:  # training did not run (e.g. stopped by its pace on an overloaded machine): no unit
            print(f"  {name:40} score {score:5g}  wall {wall:6.1f} s  no epoch trained", flush=True)
            continue
        epoch = statistics.median(seconds)
        rows.append({"name": name, "score": score, "wall": wall, "epoch": epoch, "epochs": len(seconds),
                     "whole": wall / epoch, "rest": (wall - sum(seconds)) / epoch})
        print(f"  {name:40} score {score:5g}  wall {wall:6.1f} s  epoch {epoch:5.2f} s  epochs {len(seconds):2d}  "
              f"whole {wall / epoch:5.1f}  besides training {(wall - sum(seconds)) / epoch:4.1f} epochs' worth",
              flush=True)
    return rows


def batch(tree: Path, work: Path) -> dict:
    sys.path.insert(0, str(tree))
    from autograder.authoring.examples import write_examples

    names = []
    for copy in (1, 2):
        for path in write_examples(work / f"ex{copy}"):
            target = work / "batch" / f"{path.name}_{copy}"
            target.mkdir(parents=True)
            text = (path / "network.py").read_text()
            (target / "network.py").write_text(text + f"\n# copy {copy}\n")
            names.append(target.name)
    wall = mnist_hw(tree, "grade", *[work / "batch" / n for n in names], "--out", work / "bout", "--jobs", "2")
    epochs = [s for n in names for s in training_of(work / "bout" / n / "grade.json")[0]]
    epoch = statistics.median(epochs)
    result = {"gradings": len(names), "wall": wall, "epoch": epoch, "epochs": len(epochs), "whole": wall / epoch}
    print(f"  batch of {len(names)} (--jobs 2): wall {wall:6.1f} s, median epoch {epoch:5.2f} s, {len(epochs)} epochs "
          f"trained in all: {wall / epoch:5.1f} epochs' worth", flush=True)
    return result


PARTS = {  # name: code run in a fresh interpreter (the reference in sys.argv[1], a scratch folder in argv[2])
    "interpreter start": "pass",
    "numpy import": "import numpy",
    "mnist-hw grade's own imports (CLI, batch)": "import autograder.cli, autograder.commands, autograder.batch.run",
    "mnist-hw grade's check of the data (check_mnist; before, load_mnist)": (
        "from assignment import data; getattr(data, 'check_mnist', data.load_mnist)()"),
    "canary (a sandbox started, probed)": "from autograder.sandbox import canary; canary.check()",
    "grading process's imports (pytest, hypothesis, checks)": "import autograder.grading.grade, hypothesis, pytest",
    "sandbox start (worker, numpy, network.py)": (
        "import sys; from pathlib import Path; from autograder.sandbox.box import Sandbox, Limits; "
        "s = Sandbox(Path(sys.argv[1]), None, Limits()); s.start(); s.close()"),
    "the checks without training (grade --skip-training, its process)": (
        "import sys; from pathlib import Path; from autograder.grading.grade import grade; "
        "grade(Path(sys.argv[1]), skip_training=True)"),
    "reports of one grading (feedback, history.png, gradebook, summary, page)": (
        "import sys, json; from pathlib import Path; from autograder.results import Grade; "
        "from autograder.batch import reports, page; out = Path(sys.argv[2]); "
        "g = Grade.read(Path(sys.argv[3])); reports.write_submission_reports(out / 'r', 'r', g); "
        "reports.write_gradebook(out, {'r': g}); reports.write_grades(out, {'r': g}); "
        "reports.write_summary(out, {'r': g}); page.write_batch_page(out, {'r': g}, {'r': b'x = 1'})"),
}


EPOCH = ("import time; from assignment import data; from assignment.training import fit; "
         "from solution import network; x, y = data.load_mnist().x_train, data.load_mnist().y_train; "
         "t = time.perf_counter(); fit(network, x, y, epochs=1); print(time.perf_counter() - t)")


def breakdown(tree: Path, reference: Path, grade_json: Path, work: Path, epoch: float | None) -> dict:
    """{part: seconds} of PARTS, each in a fresh interpreter with the engine in tree; without
    `epoch`, one epoch of the kit's fit (one BLAS thread, as in the worker) is the unit."""
    if epoch is None:
        done = subprocess.run([sys.executable, "-c", EPOCH], check=True, capture_output=True, text=True, cwd=str(tree),
                              env={**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1",
                                   "OMP_NUM_THREADS": "1"})
        epoch = float(done.stdout.strip().splitlines()[-1])
        print(f"  one epoch of fit (the unit): {epoch:.2f} s", flush=True)
    found = {"epoch": epoch}
    for name, code in PARTS.items():
        scratch = Path(tempfile.mkdtemp(dir=work))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(reference), str(scratch), str(grade_json)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONPATH": str(tree)}, cwd=str(tree))
        found[name] = time.perf_counter() - started
        print(f"  {name:75} {found[name]:6.2f} s  {found[name] / epoch:4.2f} epochs' worth", flush=True)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--compare", type=Path, help="an earlier tree, each submission graded by it first")
    parser.add_argument("--forms", type=int, default=3)
    parser.add_argument("--batch", action="store_true")
    parser.add_argument("--no-single", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument("--split", action="store_true", help="--tree's gradings split in two parts whatever the load")
    parser.add_argument("--grade-json", help="a grade.json with training, for --breakdown without gradings")
    parser.add_argument("--epoch", type=float, help="seconds of one epoch, for --breakdown without gradings")
    a = parser.parse_args()
    tree = a.tree.resolve()
    GRADE_OPTIONS[:] = ["--split"] if a.split else []
    print(f"tree {tree}\nload before: {uptime()}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="grading_time."))
    forms = sorted((ROOT / "tests" / "corpus" / "correct").glob("*.py"))[:a.forms]
    submissions = {"reference": tree / "solution" / "network.py", **{p.stem: p for p in forms}}
    result = {"tree": str(tree), "load_before": uptime()}
    if a.compare:
        result["compare"] = []
        for name, source in submissions.items():
            for label, engine in (("before", a.compare.resolve()), ("after", tree)):
                print(f" {label} ({engine.name}), load {os.getloadavg()[0]:.1f}:", flush=True)
                rows = one_at_a_time(engine, {name: source}, work, GRADE_OPTIONS)
                result["compare"] += [{**row, "tree": label, "load": os.getloadavg()[0]} for row in rows]
    elif not a.no_single:
        result["single"] = one_at_a_time(tree, submissions, work, GRADE_OPTIONS)
    if a.breakdown:
        epoch = a.epoch or (result["single"][0]["epoch"] if "single" in result else None)
        name = result["single"][0]["name"] if "single" in result else None
        grade_json = work / "out" / name / name / "grade.json" if name else Path(a.grade_json)
        result["breakdown"] = breakdown(tree, submissions["reference"], grade_json, work, epoch)
    if a.batch:
        result["batch"] = batch(tree, work)
    result["load_after"] = uptime()
    print(f"load after: {result['load_after']}")
    if a.out:
        a.out.write_text(json.dumps(result, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
