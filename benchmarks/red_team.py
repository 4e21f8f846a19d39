"""Realistic student mistakes, graded, and whether the feedback names each cause.

No helper agent could be started for this project, so the corpus was written by hand from the
student contract (the README's "The student contract" and release/student/network.py): the
mistakes students make in this assignment, several of them more than one point of the code.
Each is an edit of solution/network.py and the words a diagnosis that names its cause uses.

    PYTHONPATH=$PWD python benchmarks/red_team.py

A benchmark run by hand, not a test (the words are a judgement, not a contract).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation import SOLUTION, grade, load  # noqa: E402

SOFTMAX = "    return exp / exp.sum(axis=1, keepdims=True)"
SHIFT = "    shifted = logits - logits.max(axis=1, keepdims=True)\n    exp = np.exp(shifted)\n    return"
LOSS = "    loss = -float(np.sum(Y * log_probs)) / n"
DLOGITS = "    dlogits = (exp / sums - Y) / n"
SGD = "    return {k: params[k] - learning_rate * grads[k] for k in params}"
LR_T = "    lr_t = float(learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t))"
M = "        new_m[k] = beta1 * m[k] + (1 - beta1) * g"
V = "        new_v[k] = beta2 * v[k] + (1 - beta2) * (g * g)"
STEP = "        new_params[k] = params[k] - lr_t * new_m[k] / (np.sqrt(new_v[k]) + epsilon)"

# name: ([(old, new)], [words of a right diagnosis, any one])
CORPUS = {
    "softmax without the max shift": ([(SHIFT, "    exp = np.exp(logits)\n    return")], ["NaN", "overflow"]),
    "softmax sum without keepdims": ([(SOFTMAX, "    return exp / exp.sum(axis=1)")], ["raised", "shape", "sum to 1"]),
    "softmax over the whole batch": ([(SOFTMAX, "    return exp / np.sum(exp)")], ["whole array sums to 1"]),
    "loss without the minus": ([(LOSS, "    loss = float(np.sum(Y * log_probs)) / n")], ["negative"]),
    "loss as np.mean over all entries": ([(LOSS, "    loss = -float(np.mean(Y * log_probs))")], ["C = "]),
    "dlogits not averaged": ([(DLOGITS, "    dlogits = exp / sums - Y")], ["N = "]),
    "dlogits divided by the classes": ([(DLOGITS, "    dlogits = (exp / sums - Y) / Y.shape[1]")], ["divided by C"]),
    "db2 over the wrong axis": ([("db2 = dlogits.sum(axis=0)", "db2 = dlogits.sum(axis=1)")], ["is N"]),
    "db1 averaged": ([("db1 = dz1.sum(axis=0)", "db1 = dz1.mean(axis=0)")], ["averaged"]),
    "no ReLU mask": ([("    dz1 *= h > 0", "    pass")], ["ReLU mask"]),
    "mask from h >= 0": ([("    dz1 *= h > 0", "    dz1 *= h >= 0")], ["ReLU mask"]),
    "dW2 transposed": ([("dW2 = h.T @ dlogits", "dW2 = dlogits.T @ h")], ["transposed"]),
    "forward without b2": ([('    logits += params["b2"]', "    pass")], ["b2 is not added"]),
    "SGD in place": ([(SGD, "    for k in params:\n        params[k] -= learning_rate * grads[k]\n    return params")],
                     ["in place"]),
    "SGD adds the step": ([(SGD, SGD.replace(" - ", " + "))], ["wrong way"]),
    "SGD with a constant learning rate": ([(SGD, SGD.replace("learning_rate *", "0.01 *"))], ["ignores learning_rate"]),
    "Adam with t - 1": ([(LR_T, LR_T.replace("**t", "**max(t - 1, 1)"))], ["t - 1"]),
    "Adam returns m_hat": ([(M, M + "\n        new_m[k] = new_m[k] / (1 - beta1**t)"),
                            (STEP, STEP.replace("lr_t", "learning_rate * np.sqrt(1 - beta2**t)"))],
                           ["bias-corrected"]),
    "Adam v without the square": ([(V, V.replace("(g * g)", "g"))], ["not squared", "NaN"]),
    "Adam with beta1 hard-coded": ([(M, M.replace("beta1", "0.9")), (LR_T, LR_T.replace("beta1", "0.9"))],
                                   ["ignores beta1"]),
    "Adam with epsilon inside the root": ([(STEP, STEP.replace("(np.sqrt(new_v[k]) + epsilon)",
                                                              "np.sqrt(new_v[k] + epsilon)"))],
                                          ["inside the square root"]),
    "Adam returns (params, v, m)": ([("return new_params, new_m, new_v", "return new_params, new_v, new_m")],
                                    ["swapped"]),
    "Adam step without the root": ([(STEP, STEP.replace("np.sqrt(new_v[k])", "new_v[k]"))], ["sqrt"]),
}


def main() -> int:
    source = SOLUTION.read_text()
    folder = Path(tempfile.mkdtemp(prefix="red-team-"))
    named = 0
    for number, (name, (edits, words)) in enumerate(CORPUS.items()):
        text = source
        for old, new in edits:
            assert old in text, f"{name}: the solution no longer holds {old!r}"
            text = text.replace(old, new)
        score, full, failed = grade(load(text, folder, f"case{number}"))
        hit = any(any(w in r.en for w in words) for r in failed)
        named += hit
        first = next((r.en for r in failed if any(w in r.en for w in words)), failed[0].en if failed else "")
        print(f"{'NAMED ' if hit else 'MISSED'} {score:g}/{full:g} {name}\n       {first[:260]}")
    print(f"\n{named}/{len(CORPUS)} mistakes named")
    return 0


if __name__ == "__main__":
    sys.exit(main())
