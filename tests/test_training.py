"""The training loop: Keras's conventions, determinism, any network.py, and the real accuracy bar."""
import contextlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assignment.contract import ContractError, load_network
from assignment.training import METRICS, evaluate, fit, split_validation
from autograder.cli import grader_app
from solution import network as reference

ROOT = Path(__file__).resolve().parent.parent

SOLUTION = Path(reference.__file__)


@pytest.fixture(scope="module")
def subset(mnist):
    return mnist.x_train[:3000], mnist.y_train[:3000]


def test_history_has_kerass_keys_and_one_value_per_epoch(subset):
    x, y = subset
    params, history = fit(reference, x, y, epochs=3, n_hidden=32)
    assert set(history.history) == set(METRICS) and history.epoch == [0, 1, 2]
    assert all(len(history.history[k]) == 3 for k in METRICS)
    assert history.history["loss"][2] < history.history["loss"][0]
    assert history.params["n_train"] == 2400 and history.params["n_val"] == 600
    # The last val_* entry is exactly the evaluation of the returned weights on the last 20%.
    _, (x_val, y_val) = split_validation(x, y, 0.2)
    assert evaluate(reference, params, x_val, y_val) == pytest.approx(
        (history.history["val_loss"][-1], history.history["val_accuracy"][-1]))


def test_validation_split_is_the_tail_as_in_keras():
    x, y = np.arange(10)[:, None], np.arange(10)
    (xt, yt), (xv, yv) = split_validation(x, y, 0.2)
    assert yt.tolist() == list(range(8)) and yv.tolist() == [8, 9]


def test_same_seed_same_run_other_seed_other_run(subset):
    x, y = subset
    a = fit(reference, x, y, epochs=2, n_hidden=16, seed=5)
    b = fit(reference, x, y, epochs=2, n_hidden=16, seed=5)
    c = fit(reference, x, y, epochs=2, n_hidden=16, seed=6)
    assert a[1].history == b[1].history and all(np.array_equal(a[0][k], b[0][k]) for k in a[0])
    assert a[1].history != c[1].history


def test_restore_best_weights_returns_the_best_epoch(subset):
    x, y = subset
    params, history = fit(reference, x, y, epochs=4, n_hidden=16, learning_rate=0.05, restore_best_weights=True)
    best = int(np.argmax(history.history["val_accuracy"]))
    assert history.best_epoch == best
    _, (x_val, y_val) = split_validation(x, y, 0.2)
    assert evaluate(reference, params, x_val, y_val)[1] == pytest.approx(history.history["val_accuracy"][best])


def test_sgd_trains_and_time_budget_stops_early(subset):
    x, y = subset
    _, history = fit(reference, x, y, epochs=5, n_hidden=16, optimizer="sgd")
    loss = history.history["loss"]
    assert all(a > b for a, b in zip(loss, loss[1:])) and history.history["val_accuracy"][-1] > 0.3
    assert history.params["learning_rate"] == 0.1
    _, history = fit(reference, x, y, epochs=50, n_hidden=16, time_budget=0.0)
    assert len(history.epoch) == 1
    with pytest.raises(ValueError, match="'adam' or 'sgd'"):
        fit(reference, x, y, optimizer="rmsprop")


def test_a_network_file_is_loaded_by_path(tmp_path, subset):
    copy = tmp_path / "network.py"
    shutil.copy(SOLUTION, copy)
    net = load_network(tmp_path)  # a directory holding network.py works too
    x, y = subset
    assert fit(net, x, y, epochs=1, n_hidden=8)[1].history == fit(reference, x, y, epochs=1, n_hidden=8)[1].history


@pytest.mark.parametrize("source, message", [
    ("def forward(:\n", "does not import: SyntaxError"),
    ("import numpy_that_does_not_exist\n", "ModuleNotFoundError"),
    ("def init_params(): pass\n", "does not define softmax, forward"),
    ("import sys\nsys.exit(0)\n", r"calls exit\(\) while it is imported \(SystemExit: 0\)"),  # not a silent success
])
def test_a_broken_network_file_gets_a_clear_message(tmp_path, source, message):
    (tmp_path / "network.py").write_text(source)
    with pytest.raises(ContractError, match=message):
        load_network(tmp_path / "network.py")
    with pytest.raises(ContractError, match="no such file"):
        load_network(tmp_path / "nope.py")


def test_train_command_with_a_broken_network(tmp_path):
    (tmp_path / "network.py").write_text("raise RuntimeError('boom')\n")
    result = CliRunner().invoke(grader_app(), ["train", "--network", str(tmp_path / "network.py"), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "boom" in result.output and "Traceback" not in result.output


def test_train_command_with_a_network_that_exits_mid_training(tmp_path, mnist_dir):
    """exit() in forward would end `mnist-hw train` with the student's status and no word."""
    (tmp_path / "network.py").write_text((ROOT / "solution/network.py").read_text()
                                         + "\n\ndef forward(params, X):\n    raise SystemExit(3)\n")
    result = CliRunner().invoke(grader_app(), ["train", "--network", str(tmp_path / "network.py"), "--out", str(tmp_path),
                                      "--epochs", "1", "--data-dir", str(mnist_dir)])
    assert result.exit_code == 1 and "training stopped: SystemExit: 3" in " ".join(result.output.split())


def test_local_checks_report_exit_in_a_function_and_go_on(tmp_path):
    from autograder.local.check import run_local

    (tmp_path / "network.py").write_text((ROOT / "solution/network.py").read_text()
                                         + "\n\ndef forward(params, X):\n    import sys\n    sys.exit(3)\n")
    run = run_local(tmp_path / "network.py", ["forward", "updates"])
    results = run.results
    assert run.why is None
    forward = [r for r in results if r.area == "forward"]
    assert forward and all(r.status == "failed" and "forward called exit() (SystemExit: 3)" in r.en for r in forward)
    assert all(r.status == "passed" for r in results if r.area == "updates")


@pytest.mark.slow
def test_default_training_reaches_about_98_percent(mnist_dir, tmp_path):
    """784-800-10, Adam 1e-3, batch 200, 10 epochs -> about 98%: at least 97.8% test accuracy on any
    machine. Measured from 97.99% to 98.07% across OpenBLAS kernels and thread counts (README,
    Training): 98.0% was a bar the reference only just cleared on some of them (97.99% on 2 threads)."""
    result = CliRunner().invoke(grader_app(), ["train", "--out", str(tmp_path), "--data-dir", str(mnist_dir)])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "history.json").read_text())
    assert len(saved["loss"]) == 10 and saved["test_accuracy"] >= 0.978, saved["test_accuracy"]
    png = (tmp_path / "history.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "Test accuracy" in result.stdout


@pytest.mark.slow
def test_local_checks_stop_an_endless_loop_at_import(tmp_path, monkeypatch):
    """The import's limit (wire.CALL_SECONDS, read when the import starts) cut to 3 s here: the
    same limit and message as the real 20 s, which the student release's own run waits out
    (tests/test_release.py::test_student_check_stops_an_endless_loop_and_checks_the_rest)."""
    from autograder.local.check import run_local
    from autograder.sandbox import wire

    monkeypatch.setattr(wire, "CALL_SECONDS", 3.0)
    (tmp_path / "network.py").write_text("while True:\n    pass\n")
    run = run_local(tmp_path / "network.py", ["forward"])
    assert "did not finish importing within 3 s: is there an endless loop" in run.why.en
    assert run.results and all(r.score == 0 and r.en == run.why.en for r in run.results)


def test_the_stop_rule_is_asked_at_best_validation_epochs_only_and_ends_training_there(subset):
    """The training check's loop asks its stop rule at each epoch that is the best on validation
    so far, with the weights this process holds; True ends training with those weights kept."""
    from autograder.grading.reference import live_reference
    from autograder.grading.training import InProcess, drive

    x, y = subset

    def run(stop_from: int):
        asked = []

        def rule(epoch, params):
            asked.append((epoch, params))
            return epoch >= stop_from

        result = drive(InProcess(reference, x, y, lambda action, seconds: action()), live_reference(), x, y,
                       budget=300, epochs=6, n_hidden=16, restore_best_weights=True, stop=rule)
        return result, asked

    full, asked = run(99)  # never decided: every epoch trained, the best validation epoch kept
    val = full["history"]["val_accuracy"]
    assert len(val) == 6
    best_so_far = [e for e in range(6) if val[e] > max(val[:e], default=-1.0)]
    assert [e for e, _ in asked] == best_so_far and full["history"]["best_epoch"] == best_so_far[-1]
    assert full["params"] is asked[-1][1]
    stop_at = best_so_far[1] if len(best_so_far) > 1 else best_so_far[0]
    stopped, asked = run(stop_at)  # decided at that epoch: nothing trained after it
    assert len(stopped["history"]["val_accuracy"]) == stop_at + 1 and stopped["params"] is asked[-1][1]
    assert stopped["history"]["val_accuracy"] == val[:stop_at + 1]  # the same run, cut short: deterministic


def test_what_the_stop_rule_reads_is_measured_beside_the_validation_and_changes_nothing(subset):
    """drive's `measure` (the check's test accuracy) runs in a thread beside each epoch's
    validation where the transport allows it (the sandbox's: the kit's reference measures,
    the worker's core is idle), and never where it does not (the local check: the student's
    own network measures, never from two threads); the run and its stop are the same either way."""
    import threading

    from assignment.training import evaluate
    from autograder.grading.reference import live_reference
    from autograder.grading.training import InProcess, drive

    x, y = subset

    class Beside(InProcess):  # as InSandbox allows; the steps still done here
        beside = True

    def run(transport_type, stop_at):
        measured, threads, asked = {}, set(), []

        def measure(params):
            threads.add(threading.current_thread() is threading.main_thread())
            measured[id(params)] = params, evaluate(reference, params, x[:500], y[:500])[1]

        def rule(epoch, params):
            if id(params) not in measured:
                measure(params)
            asked.append(measured[id(params)][1])
            return epoch >= stop_at

        result = drive(transport_type(reference, x, y, lambda action, seconds: action()), live_reference(), x, y,
                       budget=300, epochs=4, n_hidden=16, restore_best_weights=True, stop=rule, measure=measure)
        return result, asked, threads, len(measured)

    alone, asked_alone, threads_alone, n_alone = run(InProcess, 2)
    side, asked_side, threads_side, n_side = run(Beside, 2)
    assert threads_alone == {True} and n_alone == len(asked_alone)  # only where the rule asked, in this thread
    assert threads_side == {False} and n_side == len(side["history"]["val_accuracy"])  # every epoch, beside
    assert asked_side == asked_alone and side["history"]["val_accuracy"] == alone["history"]["val_accuracy"]
    assert all(np.array_equal(side["params"][k], alone["params"][k]) for k in side["params"])


@pytest.mark.slow
def test_check_training_stops_at_full_marks_and_says_the_grader_may_differ(tmp_path, mnist_dir):
    """`mnist-hw check --training` on a correct network.py: full marks, training stopped at the
    first best-validation epoch that earns them (before the 12th), said with the warning that
    the grader's epoch may differ. In Russian here; the student release's own `check --area
    training` says it in English (tests/test_release.py), so the two languages cost one run each."""
    shutil.copy(SOLUTION, tmp_path / "network.py")
    result = CliRunner().invoke(grader_app(), ["check", str(tmp_path / "network.py"), "--area", "training",
                                               "--json", "--lang", "ru", "--data-dir", str(mnist_dir)])
    assert result.exit_code == 0, result.output
    (training,) = json.loads(result.stdout)["tests"]
    assert training["score"] == training["max_score"] == 20 and "полный балл достигнут на эпохе" in training["message"]
    assert "Грейдер может остановиться" in training["message"] and "из 12" in training["message"], training
    epoch = int(training["message"].split("эпохе ")[1].split()[0])
    assert 1 <= epoch < 12


@pytest.mark.slow
def test_a_bar_that_is_never_reached_trains_the_whole_budget(tmp_path, mnist_dir, monkeypatch):
    """Where no best-validation epoch earns full marks (here: a bar above 100%), the check trains
    every epoch of its budget and the best validation epoch's test accuracy gives the points, as
    before. The budget is cut to 3 epochs here (the checks read scheme.TRAINING_EPOCHS when they
    are imported, afresh for each run): the rule is the same for 3 as for 12, which
    test_check_training_stops_at_full_marks_and_says_the_grader_may_differ shows is the real one."""
    from autograder import scheme
    from autograder.local.check import run_local

    monkeypatch.setattr(scheme, "TRAINING_MARGIN", -0.05)
    monkeypatch.setattr(scheme, "TRAINING_EPOCHS", 3)
    shutil.copy(SOLUTION, tmp_path / "network.py")
    (result,) = run_local(tmp_path / "network.py", ["training"], mnist_dir).results
    history = result.metrics["history"]
    assert len(history["epoch"]) == 3 and result.metrics["stopped_at"] is None and result.note() is None
    assert history["best_epoch"] == int(np.argmax(history["val_accuracy"]))
    assert 0 < result.score < 20 and "after 3 epochs" in result.en, result.en


class _Clock:
    """time.perf_counter for autograder.grading.training, advanced by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize("step, products, stopped", [
    (0.05, 0.02, False),   # a loaded machine: 0.05 s a step would outlast the budget, but it is 2.5 products
    (0.05, 0.002, True),   # the same speed where the products take 0.002 s: the code is slow
    (0.004, 0.0001, False),  # 40 products a step, yet within the budget: never stopped
])
def test_the_pace_stops_only_steps_slow_next_to_their_products(monkeypatch, step, products, stopped):
    """The training driver's Pace (2,000 steps, a 20 s budget): past the warm-up, a projection over
    the budget stops training only where a step also takes over SLOWER_THAN_PRODUCTS times the
    matrix products it needs, timed at that moment; the products are timed again only after a while."""
    from autograder.grading import training as driver
    from autograder.grading.feedback import Feedback

    clock = _Clock()
    monkeypatch.setattr(driver.time, "perf_counter", clock)
    timed = []
    pace = driver.Pace(2000, 20.0, lambda: timed.append(clock.now) or products)
    with pytest.raises(Feedback) if stopped else contextlib.nullcontext():
        for t in range(1, 2001):
            clock.now += step
            pace.after(t)
    if not stopped:
        assert len(timed) <= 1 + 2000 * step / driver.RECHECK_SECONDS  # not re-timed at every step
    assert bool(timed) == (step * 2000 > 20.0)  # timed only where the budget alone would stop it


def test_the_products_of_a_step_are_timed_for_real():
    from autograder.grading import training as driver

    small, big = driver.matmul_seconds(20, 78, 80, 10), driver.matmul_seconds(400, 784, 1600, 10)
    assert 0 < small < big
