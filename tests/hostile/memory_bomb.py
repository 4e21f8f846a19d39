from solution_copy import *  # noqa: F401,F403


def softmax(logits):
    hog = [bytearray(1 << 30) for _ in range(64)]  # 64 GiB
    return hog
