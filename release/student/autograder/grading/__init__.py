"""The trusted grading of one submission: the checks, what runs them, and what they compare with.

    grade.py      one network.py → its Grade (`python -m autograder.grading.grade`, one process per submission)
    calls.py      the one contract for calling student code (sandboxed or local), and its error messages
    plugin.py     the pytest plugin: the checks' fixtures, each outcome scored and explained
    checks/       the checks, one file per area (hidden parts cut out of the student release)
    problems.py   the cases the checks draw (fixed examples and hypothesis strategies)
    feedback.py   comparing a value with the reference's and naming the known mistake
    reference.py  the reference solution and the Keras accuracy (grader-only)
    training.py   the verified training run: the loop here, each step the student's
"""
