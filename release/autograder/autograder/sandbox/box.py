"""The trusted side of the trust boundary: start, feed, time and kill the worker.

The worker (autograder/sandbox/worker.py) is the only process that runs student code. It gets:
- its own box: a temporary directory with the worker, the wire protocol, the kit's
  training loop and data layer, the submission, and (only when training) the two
  training-set files, read-only; a private writable scratch directory, the only place it
  can write (its /tmp, TMPDIR and matplotlib's cache are in it);
- the same filesystem view in every mode: the box, the Python standard library, and the
  packages the import rule allows (autograder.sandbox.imports: numpy, matplotlib and what it needs),
  read-only; nothing else of site-packages (no reference solution, no other submissions, no
  test set, no grader files); no socket. Where bubblewrap runs: new mount, PID, network, IPC
  and UTS namespaces. Where it cannot (a Docker container's seccomp profile, user namespaces
  turned off): Landlock, a seccomp filter and no_new_privs (autograder.sandbox.confine). Where neither
  can, it refuses (SandboxUnavailable) unless told `unsafe` on purpose;
- where the grader runs as root, a user of its own from a range (SANDBOX_UIDS), held for
  this worker alone, so the process cap is this submission's, and it can signal or trace
  nothing of another grading; every process of that user is killed at the end;
- resource limits: CPU seconds, address space, processes and threads, file size, no core
  dumps; at most 256 MiB written in all, watched while it runs (`_watch_disk`);
- a scrubbed environment (one BLAS thread, so results do not depend on the machine's cores);
- a wall-clock limit per call, after which its process group is killed;
- back pressure on what it writes: its answers are read into a queue of `answers_queued`
  frames (each at most `answer_bytes`); when that is full, the reader waits and the worker's
  writes block, so a worker writing frames in a loop holds at most a few frames of this
  process's memory; over `answer_budget_bytes` in all (every worker of the submission), it is
  killed. A pipe it floods, closes or fills with garbage ends its own call, never this process.

`Sandbox.protections` says which of these were in force; missing ones are reported,
never pretended.
"""
from __future__ import annotations

import fcntl
import functools
import os
import queue
import resource
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from assignment import data as _kit
from autograder import manifest, messages
from autograder.sandbox import confine, imports, machine, printed, runtime, tempdirs, wire
from autograder.sandbox.wire import WorkerError

HERE = Path(__file__).resolve().parent
SANDBOX_UIDS = range(61_000, 62_000)  # a user (and group) of its own per worker, when the grader is root
MODE_VARIABLE = "MNIST_HW_SANDBOX"  # "fallback": act as if bubblewrap could not run (tests, CI); "unsafe": no isolation
DISK_CHECK_SECONDS = 0.01  # a writer at page-cache speed puts 10-30 MB on disk between two looks
SHARED = "shared.bin"  # in the box: the training steps' shared file (autograder/grading/training.py)


CHECKS_SECONDS = 120.0  # every call of the checks together (a correct solution's take a few seconds)
CHECKS_VARIABLE = "MNIST_HW_CHECKS_SECONDS"  # the grader's own setting of CHECKS_SECONDS (tests use a short one)


def _checks_seconds() -> float:
    try:
        return float(os.environ.get(CHECKS_VARIABLE, CHECKS_SECONDS))
    except ValueError:
        return CHECKS_SECONDS


@dataclass
class Limits:
    call_seconds: float = field(default_factory=wire.call_seconds)  # wall time of one ordinary call
    import_seconds: float = wire.CALL_SECONDS  # wall time of network.py's import (its own: see wire.call_seconds)
    # the wall time of all the checks' calls of one submission together (worker restarts included);
    # training has its own (check_training.WALL_SECONDS): the whole grading's budget is their sum
    checks_seconds: float = field(default_factory=_checks_seconds)
    cpu_seconds: int = 900  # CPU time of the whole worker
    memory_bytes: int = 4 << 30  # address space
    processes: int = 32  # processes and threads of the worker's own user (its own per worker when root)
    file_bytes: int = 64 << 20  # largest file it may write
    disk_bytes: int = 256 << 20  # all it may write together (scratch, its /tmp)
    disk_files: int = 10_000  # files and directories it may make
    # directories within directories: a tree thousands deep breaks what walks it by path (PATH_MAX) or by
    # recursion (shutil.rmtree in Python < 3.12), so the box could not be measured, nor removed
    disk_depth: int = 64
    answer_bytes: int = wire.MAX_ANSWER  # largest answer it may send back
    answers_queued: int = 2  # answers read ahead of the checks: then the reader waits, and so does the worker
    answer_budget_bytes: int = 1 << 30  # all it may send back over a grading, every worker of it together
    output_bytes: int = wire.OUTPUT_CHARS  # kept of what it prints


class SandboxUnavailable(RuntimeError):
    """No isolation can be had here; the message says why and what to do."""


def bubblewrap() -> str | None:
    """bwrap's path where it can make the namespaces here; None where it cannot (or is hidden)."""
    path = shutil.which("bwrap")
    if not path or os.environ.get(MODE_VARIABLE) in ("fallback", "unsafe"):
        return None
    return path if _namespaces_work(path) else None


@functools.lru_cache(maxsize=None)
def _namespaces_work(path: str) -> bool:
    """Whether bwrap at path makes its namespaces here: asked once per process and path (a probe
    is a process start, and a grading asks at each sandbox it sets up)."""
    probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--dev", "/dev",
                            "--proc", "/proc", "true"], capture_output=True)
    return probe.returncode == 0


def isolation(unsafe: bool = False) -> str:
    """Which isolation the worker gets here: "bubblewrap", "landlock" or, only when asked for
    on purpose (`unsafe`, or MNIST_HW_SANDBOX=unsafe), "none". Raises SandboxUnavailable otherwise."""
    if bubblewrap():
        return "bubblewrap"
    if os.environ.get(MODE_VARIABLE) != "unsafe" and confine.landlock_abi() >= 1:
        return "landlock"
    if unsafe or os.environ.get(MODE_VARIABLE) == "unsafe":
        return "none"
    raise SandboxUnavailable(
        "no sandbox can run here: bubblewrap cannot make namespaces (not installed, or a container's seccomp "
        "profile or the kernel forbids unprivileged user namespaces) and Landlock is not available (Linux >= 5.13 "
        "with 'landlock' in the boot's lsm= list). Install bubblewrap and allow it (Docker: --security-opt "
        "seccomp=unconfined), or use a kernel with Landlock; --unsafe-no-sandbox grades without isolation, "
        "where students' code can read the reference solution and the test set.")


# -- a user of its own ------------------------------------------------------------------------
class SandboxUser:
    """A uid (and gid) from SANDBOX_UIDS held by this process for one worker: a lock file in
    a root-only directory says it is taken, and no process runs as it when it is taken."""

    def __init__(self):
        locks = Path(tempfile.gettempdir()) / "mnist-hw-uids"
        locks.mkdir(mode=0o700, exist_ok=True)
        info = locks.lstat()
        if info.st_uid != 0 or stat.S_IMODE(info.st_mode) & 0o022 or not stat.S_ISDIR(info.st_mode):
            raise SandboxUnavailable(f"{locks} is not a directory only root can write: remove it")
        for uid in SANDBOX_UIDS:
            fd = os.open(locks / str(uid), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            if not any(_processes_of(uid)):
                self.uid, self._lock = uid, fd
                return
            os.close(fd)  # a process of a killed grading still runs as it: leave it
        raise SandboxUnavailable(f"every sandbox user ({SANDBOX_UIDS.start}-{SANDBOX_UIDS.stop - 1}) is taken")

    def kill_all(self):
        """SIGKILL every process of this user until none is left (forks racing the kill included)."""
        for _ in range(100):
            pids = list(_processes_of(self.uid))
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def release(self):
        self.kill_all()
        os.close(self._lock)


class UserProcesses:
    """The PIDs of the processes of `uid`, as `_processes_of` finds them, for a watcher that asks
    a hundred times a second: /proc is read again only where a PID was allocated since the last
    look (a process or thread was made somewhere: /proc/loadavg's last field changed), and at
    least every RESCAN_SECONDS whatever it says (a container's /proc may not follow it). A
    reading of /proc costs ~1-2 ms of CPU for every hundred processes on the machine: at each
    look it was a sixth of a core beside every grading. Processes that only end need no look:
    a PID they leave is not given again without an allocation."""

    RESCAN_SECONDS = 0.5

    def __init__(self, uid: int):
        self.uid, self._last, self._scanned, self._pids = uid, None, float("-inf"), []

    def __call__(self) -> list[int]:
        last, now = last_pid(), time.monotonic()
        if last is None or last != self._last or now - self._scanned >= self.RESCAN_SECONDS:
            # read before /proc: a process made during the reading changes it, and the next look reads again
            self._last, self._scanned = last, now
            self._pids = list(_processes_of(self.uid))
        return self._pids


def last_pid() -> int | None:
    """The PID the kernel gave last in this PID namespace (the last field of /proc/loadavg), or None."""
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def _processes_of(uid: int):
    """PIDs of the processes whose real uid is `uid`."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:
                            yield int(pid)
                        break
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass


# -- what the worker may read --------------------------------------------------------------
def reachable(path: Path, uid: int) -> bool:
    """Whether a user `uid` with no groups can reach `path` (search every directory above it)
    and read it; for the interpreter, also execute it. Judged from the modes, as the kernel does."""
    path = Path(os.path.realpath(path))
    for directory in [*reversed(path.parents)]:
        info = directory.stat()
        if not (info.st_mode & stat.S_IXOTH or (info.st_uid == uid and info.st_mode & stat.S_IXUSR)):
            return False
    info = path.stat()
    return bool(info.st_mode & stat.S_IROTH)


def first_unreachable(paths, uid: int) -> Path | None:
    """The first directory or file among `paths` (and above them) that `uid` cannot get through."""
    for path in paths:
        path = Path(os.path.realpath(path))
        for candidate in [*reversed(path.parents), path]:
            info = candidate.stat()
            need = stat.S_IXOTH if candidate.is_dir() else stat.S_IROTH
            if not info.st_mode & need:
                return candidate
    return None


def interpreter_files() -> tuple[Path, Path | None, Path]:
    """(the real interpreter, its shared libpython or None, the standard library's directory)."""
    python = Path(os.path.realpath(sys.executable))
    libpython = None
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        candidate = Path(sysconfig.get_config_var("LIBDIR") or "") / (sysconfig.get_config_var("INSTSONAME") or "")
        libpython = candidate if candidate.is_file() else None
    return python, libpython, Path(os.path.realpath(sysconfig.get_paths()["stdlib"]))


def hidden_paths() -> list[Path]:
    """What no rule may reach even inside a granted tree: every site- and dist-packages (the
    reference solution may be installed there, and any package the import rule does not allow),
    every Python library directory of the system (granted only as the interpreter's own
    standard library), this project (the grader's files) and the data directory (the test set)."""
    hidden = {Path(os.path.realpath(p)) for p in sys.path if p.endswith("-packages") and Path(p).is_dir()}
    # and those not on this process's path: a grader in a venv does not list its base interpreter's
    # (pyenv's lib/python3.X/site-packages, beneath the standard library the worker is given), nor the user's
    import site

    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    candidates = [*site.getsitepackages(sorted(prefixes)), site.getusersitepackages(),
                  stdlib / "site-packages", stdlib / "dist-packages"]
    hidden |= {Path(os.path.realpath(p)) for p in candidates if Path(p).is_dir()}
    for pattern in ("usr/lib/python3*", "usr/local/lib/python3*", "usr/lib/python2*", "usr/local/lib/python2*"):
        hidden |= {Path(os.path.realpath(p)) for p in Path("/").glob(pattern)}
    hidden.add(Path(os.path.realpath(HERE.parent)))
    hidden.add(Path(os.path.realpath(_kit.resolve_data_dir(None))))
    return sorted(hidden)




@dataclass
class Sandbox:
    """One worker for one submission. Use as a context manager."""

    submission: Path  # the network.py to run
    train_files: tuple[Path, Path] | None = None  # train images and labels, for the training check
    limits: Limits = field(default_factory=Limits)
    unsafe: bool = False  # grade without isolation where none can be had (said in the protections)
    bytes_allowed: int | None = None  # what is left of the submission's answer budget (None: all of it)

    def __post_init__(self):
        self.protections: dict[str, bool] = {}
        self.process = None
        self.dead: WorkerError | None = None
        self._answers: queue.Queue = queue.Queue(maxsize=self.limits.answers_queued)  # bounded: back pressure
        self.bytes_read = 0  # what this worker sent back, frames and garbage alike
        self.bytes_allowed = self.limits.answer_budget_bytes if self.bytes_allowed is None else self.bytes_allowed
        self.ready: dict | None = None
        self.user: SandboxUser | None = None
        self._confined: confine.Prepared | None = None
        self._over: tuple[str, str] | None = None  # why the disk watcher killed it
        self._stop = threading.Event()
        self._printed = printed.Kept(self.limits.output_bytes)  # what it prints (drained by _drain_output)

    # -- setting up -------------------------------------------------------------------
    def _make_box(self) -> Path:
        box = tempdirs.make("box")
        (box / "assignment").mkdir()
        for rel in manifest.SANDBOX_KIT:
            shutil.copy(manifest.ROOT / rel, box / rel)
        shutil.copy(HERE / "worker.py", box / "worker.py")
        shutil.copy(HERE / "wire.py", box / "wire.py")
        (box / "submission").mkdir()
        shutil.copy(self.submission, box / "submission" / "network.py")
        for name in ("scratch/tmp", "scratch/matplotlib", "data", "lib"):
            (box / name).mkdir(parents=True)
        (box / SHARED).touch()  # a mount point for the shared file, bound writable (a link to it without bubblewrap)
        self._memory = tempdirs.make("shm", memory=True)
        self._shared = self._memory / SHARED
        self._shared.touch()
        if os.geteuid() == 0:
            for path in [box, *box.rglob("*")]:
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
            for path in [box / "scratch", *(box / "scratch").rglob("*")]:
                os.chown(path, self.user.uid, self.user.uid)
            os.chmod(self._memory, 0o755)
            os.chown(self._shared, self.user.uid, self.user.uid)
        return box

    def _outside_files(self, box: Path):
        """(real path, path in the box) of what the worker may read beyond its box: the
        packages the import rule allows (numpy, matplotlib, …) and the training files."""
        pairs = [(p, box / "lib" / p.name) for p in imports.sandbox_paths()]
        pairs += [(Path(f).resolve(), box / "data" / Path(f).name) for f in self.train_files or ()]
        return [(s, t) for s, t in pairs if s.exists()]

    def _bubblewrap_command(self, bwrap: str, box: Path) -> list[str]:
        cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
               "--unshare-uts", "--unshare-cgroup-try", "--proc", "/proc", "--dev", "/dev", "--ro-bind", "/usr", "/usr"]
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
        for site in Path("/").glob("usr/lib/python3*/dist-packages"):
            cmd += ["--tmpfs", str(site)]  # the system's too
        # /tmp is in scratch, so it counts towards the disk cap; bound first, since the box may lie in /tmp
        cmd += ["--bind", str(box / "scratch" / "tmp"), "/tmp", "--ro-bind", str(box), str(box),
                "--bind", str(box / "scratch"), str(box / "scratch")]
        for source, target in self._outside_files(box):
            if source.is_dir():
                target.mkdir(exist_ok=True)
            else:
                target.touch()  # a mount point for the real file, bound read-only
            cmd += ["--ro-bind", str(source), str(target)]
        cmd += ["--bind", str(self._shared), str(box / SHARED)]  # the one file outside scratch it may write
        return cmd + ["--chdir", str(box / "scratch"), "--"]

    def _landlock_rules(self, box: Path) -> tuple[list[str], confine.Rules, dict]:
        """The interpreter to run, the Landlock rules and extra environment, without namespaces.

        What the worker may read is granted where it lies when the worker's user can get
        there; what it cannot (a Python under root's 0700 home, say) is linked where it can
        (hard links: no copy, no change to the original; the machine's shared tree of
        autograder/sandbox/runtime.py) and run from there."""
        python, libpython, stdlib = interpreter_files()
        uid = self.user.uid if self.user else os.geteuid()
        hidden = hidden_paths()
        sites = [h for h in hidden if stdlib in h.parents]
        rules = confine.Rules(read=[box], write=[box / "scratch", self._shared])
        (box / SHARED).unlink()
        (box / SHARED).symlink_to(self._shared)  # the training steps' shared file, in memory
        env = {}
        outside = self._outside_files(box)
        packages: list[Path] = []  # allowed packages its user cannot reach: linked with the interpreter
        if reachable(python, uid) and reachable(stdlib, uid) and (libpython is None or reachable(libpython, uid)):
            rules.read += [python, *confine.grant_except(stdlib, sites)] + ([libpython] if libpython else [])
            rules.listed.append(stdlib)  # the import system lists it; files beneath site-packages stay unreadable
            linked = None
        else:  # linked where its user can read it: the machine's shared tree (runtime.py), else the box's own
            packages = [s for s, t in outside if t.parent == box / "lib" and not reachable(s, uid)]
            skip = frozenset({h.name for h in sites} | {"test"})
            linked = runtime.shared(python, libpython, stdlib, skip, packages)
            if linked is None:
                linked = box / "runtime"
                linked.mkdir()
                runtime.populate(linked, python, libpython, stdlib, skip, packages)
            rules.read.append(linked)
            if libpython:
                env["LD_LIBRARY_PATH"] = str(linked / "lib")
            python = linked / "bin" / python.name
        for source, target in outside:
            if reachable(source, uid):
                target.symlink_to(source)
                rules.read.append(source)
            elif source in packages:
                target.symlink_to(linked / "site" / source.name)
            else:
                runtime.link_tree(source, target)
        for system in ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/ld.so.cache"):
            if Path(system).exists():
                rules.read += confine.grant_except(Path(os.path.realpath(system)), hidden)
        rules.read += [Path(f"/dev/{d}") for d in ("null", "zero", "urandom", "random") if Path(f"/dev/{d}").exists()]
        rules.read = list(dict.fromkeys(rules.read))
        return [str(python)], rules, env

    def _command(self, box: Path) -> tuple[list[str], dict]:
        python, env = [os.path.realpath(sys.executable)], {}
        worker_args = ["-I", "-S", "-B", "-u", str(box / "worker.py"), str(box)]  # -u: prints survive a kill
        mode = isolation(self.unsafe)
        root = os.geteuid() == 0
        prefix = []
        if mode == "bubblewrap":
            prefix = self._bubblewrap_command(bubblewrap(), box)
            if root:  # bubblewrap runs as root (no user namespace): the worker drops inside it
                prefix += ["setpriv", f"--reuid={self.user.uid}", f"--regid={self.user.uid}", "--clear-groups"]
        elif mode == "landlock":
            python, rules, env = self._landlock_rules(box)
            self._confined = confine.prepare(rules)
        else:  # no isolation (asked for on purpose): the same files, run the same way, nothing enforced
            python, _, env = self._landlock_rules(box)
        seccomp = mode == "landlock" and self._confined.seccomp is not None
        self.protections.update(
            filesystem=mode != "none",
            network=mode == "bubblewrap" or seccomp,  # Landlock alone refuses TCP only
            # sees, signals and traces nothing outside its own tree, which dies with it: a PID namespace,
            # or its own user (killed by uid at the end) with Landlock's and seccomp's refusals
            process_isolation=mode == "bubblewrap" or (mode == "landlock" and root and seccomp),
            unprivileged_user=True,  # as root it always drops to its own user; otherwise the grader is not root
            own_user=root)  # its processes and threads are capped apart from every other grading's
        self.isolation = mode
        return prefix + python + worker_args, env

    def _limit(self):  # runs in the child between fork and exec
        lim = self.limits
        processes = lim.processes
        if not self.user:  # the limit counts every process of the grader's user: give this worker its own share
            processes += self._user_processes
        for what, value in ((resource.RLIMIT_CPU, lim.cpu_seconds), (resource.RLIMIT_AS, lim.memory_bytes),
                            (resource.RLIMIT_FSIZE, lim.file_bytes), (resource.RLIMIT_CORE, 0),
                            (resource.RLIMIT_NPROC, processes)):
            resource.setrlimit(what, (value, value))
        if self.user and self.isolation != "bubblewrap":
            os.setgroups([])
            os.setgid(self.user.uid)
            os.setuid(self.user.uid)
        if self._confined:
            confine.apply(self._confined)

    def start(self) -> "Sandbox":
        """Make the box, start the worker, wait for its `ready`. A WorkerError (it died, or hung at
        import) leaves the box for `output()` until `close()`; any other failure removes it."""
        self.launch()
        return self.let_in()

    def launch(self) -> "Sandbox":
        """Make the box and start the worker, which sets up (numpy, the training set) and then
        waits for `let_in` before it imports network.py: no student code runs until then, so a
        grader may launch before its canary has passed. Failures as start's."""
        if self.process is None:
            self._guarded(self._launch)
        return self

    def let_in(self) -> "Sandbox":
        """Let the launched worker import network.py; wait for its `ready` (within import_seconds)."""
        if self.ready is None:
            self._guarded(self._let_in)
        return self

    def _guarded(self, step) -> None:
        try:
            step()
        except WorkerError:
            raise
        except BaseException:
            self.close()
            raise

    def _let_in(self) -> None:
        self.send({"op": "import"})
        self.ready = self._answer(self.limits.import_seconds)

    def _launch(self) -> None:
        if os.geteuid() == 0:
            self.user = SandboxUser()
            self._user_pids = UserProcesses(self.user.uid)
        self.box = self._make_box()
        cmd, extra_env = self._command(self.box)
        self._user_processes = 0 if self.user else sum(1 for _ in _processes_of(os.getuid()))
        self.protections.update(resource_limits=True, disk_limit=True, scrubbed_environment=True,
                                wall_time_limit=True)
        scratch = self.box / "scratch"
        env = {"PATH": "/usr/bin:/bin", "HOME": str(scratch), "LANG": "C.UTF-8", "TMPDIR": str(scratch / "tmp"),
               "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
               "MPLCONFIGDIR": str(scratch / "matplotlib"),  # its font cache: written here, counted in the cap
               "PYTHONUNBUFFERED": "1",  # what it printed survives its being killed
               **machine.blas_environment(),  # one BLAS kernel and thread: the same numbers on every machine
               **extra_env}
        req_r, self._req_w = os.pipe()
        self._ans_r, ans_w = os.pipe()
        # what it prints goes through a pipe drained here (printed.Kept), never a file: a file's size
        # limit (RLIMIT_FSIZE) would fail a flood of prints with "File too large" inside the student's code
        out_r, out_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=out_w, stderr=subprocess.STDOUT, env=env,
                preexec_fn=lambda: (_move_fds(req_r, ans_w), self._limit()), pass_fds=(3, 4),
                start_new_session=True, cwd=str(scratch))
        except BaseException:
            os.close(out_r)
            raise
        finally:
            os.close(req_r)
            os.close(ans_w)
            os.close(out_w)
            if self._confined:
                self._confined.close()
        self._requests = os.fdopen(self._req_w, "wb")
        os.set_blocking(self._req_w, False)  # a worker that stops reading its requests must not stall us (send)
        self._drainer = threading.Thread(target=self._drain_output, args=(out_r,), daemon=True)
        self._drainer.start()
        threading.Thread(target=self._read_answers, daemon=True).start()
        threading.Thread(target=self._watch_disk, daemon=True).start()

    def _watch_disk(self):
        """Kill the worker as soon as what it wrote (its scratch tree, and files it deleted but
        keeps open) passes the disk cap, or it made too many files. RLIMIT_FSIZE bounds each file,
        so the overshoot is what it writes between two looks."""
        while not self._stop.wait(DISK_CHECK_SECONDS) and self.process.poll() is None:
            used, files, depth = disk_usage(self.box / "scratch", self._worker_pids())
            if used > self.limits.disk_bytes or files > self.limits.disk_files:
                self._over = messages.wrote_too_much(used / 2**20, files, self.limits.disk_bytes / 2**20,
                                                     self.limits.disk_files)
            elif depth > self.limits.disk_depth:
                self._over = messages.nested_too_deep(depth, self.limits.disk_depth)
            else:
                continue
            self.kill()
            return

    def _drain_output(self, fd: int):
        """Read what the worker prints until every writer has closed the pipe, into self._printed
        (bounded whatever it prints, so a flood costs this process nothing but reading it)."""
        with os.fdopen(fd, "rb", buffering=0) as stream:
            while chunk := stream.read(1 << 16):
                self._printed.add(chunk)

    def _worker_pids(self) -> list[int]:
        if self.user:
            return self._user_pids()
        return [self.process.pid]

    def _read_answers(self):
        """Read the worker's frames into the bounded queue, in order; the last item says how the
        stream ended (EOFError, a ProtocolError, or the budget's AnswerBudgetSpent). Waits while
        the queue is full (so the worker's writes block) and stops once the sandbox is closed."""
        stream = _Metered(os.fdopen(self._ans_r, "rb", buffering=0), self)
        try:
            while not self._stop.is_set():
                if not self._enqueue(wire.read_message(stream, self.limits.answer_bytes)):
                    return
        except EOFError:
            self._enqueue(EOFError())
        except AnswerBudgetSpent as exc:
            self.kill()
            self._enqueue(exc)
        except MemoryError as exc:  # this process's own cap: the grader's failure, raised as such
            self.kill()
            self._enqueue(exc)
        except Exception as exc:  # noqa: BLE001 - a malformed answer ends the worker
            self._enqueue(exc)
        finally:
            stream.close()

    def _enqueue(self, item) -> bool:
        """Put `item` on the queue, waiting while it is full; False if the sandbox closed meanwhile."""
        while not self._stop.is_set():
            try:
                self._answers.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    # -- talking to it ------------------------------------------------------------------
    def _answer(self, timeout: float):
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            self.dead = WorkerError.said("timeout", messages.timed_out(timeout))
            raise self.dead from None
        if isinstance(answer, MemoryError):
            self.dead = WorkerError.said("died", messages.NOT_AN_ANSWER)
            raise MemoryError("the grading process's memory cap, while reading the worker's answers")
        if isinstance(answer, AnswerBudgetSpent):
            self.dead = WorkerError.said("died", messages.sent_too_much(self.bytes_read / 2**20,
                                                                        self.bytes_allowed / 2**20))
            raise self.dead
        if isinstance(answer, EOFError):
            code = self.process.wait()
            self.dead = WorkerError.said("died", self._over or messages.worker_death(code))
            raise self.dead
        if isinstance(answer, Exception):
            self.kill()
            self.dead = wire.not_an_answer(answer)
            raise self.dead
        if not isinstance(answer, dict) or "ok" not in answer:
            self.kill()
            self.dead = WorkerError.said("protocol", messages.NOT_AN_ANSWER)
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
            self._write_request(wire.encode(message))
        except TimeoutError:  # it stopped reading its requests (a call hanging while a thread answers for it)
            self.kill()
            self.dead = WorkerError.said("timeout", messages.timed_out(self.limits.call_seconds))
            raise self.dead from None
        except (BrokenPipeError, OSError):
            code = self.process.wait()
            self.dead = WorkerError.said("died", self._over or messages.worker_death(code))
            raise self.dead from None

    def _write_request(self, data: bytes) -> None:
        """Write one request within a call's time: the pipe is non-blocking, so a worker that does
        not read it costs at most that long (TimeoutError), never a grading process stalled."""
        import select

        view, deadline = memoryview(data), time.monotonic() + self.limits.call_seconds
        while view:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._req_w], [], left)[1]:
                raise TimeoutError
            try:
                view = view[os.write(self._req_w, view):]
            except BlockingIOError:
                continue

    def receive(self, timeout: float | None = None):
        """The answer to the oldest request not yet answered."""
        if self.dead:
            raise self.dead
        answer = self._answer(timeout or self.limits.call_seconds)
        if not answer["ok"] and (refused := wire.refused_value(answer, bounded_text)):
            raise refused  # its value cannot cross: said here, in both languages, from the code it sent
        if not answer["ok"]:  # the student's words: text, and bounded, before anything here shows them
            raise WorkerError("raised", bounded_text(answer.get("error", "")), bounded_text(answer.get("where", ""),
                                                                                          WHERE_CHARS))
        if "value" not in answer:  # e.g. a frame the student's code forged on the answer pipe
            self.kill()
            self.dead = WorkerError.said("protocol", messages.OUT_OF_STEP)
            raise self.dead
        return answer["value"]  # data for the checks to judge (what a function returned), never a verdict

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
        """What the student's code printed: its first and last part, the rest counted (printed.Kept).
        Ends the worker first and reads its pipe to the end, so the text is all it printed, the same
        on every run (the grading is over when this is asked; a process that escaped the kill and
        keeps the pipe open costs OUTPUT_WAIT_SECONDS)."""
        if self.process is None:  # never started
            return ""
        self.kill()
        if getattr(self, "_drainer", None):
            self._drainer.join(OUTPUT_WAIT_SECONDS)
        text = self._printed.text()
        # the box's name is random: leave it out, so the same submission always gets the same feedback
        return text.replace(f"{self.box}/submission/", "").replace(str(self.box), "<sandbox>")

    # -- ending it ----------------------------------------------------------------------
    def kill(self):
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        if self.user:  # what left its process group (setsid) still runs as its user
            self.user.kill_all()

    def close(self):
        """End the worker and every process of its user, remove the box. Safe to call twice."""
        try:
            self._requests.close()
        except (OSError, AttributeError):
            pass
        if self.process:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        self._stop.set()
        self.kill()
        _drain(self._answers)  # the frames read ahead, freed now rather than with this object
        if self.user:
            self.user.release()
            self.user = None
        if getattr(self, "box", None):
            tempdirs.remove(self.box)
        if getattr(self, "_memory", None):
            tempdirs.remove(self._memory)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


# Of an error's text (the worker's describe cuts it so) and of the line it names (which it does not
# cut: the student's own source line, which the report shows up to its field limit).
ERROR_CHARS, WHERE_CHARS = 2000, 2000
OUTPUT_WAIT_SECONDS = 5.0  # for the output pipe's end once the worker is killed (only an escaped process holds it)


def bounded_text(value, limit: int = ERROR_CHARS) -> str:
    """What the worker says in words (an error, the line it names) as text of at most `limit`
    characters and how many more were cut, whatever it sent: a forged answer may send anything."""
    from autograder import inert

    return inert.capped(value if isinstance(value, str) else "", limit)


class AnswerBudgetSpent(Exception):
    """The worker sent back more than its submission's answer budget (Limits.answer_budget_bytes)."""


class _Metered:
    """The answer pipe, counting what is read into `sandbox.bytes_read`: past
    `sandbox.bytes_allowed`, AnswerBudgetSpent (before what is over is even read)."""

    def __init__(self, stream, sandbox: "Sandbox"):
        self.stream, self.sandbox = stream, sandbox

    def read(self, n: int) -> bytes:
        left = self.sandbox.bytes_allowed - self.sandbox.bytes_read
        if left <= 0:
            raise AnswerBudgetSpent()
        chunk = self.stream.read(min(n, left, 1 << 20))  # at most 1 MiB a read: the budget is exact
        self.sandbox.bytes_read += len(chunk or b"")
        return chunk

    def close(self):
        self.stream.close()


def _drain(answers: queue.Queue) -> None:
    while True:
        try:
            answers.get_nowait()
        except queue.Empty:
            return


def disk_usage(directory: Path, pids=()) -> tuple[int, int, int]:
    """(bytes allocated, entries, deepest nesting of directories) of everything under `directory`,
    plus regular files the processes `pids` hold open that are deleted (unlinked, yet still taking
    space). Each inode once. A directory it cannot read (gone, a path past PATH_MAX) is skipped:
    the nesting that makes such paths is over the depth cap long before."""
    seen, used, entries, deepest = set(), 0, 0, 0
    stack = [(directory, 0)]
    while stack:
        path, depth = stack.pop()
        deepest = max(deepest, depth)
        try:
            with os.scandir(path) as found:
                for entry in found:
                    entries += 1
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, depth + 1))
                    if (info.st_dev, info.st_ino) not in seen:
                        seen.add((info.st_dev, info.st_ino))
                        used += info.st_blocks * 512
        except OSError:
            continue
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                info = os.stat(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_nlink == 0 and (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                used += info.st_blocks * 512
    return used, entries, deepest


def _move_fds(req_r: int, ans_w: int):
    """In the child: requests on fd 3, answers on fd 4, as the worker expects."""
    a, b = fcntl.fcntl(req_r, fcntl.F_DUPFD, 10), fcntl.fcntl(ans_w, fcntl.F_DUPFD, 10)
    os.dup2(a, 3)
    os.dup2(b, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)
