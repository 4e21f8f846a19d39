"""`python -m autograder.local check`: the student's `mnist-hw`, where it is not installed."""
from autograder.cli import student_main

student_main()
