"""Example submissions: the untouched stub, the reference, and realistic bugs, each with
the exact score it must get. Made from solution/network.py, so they follow it.

    python -m autograder.authoring.examples DIR     (or: mnist-hw examples DIR)
"""
from __future__ import annotations

import sys
from pathlib import Path

from solution import network

SOLUTION = Path(network.__file__)

# name: (what the student got wrong, [(exact text in the solution, replacement)], expected total score)
BUGS = {
    "reference": ("nothing: the reference solution", [], 90.0),
    "no_batch_mean": ("dlogits not divided by the batch size N",
                      [("dlogits = (exp / sums - Y) / n", "dlogits = exp / sums - Y")], 62.0),
    "sign_flipped": ("dW2 with the wrong sign", [("dW2 = h.T @ dlogits", "dW2 = -(h.T @ dlogits)")], 45.0),
    "no_relu_mask": ("the ReLU mask forgotten in backward", [("    dz1 *= h > 0", "    pass")], 45.0),
    "bias_mean": ("the bias gradients averaged instead of summed",
                  [("db2 = dlogits.sum(axis=0)", "db2 = dlogits.mean(axis=0)"),
                   ("db1 = dz1.sum(axis=0)", "db1 = dz1.mean(axis=0)")], 65.0),
    "softmax_overflow": ("softmax without subtracting the row maximum",
                         [("shifted = logits - logits.max(axis=1, keepdims=True)\n    exp = np.exp(shifted)\n"
                           "    return", "exp = np.exp(logits)\n    return")], 86.0),
    "adam_no_bias_correction": ("Adam without its bias correction",
                                [("lr_t = float(learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t))",
                                  "lr_t = learning_rate")], 82.0),
}
STUB_SCORE = 0.0


def buggy(name: str) -> str:
    source = SOLUTION.read_text()
    for old, new in BUGS[name][1]:
        if old not in source:
            raise ValueError(f"example {name!r}: {old!r} is no longer in {SOLUTION}")
        source = source.replace(old, new)
    return source


def expected_scores() -> dict[str, float]:
    return {"stub": STUB_SCORE, **{name: bug[2] for name, bug in BUGS.items()}}


def write_examples(directory: Path) -> list[Path]:
    """Write DIR/NAME/network.py for the stub and every bug; return the directories."""
    written = []
    from autograder.authoring.regions import clear_solutions  # nbgrader's, as in the student release

    sources = {"stub": clear_solutions(SOLUTION.read_text()), **{name: buggy(name) for name in BUGS}}
    for name, source in sources.items():
        (directory / name).mkdir(parents=True, exist_ok=True)
        (directory / name / "network.py").write_text(source)
        written.append(directory / name)
    return written


if __name__ == "__main__":
    for path in write_examples(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/submissions")):
        print(path)
