# Makes directories nested 3,000 deep in its scratch folder at import (far under the file and
# byte caps): deep enough that a walk by path passes PATH_MAX and shutil.rmtree passes Python's
# recursion limit, so that its box could be neither measured nor removed, and the sweep of old
# boxes would fail every later grading; then the reference's functions.
import os

from solution_copy import *  # noqa: F401,F403

_here = os.getcwd()
for _ in range(3000):
    os.mkdir("d")
    os.chdir("d")
os.chdir(_here)
print("nested 3000", flush=True)
