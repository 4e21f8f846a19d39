"""The trusted side of the trust boundary: start, feed, time and kill the worker.

The worker (autograder/worker.py) is the only process that runs student code. It gets:
- its own box: a temporary directory with the worker, the wire protocol, the kit's
  training loop and data layer, the submission, and (only when training) the two
  training-set files, read-only; a private writable scratch directory;
- where bubblewrap runs: new mount, PID, network, IPC and UTS namespaces, so it sees only
  the box, the Python standard library and numpy (site-packages is hidden: no reference
  solution, no other submissions, no test set), has no network, and its whole process
  tree dies with it; where the grader runs as root, an unprivileged user (nobody);
- resource limits: CPU seconds, address space, processes, file size, no core dumps;
- a scrubbed environment (one BLAS thread, so results do not depend on the machine's cores);
- a wall-clock limit per call, after which its process group is killed.

`Sandbox.protections` says which of these were in force; missing ones are reported,
never pretended.
"""
from __future__ import annotations

import fcntl
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assignment import data as _kit
from autograder import protocol, tempdirs
from autograder.protocol import WorkerError  # noqa: F401 - part of this module's interface

NOBODY = 65534
HERE = Path(__file__).resolve().parent
KIT_FILES = ("__init__.py", "data.py", "idx.py", "training.py")
SHARED = "shared.bin"  # in the box: the training steps' shared file (autograder/training_driver.py)


@dataclass
class Limits:
    call_seconds: float = protocol.CALL_SECONDS  # wall time of one ordinary call
    cpu_seconds: int = 900  # CPU time of the whole worker
    memory_bytes: int = 4 << 30  # address space
    processes: int = 256  # processes of the worker's user
    file_bytes: int = 64 << 20  # largest file it may write
    answer_bytes: int = 64 << 20  # largest answer it may send back
    output_bytes: int = 20_000  # kept of what it prints


def bubblewrap() -> str | None:
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--dev", "/dev",
                            "--proc", "/proc", "true"], capture_output=True)
    return path if probe.returncode == 0 else None


@dataclass
class Sandbox:
    """One worker for one submission. Use as a context manager."""

    submission: Path  # the network.py to run
    train_files: tuple[Path, Path] | None = None  # train images and labels, for the training check
    limits: Limits = field(default_factory=Limits)
    isolate: bool = True  # use bubblewrap where it works

    def __post_init__(self):
        self.protections: dict[str, bool] = {}
        self.process = None
        self.dead: WorkerError | None = None
        self._answers: queue.Queue = queue.Queue()
        self.ready: dict | None = None

    # -- setting up -------------------------------------------------------------------
    def _make_box(self) -> Path:
        box = tempdirs.make("box")
        (box / "assignment").mkdir()
        for name in KIT_FILES:
            shutil.copy(Path(_kit.__file__).parent / name, box / "assignment" / name)
        shutil.copy(HERE / "worker.py", box / "worker.py")
        shutil.copy(HERE / "protocol.py", box / "protocol.py")
        (box / "submission").mkdir()
        shutil.copy(self.submission, box / "submission" / "network.py")
        (box / "scratch").mkdir()
        (box / "data").mkdir()
        for name in ("lib/numpy", "lib/numpy.libs"):
            (box / name).mkdir(parents=True)  # mount points (or replaced by links without bubblewrap)
        for f in self.train_files or ():
            (box / "data" / f.name).touch()  # a mount point for the real file, bound read-only
        (box / SHARED).touch()  # a mount point for the shared file, bound writable
        self._memory = tempdirs.make("shm", memory=True)
        self._shared = self._memory / SHARED
        self._shared.touch()
        if os.geteuid() == 0:
            os.chmod(box, 0o755)
            for path in box.rglob("*"):
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
            os.chown(box / "scratch", NOBODY, NOBODY)
            os.chmod(self._memory, 0o755)
            os.chown(self._shared, NOBODY, NOBODY)
        return box

    def _command(self, box: Path) -> list[str]:
        python = os.path.realpath(sys.executable)
        worker = [python, "-I", "-S", "-B", "-u", str(box / "worker.py"), str(box)]  # -u: prints survive a kill
        root = os.geteuid() == 0
        drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if root and shutil.which(
            "setpriv") else []
        bwrap = bubblewrap() if self.isolate else None
        if bwrap:
            cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                   "--unshare-uts", "--unshare-cgroup-try", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                   "--ro-bind", "/usr", "/usr"]
            for link in ("bin", "lib", "lib64", "sbin"):
                target = Path("/") / link
                if target.is_symlink():
                    cmd += ["--symlink", os.readlink(target), str(target)]
                elif target.exists():
                    cmd += ["--ro-bind", str(target), str(target)]
            prefixes = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
            for prefix in sorted(prefixes):
                if not prefix.startswith("/usr/"):
                    cmd += ["--ro-bind", prefix, prefix]
            for site in {str(Path(p)) for p in sys.path if p.endswith("-packages") and Path(p).is_dir()}:
                cmd += ["--tmpfs", site]  # hide every installed package: the reference among them
            cmd += ["--ro-bind", str(box), str(box), "--bind", str(box / "scratch"), str(box / "scratch")]
            for source, target in self._outside_files(box):
                cmd += ["--ro-bind", str(source), str(target)]
            cmd += ["--bind", str(self._shared), str(box / SHARED)]
            cmd += ["--chdir", str(box / "scratch"), "--"]
            self.protections.update(filesystem=True, network=True, pid_namespace=True)
        else:
            for source, target in self._outside_files(box) + [(self._shared, box / SHARED)]:
                target.unlink() if target.is_file() else target.rmdir()
                os.symlink(source, target)
            cmd = []
            self.protections.update(filesystem=False, network=False, pid_namespace=False)
        self.protections["unprivileged_user"] = bool(drop) or not root
        return cmd + drop + worker

    def _outside_files(self, box: Path):
        """(real path, path in the box) of what the worker may read beyond its box."""
        numpy_dir = Path(np.__file__).parent
        pairs = [(numpy_dir, box / "lib" / "numpy"), (numpy_dir.parent / "numpy.libs", box / "lib" / "numpy.libs")]
        pairs += [(Path(f).resolve(), box / "data" / Path(f).name) for f in self.train_files or ()]
        return [(s, t) for s, t in pairs if s.exists()]

    def _limit(self):  # runs in the child between fork and exec
        lim = self.limits
        for what, value in ((resource.RLIMIT_CPU, lim.cpu_seconds), (resource.RLIMIT_AS, lim.memory_bytes),
                            (resource.RLIMIT_FSIZE, lim.file_bytes), (resource.RLIMIT_CORE, 0),
                            (resource.RLIMIT_NPROC, lim.processes)):
            resource.setrlimit(what, (value, value))

    def start(self) -> "Sandbox":
        self.box = self._make_box()
        cmd = self._command(self.box)
        self.protections.update(resource_limits=True, scrubbed_environment=True, wall_time_limit=True)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.box / "scratch"), "LANG": "C.UTF-8",
               "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
               "PYTHONUNBUFFERED": "1"}  # what it printed survives its being killed
        req_r, self._req_w = os.pipe()
        self._ans_r, ans_w = os.pipe()
        self._out = open(self.box / "output.txt", "wb")
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT, env=env,
            preexec_fn=lambda: (_move_fds(req_r, ans_w), self._limit()), pass_fds=(3, 4),
            start_new_session=True, cwd=str(self.box / "scratch"))
        os.close(req_r)
        os.close(ans_w)
        self._requests = os.fdopen(self._req_w, "wb")
        threading.Thread(target=self._read_answers, daemon=True).start()
        self.ready = self._answer(self.limits.call_seconds)
        return self

    def _read_answers(self):
        stream = os.fdopen(self._ans_r, "rb")
        try:
            while True:
                self._answers.put(protocol.read_message(stream, self.limits.answer_bytes))
        except EOFError:
            self._answers.put(EOFError())
        except Exception as exc:  # noqa: BLE001 - a malformed answer ends the worker
            self._answers.put(exc)

    # -- talking to it ------------------------------------------------------------------
    def _answer(self, timeout: float):
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            self.dead = protocol.timed_out(timeout)
            raise self.dead from None
        if isinstance(answer, EOFError):
            code = self.process.wait()
            self.dead = WorkerError("died", _death(code))
            raise self.dead
        if isinstance(answer, Exception):
            self.kill()
            self.dead = WorkerError("protocol", f"the worker sent something that is not an answer ({answer})")
            raise self.dead
        if not isinstance(answer, dict) or "ok" not in answer:
            self.kill()
            self.dead = WorkerError("protocol", "the worker sent something that is not an answer")
            raise self.dead
        return answer

    def request(self, message: dict, timeout: float | None = None):
        self.send(message)
        return self.receive(timeout)

    def send(self, message: dict) -> None:
        """Send a request without waiting (the training steps are sent a few ahead)."""
        if self.dead:
            raise self.dead
        try:
            protocol.write_message(self._requests, message)
        except (BrokenPipeError, OSError):
            code = self.process.wait()
            self.dead = WorkerError("died", _death(code))
            raise self.dead from None

    def receive(self, timeout: float | None = None):
        """The answer to the oldest request not yet answered."""
        if self.dead:
            raise self.dead
        answer = self._answer(timeout or self.limits.call_seconds)
        if not answer["ok"]:
            raise WorkerError("raised", str(answer.get("error", "")), str(answer.get("where", "")))
        if "value" not in answer:  # e.g. a frame the student's code forged on the answer pipe
            self.kill()
            self.dead = WorkerError("protocol", "the worker's answers are out of step (forged output?)")
            raise self.dead
        mutated = answer.get("mutated")
        self.mutated = [str(m) for m in mutated] if isinstance(mutated, list) else []
        return answer["value"]

    def call(self, fn: str, *args, timeout: float | None = None, **kwargs):
        return self.request({"op": "call", "fn": fn, "args": list(args), "kwargs": kwargs}, timeout)

    def shared_file(self, nbytes: int) -> tuple[Path, Path]:
        """(path here, path in the box) of a zero-filled file of nbytes that both sides map:
        the big arrays of a training step. It lives in memory (/dev/shm) where there is one,
        so its pages are never written back to disk, and is bound writable into the box."""
        with open(self._shared, "r+b") as f:
            f.truncate(nbytes)
        return self._shared, self.box / SHARED

    def output(self) -> str:
        """What the student's code printed, cut to the limit."""
        try:
            self._out.flush()
            data = (self.box / "output.txt").read_bytes()
        except (OSError, AttributeError):
            return ""
        text = data[: self.limits.output_bytes].decode("utf-8", "replace")
        # the box's name is random: leave it out, so the same submission always gets the same feedback
        text = text.replace(f"{self.box}/submission/", "").replace(str(self.box), "<sandbox>")
        return text + (f"\n… ({len(data) - self.limits.output_bytes:,} more bytes cut)" if len(data) > self.limits.output_bytes else "")

    # -- ending it ----------------------------------------------------------------------
    def kill(self):
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()

    def close(self):
        try:
            self._requests.close()
        except (OSError, AttributeError):
            pass
        if self.process:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        if getattr(self, "_out", None):
            self._out.close()
        shutil.rmtree(getattr(self, "box", ""), ignore_errors=True)
        shutil.rmtree(getattr(self, "_memory", ""), ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


def _move_fds(req_r: int, ans_w: int):
    """In the child: requests on fd 3, answers on fd 4, as the worker expects."""
    a, b = fcntl.fcntl(req_r, fcntl.F_DUPFD, 10), fcntl.fcntl(ans_w, fcntl.F_DUPFD, 10)
    os.dup2(a, 3)
    os.dup2(b, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = {"SIGKILL": "killed (out of memory, or over a limit)", "SIGXCPU": "over its CPU time limit",
               "SIGXFSZ": "wrote a file over the size limit", "SIGSEGV": "crashed"}.get(name, "killed")
        return f"the worker was {why} ({name})"
    return f"the worker exited with status {code} (does network.py call exit()?)"
