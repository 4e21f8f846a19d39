"""The student's local check, `mnist-hw check`: the public checks of the grader, run on the
student's network.py in the student's own process, before submitting.

    student.py   the student's module called through the grader's contract (grading/calls.py)
    answers.py   the reference's answers for the public checks, recorded into the release
    capture.py   a time limit per call, and what the code prints kept
    check.py     the command: run the checks, print the report (or --json)
"""
