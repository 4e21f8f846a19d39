"""Everything that touches untrusted code: the box the student's code runs in, and how values
cross its boundary.

    box.py       the trusted side: start, feed, time and kill the worker (bubblewrap, or the fallback)
    worker.py    the untrusted side: imports network.py in the box and calls it
    wire.py      the pickle-free wire format between the two (values cross as they are)
    confine.py   the fallback without namespaces: Landlock, seccomp, no_new_privs
    canary.py    a hostile probe graded before a batch: refuses a machine whose box leaks
    imports.py   the import rule: what a network.py may import, here and in the local check
    source.py    what can be handed over as a network.py: at most 1 MiB, text Python can read
    machine.py   the BLAS kernel pinned, so the same arithmetic runs on every machine
    tempdirs.py  the temporary directories (boxes, shared files), swept when a grader died
"""
