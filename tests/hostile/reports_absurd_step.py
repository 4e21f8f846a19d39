# The reference, whose worker reports impossible numbers for a training step: 8·10^312 examples
# right in a batch of 200 (an accuracy of 1.67e308 in the history), or a negative loss.
from solution_copy import *  # noqa: F401,F403
import sys as _sys

REPORT = "__REPORT__"  # "count" or "loss"
_worker = _sys.modules.get("__main__")
if hasattr(_worker, "train_step") and hasattr(_worker, "BOX"):  # in the sandbox's worker only
    _step = _worker.train_step

    def _boasting(network, t, idx):
        answer = _step(network, t, idx)
        if t == 2:
            answer.update(correct=8 * 10**312) if REPORT == "count" else answer.update(loss=-1.0)
        return answer

    _worker.train_step = _boasting
