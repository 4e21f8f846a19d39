"""The lesson as an nbgrader notebook: written (`mnist-hw notebook`) from the derivation texts
and the scheme, so that nothing in it is written twice, and released for students by
nbgrader's own preprocessors.

    solution/nbgrader/mnist/mnist.ipynb   the nbgrader source (answers, hidden tests), committed
    release/student/mnist.ipynb           what generate_assignment makes of it

Cells: the introduction; each derivation question (locked) followed by a manually graded
answer cell with its points; code cells that load the student's network.py, check a
gradient, train and draw the curves, train the lesson's Keras model (skipped, saying how to
install it, where Keras is not) and draw both networks and the recorded reference on one
figure with a table; an autograded test cell per area whose visible part
runs the public checks and whose hidden part asks the sandboxed autograder for the points.
"""
from __future__ import annotations

import re
from pathlib import Path

from autograder import scheme

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT_ID, NOTEBOOK_ID = "mnist", "mnist"
SOURCE = ROOT / "solution" / "nbgrader" / ASSIGNMENT_ID / f"{NOTEBOOK_ID}.ipynb"
HEADING = re.compile(r"^## (?:Question|Вопрос) (\d+)\. (.*?) \((\d+) (?:point|балл)\w*\)$", re.M)

INTRO = """\
# MNIST: нейронная сеть на numpy / a neural network in numpy

Вы пишете функции в `network.py` (рядом с этой тетрадью), выводите формулы в ячейках ниже, обучаете
сеть и смотрите на кривые обучения. Полный текст задания — `assignment-ru.md`. Ячейки проверки
в конце запускают открытые проверки (`mnist-hw check`); баллы выставляет автопроверка.

You write the functions in `network.py` (beside this notebook), derive the formulas in the cells
below, train the network and look at its learning curves. The full assignment is in
`assignment-en.md`. The check cells at the end run the public checks (`mnist-hw check`); the
autograder gives the points."""

SETUP = """\
%matplotlib inline
import os

import rich

from assignment import keras_model, runs
from assignment.contract import load_network
from assignment.data import load_mnist
from assignment.gradient_check import numerical_gradient, rel_error
from assignment.plots import plot_comparison
from assignment.training import evaluate, fit
from autograder.local.check import check_area"""

GRADIENT_CHECK = """\
# Ваш network.py / your network.py (после изменений перезапустите ядро / restart the kernel after editing it)
import numpy as np

net = load_network("network.py")
rng = np.random.default_rng(0)
params = {k: v.astype(np.float64) for k, v in net.init_params(5, 4, 3, seed=1).items()}
X, Y = rng.standard_normal((6, 5)), np.eye(3)[rng.integers(0, 3, 6)]
logits, cache = net.forward(params, X)
loss, dlogits = net.softmax_cross_entropy(logits, Y)
grads = net.backward(params, cache, dlogits)
for key in params:
    def loss_of(value):
        return net.softmax_cross_entropy(net.forward({**params, key: value}, X)[0], Y)[0]
    print(f"d{key}: relative error {rel_error(grads[key], numerical_gradient(loss_of, params[key])):.2e}")"""

TRAINING = """\
EPOCHS = int(os.environ.get("MNIST_HW_EPOCHS", "10"))  # MNIST_HW_EPOCHS=1: a quick run / быстрый прогон
numpy_run = None
mnist = load_mnist()
params, history = fit(net, mnist.x_train, mnist.y_train, epochs=EPOCHS)
test_loss, test_accuracy = evaluate(net, params, mnist.x_test, mnist.y_test)
print(f"test accuracy: {test_accuracy:.2%}")
numpy_run = runs.from_fit(history, params, test_loss, test_accuracy, network="network.py")
runs.save(numpy_run, "runs/notebook", title=f"numpy 784-800-10: test accuracy {test_accuracy:.2%}")"""

KERAS_TITLE = """\
## Та же модель в Keras / the same model in Keras

Модель урока в Keras 3 (раздел 4 задания; `mnist-hw keras` в терминале) на тех же данных и с тем же
числом эпох, что и ваша сеть выше. Нужен Keras: `pip install -e '.[keras]'` в папке задания, затем
перезапустите ядро; без него ячейка пропускается. Запись эталона преподавателя (30 эпох) —
`reference.json`.

The lesson's model in Keras 3 (section 4 of the assignment; `mnist-hw keras` in a terminal) on the
same data and for as many epochs as your network above. It needs Keras: `pip install -e '.[keras]'`
in the assignment's folder, then restart the kernel; without it the cell is skipped. The
instructor's recorded reference (30 epochs) is `reference.json`."""

KERAS = """\
keras_run = None
try:
    keras_model.not_while_nbgrader_grades()  # nbgrader autograde: the same model for everyone, no points
    keras_run = keras_model.run(mnist, epochs=EPOCHS, verbose=2)
except keras_model.KerasMissing as missing:
    print(f"Keras пропущен: {missing.ru}\\nKeras skipped: {missing}")
else:
    print(f"Keras test accuracy: {keras_run['test_accuracy']:.2%}")
    runs.save(keras_run, "runs/keras", title=f"Keras 784-800-10: test accuracy {keras_run['test_accuracy']:.2%}")"""

COMPARE = """\
# Ваша сеть, Keras и эталон на одном рисунке / your network, Keras and the reference on one figure
compared = [runs.from_dict(run, label) for label, run in (("numpy · network.py", numpy_run), ("Keras", keras_run))
            if run]
compared += [runs.load(path) for path in [runs.find_reference()] if path]  # reference.json
rich.print(runs.table(compared))
plot_comparison([(r.label, r.history) for r in compared], "runs/compare.png", title="numpy vs Keras on MNIST",
                faint=[i for i, r in enumerate(compared) if r.kind == "reference"])  # the reference behind yours"""


def test_cell(area: str) -> str:
    return (f"# открытые проверки / the public checks: mnist-hw check --area {area}\n"
            f"points = check_area(\"{area}\")\n"
            "### BEGIN HIDDEN TESTS\n"
            "from autograder.authoring.notebook import grade_area  # the sandboxed autograder gives the points\n"
            f"points = grade_area(\"{area}\")\n"
            "### END HIDDEN TESTS\n"
            "points")


def questions(text: str) -> list[dict]:
    """The derivation's questions: number, title, points, question text, answer."""
    found = []
    matches = list(HEADING.finditer(text))
    for match, following in zip(matches, matches[1:] + [None]):
        body = text[match.end(): following.start() if following else len(text)]
        question, _, rest = body.partition("### BEGIN SOLUTION")
        answer, _, _ = rest.partition("### END SOLUTION")
        found.append({"number": int(match.group(1)), "title": match.group(2), "points": int(match.group(3)),
                      "heading": match.group(0), "question": question.strip(), "answer": answer.strip()})
    return found


def _cell(kind: str, source: str, cell_id: str, **nbgrader):
    from nbformat.v4 import new_code_cell, new_markdown_cell

    cell = (new_code_cell if kind == "code" else new_markdown_cell)(source)
    cell.id = cell_id  # fixed ids: the same sources give the same notebook
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "solution": False, "grade": False, "locked": False,
                                     **nbgrader, "grade_id": cell_id}
    return cell


def source_notebook():
    """The nbgrader source notebook, built from the derivation texts and the scheme."""
    from nbformat.v4 import new_notebook

    ru = questions((ROOT / "solution/derivation-ru.md").read_text(encoding="utf-8"))
    en = questions((ROOT / "solution/derivation-en.md").read_text(encoding="utf-8"))
    cells = [_cell("markdown", INTRO, "intro", locked=True), _cell("code", SETUP, "setup", locked=True)]
    for q_ru, q_en in zip(ru, en):
        n = q_ru["number"]
        cells.append(_cell("markdown", f"{q_ru['heading']}\n\n{q_ru['question']}\n\n*{q_en['heading'][3:]}*\n\n"
                                       f"*{q_en['question']}*", f"question-{n}", locked=True))
        cells.append(_cell("markdown", f"{q_ru['answer']}\n\n---\n\n{q_en['answer']}", f"derivation-{n}",
                           solution=True, grade=True, points=q_ru["points"]))
    cells.append(_cell("code", GRADIENT_CHECK, "gradient-check"))
    cells.append(_cell("code", TRAINING, "training-run"))
    cells.append(_cell("markdown", KERAS_TITLE, "keras-title", locked=True))
    cells.append(_cell("code", KERAS, "keras-run"))
    cells.append(_cell("code", COMPARE, "comparison"))
    for area in scheme.AUTOGRADED_AREAS:
        cells.append(_cell("markdown", f"### {area.title_ru} / {area.title_en}", f"title-{area.key}", locked=True))
        cells.append(_cell("code", test_cell(area.key), area.key, grade=True, locked=True, points=area.points))
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    return notebook


def write_source() -> Path:
    import nbformat

    SOURCE.parent.mkdir(parents=True, exist_ok=True)
    SOURCE.write_text(nbformat.writes(source_notebook()) + "\n", encoding="utf-8")
    return SOURCE


def student_version(source: Path = SOURCE) -> str:
    """The notebook as nbgrader's generate_assignment releases it: its preprocessors, in its
    order, without the database (SaveCells) steps."""
    import nbformat
    from nbgrader import preprocessors as p

    notebook = nbformat.read(str(source), as_version=4)
    resources: dict = {}
    for step in (p.LockCells, p.ClearSolutions, p.ClearOutput, p.CheckCellMetadata, p.ComputeChecksums,
                 p.ClearHiddenTests, p.ClearMarkScheme, p.ComputeChecksums, p.CheckCellMetadata):
        notebook, resources = step().preprocess(notebook, resources)
    return nbformat.writes(notebook) + "\n"
