"""The autograder for real: example submissions get their exact scores, grading is
deterministic, and hostile submissions are contained and earn nothing."""
import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import leftovers

from autograder import scheme
from autograder.authoring.examples import SOLUTION, buggy, expected_scores, write_examples
from autograder.batch import run as batch
from autograder.sandbox import wire as protocol
from autograder.sandbox.box import Sandbox

HOSTILE = Path(__file__).parent / "hostile"
NO_TRAINING = scheme.AUTOGRADED - 20
SHORT_CALL = 4.0  # s: the call limit of the tests that wait one out


def hostile(tmp_path, name):
    """A hostile file; 'from solution_copy import *' becomes the reference's own text."""
    text = (HOSTILE / f"{name}.py").read_text()
    if "from solution_copy import *" in text:
        text = SOLUTION.read_text() + "\n" + text.replace("from solution_copy import *", "")
    path = tmp_path / name / "network.py"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path.parent


def grade(path, tmp_path, skip_training=True):
    return batch.grade_one(path, tmp_path / "out", skip_training=skip_training)


def test_example_submissions_get_their_exact_scores(tmp_path, mnist_dir):
    """The README's main job: every example, training included, graded in parallel."""
    paths = write_examples(tmp_path / "submissions")
    grades = batch.grade_batch(paths, tmp_path / "out", jobs=2, data_dir=mnist_dir)
    assert {name: g.score for name, g in grades.items()} == expected_scores()
    reference = grades["reference"]
    assert reference.score == reference.max_score == scheme.AUTOGRADED  # training stops at the bar, counted at 0.1 pp
    assert scheme.counted_accuracy(reference.test_accuracy) >= 0.978
    # Each bug loses the points of its own area and keeps the others.
    areas = {name: {c.area for c in g.checks if c.status == "failed"} for name, g in grades.items()}
    assert areas["no_batch_mean"] == {"softmax_loss", "gradients"}
    assert areas["adam_no_bias_correction"] == {"updates"}
    assert areas["softmax_overflow"] == {"softmax_loss"}
    assert {"gradients"} <= areas["sign_flipped"] and "forward" not in areas["sign_flipped"]
    # The reports: Gradescope's schema, the feedback in both languages, the gradebook, the summary.
    results = json.loads((tmp_path / "out" / "no_batch_mean" / "results.json").read_text())
    assert results["score"] == expected_scores()["no_batch_mean"] and results["max_score"] == 90
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
    assert any("N = " in t["output"] and "averaged over the batch" in t["output"] for t in results["tests"])
    assert "усредняете ли вы градиент" in (tmp_path / "out" / "no_batch_mean" / "feedback.md").read_text()
    assert "averaged over the batch" in (tmp_path / "out" / "no_batch_mean" / "feedback.en.md").read_text()
    assert (tmp_path / "out" / "reference" / "history.png").read_bytes()[:4] == b"\x89PNG"
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "gradebook.csv").read_text())))
    assert {r["submission"]: float(r["total"]) for r in rows} == expected_scores()
    assert (tmp_path / "out" / "scores.png").is_file() and "passed" in (tmp_path / "out" / "summary.md").read_text()


def test_the_same_submission_gets_the_same_results(tmp_path, examples_graded):
    """Graded again, alone: what the batch of the examples gave it (conftest.py)."""
    path = next(p for p in examples_graded.paths if p.name == "no_batch_mean")
    first, second = examples_graded.grades()["no_batch_mean"], grade(path, tmp_path / "b")
    assert first.score == second.score == 42.0
    assert [(c.name, c.score, c.en) for c in first.checks] == [(c.name, c.score, c.en) for c in second.checks]


def test_the_stub_scores_zero_and_says_what_to_do(examples_graded):
    g = examples_graded.grades()["stub"]
    assert g.score == 0 and len(g.checks) > 5
    assert all("not implemented yet" in c.en for c in g.checks)


def test_sandbox_protections_are_in_force(sandbox_mode):
    with Sandbox(SOLUTION) as sandbox:
        assert sandbox.ready == {"ok": True}
        assert sandbox.isolation == {"fallback": "landlock"}.get(sandbox_mode, sandbox_mode)
        assert all(sandbox.protections.values()), sandbox.protections


@pytest.mark.parametrize("name, expected_error", [
    ("exits_at_import", "exited with status 0"),
    ("fork_bomb", "BlockingIOError"),
])
def test_submissions_that_never_import_score_zero(tmp_path, name, expected_error, sandbox_mode):
    before = leftovers.snapshot()  # other gradings on this machine are not this one's leftovers
    g = grade(hostile(tmp_path, name), tmp_path)
    assert g.score == 0
    assert expected_error in g.import_error
    assert leftovers.none_left(before) == [], "a worker process survived its grading"


def test_an_infinite_loop_is_cut_off_and_the_rest_still_graded(tmp_path, sandbox_mode, monkeypatch):
    """A forward that never returns: cut off at the call limit (here a short one, since a loop
    that never ends is cut off alike at any limit), the worker started again for the rest."""
    monkeypatch.setenv(protocol.CALL_VARIABLE, str(SHORT_CALL))
    g = grade(hostile(tmp_path, "infinite_loop"), tmp_path)
    lost = {c.area for c in g.checks if c.status == "failed"}
    assert lost == {"forward", "gradients"} and g.score == NO_TRAINING - 15 - 25
    assert any(f"did not finish: no answer within {SHORT_CALL:g} s" in c.en for c in g.checks)


def test_the_call_limit_follows_its_variable_and_the_import_keeps_its_own(monkeypatch):
    from autograder.sandbox.box import Limits

    assert Limits().call_seconds == Limits().import_seconds == protocol.CALL_SECONDS == 20
    monkeypatch.setenv(protocol.CALL_VARIABLE, "3.5")
    assert Limits().call_seconds == 3.5 and Limits().import_seconds == protocol.CALL_SECONDS
    for wrong in ("", "soon", "0", "-1"):
        monkeypatch.setenv(protocol.CALL_VARIABLE, wrong)
        assert Limits().call_seconds == protocol.CALL_SECONDS, wrong


def test_a_memory_bomb_fails_only_its_own_checks(tmp_path, sandbox_mode):
    g = grade(hostile(tmp_path, "memory_bomb"), tmp_path)
    failed = [c for c in g.checks if c.status == "failed"]
    assert {c.area for c in failed} == {"softmax_loss"} and g.score == NO_TRAINING - 8
    assert all("MemoryError" in c.en for c in failed if "softmax:" in c.name)


def test_forged_output_earns_nothing(tmp_path, sandbox_mode):
    """A submission worth NO_TRAINING - 25 honestly (dW2's sign flipped) that also forges full
    marks: printed, and as results.json where the worker runs (its cwd and the box), where
    Gradescope reads it, and where this grading writes its report. It gets its honest points,
    no more. (forged_output.py's forged 'ready' frame is left out here: a frame that is not an
    answer fails the whole import, so that part of the forgery scores 0 by itself.)"""
    report = tmp_path / "out" / "forged_output" / "results.json"
    forgery = (HOSTILE / "forged_output.py").read_text().split("\nheader = ")[0]
    forgery = forgery.replace('"../results.json")', f'"../results.json", {str(report)!r})')
    assert str(report) in forgery
    path = tmp_path / "forged_output" / "network.py"
    path.parent.mkdir()
    path.write_text(buggy("sign_flipped") + "\n" + forgery)
    g = grade(path.parent, tmp_path)
    assert g.score == NO_TRAINING - 25
    assert json.loads(report.read_text())["score"] == NO_TRAINING - 25
    assert "score: 90/90" in g.output  # kept for the feedback, and ignored


def test_the_reference_and_the_test_set_are_out_of_reach(tmp_path, mnist_dir, sandbox_mode):
    g = grade(hostile(tmp_path, "steals_reference"), tmp_path, skip_training=False)
    assert g.score == 0
    messages = " ".join(c.en for c in g.checks)
    assert "imports `solution`, which the grader does not provide" in messages and "FOUND" not in messages


def test_oversized_and_code_carrying_results_are_refused(tmp_path, sandbox_mode):
    marker = Path("/tmp/mnist-hw-pwned")
    marker.unlink(missing_ok=True)
    big = grade(hostile(tmp_path, "oversized_answer"), tmp_path)
    assert big.score == 0 and any("exceed the limit" in c.en for c in big.checks)
    evil = grade(hostile(tmp_path, "code_in_result"), tmp_path)
    assert evil.score == 0 and any("should be a numpy array, but it is a Evil" in c.en for c in evil.checks)
    assert not marker.exists()


def test_protocol_refuses_objects_and_checks_sizes_before_allocating():
    value = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": [1, 2.5, None, "x"]}
    back = protocol.read_message(io.BytesIO(protocol.encode(value)), 1 << 20)
    np.testing.assert_array_equal(back["a"], value["a"])
    assert back["b"] == [1, 2.5, None, "x"]
    assert type(back["b"][0]) is int and type(back["b"][1]) is float
    with pytest.raises(protocol.ProtocolError, match="plain numeric"):
        protocol.encode(np.array([object()], dtype=object))
    header = json.dumps({"tree": {"__array__": 0}, "arrays": [{"dtype": "float64", "shape": [100000, 100000]}]})
    frame = b"MNHW" + len(header).to_bytes(4, "big") + header.encode()  # claims 80 GB, holds nothing
    with pytest.raises(protocol.ProtocolError, match="exceed the limit"):
        protocol.read_message(io.BytesIO(frame), 1 << 30)
    header = json.dumps({"tree": {"__array__": 0}, "arrays": [{"dtype": "object", "shape": [1]}]})
    with pytest.raises(protocol.ProtocolError, match="not a plain numeric"):
        protocol.read_message(io.BytesIO(b"MNHW" + len(header).to_bytes(4, "big") + header.encode()), 1 << 20)


def test_zips_and_single_files(tmp_path):
    """Submissions as a zip (network.py in a subfolder) and as a bare .py; bad input: test_batch.py."""
    source = SOLUTION.read_text()
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("mnist-hw/network.py", source)
        z.writestr("mnist-hw/notes.txt", "done")
    single = tmp_path / "bob.py"
    single.write_text(source)
    grades = batch.grade_batch([archive, single], tmp_path / "out", skip_training=True)
    assert grades["alice"].score == grades["bob"].score == NO_TRAINING


@pytest.mark.slow
def test_the_reference_passes_every_check_on_many_more_cases():
    """The checks are sound: the reference passes each of them on 150 drawn cases (grading draws 8),
    run in this process (no sandbox needed for the reference)."""
    from autograder.grading.plugin import run_checks
    from autograder.grading.reference import live_reference
    from autograder.local.student import LocalStudent
    from solution import network

    plugin = run_checks(LocalStudent(network), live_reference(), None,
                        ["forward", "softmax_loss", "gradients", "updates"], profile="thorough")
    assert len(plugin.results) == 12
    assert [(r.name, r.en) for r in plugin.results if r.status != "passed"] == []



def test_gradient_criterion_never_fails_the_reference():
    """On 300 random shapes and data, the reference's gradients pass the check's criterion;
    CS231n's elementwise relative error would fail it on a few percent of them (entries of
    1e-9 from a saturated softmax), which is why grading does not use it."""
    from assignment.gradient_check import numerical_gradient, rel_error
    from autograder.grading.problems import problem
    from solution import network

    check = _check_module("check_gradients")
    rng = np.random.default_rng(2026)
    worst, elementwise_failures = 0.0, 0
    for _ in range(300):
        n, d, h, c = (int(v) for v in (rng.integers(1, 9), rng.integers(1, 7), rng.integers(1, 7), rng.integers(2, 6)))
        params, x, y = problem(n, d, h, c, int(rng.integers(0, 10**6)), kink_margin=check.MARGIN)
        logits, cache = network.forward(params, x)
        grads = network.backward(params, cache, network.softmax_cross_entropy(logits, y)[1])
        errors = []
        for key in params:
            numeric = numerical_gradient(
                lambda v: network.softmax_cross_entropy(network.forward({**params, key: v}, x)[0], y)[0], params[key])
            worst = max(worst, check.scaled_error(grads[key], numeric))
            errors.append(rel_error(grads[key], numeric))
        elementwise_failures += max(errors) >= check.TOLERANCE
    assert worst < check.TOLERANCE / 100
    assert elementwise_failures > 0  # the case this guards against does occur


def _check_module(name):
    """A check file, imported by path (the checks folder is not a package)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "autograder" / "grading" / "checks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_checks_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module



@pytest.mark.slow
def test_a_numerical_backward_earns_no_points_for_equalling_the_reference(tmp_path):
    """Found by the red team: central differences of forward in place of backprop. On MNIST's
    shapes (one of the hidden check's cases) it cannot answer in time; backprop is one pass."""
    g = grade(hostile(tmp_path, "numeric_backward"), tmp_path)
    gradients = {c.name: c for c in g.checks if c.area == "gradients"}
    hidden = next(c for c in gradients.values() if c.visibility == "hidden")
    assert hidden.score == 0 and "did not finish" in hidden.en
    assert sum(c.score for c in gradients.values()) <= 10


@pytest.mark.slow
def test_a_correct_submission_stops_training_at_full_marks_the_same_way_twice(reference_trained,
                                                                               reference_trained_whole):
    """The grader's training check stops at the first best-validation epoch whose test accuracy
    earns full marks: before the 12th for the reference, at the same epoch, with the same
    points and accuracy, on a second grading; the feedback says so in both languages. The two
    gradings are the run's shared ones (conftest.py): in two parts, and in one process."""
    runs = [reference_trained.grade(), reference_trained_whole.grade()]
    out1 = reference_trained.out
    training = [next(c for c in g.checks if c.area == "training") for g in runs]
    assert all(g.score == scheme.AUTOGRADED for g in runs) and all(c.score == 20 for c in training)
    stopped = [c.metrics["stopped_at"] for c in training]
    assert stopped[0] == stopped[1] and 1 <= stopped[0] < 12, stopped
    assert len(training[0].metrics["history"]["epoch"]) == stopped[0]
    assert training[0].metrics["history"]["best_epoch"] == stopped[0] - 1
    assert runs[0].test_accuracy == runs[1].test_accuracy and scheme.counted_accuracy(runs[0].test_accuracy) >= 0.978
    said = f"full marks reached at epoch {stopped[0]} of 12: training stopped"
    assert said in (out1 / "reference" / "feedback.en.md").read_text()
    assert f"полный балл достигнут на эпохе {stopped[0]} из 12" in (out1 / "reference" / "feedback.md").read_text()
    results = json.loads((out1 / "reference" / "results.json").read_text())
    assert any(said in t["output"] for t in results["tests"] if t["status"] == "passed")
