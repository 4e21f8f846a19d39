# The reference, whose worker cuts the training steps' shared file to nothing after step 3: a
# grading process that mapped that file would die of SIGBUS at its next read.
from solution_copy import *  # noqa: F401,F403
import os as _os
import sys as _sys

_worker = _sys.modules.get("__main__")
if hasattr(_worker, "train_step") and hasattr(_worker, "BOX"):  # in the sandbox's worker only
    _step = _worker.train_step

    def _cutting(network, t, idx):
        answer = _step(network, t, idx)
        if t == 3:
            with open(_os.path.join(_worker.BOX, "shared.bin"), "r+b") as f:
                f.truncate(0)
        return answer

    _worker.train_step = _cutting
