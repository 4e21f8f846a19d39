"""`mnist-hw check` runs the student's code in its own process (there is no sandbox on a
student's laptop): a time limit on each call, and what the code prints kept, not shown."""
from __future__ import annotations

import contextlib
import io
import signal
import threading

from autograder.sandbox import printed, wire


class TimeUp(BaseException):
    """Raised inside the student's code when its time is up: a BaseException, so that an
    `except Exception` in that code does not swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the code run inside after `seconds` of wall time, with TimeUp.

    The local checks run the student's code in this process (there is no sandbox on a
    student's laptop), so an endless loop would hang `mnist-hw check` for good; a timer
    signal stops it between two Python steps. Where there is no such signal (Windows) or
    this is not the main thread, there is no limit.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def time_up(signum, frame):
        raise TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Sink(io.RawIOBase):
    """A byte sink over printed.Kept: the grader's rule for what is kept of the prints."""

    def __init__(self, limit: int):
        self.kept = printed.Kept(limit)

    def writable(self):
        return True

    def write(self, b):
        return self.kept.add(b)


class Printed:
    """What the student's code prints during the local checks: kept (up to the grader's limit)
    instead of reaching the terminal, where it would bury the report and break `--json`.

    stdout and stderr become real text streams over one byte buffer, as in the worker, so a
    network.py that calls sys.stdout.reconfigure(...) or writes to sys.stdout.buffer runs as
    it runs when graded."""

    def __init__(self, limit: int = wire.OUTPUT_CHARS):
        self._kept = _Sink(limit)
        self._stream = io.TextIOWrapper(io.BufferedWriter(self._kept), encoding="utf-8", errors="backslashreplace",
                                        line_buffering=True, write_through=True)

    def text(self) -> str:
        try:
            self._stream.flush()
        except (OSError, ValueError):  # the student's code closed or detached it
            pass
        return self._kept.kept.text()

    @contextlib.contextmanager
    def capturing(self):
        stream = self._stream
        if stream.closed:  # closed by the student's code: a fresh one over the same buffer
            stream = self._stream = io.TextIOWrapper(io.BufferedWriter(self._kept), encoding="utf-8",
                                                     errors="backslashreplace", line_buffering=True,
                                                     write_through=True)
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            yield
