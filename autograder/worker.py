"""The untrusted side: runs inside the sandbox, imports the student's network.py and calls it.

Started by autograder.sandbox as `python -I -S worker.py BOX`, where BOX holds this file,
protocol.py, the kit (assignment/), the submission (network.py) and, for training, the
two training-set files. Requests come on fd 3, answers go out on fd 4; the student's
prints go to the worker's stdout/stderr, which the grader keeps only as text.
"""
import os
import sys

BOX = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(BOX, "lib"), BOX]

import numpy as np  # noqa: E402,F401 - first, so that a box without numpy fails here, not in network.py

import protocol  # noqa: E402

MAX_REQUEST = 256 << 20


def main() -> None:
    requests = os.fdopen(3, "rb", buffering=0)
    answers = os.fdopen(4, "wb")
    os.chdir(os.path.join(BOX, "scratch"))
    try:
        sys.path.insert(0, os.path.join(BOX, "submission"))
        import network  # the student's code runs here, and only here
        ready = {"ok": True}
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
        ready = protocol.describe(exc)
        network = None
    protocol.write_message(answers, ready)
    while network is not None:
        try:
            request = protocol.read_message(requests, MAX_REQUEST)
        except EOFError:
            return
        try:
            if request["op"] == "call":
                answer = protocol.call(network, request["fn"], request["args"], request["kwargs"])
            elif request["op"] == "train":
                answer = {"ok": True, "value": train(network, request["kwargs"])}
            else:
                answer = {"ok": False, "error": f"unknown op {request['op']!r}"}
        except BaseException as exc:  # noqa: BLE001
            answer = protocol.describe(exc)
        try:
            protocol.write_message(answers, answer)
        except protocol.ProtocolError as exc:
            protocol.write_message(answers, protocol.unreturnable(exc))


def train(network, kwargs):
    from assignment.data import load_split
    from assignment.training import fit

    x, y = load_split(os.path.join(BOX, "data"), "train", verify=False)
    params, history = fit(network, x, y, **kwargs)
    return {"params": protocol.plain(params), "history": protocol.plain(history.to_dict())}


if __name__ == "__main__":
    main()
