"""The import rule, written once: what a network.py may import, in the grader's sandbox and
in the student's local check alike.

- the Python standard library and numpy always import;
- a package the student kit itself installs for plotting (matplotlib, with what it needs)
  imports too, read-only, so an unused `import matplotlib.pyplot as plt` costs nothing;
- any other third-party module (scipy, torch, sklearn, …) is refused with the same
  bilingual message in both places, and the same score: the assignment allows numpy only.
"""
from __future__ import annotations

import builtins
import contextlib
import functools
import importlib.abc
import importlib.metadata as metadata
import re
import sys
import threading
from pathlib import Path

from autograder import manifest

# The distributions a submission may import (their dependencies come along, read-only).
ALLOWED_DISTRIBUTIONS = ("numpy", "matplotlib")
# The student kit's modules the sandbox's box holds (autograder.manifest.SANDBOX_KIT); the kit's others are not there.
KIT_MODULES = frozenset(rel[:-len(".py")].replace("/", ".").removesuffix(".__init__") for rel in manifest.SANDBOX_KIT)


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s;<>=!~\[(]", requirement.strip(), maxsplit=1)[0]


@functools.lru_cache(maxsize=None)
def distributions() -> tuple[metadata.Distribution, ...]:
    """The allowed distributions and everything they require (extras aside), installed ones only."""
    found, seen, todo = [], set(), list(ALLOWED_DISTRIBUTIONS)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(dist)
        todo += [_requirement_name(r) for r in dist.requires or () if "extra ==" not in r.replace("'", '"')]
    return tuple(sorted(found, key=lambda d: d.metadata["Name"].lower()))


@functools.lru_cache(maxsize=None)
def sandbox_paths() -> tuple[Path, ...]:
    """The files and directories (top level of site-packages) the sandbox makes readable:
    each allowed distribution's packages, modules and bundled libraries (numpy.libs, …)."""
    paths = set()
    for dist in distributions():
        for file in dist.files or ():
            parts = Path(str(file)).parts
            if not parts or parts[0] in ("..", "/") or parts[0].endswith((".dist-info", ".egg-info")) \
                    or parts[0] == "__pycache__":
                continue
            located = Path(dist.locate_file(parts[0]))
            if located.exists() and located.parent.name.endswith("-packages"):
                paths.add(located.resolve() if located.is_dir() else located)
    return tuple(sorted(paths))


@functools.lru_cache(maxsize=None)
def allowed_modules() -> frozenset[str]:
    """Top-level module names a network.py may import besides the standard library."""
    names = set()
    for path in sandbox_paths():
        name = path.name.split(".")[0] if path.is_file() else path.name
        if path.is_dir() and not (path / "__init__.py").exists() and not name.isidentifier():
            continue
        names.add(name)
    return frozenset(n for n in names if n.isidentifier())


def is_allowed(module: str) -> bool:
    """Whether a network.py may import `module` (a dotted name): the standard library, the
    allowed packages, and the kit's modules that the sandbox holds."""
    top = module.split(".")[0]
    if top == "assignment":
        return module in KIT_MODULES
    return top in sys.stdlib_module_names or top in allowed_modules() or top == "network"


def top_module(module: str) -> str:
    """The name a refusal names: the top-level package, or the kit's module itself."""
    return module if module.startswith("assignment.") else module.split(".")[0]


def own_modules(names) -> frozenset[str]:
    """The modules of the student's own among a submission's file names (relative to the
    folder that holds network.py: "nn_utils.py", "helpers/__init__.py"): what `import` would
    have found beside network.py, which only network.py is graded without."""
    found = set()
    for name in names:
        parts = Path(str(name).replace("\\", "/")).parts
        if len(parts) == 1 and parts[0].endswith(".py") and parts[0] != "network.py":
            found.add(parts[0][:-3])
        elif len(parts) == 2 and parts[1] == "__init__.py":
            found.add(parts[0])
    return frozenset(n for n in found if n.isidentifier())


def own_modules_in(folder) -> frozenset[str]:
    """own_modules of a folder on disk (the one holding network.py, or network.py itself)."""
    folder = Path(folder)
    folder = folder if folder.is_dir() else folder.parent
    try:
        return own_modules([p.name for p in folder.glob("*.py")] + [f"{p.parent.name}/__init__.py"
                                                                   for p in folder.glob("*/__init__.py")])
    except OSError:
        return frozenset()


_MISSING = re.compile(r"^ModuleNotFoundError: No module named '([^']{1,200})'")


def refused(error: str) -> str | None:
    """The module an error text says could not be imported, where the rule refuses it
    (not where an allowed module is missing, which is the grader's fault, not the student's)."""
    match = _MISSING.match(error or "")
    return match.group(1) if match and not is_allowed(match.group(1)) else None


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuses, as if it were not installed, every top-level module outside the rule, to the
    thread that runs the student's code (`owner`) alone."""

    def __init__(self, owner: int):
        self.owner = owner

    def find_spec(self, name, path=None, target=None):
        if threading.get_ident() != self.owner:
            return None
        if (path is None or name.startswith("assignment.")) and not is_allowed(name):
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


@contextlib.contextmanager
def enforced():
    """While the student's code runs in-process (the local check), a module outside the rule
    does not import, even where it is installed or already imported: the sandbox has only the
    standard library, numpy and matplotlib, and the local check must refuse what it refuses.

    Only this thread is ruled: the hook is the process's, and another thread's imports meanwhile
    (a Jupyter kernel's output thread importing zmq, say) are not the student's code."""
    original = builtins.__import__
    owner = threading.get_ident()
    finder = _Refuse(owner)

    def guarded(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and threading.get_ident() == owner:
            refused = [m for m in [name] + [f"{name}.{f}" for f in fromlist or () if name == "assignment"]
                       if not is_allowed(m)]
            if refused:
                missing = refused[0] if refused[0].startswith("assignment.") else refused[0].split(".")[0]
                raise ModuleNotFoundError(f"No module named '{missing}'", name=missing)
        return original(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        builtins.__import__ = original
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
