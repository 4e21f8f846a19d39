from solution_copy import *

# Every function answers, correctly, but only after 15 s: under the 20 s limit of one call, so
# only a budget for all the checks together ends its grading before the batch's safety kill.
import time as _time


def _slow(function):
    def wrapped(*args, **kwargs):
        _time.sleep(15.0)
        return function(*args, **kwargs)

    return wrapped


for _name in ("init_params", "softmax", "forward", "softmax_cross_entropy", "backward", "sgd_update", "adam_update"):
    globals()[_name] = _slow(globals()[_name])
