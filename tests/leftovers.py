"""Worker processes that a grading left running, found by what a worker really is.

A worker runs as `python … /tmp/mnist-hw-box-PID-XXXX/worker.py /tmp/mnist-hw-box-PID-XXXX`
(autograder/sandbox/box.py copies worker.py into a box made by sandbox/tempdirs.py, named
for PID, the grading process that made it); under bubblewrap, `bwrap … -- … worker.py …`; what
it forks keeps that command line. So a process is a leftover of a grading when its command
line holds a box path and the grading that made the box is over.

Other gradings may run on the same machine at the same time (other test runs, other users):
only processes that were not there before (`snapshot()`) are counted, and a box whose grading
process is still alive belongs to a grading that is not over, unless that grading process is
one of ours (`graders`).
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

# a box's path in a command line, and the PID of the grading process that made it (its owner)
BOX = re.compile(r"(?P<box>\S*mnist-hw-box-(?P<owner>\d+)-[^/\s]+)")
# How long a test waits for what a loaded machine does late (a grading starting, the kernel reaping a
# dead PID namespace): generous, since waiting costs only as long as it takes, and the issue is
# a wait that ran out on a busy machine (10 s), never one that was too long.
PATIENCE_SECONDS = 300


def _processes() -> dict[tuple[int, str], str]:
    """{(pid, start time): command line} of every live (not zombie) process this process can see."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except (OSError, IndexError):
            continue  # gone meanwhile
        if stat[0] not in ("Z", "X"):
            found[(int(entry.name), stat[19])] = command  # field 22 of stat: start time, so a reused PID differs
    return found


def snapshot() -> set[tuple[int, str]]:
    """The processes there are now, to be left out of `workers_left` later."""
    return set(_processes())


def workers_left(before: set, graders: str | None = None) -> list[str]:
    """Command lines of the box processes started since `before` whose grading is over: the
    grading process that made their box is gone, or its command line holds `graders` (a
    grading of ours that should have ended too)."""
    now = _processes()
    ours = {pid for (pid, _), command in now.items() if graders and graders in command}
    live = {pid for pid, _ in now}
    left = []
    for key, command in now.items():
        match = BOX.search(command)
        if key in before or not match or key[0] == os.getpid():
            continue
        owner = int(match.group("owner"))
        if owner not in live or owner in ours:
            left.append(f"{key[0]}: {command}")
    return left


def workers(before: set, graders: str) -> list[str]:
    """Command lines of the box processes started since `before` whose grading is still under way
    and is one of ours (the grading process's command line holds `graders`)."""
    now = _processes()
    ours = {pid for (pid, _), command in now.items() if graders in command}
    return [f"{key[0]}: {command}" for key, command in now.items()
            if key not in before and (m := BOX.search(command)) and int(m.group("owner")) in ours
            and key[0] != os.getpid() and graders not in command]


def submission_of(command: str) -> str | None:
    """The network.py in the box of a worker's command line (box/submission/network.py, as
    sandbox/box.py copies it), or None: so that a test can tell one submission's worker from another's
    (a box lingers a moment after its grading, and a grading may start a worker before it is needed)."""
    match = BOX.search(command)
    try:
        return (Path(match.group("box")) / "submission" / "network.py").read_text() if match else None
    except (OSError, UnicodeDecodeError):
        return None


def wait_for(condition, what: str, seconds: float = PATIENCE_SECONDS):
    """Poll `condition` until it holds (returning what it gave); AssertionError naming `what` if
    it does not within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def none_left(before: set, graders: str | None = None, seconds: float = PATIENCE_SECONDS) -> list[str]:
    """`workers_left(before, graders)` once it is empty, or after `seconds` (the kernel reaps a dead
    PID namespace asynchronously, later on a loaded machine): what is still left then."""
    deadline = time.monotonic() + seconds
    while (left := workers_left(before, graders)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
