"""The student's network.py in the student's own process, called through the grader's contract
(autograder/grading/calls.py) so that the checks see exactly the values the grader's checks see."""
from __future__ import annotations

import contextlib
import io
import sys
import warnings
from pathlib import Path

from autograder import messages
from autograder.grading.calls import Answer, StudentCode, explain_import
from autograder.local.capture import Printed, TimeUp, time_limit
from autograder.sandbox import imports, source, wire


class LocalStudent(StudentCode):
    """The student's module, called as the sandboxed worker calls it: the arguments cross the
    wire format to the call, the call goes through wire.call (as in the worker), and its answer
    crosses the wire format back, with the worker's answer limit. So a numpy scalar stays one,
    a tuple a tuple, and a difference of that kind cannot come back."""

    def __init__(self, module, data_dir=None, printed: Printed | None = None):
        super().__init__()
        self.module, self.data_dir = module, data_dir
        self.printed = printed or Printed()

    def answer(self, fn, args, kwargs) -> Answer:
        request = wire.roundtrip({"args": args, "kwargs": kwargs}, 1 << 62)
        answer = self.run(lambda: wire.call(self.module, fn, request["args"], request["kwargs"]))
        # Encoded as the worker encodes it and read as the grader reads it; the two errors stay
        # apart as they are said there: "cannot be returned" is the encoder's, "not an answer" the reader's.
        try:
            frame = wire.encode(answer)
        except wire.ProtocolError as exc:
            frame = wire.encode(wire.unreturnable(exc))
        try:
            answer = wire.read_message(io.BytesIO(frame), wire.MAX_ANSWER)
        except wire.ProtocolError as exc:
            raise wire.not_an_answer(exc) from None
        if not answer["ok"]:
            raise wire.refused_value(answer, lambda text, limit: str(text)[:limit]) or wire.WorkerError(
                "raised", answer["error"])
        return Answer(answer["value"])

    def run_training(self, timeout, reference, **settings) -> dict:
        """The grader's training driver, with the steps done in this process; each step has the
        driver's time limit."""
        from assignment.data import load_split
        from autograder.grading.training import InProcess, drive

        x, y = load_split(self.data_dir, "train")
        return wire.plain(drive(InProcess(self.module, x, y, self.run), reference, x, y, budget=timeout, **settings))

    def run(self, action, seconds: float | None = None):
        """action() under the time limit (default: one ordinary call's, wire.call_seconds) and the
        import rule, its prints kept; what the
        student's code does wrong, as the worker reports it (a WorkerError)."""
        seconds = wire.call_seconds() if seconds is None else seconds
        try:
            with warnings.catch_warnings(), time_limit(seconds), imports.enforced(), self.printed.capturing(), \
                    kept_interpreter():
                warnings.simplefilter("ignore")  # an overflow warning is the check's to explain
                return action()
        except TimeUp:
            raise wire.WorkerError.said("timeout", messages.timed_out(seconds)) from None
        # exit() and KeyboardInterrupt too: in the worker they are the student's code's doing,
        # reported, and the checks go on; here, left alone, they would end `check` with no report
        except (Exception, SystemExit, KeyboardInterrupt) as exc:  # noqa: BLE001
            info = wire.describe(exc)
            raise wire.WorkerError("raised", info["error"], info["where"]) from None


@contextlib.contextmanager
def kept_interpreter():
    """What the student's code may change in this process and the worker's death would undo:
    the recursion limit (a low one would crash `check`'s own report) is put back."""
    limit = sys.getrecursionlimit()
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


class NotImported(Exception):
    """network.py cannot be imported: the checks do not run, and it scores 0, as when grading."""

    def __init__(self, en: str, ru: str):
        self.en, self.ru = en, ru
        super().__init__(en)


def load_student(network_py, printed: Printed):
    """Import network.py as the worker does: under the import rule, within the call time limit,
    what it prints kept in `printed`. Missing functions are not an error here: each check says
    which it missed, as the grader."""
    from assignment.contract import ContractError, load_network

    path = Path(network_py) / "network.py" if Path(network_py).is_dir() else Path(network_py)
    if path.is_file():  # what the grader refuses to read, refused here too
        size = path.stat().st_size
        why = messages.file_too_big(path.name, size) if size > source.MAX_BYTES else source.unreadable_text(
            path.read_bytes())
        if why:
            raise NotImported(*why)
    try:
        with time_limit(wire.CALL_SECONDS), imports.enforced(), printed.capturing(), kept_interpreter():
            return load_network(network_py, complete=False)
    except TimeUp:
        raise NotImported(*messages.import_too_slow(network_py, wire.CALL_SECONDS)) from None
    except KeyboardInterrupt as exc:  # raised by the code at import: the worker reports it so
        info = wire.describe(exc)
        raise NotImported(*explain_import(info["error"], info["where"], info["kit_call"],
                                                   imports.own_modules_in(path))) from None
    except ContractError as exc:
        if exc.__cause__ is None:  # no file, or exit() at import: the kit's message says it
            raise NotImported(str(exc), str(exc)) from None
        info = wire.describe(exc.__cause__)
        raise NotImported(*explain_import(info["error"], info["where"], info["kit_call"],
                                                   imports.own_modules_in(path))) from None
