# Fills the disk where a look at the box's files cannot see it: a child process (made after the
# worker started, so only a fresh look at its user's processes finds it) writes 32 MiB files
# that it deletes at once and keeps open, 16 of them (512 MiB, twice the cap), printing the
# running total; the worker waits for it at import. Then the reference's functions.
import os

from solution_copy import *  # noqa: F401,F403

CHUNK = b"\x5a" * (1 << 20)
pid = os.fork()
if pid == 0:
    total, kept = 0, []
    for n in range(16):
        f = open(f"unseen-{n}", "wb")
        os.unlink(f"unseen-{n}")
        kept.append(f)
        for _ in range(32):
            f.write(CHUNK)
            f.flush()
            total += 1
            if total % 16 == 0:
                print(f"written unseen: {total} MiB", flush=True)
    print(f"written unseen in all: {total} MiB", flush=True)
    os._exit(0)
os.waitpid(pid, 0)
