import numpy as np


class Evil:
    def __reduce__(self):
        return (open, ("/tmp/mnist-hw-pwned", "w"))


def softmax(logits):
    return Evil()


def forward(params, X):
    return np.array([Evil()], dtype=object), {}
