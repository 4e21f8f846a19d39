# Forks as many sleeping children as it is allowed (up to 1,000) and keeps them, hoping to use
# up the processes the next grading needs; then the reference's functions.
import os
import time

from solution_copy import *  # noqa: F401,F403

children = 0
for _ in range(1000):
    try:
        pid = os.fork()
    except OSError as exc:
        print(f"fork refused after {children}: {exc}", flush=True)
        break
    if pid == 0:
        os.setsid()  # leaves the worker's process group: killing that group alone would miss it
        time.sleep(3600)
        os._exit(0)
    children += 1
print(f"children: {children}", flush=True)
