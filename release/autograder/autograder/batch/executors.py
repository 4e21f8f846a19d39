"""Where the gradings of a batch run, behind one interface: submit(key, fn, *args) gives a
future of fn(*args), as_completed(futures) yields the futures as they finish, close() ends.

LocalPool: on this machine; DaskCluster: on a Dask distributed cluster. A batch submits
autograder.batch.run.grade_content, so either way a grading is the same sandboxed engine.
"""
from __future__ import annotations

import os

from autograder.batch.submissions import SubmissionError


class LocalPool:
    """On this machine: threads, each waiting on one grading process (grade_content starts one)."""

    def __init__(self, jobs: int | None):
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1)

    def submit(self, key: str, fn, *args):
        """fn(*args) in a thread; `key` is for DaskCluster's sake."""
        return self.pool.submit(fn, *args)

    def as_completed(self, futures):
        from concurrent.futures import as_completed

        return as_completed(futures)

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """Sent to a Dask distributed scheduler at `address`; a worker that dies has its tasks
    rescheduled by Dask (once: retries=1). SubmissionError if Dask is missing or unreachable."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise SubmissionError("--cluster needs Dask: pip install 'mnist-hw[cluster]'") from None
        try:
            _knock(address)
            self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise SubmissionError(f"cannot reach the Dask scheduler at {address} ({exc}). Start one with "
                                  "`dask scheduler` and workers with `dask worker ADDRESS`.") from None

    def submit(self, key: str, fn, *args):
        """fn(*args) on a Dask worker (fn importable there: Dask sends it by name)."""
        # the key names the task by what it grades: the same network.py is graded once, whoever sent it
        return self.client.submit(fn, *args, key=f"mnist-hw-{key}", retries=1)

    def as_completed(self, futures):
        from distributed import as_completed

        return as_completed(futures)

    def close(self):
        self.client.close()


def _knock(address: str, seconds: float = 10.0) -> None:
    """Open and close a TCP connection to a tcp:// or tls:// scheduler's port (parsed as Dask
    parses it), raising OSError at once where nothing listens there: Dask's Client retries a
    refused connection until its whole timeout (20 s) runs out before it says so. Other
    transports are left to the Client."""
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme in ("tcp", "tls"):
        import socket

        host, port = parse_host_port(location)
        socket.create_connection((host, port), timeout=seconds).close()
