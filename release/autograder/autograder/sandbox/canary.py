"""Never grade on a broken sandbox: before a batch (and in Gradescope's run_autograder), a known
canary network.py is run through the same sandbox the submissions will get. It must start,
import numpy and compute with it, and be refused a file the grader placed outside its box
(readable by anyone, so only the sandbox can refuse it) and a connection to a port the
grader listens on (on loopback: no network namespace or socket filter, no refusal). If it does not behave
so, grading is refused with the cause and what to do, instead of handing out zeros (a
worker that cannot even start the interpreter fails every submission alike) or grading
without the isolation the protections claim.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

from autograder.sandbox import imports, tempdirs
from autograder.sandbox.box import SANDBOX_UIDS, Sandbox, SandboxUnavailable, first_unreachable, interpreter_files
from autograder.sandbox.wire import WorkerError

CANARY = '''\
import socket

import numpy as np


def probe(marker, port):
    found = {"numpy": float(np.sqrt(np.float64(2.0)))}
    try:
        with open(marker) as f:
            found["marker"] = f.read()
    except OSError:
        found["marker"] = "refused"
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        found["socket"] = "connected"
    except OSError:
        found["socket"] = "refused"
    return found
'''
SECRET = "the canary read this"


class SandboxBroken(RuntimeError):
    """The sandbox does not behave as it must; the message names the cause and what to do."""


def _cause(uid: int | None) -> str:
    """Which file the sandbox's user cannot read or execute, in words, or ''."""
    if uid is None:
        return ""
    python, libpython, stdlib = interpreter_files()
    blocked = first_unreachable([python, *([libpython] if libpython else []), stdlib, *imports.sandbox_paths()], uid)
    if blocked is None:
        return ""
    return (f" The sandbox's user (uid {uid}) cannot get through {blocked} (mode "
            f"{oct(os.stat(blocked).st_mode & 0o777)}): install Python where every user can read it (e.g. /usr/local "
            f"or /opt, not under /root), or allow it with `chmod o+x {blocked}`.")


def check(unsafe: bool = False) -> str:
    """Grade the canary through the sandbox; return the isolation in force ("bubblewrap",
    "landlock", "none"). Raises SandboxBroken (or SandboxUnavailable) naming what is wrong."""
    with tempdirs.temporary("canary") as tmp:
        os.chmod(tmp, 0o755)
        (tmp / "network.py").write_text(CANARY)
        marker = tmp / "marker.txt"
        marker.write_text(SECRET)
        os.chmod(marker, 0o644)
        sandbox = Sandbox(Path(tmp / "network.py"), unsafe=unsafe)
        uid = SANDBOX_UIDS.start if os.geteuid() == 0 else None  # any of them: none owns a file or has a group
        try:
            try:
                sandbox.start()
                if not sandbox.ready.get("ok"):
                    raise SandboxBroken(f"the sandbox's canary cannot import numpy: {sandbox.ready.get('error')}."
                                        + _cause(uid))
                with socket.create_server(("127.0.0.1", 0)) as listener:
                    found = sandbox.call("probe", str(marker), listener.getsockname()[1])
            except (WorkerError, OSError) as exc:
                printed = sandbox.output().strip().splitlines()[-3:]
                raise SandboxBroken(f"the sandbox's canary did not run ({exc})" + (
                    f"; it printed: {' / '.join(printed)}" if printed else "") + "." + _cause(uid)) from None
            mode = getattr(sandbox, "isolation", "none")
            protections = dict(sandbox.protections)
        finally:
            sandbox.close()
    if found.get("numpy") != 2.0 ** 0.5:
        raise SandboxBroken(f"the sandbox's canary computed {found.get('numpy')!r} instead of √2 with numpy.")
    if protections.get("filesystem") and found.get("marker") != "refused":
        raise SandboxBroken(f"the sandbox ({mode}) let the canary read {marker}, outside its box: the filesystem "
                            "isolation does not hold here. Grading refused.")
    if protections.get("network") and found.get("socket") != "refused":
        raise SandboxBroken(f"the sandbox ({mode}) let the canary connect to a port of this machine: the network "
                            "isolation does not hold here. Grading refused.")
    return mode


__all__ = ["check", "SandboxBroken", "SandboxUnavailable", "CANARY"]
