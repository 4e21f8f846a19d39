# Prints 100 MiB (more than the sandbox's 64 MiB file-size limit) at import, and 1 MiB more in
# each forward call; then the reference's functions, which must still earn their points.
import sys

from solution_copy import *  # noqa: F401,F403

LINE = "flood " + "x" * 1017 + "\n"  # 1 KiB a line
print("flood begins", flush=True)
for _ in range(100):
    sys.stdout.write(LINE * 1024)  # 1 MiB a write
print("flood ends", flush=True)

_forward = forward  # noqa: F405


def forward(params, X):  # noqa: F811
    sys.stdout.write(LINE * 1024)
    return _forward(params, X)
