"""Everything that touches untrusted code: the box the student's code runs in, and how values
cross its boundary.

The rule. The worker is the student's process: whatever it reports is data to be validated,
never a verdict. Only what the trusted process observes or recomputes decides points, the
classification of a failure, and what the reports say. Every value that crosses back is
checked against what it can possibly be (types, shapes, ranges: a loss is finite and >= 0, a
count lies in 0..batch, an accuracy in [0, 1], text is bounded) at the one place where it
enters the trusted side: a frame in wire.read_message (sizes, dtypes, shapes), an answer in
box.Sandbox.receive (its text bounded), a training step in grading/training.py (step_report,
the Verifier, the shared file read by pread), and a call's value in the check that reads it.
What only the worker can know (what a call did to its own copy of its arguments) earns
nothing (grading/calls.py). Nothing the worker shares with the grader (a pipe, a file) is
mapped or trusted: a file it truncates or fills with garbage is its own failed step.

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
