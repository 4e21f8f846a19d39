"""The public half of the autograder: `mnist-hw check` runs these checks on your network.py.

The grader runs the same files, plus hidden checks, in a sandbox."""
