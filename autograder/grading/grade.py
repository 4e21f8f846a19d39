"""Grade one network.py: run the checks (pytest, in this trusted process) against the
student's functions (in the sandboxed worker), and collect a score per check.

    python -m autograder.grading.grade NETWORK_PY RESULT_JSON [--data-dir D] [--skip-training] [--area A]
                                [--unsafe-no-sandbox]

is how the batch grader runs it, one process per submission, so that nothing one
submission does to its grader can touch another's.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from assignment import data
from autograder import scheme
from autograder.grading.calls import Answer, StudentCode, explain_import
from autograder.grading.feedback import Feedback
from autograder.grading.plugin import run_checks
from autograder.grading.reference import live_reference
from autograder.grading.training import InSandbox, drive
from autograder.results import Grade
from autograder.sandbox import tempdirs
from autograder.sandbox.box import Limits, Sandbox
from autograder.sandbox.wire import WorkerError


class SandboxedStudent(StudentCode):
    """The student's functions in the sandboxed worker (autograder/sandbox/box.py). A worker that
    died is restarted for the next check."""

    def __init__(self, network_py: Path, train_files, limits: Limits, unsafe: bool = False):
        super().__init__()
        self.network_py, self.train_files, self.limits, self.unsafe = network_py, train_files, limits, unsafe
        self.sandbox: Sandbox | None = None

    def start(self) -> Sandbox:
        if self.sandbox is None or self.sandbox.dead:
            if self.sandbox:
                self.sandbox.close()
            self.sandbox = Sandbox(self.network_py, self.train_files, self.limits, unsafe=self.unsafe)
            self.sandbox.start()
        return self.sandbox

    def close(self):
        if self.sandbox:
            self.sandbox.close()

    def answer(self, fn, args, kwargs) -> Answer:
        sandbox = self.start()
        value = sandbox.call(fn, *args, **kwargs)
        return Answer(value, sandbox.mutated)

    def run_training(self, timeout, reference, **settings) -> dict:
        """The training check's run: the loop here, each step in the worker, verified."""
        sandbox = self.start()
        x, y = data.load_split(self.train_files[0].parent, "train")
        return drive(InSandbox(sandbox), reference, x, y, budget=timeout, **settings)


def grade(network_py: Path, data_dir: Path | None = None, skip_training: bool = False, areas=None,
          limits: Limits | None = None, unsafe: bool = False, own=frozenset()) -> Grade:
    """Run every check on one network.py and return its Grade. `unsafe`: without isolation where
    none can be had (else the sandbox raises SandboxUnavailable). `own`: the names of the
    submission's other modules beside network.py (only network.py is graded; a refusal to import
    one names it as the student's own)."""
    started = time.perf_counter()
    tempdirs.sweep()  # what graders killed earlier left behind
    data_dir = data.resolve_data_dir(data_dir)
    selected = scheme.selected(areas, skip_training)
    train_files = None if "training" not in selected else (data.locate(data_dir, "train-images-idx3-ubyte"),
                                                           data.locate(data_dir, "train-labels-idx1-ubyte"))
    student = SandboxedStudent(Path(network_py), train_files, limits or Limits(), unsafe)
    student.own = frozenset(own)
    max_score = scheme.max_score(areas, skip_training)

    def ended(checks=(), **kwargs) -> Grade:
        sandbox = student.sandbox
        return Grade.of_checks(list(checks), max_score, protections=sandbox.protections if sandbox else {},
                               output=sandbox.output() if sandbox else "",
                               execution_time=time.perf_counter() - started, **kwargs)

    try:  # the box is removed however the grading ends
        try:
            sandbox = student.start()
        except Feedback as exc:
            return Grade(0.0, max_score, [], import_error=exc.en, execution_time=time.perf_counter() - started)
        except WorkerError as exc:
            return ended(import_error=str(exc))
        if not sandbox.ready.get("ok"):
            en, ru = explain_import(str(sandbox.ready.get("error", "it does not import")),
                                    str(sandbox.ready.get("where", "")), str(sandbox.ready.get("kit_call", "")),
                                    own=student.own)
            return ended(import_error=en, import_error_ru=ru if ru != en else "")
        plugin = run_checks(student, live_reference(), data_dir, selected)
        return ended(plugin.results)
    finally:
        student.close()


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Grade one network.py (used by `mnist-hw grade`).")
    parser.add_argument("network")
    parser.add_argument("result")
    parser.add_argument("--data-dir")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--area", action="append")
    parser.add_argument("--unsafe-no-sandbox", action="store_true")
    parser.add_argument("--own-module", action="append", default=[])
    a = parser.parse_args(argv)
    grade(Path(a.network), a.data_dir, a.skip_training, a.area, unsafe=a.unsafe_no_sandbox,
          own=frozenset(a.own_module)).write(Path(a.result))


if __name__ == "__main__":
    sys.exit(main())
