# Tries to change the Python it runs on, which without bubblewrap is a tree of hard links to the
# real files shared by every grading on the machine: a new module in the standard library, the
# real numpy opened for writing, its directory's mode changed. Each attempt is harmless had it
# worked (nothing is written into an existing file), and each must be refused; then the
# reference's functions, which must still earn their points.
import os

import numpy

from solution_copy import *  # noqa: F401,F403

STDLIB = os.path.dirname(os.__file__)
NUMPY = os.path.dirname(numpy.__file__)
ATTEMPTS = {
    "new module": lambda: open(os.path.join(STDLIB, "mnist_hw_tamper_probe.py"), "x").close(),
    "numpy opened for writing": lambda: os.close(os.open(os.path.join(NUMPY, "__init__.py"), os.O_RDWR)),
    "numpy's mode": lambda: os.chmod(NUMPY, 0o777),
}
for what, attempt in ATTEMPTS.items():
    try:
        attempt()
        print(f"tamper {what}: done", flush=True)
    except OSError as exc:
        print(f"tamper {what}: refused ({type(exc).__name__})", flush=True)
