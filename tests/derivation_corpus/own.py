"""The project's own corpus of written answers (issue 27, item 4): for every key formula, right
answers in many notations and layouts, wrong ones with the mistakes students make, and ones the
reader is not meant to read — each with the status expected for that key.

Run `python tests/derivation_corpus/own.py` to rewrite own.jsonl beside it (deterministic: a fixed
seed). Each line: {"question", "markdown", "expected": {key: "right"|"wrong"|"unreadable"}, "note"}.
Written from the questions, not from the reader's code: the forms are those of textbooks, lecture
notes and the reference, the mistakes those the checks of network.py see (a 1/N missing, a
transpose, the ReLU mask left out or inverted, a sign, a mean for a sum, no bias correction).
"""
from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
PER_KIND = 40   # answers per key formula and kind (right, wrong); unreadable ones fewer

# key → (question, left sides, right right-hand sides, wrong right-hand sides with their note, unreadable ones)
ONE_N = [r"\frac{1}{N}", r"\frac1N", r"N^{-1}", r"\tfrac{1}{N}"]
MASKS = [r"\mathbb{1}[Z_1 > 0]", r"\mathbf{1}_{Z_1>0}", r"\mathrm{ReLU}'(Z_1)", r"[Z_1 > 0]",
         r"\mathbb{1}(Z_1 > 0)", r"\operatorname{ReLU}^{\prime}(Z_1)", r"H(Z_1)"]
HAD = [r"\odot", r"\circ"]
T = [r"^\top", r"^T", r"^{T}", r"^{\top}", "'"]

KEYS: dict[str, dict] = {
    "Z1": dict(q=1, lhs=[r"Z_1", r"Z^{[1]}", r"Z^{(1)}"],
               right=[r"X W_1 + \mathbf{1}_N b_1^{T}", r"X W_1 + b_1", r"XW_1 + \mathbf 1_N b_1^\top",
                      r"X \cdot W_1 + b_1^T", r"X W_1 + \mathbf{1} b_1^{\top}"],
               wrong=[(r"W_1 X + b_1", "product in the wrong order"), (r"X W_1", "bias missing"),
                      (r"X^T W_1 + b_1", "a transpose too many"), (r"X W_1^T + b_1", "W_1 transposed"),
                      (r"\max(0, X W_1 + b_1)", "the activation applied: that is A")],
               unreadable=[r"\sigma(X W_1 + b_1)", r"W_1 \otimes X + b_1", r"\mathrm{Dense}(X)"]),
    "A": dict(q=1, lhs=[r"A", r"H", r"A_1", r"h"],
              right=[r"\mathrm{ReLU}(Z_1)", r"\max(0, Z_1)", r"\max(Z_1, 0)", r"Z_1 \odot \mathbb{1}[Z_1 > 0]",
                     r"\operatorname{ReLU}(X W_1 + b_1)"],
              wrong=[(r"\max(0, X W_1)", "bias missing inside"), (r"Z_1", "no activation"),
                     (r"\mathbb{1}[Z_1 > 0]", "the derivative, not the activation"),
                     (r"\min(0, Z_1)", "min for max")],
              unreadable=[r"\tanh(Z_1)", r"f(Z_1)", r"\mathrm{relu}_{\alpha}(Z_1)"]),
    "Z2": dict(q=1, lhs=[r"Z_2", r"Z", r"Z^{[2]}"],
               right=[r"A W_2 + \mathbf{1}_N b_2^{T}", r"A W_2 + b_2", r"\max(0, Z_1) W_2 + b_2",
                      r"\mathrm{ReLU}(X W_1 + b_1) W_2 + b_2"],
               wrong=[(r"W_2 A + b_2", "order"), (r"A W_2", "bias missing"), (r"Z_1 W_2 + b_2", "before the ReLU"),
                      (r"A W_2^T + b_2", "transposed")],
               unreadable=[r"g(A) W_2 + b_2", r"A \otimes W_2"]),
    "P": dict(q=1, lhs=[r"P", r"\hat{Y}", r"\hat Y", r"S"],
              right=[r"\mathrm{softmax}(Z_2)", r"\operatorname{softmax}(A W_2 + b_2)", r"\text{softmax}(Z_2)",
                     r"\mathrm{softmax}(Z^{[2]})"],
              wrong=[(r"\mathrm{softmax}(Z_1)", "softmax of the hidden layer"),
                     (r"\exp(Z_2)", "not normalized"), (r"\mathrm{softmax}(A W_2)", "bias missing")],
              unreadable=[r"\sigma(Z_2)", r"\mathrm{normalize}(e^{Z_2})"]),
    "softmax": dict(q=2, lhs=[r"p_{ic}", r"\hat y_{ic}", r"p_{i,c}", r"P_{ic}"],
                    right=[r"\frac{e^{z_{ic}}}{\sum_{k=1}^{C} e^{z_{ik}}}", r"\frac{\exp(z_{ic})}{\sum_k \exp(z_{ik})}",
                           r"\frac{e^{z_{ic} - \max_j z_{ij}}}{\sum_{k} e^{z_{ik} - \max_j z_{ij}}}",
                           r"\dfrac{e^{z_{ic}}}{\sum_{k=1}^{C}e^{z_{ik}}}", r"e^{z_{ic}} / \sum_{k=1}^C e^{z_{ik}}"],
                    wrong=[(r"\frac{e^{z_{ic}}}{\sum_{j=1}^{N} e^{z_{jc}}}", "normalized over the batch"),
                           (r"\frac{z_{ic}}{\sum_k z_{ik}}", "no exponential"),
                           (r"\frac{e^{z_{ic}}}{\sum_{k} z_{ik}}", "exp missing below"),
                           (r"\frac{e^{z_{ic} - \max_j z_{ij}}}{\sum_{k} e^{z_{ik}}}", "shift only on top"),
                           (r"\log \frac{e^{z_{ic}}}{\sum_k e^{z_{ik}}}", "the log-softmax")],
                    unreadable=[r"\frac{e^{z_{ic}}}{Z_i}", r"\frac{e^{z_{ic}}}{\sum_{k \ne c} e^{z_{ik}}}"]),
    "L": dict(q=3, lhs=[r"L", r"\mathcal{L}", r"J"],
              right=[r"-\frac{1}{N} \sum_{i=1}^{N} \sum_{c=1}^{C} y_{ic} \log p_{ic}",
                     r"-\frac1N \sum_{i} \sum_{c} y_{ic} \ln p_{ic}",
                     r"\frac{1}{N} \sum_{i=1}^{N} \left( \log \sum_{k=1}^{C} e^{z_{ik}} - \sum_{c=1}^{C} y_{ic} z_{ic} \right)",
                     r"-\frac{1}{N} \mathbf{1}_N^T (Y \odot \log P) \mathbf{1}_C",
                     r"-\frac{1}{N} \sum_{i,c} y_{ic} \log p_{ic}",
                     r"-\frac{1}{N}\operatorname{tr}(Y^T \log P)"],
              wrong=[(r"-\sum_{i=1}^{N} \sum_{c=1}^{C} y_{ic} \log p_{ic}", "sum, not mean"),
                     (r"\frac{1}{N} \sum_{i} \sum_{c} y_{ic} \log p_{ic}", "sign"),
                     (r"-\frac{1}{N} \sum_{i} \sum_{c} p_{ic} \log y_{ic}", "swapped"),
                     (r"-\frac{1}{NC} \sum_{i} \sum_{c} y_{ic} \log p_{ic}", "mean over classes too"),
                     (r"\frac{1}{N} \sum_{i} \left( \log \sum_{k} e^{z_{ik}} + \sum_{c} y_{ic} z_{ic} \right)", "sign inside")],
              unreadable=[r"-\frac1N \sum_i \log p_{i, y_i}", r"\mathbb{E}[-\log p_{y}]", r"-\langle Y, \log P \rangle / N"]),
    "dZ2": dict(q=4, lhs=[r"\frac{\partial L}{\partial Z}", r"G", r"\frac{\partial L}{\partial Z_2}", r"\nabla_{Z} L",
                          r"\partial L / \partial Z"],
                right=[r"\frac{1}{N} (P - Y)", r"\frac{P - Y}{N}", r"\frac1N (\hat Y - Y)", r"(P - Y) / N",
                       r"-\frac{1}{N}(Y - P)"],
                wrong=[(r"P - Y", "1/N missing"), (r"\frac{1}{N}(Y - P)", "sign"), (r"\frac{1}{N^2}(P - Y)", "1/N twice"),
                       (r"\frac{1}{N} P \odot (1 - P)", "sigmoid's derivative"), (r"\frac{1}{C}(P - Y)", "1/C")],
                unreadable=[r"\frac1N (\mathrm{diag}(p) - p p^T) y", r"\frac{1}{N}(P - \mathbb{1}_y)"]),
    "dW2": dict(q=5, lhs=[r"\frac{\partial L}{\partial W_2}", r"dW_2", r"\nabla_{W_2} L", r"\frac{\partial \mathcal{L}}{\partial W_2}"],
                right=[r"A^{\top} G", r"A^T \frac{\partial L}{\partial Z}", r"\frac{1}{N} A^T (P - Y)", r"(G^T A)^T",
                       r"A' G", r"\frac{1}{N} A^{\top}(\hat Y - Y)"],
                wrong=[(r"A^T (P - Y)", "1/N missing"), (r"G^T A", "transposed"), (r"A G^T", "wrong product"),
                       (r"\frac1N A^T (Y - P)", "sign"), (r"Z_1^T G", "before the ReLU")],
                unreadable=[r"\sum_i a_i \otimes g_i", r"a^T \delta"]),
    "db2": dict(q=5, lhs=[r"\frac{\partial L}{\partial b_2}", r"db_2", r"\nabla_{b_2} L"],
                right=[r"G^{\top} \mathbf{1}_N", r"\sum_{i=1}^{N} G_{i,:}", r"\mathbf{1}_N^T G", r"\sum_i G_{i,:}",
                       r"\frac{1}{N} \sum_{i=1}^{N} (P - Y)_{i,:}"],
                wrong=[(r"\frac{1}{N} \sum_{i=1}^{N} G_{i,:}", "mean, not sum"), (r"G", "no sum"),
                       (r"\sum_{i=1}^{N} (P - Y)_{i,:}", "1/N missing"), (r"G \mathbf{1}_C", "sum over classes")],
                unreadable=[r"\mathrm{colsum}(G)", r"\sum_i \gamma_i"]),
    "dA": dict(q=5, lhs=[r"\frac{\partial L}{\partial A}", r"dA", r"\nabla_A L"],
               right=[r"G W_2^{\top}", r"\frac{\partial L}{\partial Z} W_2^T", r"(W_2 G^T)^T", r"\frac1N (P - Y) W_2^T"],
               wrong=[(r"G W_2", "not transposed"), (r"W_2^T G", "order"), (r"(P - Y) W_2^T", "1/N missing"),
                      (r"G^T W_2", "transposed wrong")],
               unreadable=[r"W_2 \delta", r"\frac{\partial L}{\partial Z} \frac{\partial Z}{\partial A}"]),
    "dZ1": dict(q=5, lhs=[r"\frac{\partial L}{\partial Z_1}", r"dZ_1", r"\Delta_1 = \frac{\partial L}{\partial Z_1}",
                          r"\delta_1 = \frac{\partial L}{\partial Z_1}"],
                right=[r"\frac{\partial L}{\partial A} {had} {mask}", r"(G W_2^T) {had} {mask}",
                       r"{mask} {had} (G W_2^T)", r"dA {had} {mask}"],
                wrong=[(r"\frac{\partial L}{\partial A}", "mask missing"), (r"G W_2^T {had} \mathbb{1}[Z_1 < 0]", "mask inverted"),
                       (r"G W_2^T {had} Z_1", "times Z_1"), (r"G W_2^T {had} A", "times A"),
                       (r"(G W_2) {had} {mask}", "W_2 not transposed")],
                unreadable=[r"\mathrm{backprop}(A, Z_1)", r"\delta_2 W_2^T \odot f'(Z_1)"]),
    "dW1": dict(q=5, lhs=[r"\frac{\partial L}{\partial W_1}", r"dW_1", r"\nabla_{W_1} L"],
                right=[r"X^{\top} \Delta_1", r"X^T \frac{\partial L}{\partial Z_1}", r"X^T (G W_2^T {had} {mask})",
                       r"X^T \left( \frac{\partial L}{\partial A} {had} {mask} \right)"],
                wrong=[(r"X^T (G W_2^T)", "mask missing"), (r"\Delta_1^T X", "transposed"), (r"X \Delta_1", "shape"),
                       (r"N X^T \Delta_1", "times N"), (r"X^T (G W_2^T {had} \mathbb{1}[Z_1 \le 0])", "mask inverted")],
                unreadable=[r"x^T \delta_1", r"X^T \frac{\partial L}{\partial H}"]),
    "db1": dict(q=5, lhs=[r"\frac{\partial L}{\partial b_1}", r"db_1", r"\nabla_{b_1} L"],
                right=[r"\sum_{i=1}^{N} (\Delta_1)_{i,:}", r"\Delta_1^T \mathbf{1}_N", r"\mathbf{1}_N^\top \Delta_1",
                       r"\sum_i \left(\frac{\partial L}{\partial Z_1}\right)_{i,:}"],
                wrong=[(r"\frac{1}{N} \sum_{i=1}^{N} (\Delta_1)_{i,:}", "mean, not sum"), (r"\Delta_1", "no sum"),
                       (r"(G W_2^T)^T \mathbf{1}_N", "mask missing"), (r"G^T \mathbf{1}_N", "second layer's")],
                unreadable=[r"\mathrm{sum}(\Delta_1, \text{axis}=0)", r"\sum_i \delta_i"]),
    "sgd": dict(q=6, lhs=[r"\theta \leftarrow", r"\theta :=", r"\theta_{t+1} =", r"W_1 \leftarrow", r"\theta \gets"],
                right=[r"\theta - \eta \frac{\partial L}{\partial \theta}", r"\theta - \eta \nabla_\theta L",
                       r"\theta - \eta \, g", r"\theta - \eta \nabla L(\theta)"],
                wrong=[(r"\theta + \eta \frac{\partial L}{\partial \theta}", "ascent"), (r"\theta - \frac{\partial L}{\partial \theta}", "no rate"),
                       (r"\eta \frac{\partial L}{\partial \theta}", "the step only"), (r"\theta - \eta^2 \frac{\partial L}{\partial \theta}", "η squared"),
                       (r"\theta - \frac{1}{\eta} \frac{\partial L}{\partial \theta}", "divided by η")],
                unreadable=[r"\theta - \eta \widetilde{\nabla} L", r"\theta - \eta \, \mathrm{grad}(L, \theta)"]),
    "adam_m": dict(q=7, lhs=[r"m_t =", r"m \leftarrow"],
                   right=[r"\beta_1 m_{t-1} + (1 - \beta_1) g_t", r"\beta_1 m_{t-1} + (1-\beta_1) \nabla_\theta L",
                          r"(1 - \beta_1) g_t + \beta_1 m_{t-1}", r"\beta_1 m_{t-1} + (1 - \beta_1) \frac{\partial L}{\partial \theta}"],
                   wrong=[(r"\beta_1 m_{t-1} + \beta_1 g_t", "β1 twice"), (r"(1 - \beta_1) m_{t-1} + \beta_1 g_t", "swapped"),
                          (r"\beta_1 m_{t-1} + (1 - \beta_1) g_t^2", "squared"), (r"m_{t-1} + (1 - \beta_1) g_t", "no decay")],
                   unreadable=[r"\mathrm{EMA}_{\beta_1}(g)", r"\beta_1 m_{t-1} + (1 - \beta_1) \tilde g_t"]),
    "adam_v": dict(q=7, lhs=[r"v_t =", r"v \leftarrow"],
                   right=[r"\beta_2 v_{t-1} + (1 - \beta_2) g_t^2", r"\beta_2 v_{t-1} + (1 - \beta_2) g_t \odot g_t",
                          r"\beta_2 v_{t-1} + (1 - \beta_2) (g_t)^2", r"(1-\beta_2) g_t \circ g_t + \beta_2 v_{t-1}"],
                   wrong=[(r"\beta_2 v_{t-1} + (1 - \beta_2) g_t", "not squared"), (r"\beta_2 v_{t-1} + (1 - \beta_1) g_t^2", "β1 for β2"),
                          (r"\beta_2 v_{t-1} + (1 - \beta_2) |g_t|", "abs"), (r"\beta_2^2 v_{t-1} + (1 - \beta_2) g_t^2", "β2 squared")],
                   unreadable=[r"\beta_2 v_{t-1} + (1 - \beta_2) \, \mathrm{diag}(g_t g_t^\top)", r"\mathrm{EMA}_{\beta_2}(g^2)"]),
    "adam_mhat": dict(q=7, lhs=[r"\hat{m}_t =", r"\hat m_t =", r"\widehat{m}_t ="],
                      right=[r"\frac{m_t}{1 - \beta_1^t}", r"m_t / (1 - \beta_1^t)", r"\frac{1}{1 - \beta_1^{t}} m_t"],
                      wrong=[(r"\frac{m_t}{1 - \beta_1}", "no power t"), (r"m_t (1 - \beta_1^t)", "multiplied"),
                             (r"\frac{m_t}{\beta_1^t}", "β^t, not 1 − β^t"), (r"\frac{m_t}{1 - \beta_2^t}", "β2 for β1")],
                      unreadable=[r"\frac{m_t}{1 - \beta_1^{\tau}}", r"\mathrm{unbias}(m_t)"]),
    "adam_vhat": dict(q=7, lhs=[r"\hat{v}_t =", r"\hat v_t =", r"\widehat{v}_t ="],
                      right=[r"\frac{v_t}{1 - \beta_2^t}", r"v_t / (1 - \beta_2^t)", r"\frac{1}{1-\beta_2^t} v_t"],
                      wrong=[(r"\frac{v_t}{1 - \beta_2}", "no power t"), (r"\frac{v_t}{1 - \beta_1^t}", "β1 for β2"),
                             (r"\frac{v_t}{(1 - \beta_2^t)^2}", "squared"), (r"\sqrt{\frac{v_t}{1 - \beta_2^t}}", "the root")],
                      unreadable=[r"\mathrm{unbias}(v_t)", r"\frac{v_t}{1 - \beta_2^{\tau}}"]),
    "adam_step": dict(q=7, lhs=[r"\theta_t =", r"\theta \leftarrow"],
                      right=[r"\theta_{t-1} - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
                             r"\theta_{t-1} - \frac{\alpha \hat m_t}{\sqrt{\hat v_t} + \varepsilon}",
                             r"\theta_{t-1} - \alpha \hat m_t / (\sqrt{\hat v_t} + \epsilon)"],
                      wrong=[(r"\theta_{t-1} - \alpha \frac{m_t}{\sqrt{v_t} + \epsilon}", "no bias correction"),
                             (r"\theta_{t-1} - \alpha \frac{\hat m_t}{\hat v_t + \epsilon}", "no root"),
                             (r"\theta_{t-1} + \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}", "sign"),
                             (r"\theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t + \epsilon}}", "ε inside the root")],
                      unreadable=[r"\theta_{t-1} - \alpha \, \mathrm{adam}(g)", r"\theta_{t-1} - \alpha \frac{\hat m_t}{\lVert \hat v_t \rVert}"]),
}
# Keras's form: α_t defined, then the step in it.
KERAS_RIGHT = [(r"\alpha_t = \alpha \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}", r"\theta_t = \theta_{t-1} - \alpha_t \frac{m_t}{\sqrt{v_t} + \epsilon}"),
               (r"\eta_t = \alpha \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)", r"\theta_t = \theta_{t-1} - \eta_t \frac{m_t}{\sqrt{v_t} + \varepsilon}"),
               (r"\mathrm{lr}_t = \alpha \frac{\sqrt{1-\beta_2^{t}}}{1-\beta_1^{t}}", r"\theta_t = \theta_{t-1} - \mathrm{lr}_t \, m_t / (\sqrt{v_t} + \epsilon)")]
KERAS_WRONG = [(r"\alpha_t = \alpha \frac{1 - \beta_2^t}{1 - \beta_1^t}", r"\theta_t = \theta_{t-1} - \alpha_t \frac{m_t}{\sqrt{v_t} + \epsilon}", "no root"),
               (r"\alpha_t = \alpha \frac{\sqrt{1 - \beta_1^t}}{1 - \beta_2^t}", r"\theta_t = \theta_{t-1} - \alpha_t \frac{m_t}{\sqrt{v_t} + \epsilon}", "β1 and β2 swapped"),
               (r"\alpha_t = \alpha \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}", r"\theta_t = \theta_{t-1} - \alpha_t \frac{m_t}{v_t + \epsilon}", "no root on v"),
               (r"\alpha_t = \alpha \sqrt{1 - \beta_2^t}", r"\theta_t = \theta_{t-1} - \alpha_t \frac{m_t}{\sqrt{v_t} + \epsilon}", "no 1 − β1^t")]

WRAP = [("$$", "$$"), (r"\[", r"\]"), ("$", "$"), ("\\begin{equation}\n", "\n\\end{equation}"),
        ("\\begin{align*}\n", "\n\\end{align*}")]
LEAD = ["", "We get\n\n", "Получаем:\n\n", "The result:\n\n", "Тогда\n\n", "Hence ", "Итак, "]
TAIL = ["", "\n\nwhere the shapes are as declared.", "\n\nгде размерности — как в условии.",
        "\n\n(shape as in the question)"]


def _fill(text: str, rng: random.Random) -> str:
    return text.replace("{had}", rng.choice(HAD)).replace("{mask}", rng.choice(MASKS))


def _answer(lhs: str, rhs: str, rng: random.Random) -> str:
    a, b = rng.choice(WRAP)
    eq = lhs if lhs.rstrip().endswith(("=", r"\leftarrow", ":=", r"\gets")) else lhs + " ="
    if a.startswith("\\begin{align"):
        eq = eq.replace(" =", " &=", 1) if " =" in eq else eq
    body = f"{a}{eq} {rhs}{b}"
    mask_words = " Here $H$ is the Heaviside step function." if "H(Z_1)" in rhs else ""
    return rng.choice(LEAD) + body + rng.choice(TAIL) + mask_words


def _context(key: str, rhs: str) -> str:
    """What an answer to question 5 or 7 says before the formula, when the formula uses it."""
    if r"\Delta_1" in rhs:
        return "$$\\Delta_1 = \\frac{\\partial L}{\\partial Z_1}$$\n\n"
    return ""


def generate(seed: int = 27) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for key, spec in KEYS.items():
        for kind, items in (("right", spec["right"]), ("wrong", spec["wrong"])):
            combos = list(itertools.product(spec["lhs"], items))
            rng.shuffle(combos)
            n = 0
            while n < PER_KIND:
                lhs, item = combos[n % len(combos)]
                rhs, note = (item, kind) if kind == "right" else item
                rhs = _fill(rhs, rng)
                if lhs.startswith("W_1"):   # the update of one parameter, written in its own name
                    if r"\, g" in rhs:
                        rhs = rhs.replace(r"\, g", r"\, dW_1")
                    rhs = rhs.replace(r"\theta", "W_1")
                if key == "dZ1" and ("{had}" in item if isinstance(item, str) else False):
                    pass
                md = _context(key, rhs) + _answer(lhs, rhs, rng)
                if "H(Z_1)" in md and kind == "right" and key in ("dZ1", "dW1"):
                    md += ""
                out.append({"question": spec["q"], "markdown": md, "expected": {key: kind},
                            "note": f"{key}: {note}"})
                n += 1
        for k, rhs in enumerate(spec["unreadable"] * 4):
            lhs = spec["lhs"][k % len(spec["lhs"])]
            out.append({"question": spec["q"], "markdown": _answer(lhs, rhs, rng),
                        "expected": {key: "unreadable"}, "note": f"{key}: not meant to be read"})
    for kind, items in (("right", KERAS_RIGHT), ("wrong", KERAS_WRONG)):
        for n in range(PER_KIND):
            item = items[n % len(items)]
            first, second = item[0], item[1]
            a, b = rng.choice(WRAP[:2])
            md = f"Keras: {a}{first}{b}\n\n{rng.choice(['and', 'и', 'then'])}\n\n{a}{second}{b}"
            out.append({"question": 7, "markdown": md, "expected": {"keras_step": kind},
                        "note": f"keras_step: {item[2] if kind == 'wrong' else 'right'}"})
    for n in range(8):
        md = ("Keras: $$\\theta_t = \\theta_{t-1} - \\alpha_t \\frac{m_t}{\\sqrt{v_t} + \\epsilon}$$ "
              "with $\\alpha_t$ the corrected rate.")
        out.append({"question": 7, "markdown": md, "expected": {"keras_step": "unreadable"},
                    "note": "keras_step: alpha_t defined only in words"})
    return out


if __name__ == "__main__":
    rows = generate()
    with open(HERE / "own.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} answers written to {HERE / 'own.jsonl'}")
