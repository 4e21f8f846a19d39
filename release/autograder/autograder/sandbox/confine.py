"""Isolation without namespaces: what the sandbox uses where bubblewrap cannot run (a Docker
container with the default seccomp profile, a kernel without unprivileged user namespaces).

Three mechanisms the kernel offers to any process, applied to the worker between fork and
exec, after which the worker cannot undo them:

- Landlock (Linux >= 5.13): an allow-list of paths. The worker may read and execute only what
  `Rules` grants (its box, the standard library, numpy and what the import rule allows) and
  write only its scratch directory; on ABI >= 4 it may bind or connect no TCP socket, on
  ABI >= 6 it may signal no process and reach no abstract Unix socket outside its own domain.
- a seccomp filter refusing (EPERM) every syscall that makes a socket, traces or reads
  another process, makes namespaces or mounts, or makes memory outside the disk cap's view
  (memfd, SysV shared memory, which would outlive the worker);
- PR_SET_NO_NEW_PRIVS, which both need, so no setuid binary can lift them.

The ruleset and the filter are built in the trusted parent (`prepare`), so the child only
makes syscalls (`apply`): no allocation, no import, nothing that can deadlock after fork.
Only the three Landlock syscalls and prctl are used, through ctypes: no dependency.
"""
from __future__ import annotations

import ctypes
import fcntl
import os
import platform
import struct
from dataclasses import dataclass, field
from pathlib import Path

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.restype = ctypes.c_int

# Landlock: include/uapi/linux/landlock.h. The three syscalls have the same numbers on every arch.
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM, REFER, TRUNCATE, IOCTL_DEV = (1 << n for n in range(9, 16))
FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # the rights a rule on a file (not a dir) may hold
READ = EXECUTE | READ_FILE | READ_DIR
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2  # ABI 6

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


def landlock_abi() -> int:
    """The kernel's Landlock ABI version; 0 where Landlock is missing or turned off."""
    version = _libc.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(int(version), 0)


@dataclass
class Rules:
    """What the worker may do on the filesystem: paths it may read (and execute), directories
    it may also write. A directory's rule covers everything beneath it, so a tree holding
    something secret is granted entry by entry (see `grant_except`)."""

    read: list[Path] = field(default_factory=list)
    write: list[Path] = field(default_factory=list)
    listed: list[Path] = field(default_factory=list)  # directories whose names (only) may be listed: the
    # import system lists the standard library's directory, beneath which site-packages may lie


def grant_except(tree: Path, hidden: list[Path]) -> list[Path]:
    """The paths that together grant `tree` but nothing at or beneath any of `hidden`:
    `tree` itself if no hidden path lies within it, else its entries, recursively.
    E.g. grant_except(/usr, [/usr/lib/python3/dist-packages]) -> /usr/bin, /usr/share, …,
    /usr/lib/x86_64-linux-gnu, … (every entry of /usr/lib but python3), /usr/lib/python3/<other entries>."""
    tree = Path(tree)
    inside = [h for h in hidden if h == tree or tree in h.parents]
    if not inside:
        return [tree]
    if any(h == tree for h in inside) or not tree.is_dir() or tree.is_symlink():
        return []
    granted = []
    for entry in sorted(tree.iterdir()):
        granted += grant_except(entry, inside)
    return granted


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class ConfineError(OSError):
    """The kernel refused to set up the isolation; the message says which part."""


@dataclass
class Prepared:
    """A Landlock ruleset (an fd, close-on-exec) and a seccomp program, ready for `apply`."""

    abi: int
    ruleset_fd: int
    seccomp: _SockFprog | None
    _program: ctypes.Array | None = None  # keeps the filter's memory alive

    def close(self):
        try:
            os.close(self.ruleset_fd)
        except OSError:
            pass


def _add(ruleset_fd: int, path: Path, access: int):
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not Path(path).is_dir():
            access &= FILE_ONLY
        attr = _PathBeneath(access, fd)
        if _libc.syscall(SYS_ADD_RULE, ctypes.c_int(ruleset_fd), ctypes.c_int(RULE_PATH_BENEATH),
                         ctypes.byref(attr), ctypes.c_uint32(0)) != 0:
            raise ConfineError(ctypes.get_errno(), f"Landlock refused a rule for {path}")
    finally:
        os.close(fd)


def prepare(rules: Rules) -> Prepared:
    """Build the Landlock ruleset for `rules` and the seccomp filter, in the trusted parent.
    Raises ConfineError where Landlock is missing (the caller refuses or falls back)."""
    abi = landlock_abi()
    if abi < 1:
        raise ConfineError(ctypes.get_errno(), "Landlock is not available (Linux >= 5.13 with Landlock enabled "
                                               "in the LSM list is needed)")
    fs = FS_BY_ABI.get(abi, FS_BY_ABI[5])
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)  # older kernels want the older size
    fd = _libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if fd < 0:
        raise ConfineError(ctypes.get_errno(), "Landlock refused to create a ruleset")
    low = int(fd)  # moved above the fds the worker's pipes are given (3, 4), which would replace it
    fd = fcntl.fcntl(low, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(low)
    try:
        for path in rules.read:
            _add(fd, path, READ)
        for path in rules.listed:
            _add(fd, path, READ_DIR)
        for path in rules.write:
            _add(fd, path, fs & ~(EXECUTE | MAKE_CHAR | MAKE_BLOCK | MAKE_SOCK | MAKE_FIFO))
    except BaseException:
        os.close(fd)
        raise
    program = seccomp_program()
    prog = None
    if program is not None:
        prog = _SockFprog(len(program) // 8, ctypes.cast(program, ctypes.c_void_p))
    return Prepared(abi, fd, prog, program)


def apply(prepared: Prepared) -> None:
    """In the child, between fork and exec (after dropping to the sandbox's user): no new
    privileges, the Landlock ruleset, the seccomp filter. Raises OSError if any is refused,
    so the worker never starts half-confined."""
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if _libc.syscall(SYS_RESTRICT_SELF, ctypes.c_int(prepared.ruleset_fd), ctypes.c_uint32(0)) != 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    if prepared.seccomp is not None and _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
                                                    ctypes.byref(prepared.seccomp), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


# -- seccomp ---------------------------------------------------------------------------------
AUDIT_ARCH_X86_64 = 0xC000003E
# x86_64 numbers (asm/unistd_64.h). Refused with EPERM: sockets of any family (the grader's
# pipes are already open as fds 3 and 4); reading or tracing another process; namespaces,
# mounts and handles that step around paths; memory the disk cap cannot see or that outlives
# the worker (memfd, SysV IPC); kernel facilities a numpy function never needs.
DENIED_X86_64 = {
    "socket": 41, "connect": 42, "accept": 43, "bind": 49, "listen": 50, "socketpair": 53, "accept4": 288,
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_getfd": 438,
    "mount": 165, "umount2": 166, "unshare": 272, "setns": 308, "open_tree": 428, "move_mount": 429,
    "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
    "name_to_handle_at": 303, "open_by_handle_at": 304,
    "memfd_create": 319, "memfd_secret": 447, "shmget": 29, "semget": 64, "msgget": 68,
    "add_key": 248, "request_key": 249, "keyctl": 250, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,  # io_uring would bypass this filter
}
CLONE_X86_64, CLONE3_X86_64 = 56, 435
CLONE_NEW_NAMESPACES = 0x7E020000  # CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
EPERM, ENOSYS = 1, 38
RET_ALLOW, RET_ERRNO, RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def seccomp_program() -> ctypes.Array | None:
    """The BPF filter as bytes (a ctypes buffer), or None on an architecture it does not know
    (then `network` and the process protections rest on Landlock alone, and are reported so).

    seccomp_data: nr at offset 0, arch at 4, args[i] at 16 + 8 i."""
    if platform.machine() != "x86_64":
        return None
    code = [_insn(LD_W_ABS, 0, 0, 4), _insn(JEQ_K, 1, 0, AUDIT_ARCH_X86_64), _insn(RET_K, 0, 0, RET_KILL_PROCESS),
            _insn(LD_W_ABS, 0, 0, 0),
            _insn(JGE_K, 0, 1, 0x40000000), _insn(RET_K, 0, 0, RET_ERRNO | EPERM),  # the x32 ABI's numbers
            _insn(JEQ_K, 0, 1, CLONE3_X86_64), _insn(RET_K, 0, 0, RET_ERRNO | ENOSYS)]  # libc falls back to clone
    for nr in sorted(DENIED_X86_64.values()):
        code += [_insn(JEQ_K, 0, 1, nr), _insn(RET_K, 0, 0, RET_ERRNO | EPERM)]
    code += [_insn(JEQ_K, 0, 3, CLONE_X86_64), _insn(LD_W_ABS, 0, 0, 16),  # clone's flags (low 32 bits)
             _insn(JSET_K, 0, 1, CLONE_NEW_NAMESPACES), _insn(RET_K, 0, 0, RET_ERRNO | EPERM),
             _insn(RET_K, 0, 0, RET_ALLOW)]
    raw = b"".join(code)
    return ctypes.create_string_buffer(raw, len(raw))
