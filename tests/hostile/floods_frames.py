from solution_copy import *

# On its first call, a thread that writes 64 MiB answer frames to the grader in a loop, while the
# call itself never returns (so no honest answer breaks the flood's framing): frames of the
# protocol, each an {"ok": true, "value": array} the grader could take for an answer, written as
# fast as the pipe takes them. Read into an unbounded queue, they fill the grading machine's
# memory in seconds; the grader reads them with back pressure (a bounded queue) and a byte
# budget, so its memory stays under its cap and the grading ends with the submission's result.
import json as _json
import os as _os
import struct as _struct
import threading as _threading

_SIZE = 64 << 20
_HEADER = _json.dumps({"tree": {"__dict__": [["ok", True], ["value", {"__array__": 0}]]},
                       "arrays": [{"dtype": "uint8", "shape": [_SIZE]}]}).encode()
_FRAME = b"MNHW" + _struct.pack(">I", len(_HEADER)) + _HEADER + bytes(_SIZE)


def _flood():
    view = memoryview(_FRAME)
    while True:
        done = 0
        while done < len(view):
            done += _os.write(4, view[done:])


def _flood_and_hang(*args, **kwargs):
    _threading.Thread(target=_flood, daemon=True).start()
    _threading.Event().wait()


for _name in ("init_params", "softmax", "forward", "softmax_cross_entropy", "backward", "sgd_update", "adam_update"):
    globals()[_name] = _flood_and_hang
