"""Grade one network.py: run the checks (pytest, in this trusted process) against the
student's functions (in the sandboxed worker), and collect a score per check.

    python -m autograder.runner NETWORK_PY RESULT_JSON [--data-dir D] [--skip-training] [--area A]
                                [--unsafe-no-sandbox]

is how the batch grader runs it, one process per submission, so that nothing one
submission does to its grader can touch another's.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assignment import data
from autograder import scheme, tempdirs
from autograder.feedback import Feedback
from autograder.plugin import CheckResult, explain, explain_import, run_checks
from autograder.reference import live_reference
from autograder.sandbox import Limits, Sandbox, WorkerError


@dataclass
class Grade:
    score: float
    max_score: float
    checks: list[CheckResult]
    import_error: str = ""
    import_error_ru: str = ""  # the same in Russian, where it differs (the import rule's message)
    protections: dict = field(default_factory=dict)
    output: str = ""
    execution_time: float = 0.0
    history: dict | None = None
    test_accuracy: float | None = None
    identity: dict = field(default_factory=dict)  # who it is in an LMS (autograder.lms.bulk), if it came from one

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        return cls(**{**d, "checks": [CheckResult(**c) for c in d["checks"]]})


class Student:
    """The student's functions as the checks see them: calls that go to the worker.

    A call that raises, times out or kills the worker becomes a Feedback naming the
    function; a worker that died is restarted for the next check, and a function that
    hung once is not called again (a second hang would only cost time).
    """

    def __init__(self, network_py: Path, train_files, limits: Limits, unsafe: bool = False):
        self.network_py, self.train_files, self.limits, self.unsafe = network_py, train_files, limits, unsafe
        self.hung: dict[str, str] = {}
        self.sandbox: Sandbox | None = None
        self.mutated: list[str] = []

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

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)

        def call(*args, **kwargs):
            return self.invoke(fn, lambda sb: sb.call(fn, *args, **kwargs))

        return call

    def train(self, timeout, reference, **kwargs):
        """The training check's run: the loop here, each step in the worker, verified
        (autograder/training_driver.py); {"params", "history"}."""
        from autograder.training_driver import InSandbox, drive

        x, y = data.load_split(self.train_files[0].parent, "train")
        return self.invoke("training", lambda sb: drive(InSandbox(sb), reference, x, y, budget=timeout, **kwargs))

    def invoke(self, fn, action):
        if fn in self.hung:
            raise Feedback(*self.hung[fn])
        sandbox = self.start()
        try:
            value = action(sandbox)
            self.mutated = sandbox.mutated
            return value
        except WorkerError as exc:
            raise Feedback(*explain(fn, exc, self.hung)) from None


def grade(network_py: Path, data_dir: Path | None = None, skip_training: bool = False, areas=None,
          limits: Limits | None = None, unsafe: bool = False) -> Grade:
    """Run every check on one network.py and return its Grade. `unsafe`: without isolation where
    none can be had (else the sandbox raises SandboxUnavailable)."""
    started = time.perf_counter()
    tempdirs.sweep()  # what graders killed earlier left behind
    data_dir = data.resolve_data_dir(data_dir)
    train_files = None if skip_training else (data.locate(data_dir, "train-images-idx3-ubyte"),
                                              data.locate(data_dir, "train-labels-idx1-ubyte"))
    student = Student(Path(network_py), train_files, limits or Limits(), unsafe)
    max_score = sum(a.points for a in scheme.AREAS if a.graded_by == "autograder"
                    and (areas is None or a.key in areas) and not (skip_training and a.key == "training"))
    selected = [a.key for a in scheme.AREAS if (areas is None or a.key in areas)
                and not (skip_training and a.key == "training")]
    try:  # the box is removed however the grading ends
        try:
            sandbox = student.start()
        except Feedback as exc:
            return Grade(0.0, max_score, [], import_error=exc.en, execution_time=time.perf_counter() - started)
        except WorkerError as exc:
            return Grade(0.0, max_score, [], import_error=str(exc), protections=student.sandbox.protections,
                         output=student.sandbox.output(), execution_time=time.perf_counter() - started)
        if not sandbox.ready.get("ok"):
            en, ru = explain_import(str(sandbox.ready.get("error", "it does not import")),
                                    str(sandbox.ready.get("where", "")))
            return Grade(0.0, max_score, [], import_error=en, import_error_ru=ru if ru != en else "",
                         protections=sandbox.protections, output=sandbox.output(),
                         execution_time=time.perf_counter() - started)
        plugin = run_checks(student, live_reference(), data_dir, selected)
        protections = student.sandbox.protections if student.sandbox else {}
        output = student.sandbox.output() if student.sandbox else ""
    finally:
        student.close()
    score = round(sum(r.score for r in plugin.results), 4)
    return Grade(score, max_score, plugin.results, protections=protections, output=output,
                 execution_time=time.perf_counter() - started, history=plugin.extra.get("history"),
                 test_accuracy=plugin.extra.get("test_accuracy"))


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Grade one network.py (used by `mnist-hw grade`).")
    parser.add_argument("network")
    parser.add_argument("result")
    parser.add_argument("--data-dir")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--area", action="append")
    parser.add_argument("--unsafe-no-sandbox", action="store_true")
    a = parser.parse_args(argv)
    result = grade(Path(a.network), a.data_dir, a.skip_training, a.area, unsafe=a.unsafe_no_sandbox)
    from assignment.idx import write_atomic

    write_atomic(Path(a.result), json.dumps(result.to_dict(), indent=1).encode())


if __name__ == "__main__":
    sys.exit(main())
