# Looks for packages beside the Python it runs on: its standard library's site-packages and
# dist-packages, the base interpreter's (a grader in a venv has them off its own path) and the
# user's, lists them and puts them on sys.path, then imports packages that are installed there
# and that the import rule does not allow (NAMES, filled in by the test). Each must be out of
# reach; then the reference's functions, which must still earn their points.
import os
import site
import sys

from solution_copy import *  # noqa: F401,F403

NAMES = []  # the test's
STDLIB = os.path.dirname(os.__file__)
PLACES = [os.path.join(STDLIB, "site-packages"), os.path.join(STDLIB, "dist-packages"),
          *site.getsitepackages([sys.base_prefix]), site.getusersitepackages()]
for place in PLACES:
    try:
        print(f"reach {place}: listed {sorted(os.listdir(place))}", flush=True)
    except OSError as exc:
        print(f"reach {place}: out of reach ({type(exc).__name__})", flush=True)
    sys.path.append(place)
for name in NAMES:
    try:
        __import__(name)
        print(f"reach import {name}: imported", flush=True)
    except ImportError as exc:
        print(f"reach import {name}: out of reach ({type(exc).__name__})", flush=True)
