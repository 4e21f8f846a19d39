"""Grade one network.py: run the checks (pytest, in this trusted process) against the
student's functions (in the sandboxed worker), and collect a score per check.

    python -m autograder.grading.grade NETWORK_PY RESULT_JSON [--data-dir D] [--skip-training] [--area A]
                                [--unsafe-no-sandbox] [--gate]

is how the batch grader runs it, one process per submission (or two, one per part:
autograder/grading/parts.py), so that nothing one submission does to its grader can touch
another's. With --gate the process imports what it needs and reads the data, then waits for a
line "go" on its standard input before any student code runs: the batch starts it beside the
sandbox's canary and says go only once the canary has passed (anything else, or the end of
the input, ends it without a grade).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from assignment import data
from autograder import messages, scheme
from autograder.grading.calls import Answer, StudentCode, explain_import
from autograder.grading.feedback import Feedback
from autograder.grading.plugin import run_checks
from autograder.grading.reference import live_reference
from autograder.grading.training import InSandbox, drive
from autograder.results import Grade
from autograder.sandbox import tempdirs
from autograder.sandbox.box import WHERE_CHARS, Limits, Sandbox, bounded_text
from autograder.sandbox.wire import WorkerError


class SandboxedStudent(StudentCode):
    """The student's functions in the sandboxed worker (autograder/sandbox/box.py). A worker that
    died is restarted for the next check."""

    def __init__(self, network_py: Path, train_files, limits: Limits, unsafe: bool = False):
        super().__init__()
        self.network_py, self.train_files, self.limits, self.unsafe = network_py, train_files, limits, unsafe
        self.sandbox: Sandbox | None = None
        self.spent, self.calls, self.slowest = 0.0, 0, 0.0  # the checks' calls so far: seconds, count, longest
        self.bytes_read = 0  # what its earlier workers sent back
        self._train_set = None  # a thread reading the training set while the checks start (prefetch)

    def prefetch(self) -> None:
        """Start reading the training set in a thread (trusted data, read by this process only),
        so that the training check finds it loaded; run_training waits for it."""
        import threading

        if self.train_files and self._train_set is None:
            found: dict = {}

            def load():
                try:
                    found["xy"] = data.load_split(self.train_files[0].parent, "train")
                except BaseException as exc:  # noqa: BLE001 - raised again where the set is used
                    found["error"] = exc

            thread = threading.Thread(target=load, name="train-set", daemon=True)
            thread.start()
            self._train_set = (thread, found)

    def train_set(self):
        """(x (60000, 784) float32, y (60000,) int64): the prefetched set, or read now."""
        if self._train_set is None:
            return data.load_split(self.train_files[0].parent, "train")
        thread, found = self._train_set
        thread.join()
        if "error" in found:
            raise found["error"]
        return found["xy"]

    def launch(self) -> None:
        """Start the first worker without letting student code in (Sandbox.launch): its start-up
        and its reading of the training set overlap the canary and this process's own imports.
        A failure here is left to `start`, which tries again and meets it where it always did."""
        if self.sandbox is None and self.limits.answer_budget_bytes > 0:
            sandbox = self._new_sandbox()
            try:
                self.sandbox = sandbox.launch()
            except Exception:  # noqa: BLE001 - said by start's own attempt
                sandbox.close()

    def start(self) -> Sandbox:
        if self.sandbox is not None and self.sandbox.ready is None and not self.sandbox.dead:
            return self.sandbox.let_in()  # launched before the gate
        if self.sandbox is None or self.sandbox.dead:
            if self.sandbox:
                self.sandbox.close()
                self.bytes_read += self.sandbox.bytes_read
                self.sandbox = None
            # the answer budget is the submission's: what earlier workers sent counts against it
            if self.bytes_read >= self.limits.answer_budget_bytes:  # spent: a new worker could send nothing
                raise WorkerError.said("died", messages.sent_too_much(self.bytes_read / 2**20,
                                                                      self.limits.answer_budget_bytes / 2**20))
            self.sandbox = self._new_sandbox()
            self.sandbox.start()
        return self.sandbox

    def _new_sandbox(self) -> Sandbox:
        """A worker for this submission, given what is left of its answer budget."""
        return Sandbox(self.network_py, self.train_files, self.limits, unsafe=self.unsafe,
                       bytes_allowed=self.limits.answer_budget_bytes - self.bytes_read)

    def close(self):
        if self.sandbox:
            self.sandbox.close()

    def answer(self, fn, args, kwargs) -> Answer:
        """One call, within what is left of the checks' budget (Limits.checks_seconds): a call
        that would pass it is stopped there, and once it is spent no call runs, each check
        failing with the time taken. Counted here, on this side's clock, restarts included."""
        left = self.limits.checks_seconds - self.spent
        if left <= 0:
            raise Feedback(*self.over_budget())
        timeout = min(self.limits.call_seconds, left)
        began = time.perf_counter()
        try:
            sandbox = self.start()
            value = sandbox.call(fn, *args, timeout=timeout, **kwargs)
        except WorkerError as exc:
            if exc.kind == "timeout" and timeout < self.limits.call_seconds:
                raise Feedback(*self.over_budget()) from None  # stopped by the budget, not by its own limit
            raise
        finally:
            took = time.perf_counter() - began
            self.spent, self.calls, self.slowest = self.spent + took, self.calls + 1, max(self.slowest, took)
        return Answer(value)

    def over_budget(self) -> tuple[str, str]:
        """(en, ru): the checks' budget is spent, with the time the calls took."""
        return messages.checks_over_budget(self.spent, self.calls, self.slowest, self.limits.checks_seconds)

    def run_training(self, timeout, reference, **settings) -> dict:
        """The training check's run: the loop here, each step in the worker, verified."""
        sandbox = self.start()
        x, y = self.train_set()
        return drive(InSandbox(sandbox), reference, x, y, budget=timeout, **settings)


def grade(network_py: Path, data_dir: Path | None = None, skip_training: bool = False, areas=None,
          limits: Limits | None = None, unsafe: bool = False, own=frozenset(), gate=None) -> Grade:
    """Run every check on one network.py and return its Grade. `unsafe`: without isolation where
    none can be had (else the sandbox raises SandboxUnavailable). `own`: the names of the
    submission's other modules beside network.py (only network.py is graded; a refusal to import
    one names it as the student's own). `gate`: called once everything trusted is ready and
    before any student code runs (the batch's canary gate, see main); it raises to refuse."""
    started = time.perf_counter()
    tempdirs.sweep()  # what graders killed earlier left behind
    data_dir = data.resolve_data_dir(data_dir)
    selected = scheme.selected(areas, skip_training)
    train_files = None if "training" not in selected else (data.locate(data_dir, "train-images-idx3-ubyte"),
                                                           data.locate(data_dir, "train-labels-idx1-ubyte"))
    student = SandboxedStudent(Path(network_py), train_files, limits or Limits(), unsafe)
    student.own = frozenset(own)
    student.prefetch()
    max_score = scheme.max_score(areas, skip_training)
    reference = live_reference()
    try:
        student.launch()
        if gate is not None:
            warm_up()
            gate()
    except BaseException:  # refused (GateClosed), or this process's own failure: no worker left behind
        student.close()
        raise

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
            en, ru = explain_import(bounded_text(sandbox.ready.get("error")) or "it does not import",
                                    bounded_text(sandbox.ready.get("where"), WHERE_CHARS),
                                    bounded_text(sandbox.ready.get("kit_call"), WHERE_CHARS), own=student.own)
            return ended(import_error=en, import_error_ru=ru if ru != en else "")
        plugin = run_checks(student, reference, data_dir, selected)
        if plugin.out_of_memory:  # a check stopped by this process's own cap: no result to give
            return Grade.failed_grader(messages.GRADER_OUT_OF_MEMORY, skip_training)
        return ended(plugin.results)
    finally:
        student.close()


def warm_up() -> None:
    """Import, before the gate opens, what the checks will import (hypothesis and its pytest
    plugin, the strategies): trusted code only, so its time overlaps the canary's."""
    import _hypothesis_pytestplugin  # noqa: F401
    import hypothesis.strategies  # noqa: F401

    import autograder.grading.diagnosis  # noqa: F401
    import autograder.grading.problems  # noqa: F401


class GateClosed(Exception):
    """The batch did not say go (its canary failed, or it ended): no student code may run."""


def stdin_gate() -> None:
    """Wait for the batch's line "go" on standard input; GateClosed on anything else or its end."""
    line = sys.stdin.readline()
    if line.strip() != "go":
        raise GateClosed(line.strip()[:100] or "end of input")


GRADER_MEMORY_BYTES = 3 << 30  # this grading process's own address space (a grading of a correct solution: ~0.6 GiB)


def cap_own_memory(limit: int = GRADER_MEMORY_BYTES) -> None:
    """Cap this (trusted) grading process's address space at `limit` bytes (RLIMIT_AS, the soft
    limit only, so the worker it starts may still be given its own): past it, allocation fails
    with MemoryError, which makes the grading the grader's failure, never a grade."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


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
    parser.add_argument("--gate", action="store_true", help="wait for a line 'go' on stdin before student code runs")
    a = parser.parse_args(argv)
    cap_own_memory()
    try:
        result = grade(Path(a.network), a.data_dir, a.skip_training, a.area, unsafe=a.unsafe_no_sandbox,
                       own=frozenset(a.own_module), gate=stdin_gate if a.gate else None)
    except GateClosed:  # not graded, and no grade.json: the batch knows why (its canary's failure)
        return 3
    except MemoryError:
        result = Grade.failed_grader(messages.GRADER_OUT_OF_MEMORY, a.skip_training)
    result.write(Path(a.result))


if __name__ == "__main__":
    sys.exit(main())
