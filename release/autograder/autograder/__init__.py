"""The grading engine and the `mnist-hw` command line."""
