from solution_copy import *

# Its backward kills its own worker (SIGSEGV, as a crash in a C extension would): the
# submission's own result, scored like any failure, never the grader's.
import os as _os
import signal as _signal


def backward(params, cache, dlogits):
    _os.kill(_os.getpid(), _signal.SIGSEGV)
