"""Temporary directories that a killed grader leaves behind are removed by a later one.

A process killed with SIGKILL (`kill -9` of a batch, the OOM killer, a lost Dask worker)
cannot remove its temporary directories: a sandbox's box, a grading's scratch folder. Each
is therefore named for the process that made it, mnist-hw-KIND-PID-XXXX, and every grading
first sweeps those whose process is gone. Only directories older than an hour are swept:
where several containers share one /tmp, a PID that this process cannot see may still be
alive in another, and no grading runs that long.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PREFIX = "mnist-hw-"
STALE_AFTER_SECONDS = 3600


def _prefix(kind: str) -> str:
    return f"{PREFIX}{kind}-{os.getpid()}-"


MEMORY = Path("/dev/shm")  # a tmpfs on Linux: a file mapped by two processes there is never written to disk


def make(kind: str, memory: bool = False) -> Path:
    """A new directory mnist-hw-KIND-PID-XXXX in the system's temporary folder (`memory`: in
    /dev/shm where there is one); the caller removes it."""
    where = str(MEMORY) if memory and MEMORY.is_dir() and os.access(MEMORY, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix=_prefix(kind), dir=where))


@contextlib.contextmanager
def temporary(kind: str):
    """As tempfile.TemporaryDirectory, named so that a sweep can remove it if this process is killed."""
    with tempfile.TemporaryDirectory(prefix=_prefix(kind)) as path:
        yield Path(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    try:  # a killed process whose parent died too stays a zombie until init reaps it
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def stale(older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Our directories whose process is gone and that were last changed over `older_than` seconds ago."""
    found = []
    now = time.time()
    roots = {Path(tempfile.gettempdir()), *([MEMORY] if MEMORY.is_dir() else [])}
    for path in (p for root in roots for p in root.glob(f"{PREFIX}*-*-*")):
        parts = path.name[len(PREFIX):].split("-")
        if len(parts) < 3 or not parts[1].isdigit() or not path.is_dir():
            continue
        try:
            old = now - path.lstat().st_mtime > older_than
        except FileNotFoundError:  # swept by another grading meanwhile
            continue
        if old and not _alive(int(parts[1])):
            found.append(path)
    return found


def remove(path: Path) -> None:
    """Remove the tree at `path` whatever it holds. A box's scratch is the submission's to shape:
    nested thousands deep, shutil.rmtree recurses past Python's limit (RecursionError, which its
    ignore_errors does not catch: before 3.12) and paths pass PATH_MAX; what it leaves, `rm -rf`
    (which walks by descriptor, at any depth) removes. Never raises."""
    try:
        shutil.rmtree(path, ignore_errors=True)
    except RecursionError:
        pass
    if os.path.lexists(path) and shutil.which("rm"):
        subprocess.run(["rm", "-rf", "--", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)


def sweep(older_than: float = STALE_AFTER_SECONDS) -> int:
    """Remove the stale directories; return how many."""
    gone = stale(older_than)
    for path in gone:
        remove(path)
    return len(gone)
