"""The untrusted side: runs inside the sandbox, imports the student's network.py and calls it.

Started by autograder.sandbox as `python -I -S worker.py BOX`, where BOX holds this file,
protocol.py, the kit (assignment/), the submission (network.py) and, for training, the
two training-set files. Requests come on fd 3, answers go out on fd 4; the student's
prints go to the worker's stdout/stderr, which the grader keeps only as text.
"""
import os
import sys
import traceback

BOX = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(BOX, "lib"), BOX]

import numpy as np  # noqa: E402

import protocol  # noqa: E402

MAX_REQUEST = 256 << 20


def describe(exc: BaseException) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)
    student = [f for f in frames if f.filename.endswith("network.py")]
    where = f"network.py line {student[-1].lineno}, in {student[-1].name}: {student[-1].line}" if student else ""
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000], "where": where,
            "traceback": "".join(traceback.format_exception(exc))[-4000:]}


def plain(value):
    """The student's return value as plain data; anything else becomes a description."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value if np.asarray(value).dtype.name in protocol.ALLOWED_DTYPES else repr(value)[:200]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return {"__unsupported__": type(value).__name__}


def copy_arrays(tree):
    if isinstance(tree, np.ndarray):
        return tree.copy()
    if isinstance(tree, dict):
        return {k: copy_arrays(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [copy_arrays(v) for v in tree]
    return tree


def mutated(before, after, path="") -> list:
    """Paths of the arrays in the arguments that the call changed in place."""
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and after.shape == before.shape and np.array_equal(
            after, before, equal_nan=True)
        return [] if same else [path or "argument"]
    if isinstance(before, dict):
        return [p for k in before for p in mutated(before[k], after.get(k) if isinstance(after, dict) else None,
                                                  f"{path}[{k!r}]")]
    if isinstance(before, list):
        return [p for i, v in enumerate(before) for p in mutated(v, after[i] if isinstance(after, list) and i < len(after) else None, f"{path}[{i}]" if path else f"argument {i + 1}")]
    return []


def main() -> None:
    requests = os.fdopen(3, "rb", buffering=0)
    answers = os.fdopen(4, "wb")
    os.chdir(os.path.join(BOX, "scratch"))
    try:
        sys.path.insert(0, os.path.join(BOX, "submission"))
        import network  # the student's code runs here, and only here
        ready = {"ok": True}
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
        ready = describe(exc)
        network = None
    protocol.write_message(answers, ready)
    while network is not None:
        try:
            request = protocol.read_message(requests, MAX_REQUEST)
        except EOFError:
            return
        try:
            if request["op"] == "call":
                before = copy_arrays(request["args"])
                value = getattr(network, request["fn"])(*request["args"], **request["kwargs"])
                answer = {"ok": True, "value": plain(value), "mutated": mutated(before, request["args"])}
            elif request["op"] == "train":
                answer = {"ok": True, "value": train(network, request["kwargs"])}
            else:
                answer = {"ok": False, "error": f"unknown op {request['op']!r}"}
        except BaseException as exc:  # noqa: BLE001
            answer = describe(exc)
        try:
            protocol.write_message(answers, answer)
        except protocol.ProtocolError as exc:
            protocol.write_message(answers, {"ok": False, "error": f"the result cannot be returned: {exc}"})


def train(network, kwargs):
    from assignment.data import load_split
    from assignment.training import fit

    x, y = load_split(os.path.join(BOX, "data"), "train", verify=False)
    params, history = fit(network, x, y, **kwargs)
    return {"params": plain(params), "history": plain(history.to_dict())}


if __name__ == "__main__":
    main()
