# Everything right except forward, which never returns.
from solution_copy import *  # noqa: F401,F403  (replaced by the test with the reference's text)


def forward(params, X):
    while True:
        pass
