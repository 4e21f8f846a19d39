"""The `mnist-hw` command as users start it (`python -m autograder`, the console script's code
path): a path it cannot write to is said in one line before any work, never as a traceback."""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import leftovers

ROOT = Path(__file__).resolve().parent.parent
NOT_A_DIR = "/dev/null/out"  # under a file: no one, root included, can make it


def mnist_hw(*args, data_dir=None, cwd=ROOT):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "400"}  # rich wraps at the width: one line each
    if data_dir:
        env["MNIST_HW_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("args, option", [
    (["data", "fetch", "--data-dir", NOT_A_DIR], "--data-dir"),
    (["train", "--epochs", "1", "--out", NOT_A_DIR], "--out"),
    (["grade", "solution/network.py", "--out", NOT_A_DIR], "--out"),
    (["examples", NOT_A_DIR], "DIRECTORY"),
    (["release", "--no-validate", "--out", NOT_A_DIR], "--out"),
    pytest.param(["keras", "--epochs", "1", "--out", NOT_A_DIR], "--out", marks=pytest.mark.keras),
    (["compare", "solution/reference.json", "--out", f"{NOT_A_DIR}/compare.png"], "--out"),
])
def test_an_output_path_that_cannot_be_made_is_said_before_any_work(args, option, mnist_dir):
    done = mnist_hw(*args, data_dir=mnist_dir)
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert f"error: {NOT_A_DIR}: Not a directory. {option}" in said, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Training" not in done.stderr and "grading" not in done.stderr  # nothing was started


def test_a_write_refused_mid_way_is_one_line_and_keeps_what_was_done(mnist_dir, tmp_path):
    """The gradebook cannot be written (a directory is in its place) after the grading: the
    message names it, and the submission's results are there for the next run to reuse."""
    out = tmp_path / "grades"
    (out / "gradebook.csv").mkdir(parents=True)
    submission = tmp_path / "alice" / "network.py"
    submission.parent.mkdir()
    submission.write_bytes((ROOT / "solution/network.py").read_bytes())
    done = mnist_hw("grade", str(submission.parent), "--out", str(out), "--skip-training", data_dir=mnist_dir)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert f"error: {out / 'gradebook.csv'}: Is a directory." in " ".join(done.stderr.split()), done.stderr
    assert (out / "alice" / "results.json").is_file()

    (out / "gradebook.csv").rmdir()
    again = mnist_hw("grade", str(submission.parent), "--out", str(out), "--skip-training", data_dir=mnist_dir)
    assert again.returncode == 0, again.stderr
    assert "1 of 1 unchanged since their last grading" in " ".join(again.stderr.split())


# Its grading is under way, and stays so for as long as the test needs to deliver Ctrl-C at the
# moment it chooses: every function waits until Ctrl-C ends the grading, each call until its limit
# (20 s), the calls together until the checks' budget (box.CHECKS_SECONDS, 120 s), so the test has
# minutes, not the 20 s of one import, to see this submission's worker, however loaded the machine.
WAITS_FOR_CTRL_C = """import time


def _waits(*args, **kwargs):
    while True:
        time.sleep(0.1)


init_params = softmax = forward = softmax_cross_entropy = backward = sgd_update = adam_update = _waits
"""


def as_a_terminal_starts_it():
    """In the child, before exec: Ctrl-C at its default and not blocked, as in a job a shell starts in
    the foreground. Both would otherwise come from this xdist worker, which the tests before this one
    may have changed (an ignored SIGINT and a blocked mask survive exec): in two CI runs of this
    suite the grading, signalled while under way, ran to its end (exit 0), which this test alone,
    under -n 2 or not, never did, and does at once with SIGINT ignored in the test's process."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_during_grading_says_what_is_kept_and_the_next_run_goes_on(mnist_dir, tmp_path):
    """Ctrl-C (SIGINT to the whole foreground process group, as a terminal sends it) after the
    first grading has finished, while the second one waits for it: one line saying how many are
    kept, no traceback, no sandbox left running; the same command then grades only the rest.
    The moment is the test's: it signals once the waiting submission's box exists, so no machine
    is too fast (the batch cannot end meanwhile) or too slow (nothing is graded before the signal)."""
    from autograder.authoring.examples import write_examples

    stub, reference = write_examples(tmp_path / "subs")[:2]
    waits = tmp_path / "subs" / "waits"
    waits.mkdir()
    (waits / "network.py").write_text(WAITS_FOR_CTRL_C)
    subs = [str(stub), str(waits), str(reference)]  # --jobs 1: graded in this order
    out = tmp_path / "grades"
    args = [sys.executable, "-m", "autograder", "grade", *subs, "--out", str(out), "--skip-training", "--jobs", "1"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "400", "MNIST_HW_DATA_DIR": str(mnist_dir)}
    before = leftovers.snapshot()
    grading = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=as_a_terminal_starts_it)
    journal = out / "journal.jsonl"
    graders = f"mnist-hw-grade-{grading.pid}-"
    leftovers.wait_for(lambda: journal.is_file() and journal.read_text().strip(), "the first grading's journal entry")
    # its own worker, told from the stub's (which may linger a moment) by the network.py in its box
    leftovers.wait_for(lambda: [w for w in leftovers.workers(before, graders)
                                if leftovers.submission_of(w) == WAITS_FOR_CTRL_C], "the waiting submission's worker")
    signalled = journal.read_text()
    assert grading.poll() is None, f"the batch ended before the signal (journal then: {signalled})"
    os.killpg(grading.pid, signal.SIGINT)
    _, stderr = grading.communicate(timeout=600)
    said = " ".join(stderr.split())
    kept = len(journal.read_text().splitlines())
    assert grading.returncode == 130, (stderr, "journal at the signal:", signalled)
    assert kept == 1 and f"error: interrupted: 1 of {len(subs)} graded" in said and "Traceback" not in stderr, said
    # the worker runs as .../mnist-hw-box-PID-…/worker.py; ours: new since the start, of a grading
    # process that is gone or that this command started (its scratch is mnist-hw-grade-<its PID>-…)
    assert leftovers.none_left(before, graders) == [], "a worker survived Ctrl-C"

    (waits / "network.py").write_text((ROOT / "solution/network.py").read_text())  # the rest, without the wait
    again = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"1 of {len(subs)} unchanged since their last grading" in " ".join(again.stderr.split())


def in_locale(lang, *args, cwd=ROOT, **env):
    """`mnist-hw ARGS` run as a student runs it, with LANG=`lang` (LC_ALL and LC_MESSAGES unset)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    environ.update(LANG=lang, COLUMNS="400", PYTHONDONTWRITEBYTECODE="1", **env)
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("args, en, ru", [
    (["data", "fetch", "--data-dir", "{mnist}", "--mirror", "http://127.0.0.1:9/"], "all four files verified: "
     "nothing to do", "все четыре файла проверены: делать нечего"),
    (["data", "status", "--data-dir", "{tmp}/empty"], "to fetch what is missing or bad",
     "чтобы скачать недостающее или испорченное"),
    (["train", "--network", "{tmp}/nowhere.py"], "no such file. Give the path of your network.py",
     "такого файла нет. Укажите путь к вашему network.py"),
    (["compare"], "yet: train your network first", "ещё нет запусков: сначала обучите сеть"),
    (["keras", "--out", "/dev/null/out"], "must be a directory that you can create and write to",
     "должен быть папкой, которую вы можете создать и в которую можете писать"),
    # the data layer's errors (assignment/data.py), the training's progress, compare's table and its RunErrors
    (["train", "--data-dir", "{tmp}/empty"], "train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) is not in",
     "train-images-idx3-ubyte (или train-images-idx3-ubyte.gz) нет в"),
    (["train", "--epochs", "1", "--hidden", "8", "--out", "{tmp}/runs/train"], "Epoch 1/1 - loss:",
     "Эпоха 1/1 - потери:"),
    (["compare", str(ROOT / "solution/reference.json"), "--out", "{tmp}/c.png"], "run epochs test acc. vs ref.",
     "запуск эпох тест. точн. к эталону с/эпоху параметры"),
    (["compare", "{tmp}", "--out", "{tmp}/c.png"], "no history.json or reference.json in this directory. A RUN is",
     "в этой папке нет ни history.json, ни reference.json. RUN — это папка"),
])
def test_every_kit_command_follows_the_locale_and_lang_overrides_it(args, en, ru, mnist_dir, tmp_path):
    """The kit's commands speak as `check` does (assignment.cli.chosen_lang): Russian where LANG says
    ru, English where it says otherwise, and --lang over either."""
    args = [a.format(mnist=mnist_dir, tmp=tmp_path) for a in args]
    said = {}
    for lang, extra in (("ru_RU.UTF-8", []), ("en_US.UTF-8", []), ("ru_RU.UTF-8", ["--lang", "en"]),
                        ("C.UTF-8", ["--lang", "ru"])):
        done = in_locale(lang, *args, *extra, cwd=tmp_path, MNIST_HW_DATA_DIR=str(mnist_dir))
        said[lang, tuple(extra)] = " ".join((done.stdout + done.stderr).split())
        assert "Traceback" not in said[lang, tuple(extra)]
    assert ru in said["ru_RU.UTF-8", ()] and en not in said["ru_RU.UTF-8", ()]
    assert en in said["en_US.UTF-8", ()] and ru not in said["en_US.UTF-8", ()]
    assert en in said["ru_RU.UTF-8", ("--lang", "en")] and ru in said["C.UTF-8", ("--lang", "ru")]


def test_a_bad_data_file_is_said_in_the_students_language(tmp_path):
    """`data status` and `train` name what is wrong with a file (assignment/idx.py's IDXError, the
    checksum) in the locale's language, the same facts in both."""
    from assignment import data

    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(b"\x00\x00")  # not gzip
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x00")  # IDX, not MNIST's
    said = {lang: " ".join((done.stdout + done.stderr).split()) for lang in ("ru_RU.UTF-8", "en_US.UTF-8")
            for done in [in_locale(lang, "data", "status", "--data-dir", str(tmp_path), cwd=tmp_path)]}
    assert "named .gz but is not gzip-compressed. Delete it and run `mnist-hw data fetch`" in said["en_US.UTF-8"]
    assert "назван .gz, но не сжат gzip. Удалите его и запустите `mnist-hw data fetch`" in said["ru_RU.UTF-8"]
    digest = data.md5((tmp_path / "train-labels-idx1-ubyte").read_bytes())
    assert f"MD5 of the uncompressed data is {digest}" in said["en_US.UTF-8"]
    assert f"MD5 распакованных данных — {digest}" in said["ru_RU.UTF-8"]
    assert "missing" in said["en_US.UTF-8"] and "нет" in said["ru_RU.UTF-8"]  # the test files
    train = in_locale("ru_RU.UTF-8", "train", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert train.returncode == 1 and "назван .gz, но не сжат gzip" in " ".join(train.stderr.split())


def test_grading_with_a_bad_data_set_is_refused_before_any_student_code_runs(tmp_path, mnist_dir):
    """`mnist-hw grade` checks the data set while its gradings start (beside the canary): a corrupt
    file is said, with what to do, and nothing is graded: no grade, and no journal entry (the
    next run with good data grades it)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (data_dir / name).symlink_to(mnist_dir / name)
    (data_dir / "t10k-labels-idx1-ubyte").unlink()
    (data_dir / "t10k-labels-idx1-ubyte").write_bytes((mnist_dir / "t10k-labels-idx1-ubyte").read_bytes()[:-7])
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "network.py").write_text((ROOT / "solution/network.py").read_text())
    done = mnist_hw("grade", str(tmp_path / "s"), "--out", str(tmp_path / "out"), "--data-dir", str(data_dir))
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1 and "t10k-labels-idx1-ubyte" in said and "mnist-hw data fetch" in said, said
    assert "Traceback" not in said
    assert not (tmp_path / "out" / "s" / "grade.json").exists()
    again = mnist_hw("grade", str(tmp_path / "s"), "--out", str(tmp_path / "out"), "--skip-training",
                     data_dir=mnist_dir)  # the journal kept nothing of the refused run: graded now
    assert again.returncode == 0 and "unchanged since" not in again.stderr, again.stderr[-2000:]
    assert (tmp_path / "out" / "s" / "grade.json").exists()


# TensorFlow's C++ start-up lines (absl's notice, oneDNN's announcement), which TF_CPP_MIN_LOG_LEVEL does not
# silence; TF_ENABLE_ONEDNN_OPTS=0 would, but it changes Keras's numbers (the reference must reproduce).
TF_START_UP = ("All log messages before absl::InitializeLog()", "oneDNN custom operations are on")


def test_start_up_noise_is_dropped_at_the_file_descriptor():
    """What TensorFlow's C++ code writes on file descriptor 2 while it starts (absl's notice,
    oneDNN's announcement, written here at that level, below sys.stderr) is dropped; any other
    line, a real error, still reaches stderr as it came."""
    from assignment import keras_model

    script = (
        "import os\n"
        "from assignment import keras_model\n"
        "with keras_model.quiet_start_up():\n"
        "    os.write(2, b'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\\n')\n"
        "    os.write(2, b'I0000 00:00:1764000000.000000 1 port.cc:153] oneDNN custom operations are on. x\\n')\n"
        "    os.write(2, b'E0000 a real error\\n')\n"
        "os.write(2, b'after\\n')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert not [line for line in TF_START_UP if line in done.stderr], done.stderr
    assert done.stderr.splitlines() == ["E0000 a real error", "after"], done.stderr
    assert keras_model.START_UP_NOISE.search("WARNING: " + TF_START_UP[0])  # the test's lines are the filter's


@pytest.mark.keras
def test_tensorflows_start_up_lines_reach_no_student(mnist_dir, tmp_path):
    """`mnist-hw keras`, `mnist-hw compare` and the notebook's Keras cell (run in a real kernel,
    which forwards what the process writes on its file descriptor 2) say neither line, and oneDNN
    stays on."""
    # Which start-up lines TensorFlow writes depends on its version and the CPU (2.21 on some CPUs
    # writes none): the filter itself is tested on file descriptor 2 whatever this TensorFlow says
    # (test_start_up_noise_is_dropped_at_the_file_descriptor), and here the commands are run for real.
    keras = in_locale("C.UTF-8", "keras", "--epochs", "1", "--out", str(tmp_path / "runs/keras"), cwd=tmp_path,
                      MNIST_HW_DATA_DIR=str(mnist_dir))
    assert keras.returncode == 0, keras.stderr
    compare = in_locale("C.UTF-8", "compare", str(tmp_path / "runs/keras"), str(ROOT / "solution/reference.json"),
                        "--out", str(tmp_path / "compare.png"), cwd=tmp_path)
    assert compare.returncode == 0, compare.stderr
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    from autograder.authoring import notebook_source

    cells = ["from assignment import keras_model, runs\nfrom assignment.data import load_mnist\n"
             "mnist = load_mnist()\nEPOCHS = 1", notebook_source.KERAS]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    environ = {"MNIST_HW_DATA_DIR": str(mnist_dir), "PYTHONPATH": str(ROOT)}
    old = {k: os.environ.get(k) for k in environ}
    os.environ.update(environ)  # the kernel's environment is this process's
    try:
        NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    cell = " ".join(o.get("text", "") for o in notebook.cells[1].outputs)
    assert "Keras test accuracy" in cell, cell
    for said in (keras.stdout + keras.stderr, compare.stdout + compare.stderr, cell):
        assert not [line for line in TF_START_UP if line in said], said
    assert "TF_ENABLE_ONEDNN_OPTS" not in os.environ


def student_help(lang, *args):
    """The student release's `mnist-hw ARGS` (python -m autograder.local), as one line of words."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    environ.update(LANG=lang, COLUMNS="400", PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, "-m", "autograder.local", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())


def test_check_help_follows_the_locale_and_lang_overrides_it():
    """`mnist-hw check --help`: Russian where LANG says ru, English under C.UTF-8, and --lang (before
    or after --help, as `--lang ru` or `--lang=ru`) over either; typer's own words stay typer's."""
    from autograder import messages

    ru, en = (messages.HELP["check"][1], messages.HELP["json"][1]), (messages.HELP["check"][0], messages.HELP["json"][0])
    said = {("ru_RU.UTF-8",): student_help("ru_RU.UTF-8", "check", "--help"),
            ("C.UTF-8",): student_help("C.UTF-8", "check", "--help"),
            ("C.UTF-8", "--lang ru"): student_help("C.UTF-8", "check", "--lang", "ru", "--help"),
            ("ru_RU.UTF-8", "--lang=en"): student_help("ru_RU.UTF-8", "check", "--help", "--lang=en")}
    for key in (("ru_RU.UTF-8",), ("C.UTF-8", "--lang ru")):
        assert all(" ".join(text.split()) in said[key] for text in ru), said[key]
        assert not any(text in said[key] for text in en)
    for key in (("C.UTF-8",), ("ru_RU.UTF-8", "--lang=en")):
        assert all(" ".join(text.split()) in said[key] for text in en), said[key]
        assert not re.search("[А-Яа-яЁё]", said[key])
    assert all("Usage: mnist-hw check" in text and "Show this message and exit." in text for text in said.values())


@pytest.mark.parametrize("args", [[], ["data", "fetch"], ["train"]])  # all of them: the test below, in-process
def test_every_student_commands_help_follows_the_locale(args):
    """The student release's other commands and groups: their help, and their options', in Russian
    under LANG=ru_RU.UTF-8, in English with --lang en (given before the command's name too)."""
    ru = student_help("ru_RU.UTF-8", *args, "--help")
    en = student_help("ru_RU.UTF-8", "--lang", "en", *args, "--help")
    assert "ru или en: язык, на котором говорит команда" in ru and "Usage: mnist-hw" in ru
    assert "ru or en: the language of what the command says" in en and not re.search("[А-Яа-яЁё]", en)


def test_no_student_facing_help_is_left_in_english_only():
    """Every help text of the student release's `mnist-hw` (the command line's, each group's and
    command's, each option's and argument's) is a messages.HELP pair, said in the language chosen:
    built as typer builds it, in Russian every one has Cyrillic, in English none."""
    import typer.main

    from assignment.cli import localize_help
    from autograder.cli import student_app

    def helps(command):
        found = [(command.name, command.help)]
        found += [(f"{command.name} {p.name}", p.help) for p in command.params if p.name != "help"]
        for sub in getattr(command, "commands", {}).values():
            found += helps(sub)
        return found

    app = student_app()
    try:
        localize_help(app, "ru")
        ru = helps(typer.main.get_command(app))
        localize_help(app, "en")
        en = helps(typer.main.get_command(app))
    finally:
        localize_help(app, "en")
    assert len(ru) > 30 and [name for name, _ in ru] == [name for name, _ in en]
    assert [name for name, text in ru if not re.search("[А-Яа-яЁё]", text or "")] == []
    assert [name for name, text in en if not text or re.search("[А-Яа-яЁё]", text)] == []
