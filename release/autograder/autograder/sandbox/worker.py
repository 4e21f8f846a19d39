"""The untrusted side: runs inside the sandbox, imports the student's network.py and calls it.

Started by autograder.sandbox.box as `python -I -S worker.py BOX`, where BOX holds this file,
wire.py, the kit (assignment/), the submission (network.py) and, for training, the
two training-set files. Requests come on fd 3, answers go out on fd 4; the student's
prints go to the worker's stdout/stderr, which the grader keeps only as text.
"""
import os
import sys

BOX = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(BOX, "lib"), BOX]

import numpy as np  # noqa: E402,F401 - first, so that a box without numpy fails here, not in network.py
import wire  # noqa: E402 - the wire format, copied into the box beside this file

MAX_REQUEST = 256 << 20


def main() -> None:
    requests = os.fdopen(3, "rb", buffering=0)
    answers = os.fdopen(4, "wb")
    os.chdir(os.path.join(BOX, "scratch"))
    preload()
    # The grader's word to import (Sandbox.let_in): until then only the kit's code has run here, so the
    # grader may start this worker while its canary still runs; it lets student code in once that passed.
    try:
        first = wire.read_message(requests, MAX_REQUEST)
    except EOFError:
        return
    if not isinstance(first, dict) or first.get("op") != "import":
        return
    try:
        sys.path.insert(0, os.path.join(BOX, "submission"))
        import network  # the student's code runs here, and only here
        ready = {"ok": True}
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
        ready = wire.describe(exc)
        network = None
    wire.write_message(answers, ready)
    while network is not None:
        try:
            request = wire.read_message(requests, MAX_REQUEST)
        except EOFError:
            return
        try:
            if request["op"] == "call":
                answer = wire.call(network, request["fn"], request["args"], request["kwargs"])
            elif request["op"] == "train_begin":
                answer = {"ok": True, "value": train_begin(request)}
            elif request["op"] == "train_step":
                answer = {"ok": True, "value": train_step(network, request["t"], request["idx"])}
            else:
                answer = {"ok": False, "error": f"unknown op {request['op']!r}"}
        except BaseException as exc:  # noqa: BLE001
            answer = wire.describe(exc)
        try:
            wire.write_message(answers, answer)
        except wire.ProtocolError as exc:
            wire.write_message(answers, wire.unreturnable(exc))


TRAINING: dict = {}  # this worker's training run: the data, the shared banks, the student's state
PRELOADED: dict = {}  # the training set, read before network.py is imported (preload)


def preload() -> None:
    """Read the training set, where the box has it (a worker of the training check), before the
    student's code is imported, while the grader waits for its canary. Kept as stored (uint8):
    each batch is made floats when it is used (train_step), so the worker neither waits for
    nor holds a float copy of all 60,000 images (188 MB, most of its start)."""
    from assignment.data import read_split

    if os.path.exists(os.path.join(BOX, "data", "train-images-idx3-ubyte")):
        try:
            PRELOADED["xy"] = read_split(os.path.join(BOX, "data"), "train", verify=False)
        except Exception:  # noqa: BLE001 - read again by train_begin, whose answer says what is wrong
            pass


def train_begin(request) -> None:
    """Set up a training run driven step by step by the grader (autograder/grading/training.py):
    the training part of the data, the initial parameters, and the shared file into which
    each step's parameters and gradients go."""
    import mmap

    from assignment.data import one_hot, read_split
    from assignment.training import split_validation

    images, labels = PRELOADED.get("xy") or read_split(os.path.join(BOX, "data"), "train", verify=False)
    # the images as stored, one row each: a batch becomes floats in train_step (to_float, elementwise:
    # the same numbers as the grader's float copy of the same rows)
    x, y = images.reshape(len(images), -1), labels.astype(np.int64)
    (x_tr, y_tr), _ = split_validation(x, y, request["validation_split"])
    with open(request["shared"], "r+b") as f:
        shared = mmap.mmap(f.fileno(), 0)
    banks = []
    size = sum(int(np.prod(shape)) for _, shape, _ in request["layout"])
    for bank in range(2 * request["slots"]):  # slot t % slots of step t: its params, then its grads
        flat = np.frombuffer(shared, dtype=np.float32, count=size, offset=bank * size * 4)
        banks.append({k: flat[o:o + int(np.prod(shape))].reshape(shape) for k, shape, o in request["layout"]})
    params = request["params"]
    TRAINING.clear()
    TRAINING.update(x=x_tr, y=y_tr, Y=one_hot(y_tr, dtype=np.float32), lr=request["learning_rate"], banks=banks,
                    state={"params": params, "m": {k: np.zeros_like(p) for k, p in params.items()},
                           "v": {k: np.zeros_like(p) for k, p in params.items()}})


def train_step(network, t, idx) -> dict:
    """Step t on the examples idx with the student's functions; the new parameters and the
    gradients go into slot t % slots of the shared file, the loss and the number right back
    on the pipe."""
    from assignment.data import to_float
    from assignment.training import train_step as step

    run = TRAINING
    grads, loss, logits = step(network, run["state"], t, to_float(run["x"][idx]), run["Y"][idx], "adam", run["lr"])
    slot = t % (len(run["banks"]) // 2)
    for bank, (name, value) in zip(run["banks"][2 * slot:], (("adam_update's params", run["state"]["params"]),
                                                  ("backward's grads", grads))):
        for k, target in bank.items():
            got = value.get(k) if isinstance(value, dict) else None
            if np.shape(got) != target.shape or not np.issubdtype(np.asarray(got).dtype, np.number):
                raise TypeError(f"{name} must be a dict of arrays with the shapes of the parameters; "
                                f"{k} is {type(got).__name__} of shape {np.shape(got)}")
            np.copyto(target, got, casting="unsafe")
    correct = int(np.sum(np.argmax(logits, axis=1) == run["y"][idx]))
    return {"loss": float(loss), "correct": correct}


if __name__ == "__main__":
    main()
