"""The interpreter, its standard library and the allowed packages, linked where a sandbox's
user can read them: made once per machine and shared by every box, not once per worker.

Without bubblewrap (Landlock and seccomp), a worker runs as a user of its own and reads files
where they lie, so a Python it cannot reach (pyenv's under root's 0700 home, say) is linked
into a tree it can: hard links, no copy, no change to the originals (copies across
filesystems). That tree is some 8,500 directories; made in each box it cost 2–4 s at every
worker's start and 1.4 s at its removal, several times a grading. Made once, in the system's
temporary folder as mnist-hw-runtime-KEY, it costs that once.

Sharing it changes nothing a worker can do: the tree holds exactly what a box's own tree held
(the interpreter, the standard library without its site-packages and tests, the packages the
import rule allows), its directories are 0755 and its files are the originals' inodes with
their owners and modes, and Landlock grants the worker only reading there. KEY names what was
linked (each source's path, inode and modification time, and what was left out), so an
upgraded numpy or Python gets a tree of its own. It is made beside its final name and renamed
into place, so a tree under that name is whole; one that is not this process's user's, or that
others may write, is never used (a box gets a tree of its own instead).

    link_tree(source, target, skip=())            a copy of source made of hard links
    shared(python, libpython, stdlib, skip, packages) -> Path | None
        the shared tree: ROOT/bin/PYTHON, ROOT/lib/LIBPYTHON, ROOT/lib/STDLIB, ROOT/site/PACKAGE
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from autograder.sandbox import tempdirs


def link_tree(source: Path, target: Path, skip=()):
    """`target` as a copy of `source` made of hard links (copies across filesystems), so a user
    who cannot get through `source`'s parents reads the same bytes. Directories 0755."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        target.mkdir(mode=0o755)
        for entry in os.scandir(source):
            if entry.name not in skip:
                link_tree(source / entry.name, target / entry.name)
    else:
        try:
            os.link(source, target)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copy2(source, target)


def populate(root: Path, python: Path, libpython: Path | None, stdlib: Path, skip: frozenset,
             packages) -> None:
    """Link the runtime under `root` (an empty directory): bin/PYTHON, lib/LIBPYTHON,
    lib/STDLIB without `skip`, site/NAME for each of `packages`."""
    (root / "bin").mkdir(mode=0o755)
    (root / "lib").mkdir(mode=0o755)
    (root / "site").mkdir(mode=0o755)
    link_tree(python, root / "bin" / python.name)
    if libpython:
        link_tree(libpython, root / "lib" / libpython.name)
    link_tree(stdlib, root / "lib" / stdlib.name, skip=skip)
    for package in packages:
        link_tree(package, root / "site" / package.name)


def _key(python: Path, libpython: Path | None, stdlib: Path, skip: frozenset, packages) -> str:
    identity = []
    for path in (python, libpython, stdlib, *packages):
        if path is not None:
            st = os.lstat(path)
            identity.append((str(path), st.st_ino, st.st_mtime_ns))
    return hashlib.sha256(repr((identity, sorted(skip))).encode()).hexdigest()[:20]


def _usable(root: Path) -> bool:
    """A directory (not a link) of this process's user that nobody else may write."""
    try:
        st = os.lstat(root)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o022


def shared(python: Path, libpython: Path | None, stdlib: Path, skip: frozenset, packages) -> Path | None:
    """The machine's shared runtime tree for these sources (made now if there is none yet), or
    None where the name is taken by something that is not a usable tree of ours."""
    packages = tuple(packages)
    root = Path(tempfile.gettempdir()) / f"{tempdirs.PREFIX}runtime-{_key(python, libpython, stdlib, skip, packages)}"
    if _usable(root):
        return root
    build = tempdirs.make("runtimebuild")  # named for this process: swept if it is killed half-way
    try:
        (build / "tree").mkdir(mode=0o755)
        populate(build / "tree", python, libpython, stdlib, skip, packages)
        os.chmod(build / "tree", 0o755)
        try:
            os.rename(build / "tree", root)  # atomic: a tree under the final name is whole
        except OSError:  # another grading made it first (or the name is taken): theirs is checked below
            pass
    finally:
        tempdirs.remove(build)
    return root if _usable(root) else None
