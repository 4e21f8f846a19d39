"""The sandbox in both of its modes (bubblewrap, and the fallback without namespaces), attacked
for real: a hunt for the reference across the filesystem, a disk filler, a process spawner
beside another grading; the import rule's packages readable and no others; a broken sandbox
refused before anything is graded; no box left behind."""
import fcntl
import os
import re
import time
from pathlib import Path

import pytest

import leftovers
from autograder import scheme
from autograder.authoring.examples import SOLUTION
from autograder.batch import run as batch
from autograder.batch.submissions import SubmissionError
from autograder.grading import grade as runner
from autograder.sandbox import box as sandbox
from autograder.sandbox import canary, tempdirs

HOSTILE = Path(__file__).parent / "hostile"
NO_TRAINING = scheme.AUTOGRADED - 20


def submission(tmp_path, name, text):
    path = tmp_path / name / "network.py"
    path.parent.mkdir(parents=True)
    path.write_text(text.replace("from solution_copy import *", SOLUTION.read_text()))
    return path.parent


def hostile(tmp_path, name):
    return submission(tmp_path, name, (HOSTILE / f"{name}.py").read_text())


def held(uid: int) -> bool:
    """Whether a grading holds sandbox user `uid` now (its lock file: sandbox.SandboxUser)."""
    try:
        fd = os.open(Path(tempdirs.tempfile.gettempdir()) / "mnist-hw-uids" / str(uid), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released by the close below
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def left_behind(before=frozenset()):
    """Processes of the sandbox's users that were not there `before` and whose user no grading
    holds any more. Other gradings on this machine (other tests, other xdist workers, other
    users) hold the users their processes run as, so theirs are not counted while they run."""
    return [pid for uid in sandbox.SANDBOX_UIDS for pid in sandbox._processes_of(uid)
            if pid not in before and not held(uid)]


def test_a_hunt_for_the_reference_finds_nothing_and_scores_zero(tmp_path, sandbox_mode):
    g = batch.grade_one(hostile(tmp_path, "hunts_reference"), tmp_path / "out", skip_training=True)
    assert g.score == 0
    assert "found: []" in g.output  # neither solution/network.py nor the test set is visible anywhere


def test_a_disk_filler_is_stopped_at_the_cap_and_leaves_nothing(tmp_path, sandbox_mode):
    g = batch.grade_one(hostile(tmp_path, "fills_disk"), tmp_path / "out", skip_training=True)
    assert g.score == 0  # killed while importing: at most its honest counterpart's 70
    assert "wrote more than the sandbox allows" in g.import_error
    written = [int(n) for n in re.findall(r"written: (\d+) MiB", g.output)]
    cap = sandbox.Limits().disk_bytes >> 20
    assert cap - 64 <= max(written) <= cap + 64, written  # stopped near the cap (overshoot: one check's writes)
    assert not list(Path("/tmp").glob("fill-*")) and not list(Path("/dev/shm").glob("fill-*"))


def test_a_user_s_processes_are_read_again_only_once_a_pid_was_given(monkeypatch):
    """The disk watcher's look at its user's processes (a hundred a second) reads /proc again
    where a PID was allocated since, or RESCAN_SECONDS passed; else it keeps what it found."""
    import subprocess
    import sys

    reads = []
    real = sandbox._processes_of
    monkeypatch.setattr(sandbox, "_processes_of", lambda uid: reads.append(uid) or real(uid))
    last = [1000]
    monkeypatch.setattr(sandbox, "last_pid", lambda: last[0])
    clock = [0.0]
    monkeypatch.setattr(sandbox.time, "monotonic", lambda: clock[0])
    mine = sandbox.UserProcesses(os.getuid())
    first = mine()
    assert os.getpid() in first and len(reads) == 1
    clock[0] += sandbox.UserProcesses.RESCAN_SECONDS / 2
    assert mine() == first and len(reads) == 1  # nothing made since: /proc not read
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        last[0] = child.pid  # what /proc/loadavg says after the fork
        assert child.pid in mine() and len(reads) == 2
        clock[0] += sandbox.UserProcesses.RESCAN_SECONDS
        mine()
        assert len(reads) == 3  # and at least every RESCAN_SECONDS, whatever the PID says
    finally:
        child.kill()
        child.wait()
    monkeypatch.undo()
    assert sandbox.last_pid() >= child.pid or sandbox.last_pid() < 1000  # the real one, unless the PIDs wrapped


def test_deleted_files_a_child_keeps_open_count_towards_the_cap(tmp_path, sandbox_mode):
    """A child the worker forks at import writes files it has deleted and keeps open: not in the
    box's tree, yet on the disk. Its user's processes are looked at again once a process is
    made (box.UserProcesses), so it is found and stopped near the cap, as a plain filler is."""
    g = batch.grade_one(hostile(tmp_path, "fills_disk_unseen"), tmp_path / "out", skip_training=True)
    assert g.score == 0 and "wrote more than the sandbox allows" in g.import_error, (g.import_error, g.output[-500:])
    written = [int(n) for n in re.findall(r"written unseen: (\d+) MiB", g.output)]
    cap = sandbox.Limits().disk_bytes >> 20
    assert written and max(written) <= cap + 64, written  # stopped near the cap, not at its 512 MiB
    assert "written unseen in all" not in g.output


def test_a_flood_of_prints_is_graded_for_what_it_does_its_output_cut(tmp_path, sandbox_mode):
    """100 MiB printed (over the 64 MiB file-size limit) goes through the drained pipe: the
    flooder earns its reference functions' points, its output is its first and last part with
    how much was cut between, the same text graded twice, and the batch goes on."""
    flooder = hostile(tmp_path, "floods_output")
    honest = submission(tmp_path, "honest", "from solution_copy import *")
    grades = batch.grade_batch([flooder, honest], tmp_path / "out", jobs=1, skip_training=True)
    flood, again = grades["floods_output"], batch.grade_one(flooder, tmp_path / "again", skip_training=True)
    assert grades["honest"].score == NO_TRAINING
    assert flood.grader_failure is None and not flood.import_error
    assert flood.score == NO_TRAINING, [c.en for c in flood.checks if c.status != "passed"]
    assert "File too large" not in flood.output
    assert flood.output.startswith("flood begins\nflood x")  # the first part kept
    assert flood.output.rstrip().endswith("x")  # and the last: the last forward call's flood
    assert re.search(r"\d{3},\d{3},\d{3} more bytes of output cut", flood.output)  # > 100 MiB counted
    assert "вырезано ещё" in flood.output
    assert len(flood.output) < 2 * sandbox.Limits().output_bytes
    assert again.output == flood.output and again.score == flood.score  # deterministic


def test_the_python_a_worker_runs_on_cannot_be_changed_and_grades_the_next_one_alike(tmp_path, sandbox_mode):
    """Without bubblewrap the interpreter, standard library and packages are one tree of hard
    links shared by every grading on the machine (autograder/sandbox/runtime.py): a submission
    that tries to add a module to it, open numpy for writing or change a mode is refused each
    time, earns its reference functions' points, and the honest grading after it gets full marks."""
    import sysconfig

    tamper = hostile(tmp_path, "tampers_runtime")
    honest = submission(tmp_path, "honest", "from solution_copy import *")
    grades = batch.grade_batch([tamper, honest], tmp_path / "out", jobs=1, skip_training=True)
    tried = grades["tampers_runtime"]
    assert tried.output.count(": refused (") == 3 and ": done" not in tried.output, tried.output
    assert tried.score == grades["honest"].score == NO_TRAINING
    stdlibs = {Path(sysconfig.get_paths()["stdlib"]), *Path(tempdirs.tempfile.gettempdir()).glob(
        f"{tempdirs.PREFIX}runtime-*/lib/python*")}
    assert not [p for p in stdlibs if (p / "mnist_hw_tamper_probe.py").exists()]


def test_packages_beside_the_standard_library_stay_out_of_reach(tmp_path, sandbox_mode):
    """A grader in a venv does not have its base interpreter's site-packages on its path, yet they
    lie beneath the standard library a worker is given (pyenv's lib/python3.X/site-packages);
    without bubblewrap they were linked into the worker's Python with it, and a submission could
    import what the import rule forbids from there (yaml, scipy). A submission that lists those
    places and imports the disallowed packages installed there finds none of them, in both modes."""
    import site
    import sys

    from autograder.sandbox import imports

    installed = sorted({n for d in site.getsitepackages([sys.base_prefix]) if Path(d).is_dir() for n in os.listdir(d)
                        if n.isidentifier() and (Path(d) / n / "__init__.py").exists() and not imports.is_allowed(n)})
    code = (HOSTILE / "reaches_base_packages.py").read_text().replace("NAMES = []", f"NAMES = {installed[:5]!r}")
    g = batch.grade_one(submission(tmp_path, "reaches", code), tmp_path / "out", skip_training=True)
    lines = [line for line in g.output.splitlines() if line.startswith("reach ")]
    assert len(lines) >= 2 + len(installed[:5]), g.output  # its own two places at least, and each import
    imported = [line for line in lines if line.startswith("reach import ")]
    assert len(imported) == len(installed[:5]) and all(": out of reach (" in line for line in imported), imported
    listed = [line for line in lines if ": listed [" in line]  # an empty mount point may be listed: nothing in it
    assert not [line for line in listed if any(repr(name) in line for name in installed)], listed
    assert g.score == NO_TRAINING


def test_directories_nested_thousands_deep_are_stopped_and_their_box_removed(tmp_path, sandbox_mode):
    """A submission nesting directories 3,000 deep (far under the file and byte caps) made its
    grading the grader's failure (RecursionError removing its box) and left the box behind, which
    an hour later made the sweep, and so every grading on the machine, fail. Now the depth cap
    stops it with its own message, its box is removed, and the honest grading after it is whole."""
    mine = f"{tempdirs._prefix('box')}*"
    before = set(Path(tempdirs.tempfile.gettempdir()).glob(mine))
    deep = hostile(tmp_path, "nests_deep")
    honest = submission(tmp_path, "honest", "from solution_copy import *")
    grades = batch.grade_batch([deep, honest], tmp_path / "out", jobs=1, skip_training=True)
    nested = grades["nests_deep"]
    assert nested.grader_failure is None, nested.grader_failure
    said = " ".join([nested.import_error or "", *(c.en for c in nested.checks)])
    assert "nested deeper than the sandbox allows" in said, said
    assert grades["honest"].score == NO_TRAINING
    assert not [p for p in Path(tempdirs.tempfile.gettempdir()).glob(f"{tempdirs.PREFIX}box-*")
                if p not in before and (p / "scratch").exists() and os.path.lexists(p / "scratch" / "d")]


def test_a_process_spawner_is_capped_and_cannot_starve_a_grading_beside_it(tmp_path, sandbox_mode):
    spawner = hostile(tmp_path, "spawns_processes")
    honest = submission(tmp_path, "honest", "from solution_copy import *")
    before = set(left_behind())
    grades = batch.grade_batch([spawner, honest], tmp_path / "out", jobs=2, skip_training=True)
    assert grades["honest"].score == NO_TRAINING  # graded at the same time, with its own processes
    children = int(re.search(r"children: (\d+)", grades["spawns_processes"].output).group(1))
    assert children < sandbox.Limits().processes  # the cap of its own user, not 1,000
    assert grades["spawns_processes"].score <= NO_TRAINING
    deadline = time.monotonic() + leftovers.PATIENCE_SECONDS  # reaped late on a loaded machine
    while left_behind(before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left_behind(before), "a spawned process (setsid: out of its group) survived the grading"


MATPLOTLIB_HEAD = "import matplotlib.pyplot as plt\n"
MATPLOTLIB_MAIN = """
if __name__ == "__main__":
    params = init_params()
    plt.plot([1, 2, 3])
    plt.savefig("curve.png")
"""


@pytest.mark.parametrize("text", [MATPLOTLIB_HEAD + "from solution_copy import *",
                                  "from solution_copy import *\nimport matplotlib.pyplot as plt\n" + MATPLOTLIB_MAIN],
                         ids=["import", "main-block"])
def test_a_plotting_import_costs_nothing(tmp_path, sandbox_mode, text):
    g = batch.grade_one(submission(tmp_path, "plots", text), tmp_path / "out", skip_training=True)
    assert g.import_error == ""
    assert g.score == NO_TRAINING


@pytest.mark.parametrize("module", ["scipy", "sklearn", "solution", "autograder"])
def test_no_other_package_imports(tmp_path, sandbox_mode, module):
    g = batch.grade_one(submission(tmp_path, "other", f"import {module}\nfrom solution_copy import *"),
                        tmp_path / "out", skip_training=True)
    assert g.score == 0
    assert module in g.import_error


def test_the_box_is_removed_however_a_grading_ends(tmp_path, sandbox_mode):
    mine = f"{tempdirs._prefix('box')}*"
    before = set(Path(tempdirs.tempfile.gettempdir()).glob(mine))
    broken = submission(tmp_path, "broken", "import numpy\nraise ValueError('at import')\n")
    g = runner.grade(broken / "network.py", skip_training=True)
    assert "at import" in g.import_error
    exits = submission(tmp_path, "exits", "import os\nos._exit(3)\n")
    assert "status 3" in runner.grade(exits / "network.py", skip_training=True).import_error
    assert set(Path(tempdirs.tempfile.gettempdir()).glob(mine)) == before


def test_the_canary_passes_on_a_sound_sandbox(sandbox_mode):
    assert canary.check() == {"fallback": "landlock"}.get(sandbox_mode, sandbox_mode)


def test_a_sandbox_whose_user_cannot_reach_python_is_refused_with_the_path(monkeypatch):
    """The issue's case for real: as root, Python under /root (0700) and no bubblewrap. Were the
    interpreter not linked into the box (the decision forced here), the worker's user could not
    execute it: the canary must refuse, naming the path, instead of every grade being 0."""
    python, _, _ = sandbox.interpreter_files()
    if sandbox.os.geteuid() != 0 or sandbox.reachable(python, sandbox.SANDBOX_UIDS.start):
        pytest.skip("needs root and a Python its sandbox user cannot reach (as on this project's machine)")
    monkeypatch.setenv(sandbox.MODE_VARIABLE, "fallback")
    monkeypatch.setattr(sandbox, "reachable", lambda path, uid: True)
    with pytest.raises(canary.SandboxBroken) as refused:
        canary.check()
    blocked = sandbox.first_unreachable([python], sandbox.SANDBOX_UIDS.start)
    assert f"cannot get through {blocked}" in str(refused.value)
    assert "chmod o+x" in str(refused.value)


def test_grading_is_refused_where_no_sandbox_can_run_unless_asked(monkeypatch, tmp_path):
    """No bubblewrap and no Landlock (forced: both report themselves missing): refused, saying why;
    --unsafe-no-sandbox grades, and the protections say what was missing."""
    monkeypatch.setenv(sandbox.MODE_VARIABLE, "fallback")
    monkeypatch.setattr(sandbox.confine, "landlock_abi", lambda: 0)
    with pytest.raises(sandbox.SandboxUnavailable, match="no sandbox can run here"):
        sandbox.isolation()
    with pytest.raises(SubmissionError, match="unsafe-no-sandbox"):
        batch.check_sandbox()
    assert batch.check_sandbox(unsafe=True) == "none"
    with sandbox.Sandbox(SOLUTION, unsafe=True) as box:
        assert box.ready == {"ok": True}
        assert not box.protections["filesystem"]


def test_what_is_printed_keeps_its_first_and_last_part_and_counts_the_rest():
    from autograder.local.capture import Printed
    from autograder.sandbox.printed import Kept

    kept = Kept(10)
    for chunk in (b"abc", b"defghij", b"k" * 100, b"lmnop"):
        kept.add(chunk)
    assert (bytes(kept.head), bytes(kept.tail), kept.cut) == (b"abcde", b"lmnop", 105)
    assert kept.text().startswith("abcde\n… 105 more bytes of output cut") and kept.text().endswith("…\nlmnop")
    small = Kept(10)
    small.add(b"short")
    assert small.text() == "short"
    local = Printed(10)  # mnist-hw check keeps the same parts by the same rule
    with local.capturing():
        print("abc" + "x" * 100 + "end")
    assert local.text() == Kept.text(_filled(10, ("abc" + "x" * 100 + "end\n").encode()))


def _filled(limit, data):
    from autograder.sandbox.printed import Kept

    kept = Kept(limit)
    kept.add(data)
    return kept
