"""The trusted grading of one submission: the checks, what runs them, and what they compare with.

The rule (written out in autograder/sandbox/__init__.py): nothing the sandboxed worker says is
believed. Points, the classification of a failure and what a report says come only from what
this process observes or recomputes; what the worker reports is checked, where it enters
(calls.py for a call and what it changed, training.py for each step), against what it can
possibly be, and a value out of range is the submission's failure, explained in both languages.
A check whose result only the worker could know (what a function did to its inputs, its
answers to inputs the release ships) earns points only from observations made here, and on
inputs drawn here from the grader's seed besides the release's fixed ones.

    grade.py      one network.py → its Grade (`python -m autograder.grading.grade`, one process per submission)
    calls.py      the one contract for calling student code (sandboxed or local), and its error messages
    plugin.py     the pytest plugin: the checks' fixtures, each outcome scored and explained
    checks/       the checks, one file per area (hidden parts cut out of the student release)
    problems.py   the cases the checks draw (fixed examples and hypothesis strategies)
    feedback.py   comparing a value with the reference's and naming the known mistake
    reference.py  the reference solution and the Keras accuracy (grader-only)
    training.py   the verified training run: the loop here, each step the student's
"""
