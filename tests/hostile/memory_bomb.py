from solution_copy import *  # noqa: F401,F403


def softmax(logits):
    # 64 GiB in 1 GiB pieces. bytes(n) is calloc'd: the address space is taken at once and the pages
    # only as they are touched, so the worker's cap (an address-space cap, RLIMIT_AS) stops it at its
    # 4th or 5th piece at the same moment on any machine. A bomb that fills its pages (bytearray) takes
    # 7 s of page faults to reach the cap on a quiet 2-core machine and over the call's 20 s limit on
    # a loaded one, so what stopped it (the cap or the clock) would follow the machine's speed.
    hog = [bytes(1 << 30) for _ in range(64)]
    return hog
