"""`python -m autograder`: the `mnist-hw` command, where it is not installed (the grader bundle)."""
from autograder.cli import main

main()
