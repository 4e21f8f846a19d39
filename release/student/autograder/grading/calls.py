"""The one contract for calling student code, shared by the sandboxed grader and the local check.

The checks call `student.forward(x, params)` and the like. Wherever the code runs — in the
sandbox's worker (autograder/grading/grade.py) or in the student's own process
(autograder/local/student.py) — a call gives an Answer: the value, as it crossed the wire
format (autograder/sandbox/wire.py). What the call did to its arguments is not reported: only
the worker could know it (see StudentCode). What goes
wrong in the student's code arrives as a WorkerError and leaves as Feedback, the same words in
both places (`explain`); a function that hung once is not called again. Training runs the same
driver (autograder/grading/training.py) and returns its metrics as data.

`Functions` is the one proxy: `obj.name(*args, **kwargs)` is `obj.call("name", args, kwargs)`;
the reference and its recorded answers are Functions too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from autograder import messages
from autograder.grading.feedback import Feedback
from autograder.sandbox import imports
from autograder.sandbox import wire
from autograder.sandbox.wire import WorkerError


class Functions:
    """A set of functions reached by name: `obj.fn(*args, **kwargs)` calls `obj.call("fn", args, kwargs)`."""

    def call(self, fn: str, args: tuple, kwargs: dict):
        raise NotImplementedError

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)

        def function(*args, **kwargs):
            return self.call(fn, args, kwargs)

        function.__name__ = fn
        return function


@dataclass
class Answer:
    """What one call of a student's function gave: its value, as it crossed the wire."""

    value: object


class StudentCode(Functions):
    """The student's functions as the checks see them. Subclasses say where the code runs
    (`answer`, `run_training`); this class keeps the rules every place shares.

    There is no `mutated`: whether a call changed its arguments in place happens inside the
    worker, and whatever the trusted side could be shown of it (a report, the arguments given
    back by handle) a worker that rewrites the kit can make up, after every call, as a
    function that leaves its inputs alone would show it. So no point depends on it."""

    def __init__(self):
        self.hung: dict[str, tuple[str, str]] = {}
        self.own: frozenset[str] = frozenset()  # the submission's own modules beside network.py (see refusal)

    # -- where the code runs: the subclasses ----------------------------------------------------
    def answer(self, fn: str, args: list, kwargs: dict) -> Answer:
        """Call fn; raise WorkerError when the student's code fails."""
        raise NotImplementedError

    def run_training(self, timeout: float, reference, **settings) -> dict:
        """The verified training run (autograder/grading/training.py's drive): {"params", "history"}."""
        raise NotImplementedError

    # -- the rules --------------------------------------------------------------------------------
    def call(self, fn: str, args: tuple, kwargs: dict):
        return self.attempt(fn, lambda: self.answer(fn, list(args), kwargs)).value

    def train(self, timeout: float, reference, **settings) -> dict:
        return self.attempt("training", lambda: self.run_training(timeout, reference, **settings))

    def attempt(self, fn: str, action):
        if fn in self.hung:  # a second hang would only cost time
            raise Feedback(*self.hung[fn])
        try:
            return action()
        except WorkerError as exc:
            raise Feedback(*explain(fn, exc, self.hung, self.own)) from None


class Unimportable(StudentCode):
    """A network.py that does not import: every call fails with why, so every check scores 0
    with that message, as the grader gives 0 to such a submission."""

    def __init__(self, why: tuple[str, str]):
        super().__init__()
        self.why = why

    def answer(self, fn, args, kwargs):
        raise Feedback(*self.why)

    def run_training(self, timeout, reference, **settings):
        raise Feedback(*self.why)


def explain_import(error: str, where: str = "", kit_call: str = "", own=frozenset()) -> tuple[str, str]:
    """(en, ru) for a network.py that does not import, from the error, the line it names and the
    kit function network.py called at its module level (wire.describe's fields): the grader's
    import_error and the local check's message. `own`: the submission's own modules beside
    network.py (imports.own_modules), which a refusal names as such."""
    place = messages.location(where)
    if kit_call:  # the work done at import is the cause, whatever the kit's function needed
        return messages.import_time_work(kit_call, error, place)
    return refusal(error, own) or (error + place[0], error + place[1])


def refusal(error: str, own=frozenset()) -> tuple[str, str] | None:
    """(en, ru) for an error that is the import rule's refusal, else None: a module of the
    student's own beside network.py (in `own`) is named as such, any other as outside the rule."""
    module = imports.refused(error)
    if not module:
        return None
    top = imports.top_module(module)
    if top in own:
        return messages.own_module(top)
    return messages.import_refused(top)


def explain(fn: str, exc: WorkerError, hung: dict, own=frozenset()) -> tuple[str, str]:
    """(en, ru) for a call of `fn` that failed; a call that timed out is remembered in `hung`.
    `own`: the submission's own modules (see refusal)."""
    refused = refusal(exc.message, own) if exc.kind == "raised" else None
    if refused:
        return f"{fn}: {refused[0]}", f"{fn}: {refused[1]}"
    if exc.kind == "raised" and exc.message.startswith("NotImplementedError"):
        return messages.not_implemented(fn)
    if exc.kind == "raised" and exc.message == f"AttributeError: {wire.MISSING_FUNCTION.format(fn=fn)}":
        return messages.missing_function(fn)
    where = messages.location(exc.where)
    if exc.kind == "raised" and exc.message.startswith("SystemExit"):  # only where it runs in-process: the local checks
        return messages.called_exit(fn, exc.message, where)
    if exc.kind == "raised":
        return messages.raised(fn, exc.message, where)
    if exc.kind == "unreturnable":  # worded on this side (wire.refused_value), in both languages
        return f"{fn}: {exc.message}", f"{fn}: {exc.ru}"
    if exc.kind == "timeout":
        hung[fn] = messages.did_not_finish(fn, exc.pair)
        return hung[fn]
    return messages.ended_worker(fn, exc.pair)
