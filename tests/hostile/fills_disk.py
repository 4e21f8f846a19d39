# Writes 32 MiB files (each under the file-size limit) into every writable place it can find,
# 48 per place, printing the running total; then the reference's functions.
import os
import tempfile

from solution_copy import *  # noqa: F401,F403

CHUNK = b"\xa5" * (1 << 20)
total = 0
for place in (os.getcwd(), "/tmp", "/dev/shm", tempfile.gettempdir(), os.path.expanduser("~")):
    for n in range(48):
        try:
            with open(os.path.join(place, f"fill-{os.getpid()}-{n}"), "wb") as f:
                for _ in range(32):
                    f.write(CHUNK)
                    total += 1
                    if total % 16 == 0:
                        print(f"written: {total} MiB", flush=True)
        except OSError as exc:
            print(f"refused in {place}: {exc}", flush=True)
            break
print(f"written in all: {total} MiB", flush=True)
